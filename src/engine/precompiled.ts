import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { PACKAGE_ROOT } from './policy-dir.js';
import { yaml } from '../lazy-modules.js';
import { sourceTreeIdOf } from './source-tree-id.js';

/**
 * Build-time results (scripts/precompile.mjs writes dist/generated/*.json, and the package ships them): the
 * built-in rule packs parsed and validated, and the data tables, so a scan parses no YAML and compiles no
 * JSON schema at startup. Each records what it was made from: a copy of every source file, and the identity
 * of the code that compiled them. It is used only while both match what would run now, so an
 * edited pack or table, in a checkout or in an installed package, is compiled afresh and never served stale.
 * Contents, not file times: npm gives every installed file the same 1985 time, and git, tar and editors set
 * times that say nothing about contents.
 */
export const GENERATED_DIR = join(PACKAGE_ROOT, 'dist', 'generated');

/** Set by scripts/bundle.mjs (esbuild `define`): the identity of the sources the bundle was built from. */
declare const AZFENCE_BUILD_ID: string | undefined;

export interface Precompiled<T> {
  /** sourceTreeId() of the code that compiled `value`. */
  compiler: string;
  /** Package-relative paths of the files `value` was compiled from, each kept as a copy in `sources/`. */
  sources: string[];
  value: T;
}

/**
 * The identity of azfence's code as it is in src/: one hash over every .ts file's path and contents. The
 * build stamps it into the bundle and into each precompiled file; code run from the sources (tests) computes
 * it here. Undefined where there are no sources and no stamp: then the cache
 * is never used.
 */
export function sourceTreeId(root = PACKAGE_ROOT): string | undefined {
  return sourceTreeIdOf(root);
}

let runningCompiler: string | null | undefined;
function compilerId(): string | undefined {
  runningCompiler ??= (typeof AZFENCE_BUILD_ID === 'string' ? AZFENCE_BUILD_ID : sourceTreeId()) ?? null;
  return runningCompiler ?? undefined;
}

/** A source's package-relative path, with forward slashes. */
function packagePath(file: string): string {
  // The sources asked for are joined under the package root, so the path is usually the rest of the string.
  // path.relative resolves both paths character by character in JavaScript; a scan asks for a dozen, enough
  // to make V8 optimise path's inner loop on a compiler thread (~4 ms of CPU for a small scan).
  if (sep === '/' && file.startsWith(`${PACKAGE_ROOT}/`) && NORMAL_TAIL.test(file.slice(PACKAGE_ROOT.length + 1))) return file.slice(PACKAGE_ROOT.length + 1);
  return relative(PACKAGE_ROOT, file).split(sep).join('/');
}

/** A relative path that path.relative would return as it is: no empty, `.` or `..` segment. */
const NORMAL_TAIL = /^(?!\.\.?(?:\/|$))[^/]+(?:\/(?!\.\.?(?:\/|$))[^/]+)*$/;

/** Where the build keeps the copy of a source it compiled, beside the compiled result. */
function copyOf(dir: string, path: string): string {
  return joinNormal(dir, `sources/${path}`);
}

/**
 * path.join(dir, tail), by concatenation where join would return just that: an absolute `dir` and a `tail`
 * with no empty, `.` or `..` segment (as above, to keep path's inner loop cold).
 */
function joinNormal(dir: string, tail: string): string {
  if (sep === '/' && dir.startsWith('/') && NORMAL_TAIL.test(dir.slice(1)) && NORMAL_TAIL.test(tail)) return `${dir}/${tail}`;
  return join(dir, tail);
}

/**
 * The precompiled value for exactly these source files, or undefined when there is none, when it was
 * compiled by other code, or when any of the files differs from what it was compiled from.
 *
 * Each source is compared byte for byte with the copy the build kept, not by a digest: a comparison costs
 * a scan's startup well under a millisecond, while hashing the packs (with node:crypto loaded for it) cost
 * a small scan about a sixth of its own time.
 */
export function readPrecompiled<T>(name: string, sources: readonly string[], dir = GENERATED_DIR): T | undefined {
  const compiler = compilerId();
  if (compiler === undefined) return undefined;
  try {
    const stored = JSON.parse(readFileSync(joinNormal(dir, `${name}.json`), 'utf8')) as Precompiled<T>;
    if (stored.compiler !== compiler) return undefined;
    const paths = sources.map(packagePath);
    if (!Array.isArray(stored.sources) || stored.sources.length !== paths.length) return undefined;
    for (let i = 0; i < paths.length; i++) {
      if (stored.sources[i] !== paths[i]) return undefined;
      if (!readFileSync(sources[i]!).equals(readFileSync(copyOf(dir, paths[i]!)))) return undefined;
    }
    return stored.value;
  } catch {
    return undefined;
  }
}

/**
 * What scripts/precompile.mjs writes: `<dir>/<name>.json` holding `value`, compiled from `sources` by the
 * code in src/, and a copy of each source under `<dir>/sources/`.
 */
export function writePrecompiled<T>(dir: string, name: string, sources: readonly string[], value: T): void {
  const compiler = sourceTreeId();
  if (compiler === undefined) throw new Error(`no sources under ${join(PACKAGE_ROOT, 'src')} to stamp precompiled results with`);
  const paths = sources.map(packagePath);
  paths.forEach((path, i) => {
    mkdirSync(dirname(copyOf(dir, path)), { recursive: true });
    copyFileSync(sources[i]!, copyOf(dir, path));
  });
  const stored: Precompiled<T> = { compiler, sources: paths, value };
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(stored));
}

/** A data table under policies/data (zones, egress profiles): precompiled JSON when fresh, else parsed YAML. */
export function readYamlData(file: string): unknown {
  const stored = readPrecompiled<unknown>(dataTableName(file), [file]);
  if (stored !== undefined) return stored;
  return yaml().parse(readFileSync(file, 'utf8')) as unknown;
}

export function dataTableName(file: string): string {
  return `data-${file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '')}`;
}
