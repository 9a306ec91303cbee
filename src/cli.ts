#!/usr/bin/env node
import { cacheHome, runCliScript } from './cli/script-loader.js';

/**
 * The `azfence` command (the package's bin). It turns Node's compile cache on first: then Node compiles the
 * JavaScript it loads as modules (yaml, ajv, the Azure SDK) once, and later runs read V8's cached code.
 * The package's bundle then runs the CLI from one script with a code cache of its own
 * (src/cli/script-loader.ts); run from the sources (tests) or bundled by other builds, it imports the CLI.
 */
declare const AZFENCE_CLI_SCRIPT: string | undefined;
declare const AZFENCE_CLI_SCRIPT_ID: string | undefined;

/**
 * No top-level await: the package's bin is built from this module as CommonJS (scripts/bundle.mjs), which
 * Node runs without starting its ES module loader, ~8-10 ms of CPU less per run than the same file as an ES
 * module. A rejection still ends the process with an error, as a rejected top-level await did.
 *
 * Once the command has run and its output has reached the OS, the process exits at once (with the exit code
 * the run set): left to end by itself, Node tears down its whole heap first, ~10 ms of CPU that nobody
 * waits for the result of. Output still queued for a full pipe is left to drain as usual.
 */
async function start(): Promise<void> {
  if (typeof AZFENCE_CLI_SCRIPT === 'string' && typeof AZFENCE_CLI_SCRIPT_ID === 'string') {
    // The bundle's bin is CommonJS (scripts/bundle.mjs), so it has a require of its own beside the script.
    // The script loads every package through it (yaml, ajv and cli-table3 by src/lazy-modules.ts, the Azure
    // SDK by the audit), so the compile cache is turned on there, when the first package is loaded: a scan
    // that loads none (a plan to JSON with the precompiled packs) never loads node:module, which costs every
    // start ~5M instructions (Node's ES module loader and source maps come with it), a 15th of an empty
    // Node process's start.
    const run = await runCliScript(new URL(AZFENCE_CLI_SCRIPT, import.meta.url), AZFENCE_CLI_SCRIPT_ID, process.env, withCompileCache(require));
    if (run.outputFlushed) process.exit();
  } else {
    enableCompileCache(process.env);
    await import('./cli/start.js');
  }
}

/** `binRequire`, turning the compile cache on before the first module it loads. */
function withCompileCache(binRequire: NodeJS.Require): NodeJS.Require {
  let enabled = false;
  const load = (id: string): unknown => {
    if (!enabled) {
      enabled = true;
      enableCompileCache(process.env);
    }
    return binRequire(id);
  };
  return Object.assign(load, { resolve: binRequire.resolve, cache: binRequire.cache, main: binRequire.main, extensions: binRequire.extensions }) as NodeJS.Require;
}
void start();

/**
 * Node's compile cache (module.enableCompileCache, Node 22.8+; older Nodes run without it) in the user's
 * cache directory: $XDG_CACHE_HOME/azfence/compile-cache, else ~/.cache/azfence/compile-cache (%LOCALAPPDATA%
 * on Windows).
 * A per-user directory, not the shared temporary one Node would pick, so no other user can place code there.
 * A cache that cannot be written (read-only home, no home at all) only costs the speed-up: Node reports it in
 * the returned status and runs on without it, and so does this. NODE_DISABLE_COMPILE_CACHE=1 turns it off
 * (and the script's code cache with it); a cache the user already set with NODE_COMPILE_CACHE is left as it is.
 */
function enableCompileCache(env: NodeJS.ProcessEnv): void {
  const base = cacheHome(env);
  if (!base) return;
  try {
    process.getBuiltinModule('node:module').enableCompileCache?.(`${base}/azfence/compile-cache`);
  } catch {
    // Without the cache the CLI compiles its code as it always did.
  }
}
