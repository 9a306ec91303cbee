import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lineCursor } from '../../src/inputs/parse-json.js';

/**
 * Findings point at a resource's line and column (1-based; the column counts from the line's start). The
 * cursor is asked offsets in increasing order, the same one more than once when two findings share a place,
 * and is held here to counting the newlines before each offset afresh.
 */
function placeOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(offset, 0));
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

describe('line cursor', () => {
  it('gives every offset, asked in increasing order, its line and column', () => {
    const text = fc.array(fc.constantFrom('a', '"', '\n', '\r\n', '{', ' ', '\u00e9'), { maxLength: 80 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 20 }), (body, picks) => {
        const offsets = picks.map((pick) => pick % (body.length + 1)).sort((a, b) => a - b);
        const positionAt = lineCursor(body);
        for (const offset of offsets) expect(positionAt(offset)).toEqual(placeOf(body, offset));
      }),
      { numRuns: 500 },
    );
  });

  it('places offset 0 on line 1, column 1, even when the text starts with a newline', () => {
    expect(lineCursor('\n\n{"a": "b"}')(0)).toEqual({ line: 1, column: 1 });
    expect(lineCursor('\n\n{"a": "b"}')(2)).toEqual({ line: 3, column: 1 });
  });

  it('places offsets on an indented plan as a reader counts them', () => {
    const text = JSON.stringify({ resource_changes: [{ address: 'a.b' }, { address: 'c.d' }] }, null, 2);
    const positionAt = lineCursor(text);
    const first = text.indexOf('"address"');
    const second = text.indexOf('"address"', first + 1);
    expect(positionAt(first)).toEqual({ line: 4, column: 7 });
    expect(positionAt(first)).toEqual({ line: 4, column: 7 });
    expect(positionAt(second)).toEqual({ line: 7, column: 7 });
  });
});
