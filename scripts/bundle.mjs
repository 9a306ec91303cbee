#!/usr/bin/env node
// The build's one compile pass (tsc only type-checks): esbuild turns src/ into
//   dist/bundle/   the CLI as the package ships it: cli.js (the bin) and cli-script.js, the CLI it runs;
//   dist/tools/    build-tools.js: what the build's own scripts (precompile.mjs, generate-rule-docs.mjs) import.
// One build, so the tools run exactly the code the CLI runs, stamped with the same identity.
//
// Startup is most of a small scan's time, so the bundle is shaped for it:
// - cli.js (CommonJS, src/cli.ts) turns Node's compile cache on, then runs cli-script.js;
// - cli-script.js is the whole CLI (src/cli/process-run.ts) as one classic script, which cli.js compiles with
//   node:vm and a V8 code cache made after a run, so the functions a command runs are not compiled again at
//   every start (src/cli/script-loader.ts). The audit's modules in it are evaluated only when `audit` runs,
//   and only then is the Azure SDK required;
// - Node's built-in modules are taken with process.getBuiltinModule rather than `import ... from 'node:fs'`:
//   an ES import of a built-in builds its full ES module facade, and fs's and util's load fs/promises,
//   streams and worker_threads with it, which a scan never uses;
// - commander is bundled in (every command parses its arguments), with the child_process module it requires
//   for git-style subcommands, which azfence does not have, loaded only if it is ever used;
// - every other package stays external: yaml, ajv and cli-table3 are loaded on first use
//   (src/lazy-modules.ts), the Azure SDK only by `audit`.
// The bundle carries the identity of the sources it was built from (AZFENCE_BUILD_ID), which the precompiled
// packs must match to be used (src/engine/precompiled.ts).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build, transform } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');

/** The sources' identity, from src/engine/source-tree-id.ts itself (it imports only Node's built-ins). */
async function sourceTreeId() {
  const { code } = await transform(readFileSync(join(root, 'src', 'engine', 'source-tree-id.ts'), 'utf8'), { loader: 'ts', format: 'esm' });
  const { sourceTreeIdOf } = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  return sourceTreeIdOf(root);
}

/** Built-in modules whose loading a run should pay for only when it calls them. */
const LOADED_ON_USE = new Set(['child_process']);
const identifier = /^[A-Za-z_$][\w$]*$/;

/**
 * An `import { x } from 'node:y'` becomes a module whose exports are the named properties of
 * process.getBuiltinModule('node:y'), each marked pure so that the bundle keeps only those it uses: reading
 * them all would load what some of them load lazily (util's parseArgs brings streams and worker_threads). A
 * `require('node:y')` (commander's) gets the module object itself, untouched.
 */
function builtinModuleSource(name, kind) {
  const load = `process.getBuiltinModule(${JSON.stringify(`node:${name}`)})`;
  if (kind === 'require') {
    // node:process is the process object; taking it from there skips loading (compiling) its module.
    if (name === 'process') return 'module.exports = process;';
    if (!LOADED_ON_USE.has(name)) return `module.exports = ${load};`;
    return `let loaded;
const load = () => (loaded ??= ${load});
module.exports = new Proxy({}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
    return descriptor && { ...descriptor, configurable: true };
  },
});`;
  }
  const names = Object.getOwnPropertyNames(process.getBuiltinModule(`node:${name}`)).filter((key) => identifier.test(key) && key !== 'default');
  return [
    `const builtin = /* @__PURE__ */ ${load};`,
    ...names.map((key) => `export const ${key} = /* @__PURE__ */ (() => builtin.${key})();`),
    'export default builtin;',
  ].join('\n');
}

const builtins = {
  name: 'builtins-on-demand',
  setup(plugin) {
    plugin.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, ({ path, kind }) => {
      const name = path.replace(/^node:/, '');
      if (!builtinModules.includes(name)) return undefined;
      return { path: name, namespace: kind === 'require-call' ? 'node-builtin-require' : 'node-builtin-import' };
    });
    plugin.onLoad({ filter: /.*/, namespace: 'node-builtin-require' }, ({ path }) => ({ loader: 'js', contents: builtinModuleSource(path, 'require') }));
    plugin.onLoad({ filter: /.*/, namespace: 'node-builtin-import' }, ({ path }) => ({ loader: 'js', contents: builtinModuleSource(path, 'import') }));
  },
};

/** Packages stay in node_modules, except those bundled in. */
const BUNDLED_PACKAGES = new Set(['commander']);
const packages = {
  name: 'external-packages',
  setup(plugin) {
    plugin.onResolve({ filter: /^[^./]/ }, ({ path }) => {
      const name = path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : path.split('/')[0];
      return BUNDLED_PACKAGES.has(name) ? undefined : { path, external: true };
    });
  },
};

// Chunk names carry content hashes: without a clean directory, every rebuild leaves the old chunks behind.
// Whatever else is in dist/ (an older build's tsc output) is gone too; precompile.mjs writes dist/generated.
for (const name of (existsSync(dist) ? readdirSync(dist) : []).filter((name) => name !== 'generated')) {
  rmSync(join(dist, name), { recursive: true, force: true });
}
/**
 * What the build's scripts import, as one entry module: one entry rather than one per source module, so that
 * the code the CLI shares with them stays in few chunks (every chunk is one more module for the CLI to load).
 */
