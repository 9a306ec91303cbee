/**
 * yaml (~40 ms to import), ajv (~35 ms) and cli-table3 (~13 ms) are loaded on first use, not at startup:
 * a scan of a plan with the precompiled built-in packs needs none of them, and Node's own startup
 * (~40-60 ms) should dominate a small scan. All three ship CommonJS, so a synchronous require keeps the
 * callers synchronous. Every package loaded this way goes through this module: the GitHub Action's
 * self-contained build swaps it for src/action/bundled-modules.ts, which imports them into the bundle.
 */
let requireHere: NodeJS.Require | undefined;

/**
 * In the package's bundle, the require its bin gave the CLI script (scripts/bundle.mjs defines this as the
 * script's `require`): it resolves from the same directory, and turns Node's compile cache on before the first
 * package it loads (src/cli.ts). Elsewhere (the sources, the build's tools) undefined.
 */
declare const AZFENCE_SCRIPT_REQUIRE: NodeJS.Require | undefined;

/**
 * Made on first use: node:module (for createRequire) costs a start ~5M instructions to load, and
 * createRequire resolves module paths and builds a module, work a scan that loads none of these packages
 * need not do.
 */
function load(id: string): unknown {
  requireHere ??= typeof AZFENCE_SCRIPT_REQUIRE === 'function' ? AZFENCE_SCRIPT_REQUIRE : process.getBuiltinModule('node:module').createRequire(import.meta.url);
  return requireHere(id);
}

export function yaml(): typeof import('yaml') {
  return load('yaml') as typeof import('yaml');
}

export function ajv(): typeof import('ajv') {
  return load('ajv') as typeof import('ajv');
}

/** cli-table3's text helpers (src/utils.js): the table reporter draws its table with them (reporters/box-table.ts). */
export interface CliTable3Text {
  wordWrap(maxLength: number, input: string, wrapOnWordBoundary?: boolean): string[];
  colorizeLines(lines: string[]): string[];
  truncate(text: string, desiredLength: number, truncateChar?: string): string;
  pad(text: string, length: number, padding: string, direction?: string): string;
}

export function cliTable3Text(): CliTable3Text {
  return load('cli-table3/src/utils.js') as CliTable3Text;
}
