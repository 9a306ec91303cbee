import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Small modules with one job each: a source file over 400 lines is doing several, and is split before it
 * grows further. Source is every program file under src/, scripts/ and bench/ (not their Markdown).
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
const MAX_LINES = 400;
const SOURCE = /\.(?:ts|mts|cts|js|mjs|cjs|sh)$/;

/** The repository's own files (tracked or new, not ignored): bench/out and other build output are not source. */
function sourceFiles(dirs: readonly string[]): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', ...dirs], { cwd: ROOT, encoding: 'utf8' });
  return listed.split('\0').filter((file) => SOURCE.test(file));
}

/** Lines as an editor numbers them: a final newline does not start another line. */
function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

function oversized(files: ReadonlyMap<string, string>): string[] {
  return [...files].filter(([, text]) => lineCount(text) > MAX_LINES).map(([file, text]) => `${file}: ${lineCount(text)} lines`);
}

describe('file size', () => {
  const files = new Map(sourceFiles(['src', 'scripts', 'bench']).map((file) => [file, readFileSync(join(ROOT, file), 'utf8')] as const));

  it('reads every source file of src/, scripts/ and bench/', () => {
    expect(files.size).toBeGreaterThan(150);
    for (const file of ['src/scan.ts', 'scripts/bundle.mjs', 'bench/run.mjs']) expect(files.has(file)).toBe(true);
  });

  it(`no source file is over ${MAX_LINES} lines`, () => {
    expect(oversized(files)).toEqual([]);
  });

  it('counts lines as an editor does, and flags a file one line over the limit', () => {
    expect([lineCount(''), lineCount('a'), lineCount('a\n'), lineCount('a\nb'), lineCount('a\n\n')]).toEqual([0, 1, 1, 2, 2]);
    const atLimit = 'x\n'.repeat(MAX_LINES);
    expect(oversized(new Map([['at.ts', atLimit], ['over.ts', `${atLimit}y\n`]]))).toEqual([`over.ts: ${MAX_LINES + 1} lines`]);
  });
});
