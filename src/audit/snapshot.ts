import { writeOutput } from '../write-output.js';

/**
 * What an audit read, in the shape `az graph query -o json` prints, which `azfence scan` reads back: an
 * audit can be reproduced offline and diffed between runs.
 */
export function snapshotOf(rows: readonly Record<string, unknown>[]): { count: number; data: readonly Record<string, unknown>[]; skip_token: null; total_records: number } {
  return { count: rows.length, data: rows, skip_token: null, total_records: rows.length };
}

/**
 * One row per line: findings point at the row's line, the file diffs row by row, and it stays a fraction
 * of the size of fully indented JSON for 100,000 resources.
 */
export function snapshotText(rows: readonly Record<string, unknown>[]): string {
  const lines = rows.map((row) => `    ${JSON.stringify(row)}`);
  return `{\n  "count": ${rows.length},\n  "data": [\n${lines.join(',\n')}\n  ],\n  "skip_token": null,\n  "total_records": ${rows.length}\n}\n`;
}

/** Written like every report file (cli/write-output.ts): never through a symlink, never over an input. */
export function writeSnapshot(path: string, text: string, cwd: string): void {
  writeOutput({ flag: '--snapshot-out', path }, text, cwd);
}
