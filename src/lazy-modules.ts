import { createRequire } from 'node:module';

/**
 * yaml (~40 ms to import), ajv (~35 ms) and cli-table3 (~13 ms) are loaded on first use, not at startup:
 * a scan of a plan with the precompiled built-in packs needs none of them, and Node's own startup
 * (~40-60 ms) should dominate a small scan. All three ship CommonJS, so a synchronous require keeps the
 * callers synchronous. Every package loaded this way goes through this module: the GitHub Action's
 * self-contained build swaps it for src/action/bundled-modules.ts, which imports them into the bundle.
 */
let requireHere: NodeJS.Require | undefined;
/** Made on first use: createRequire resolves module paths and builds a module, work a scan that loads none of these packages need not do. */
function require(id: string): unknown {
  requireHere ??= createRequire(import.meta.url);
  return requireHere(id);
}

export function yaml(): typeof import('yaml') {
  return require('yaml') as typeof import('yaml');
}

export function ajv(): typeof import('ajv') {
  return require('ajv') as typeof import('ajv');
}

/** cli-table3's text helpers (src/utils.js): the table reporter draws its table with them (reporters/box-table.ts). */
export interface CliTable3Text {
  wordWrap(maxLength: number, input: string, wrapOnWordBoundary?: boolean): string[];
  colorizeLines(lines: string[]): string[];
  truncate(text: string, desiredLength: number, truncateChar?: string): string;
  pad(text: string, length: number, padding: string, direction?: string): string;
}

export function cliTable3Text(): CliTable3Text {
  return require('cli-table3/src/utils.js') as CliTable3Text;
}