const TOOLS = `
export { BUILT_IN_POLICY_DIR, builtInPackSources, builtInPacks, loadRules } from './src/engine/load-packs.ts';
export { GENERATED_DIR, dataTableName, writePrecompiled } from './src/engine/precompiled.ts';
export { yaml } from './src/lazy-modules.ts';
export { RULE_DOCS_DIR, generateRuleDocs } from './src/cli/rule-docs.ts';
export { loadRuleExamples } from './src/cli/rule-examples.ts';
`;
const tools = {
  name: 'build-tools',
  setup(plugin) {
    plugin.onResolve({ filter: /^build-tools$/ }, () => ({ path: 'build-tools', namespace: 'build-tools' }));
    plugin.onLoad({ filter: /.*/, namespace: 'build-tools' }, () => ({ contents: TOOLS, resolveDir: root, loader: 'ts' }));
  },
};

const buildId = (await sourceTreeId()) ?? '';
const common = { bundle: true, platform: 'node', target: 'node22', logLevel: 'warning' };

await build({
  ...common,
  entryPoints: { 'tools/build-tools': 'build-tools' },
  outdir: dist,
  chunkNames: 'tools/[name]-[hash]',
  splitting: true,
  format: 'esm',
  define: { AZFENCE_BUILD_ID: JSON.stringify(buildId) },
  plugins: [tools, builtins, packages],
});

/**
 * The CLI as one classic script: a function expression that cli.js compiles and calls with the script's
 * require, its module object and the URL import.meta.url would have been (src/cli/script-loader.ts). esbuild
 * makes it strict, as the ES modules it is built from are. Its dynamic imports (the audit) become modules
 * evaluated on first use, inside the script.
 */
const SCRIPT = 'cli-script.js';
const script = await build({
  ...common,
  entryPoints: [join(root, 'src', 'cli', 'process-run.ts')],
  write: false,
  outfile: join(dist, 'bundle', SCRIPT),
  format: 'cjs',
  // AZFENCE_SCRIPT_REQUIRE: the require the bin hands the script, for src/lazy-modules.ts.
  define: { AZFENCE_BUILD_ID: JSON.stringify(buildId), 'import.meta.url': 'azfenceImportMetaUrl', AZFENCE_SCRIPT_REQUIRE: 'require' },
  banner: { js: '(function (require, module, azfenceImportMetaUrl) {' },
  footer: { js: '})' },
  plugins: [builtins, packages],
});
const [scriptFile] = script.outputFiles;
// A dynamic import() left in the script would fail when it runs: a vm.Script has no module loader of its own.
if (/\bimport\(/.test(scriptFile.text)) {
  console.error(`bundle: ${SCRIPT} holds a dynamic import(); bundle the module it loads, or require() it`);
  process.exitCode = 1;
}
mkdirSync(join(dist, 'bundle'), { recursive: true });
writeFileSync(scriptFile.path, scriptFile.contents);

/**
 * The bin, as CommonJS: Node runs a CommonJS main without starting its ES module loader, which an ES module
 * bin paid for at every start (~8-10 ms of CPU on the shared runner, bench/README.md round six).
 * dist/bundle/package.json says so, so the bin keeps its name (the root package.json says "module").
 */
await build({
  ...common,
  entryPoints: { 'bundle/cli': join(root, 'src', 'cli.ts') },
  outdir: dist,
  format: 'cjs',
  // Strict, as the ES module it is built from (esbuild's own "use strict" would come after this line, too late).
  banner: { js: '"use strict";\nconst azfenceCliUrl = process.getBuiltinModule("node:url").pathToFileURL(__filename).href;' },
  define: {
    'import.meta.url': 'azfenceCliUrl',
    AZFENCE_CLI_SCRIPT: JSON.stringify(`./${SCRIPT}`),
    // Names the script's code caches: a rebuilt script is never run with another build's cache.
    AZFENCE_CLI_SCRIPT_ID: JSON.stringify(createHash('sha256').update(scriptFile.contents).digest('hex').slice(0, 16)),
  },
  plugins: [builtins, packages],
});

writeFileSync(join(dist, 'bundle', 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);

// cli.js reads cli-script.js as Latin-1, which is exact only for ASCII (a UTF-8 em dash would turn into three
// other characters). And a source is a one-byte string only if every character fits in Latin-1; one em dash
// in a regular expression (which esbuild leaves as written) makes the whole file two-byte: twice the memory,
// and slower to parse lazily at every start. Write such characters as \u escapes in src/.
for (const name of readdirSync(join(dist, 'bundle'))) {
  const text = readFileSync(join(dist, 'bundle', name), 'utf8');
  const at = text.search(/[^\x00-\x7f]/);
  if (at >= 0) {
    const line = text.slice(0, at).split('\n').length;
    console.error(`bundle: dist/bundle/${name}:${line} holds the non-ASCII character U+${text.codePointAt(at).toString(16).toUpperCase().padStart(4, '0')}: write it as a \\u escape in src/`);
    process.exitCode = 1;
  }
}
