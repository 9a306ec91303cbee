import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/run-cli.js';
import { writeOutput } from '../../src/write-output.js';

/**
 * Report files are written through a buffer that gathers small parts and writes a megabyte at a time; parts
 * too large for it are written on their own. Whatever the mix, the file must hold exactly the parts' UTF-8.
 */
function written(parts: string[]): Buffer {
  const dir = tempDir();
  writeOutput({ flag: '--output', path: 'report.txt' }, parts, dir);
  return readFileSync(join(dir, 'report.txt'));
}

const MEGABYTE = 1 << 20;

describe('writeOutput', () => {
  it('keeps every byte of parts whose UTF-8 runs past the end of the buffer', () => {
    const cases: string[][] = [
      // Fewer code units than the bytes left, more UTF-8 bytes than that: three-byte and four-byte characters.
      ['x'.repeat(MEGABYTE - 10), '€'.repeat(5), 'end'],
      ['x'.repeat(MEGABYTE - 7), '𝄞'.repeat(3), 'end'],
      ['x'.repeat(MEGABYTE - 2), '\ud800', 'é', 'end'],
      // Exactly filling the buffer, then one more byte.
      ['x'.repeat(MEGABYTE - 3), 'abc', 'd'],
      // A part too large to gather, between small ones; and one larger than the buffer itself.
      ['head', '€'.repeat(MEGABYTE / 2), 'middle', 'y'.repeat(MEGABYTE + 5), 'é'.repeat(MEGABYTE), 'tail'],
      // A surrogate pair wherever a long part may be cut into slices (a third of the buffer in code units).
      ...[-2, -1, 0, 1].map((shift) => ['head', `${'x'.repeat(Math.floor(MEGABYTE / 3) + shift)}\u{1d11e}${'y'.repeat(MEGABYTE)}\u{1f512}`, 'tail']),
      // Nothing at all, and empty parts.
      [],
      ['', '', 'a', ''],
    ];
    for (const parts of cases) expect(written(parts).equals(Buffer.from(parts.join(''), 'utf8'))).toBe(true);
  });

  it('writes a random mix of part sizes and characters in order', () => {
    const wide = ['é', '€', '𝄞', '\ud800', '\u2028', 'a'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const parts: string[] = [];
    for (let i = 0; i < 300; i++) {
      const roll = next();
      const length = roll < 0.05 ? 0 : roll < 0.9 ? Math.floor(next() * 60_000) : roll < 0.98 ? 300_000 + Math.floor(next() * 200_000) : 1_200_000;
      let part = '';
      while (part.length < length) part += next() < 0.5 ? 'x'.repeat(1 + Math.floor(next() * 500)) : wide[Math.floor(next() * wide.length)]!.repeat(1 + Math.floor(next() * 500));
      parts.push(part);
    }
    expect(written(parts).equals(Buffer.from(parts.join(''), 'utf8'))).toBe(true);
  });
});
