#!/usr/bin/env node
/**
 * The `azfence` command (the package's bin). Kept apart from the CLI it loads so that it can turn Node's
 * compile cache on first: then Node compiles the bundle's JavaScript once and later runs read V8's cached
 * code instead, which saves a small scan a good part of its startup. Everything the CLI needs is loaded by
 * the dynamic import below, after the cache is on; this module imports nothing itself.
 */
enableCompileCache(process.env);
await import('./cli/start.js');

/**
 * Node's compile cache (module.enableCompileCache, Node 22.8+; older Nodes run without it) in the user's
 * cache directory: $XDG_CACHE_HOME/azfence/compile-cache, else ~/.cache/azfence/compile-cache (%LOCALAPPDATA%
 * on Windows).
 * A per-user directory, not the shared temporary one Node would pick, so no other user can place code there.
 * A cache that cannot be written (read-only home, no home at all) only costs the speed-up: Node reports it in
 * the returned status and runs on without it, and so does this. NODE_DISABLE_COMPILE_CACHE=1 turns it off; a
 * cache the user already set with NODE_COMPILE_CACHE is left as it is.
 */
function enableCompileCache(env: NodeJS.ProcessEnv): void {
  const base = env['XDG_CACHE_HOME'] || (env['HOME'] ? `${env['HOME']}/.cache` : env['LOCALAPPDATA']);
  if (!base) return;
  try {
    process.getBuiltinModule('node:module').enableCompileCache?.(`${base}/azfence/compile-cache`);
  } catch {
    // Without the cache the CLI compiles its code as it always did.
  }
}
