import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawBoxTable, type BoxRow } from '../../src/reporters/box-table.js';

// The table reporter used to draw its table with cli-table3's Table; drawBoxTable must give the same text.
const Table = createRequire(import.meta.url)('cli-table3') as typeof import('cli-table3');

function cliTable3(head: string[], colWidths: number[], rows: BoxRow[]): string {
  const table = new Table({ head, colWidths: [...colWidths], wordWrap: true, wrapOnWordBoundary: true, style: { head: [], border: [], compact: false } });
  table.push(...(rows as never[]));
  return table.toString();
}

/** Words as the reporter gives them: ids, wide characters, combining marks, emoji, its own colour codes. */
const word = fc.oneof(
  fc.constantFrom('a', 'AZF-POOL-001', 'module.spoke["spoke-00001"].azurerm_private_endpoint.this', '/subscriptions/0000/resourceGroups/rg/providers/x', 'Fix:', ''),
  fc.constantFrom('名前', '🔥', 'e\u0301', 'ｗｉｄｅ', '\u001b[31mhigh\u001b[0m', '\u001b[1;31mcritical\u001b[0m', '\\x1b[2J', 'tab\\t'),
  fc.string({ maxLength: 30 }).map((text) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')),
);
const text = fc.array(fc.tuple(word, fc.constantFrom(' ', '  ', '\n', '')), { maxLength: 25 }).map((parts) => parts.flat().join(''));
const row: fc.Arbitrary<BoxRow> = fc.oneof(
  fc.tuple(text, text, text, text).map((cells): BoxRow => cells),
  text.map((content): BoxRow => [{ colSpan: 4, content }]),
);

describe('the table drawing', () => {
  it("is cli-table3's table, character for character, for any rows", () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), fc.integer({ min: 10, max: 60 }), fc.integer({ min: 20, max: 100 }), (rows, resource, finding) => {
        const head = ['Severity', 'Rule', 'Resource', 'Finding'];
        const colWidths = [11, 14, resource, finding];
        expect(drawBoxTable(head, colWidths, rows)).toBe(cliTable3(head, colWidths, rows));
      }),
      { numRuns: 400 },
    );
  });

  it('draws a fix row under a finding row and a finding row under a fix row with the junctions of both', () => {
    const rows: BoxRow[] = [['high', 'R-1', 'res', 'msg'], [{ colSpan: 4, content: 'Fix: this' }], ['low', 'R-2', 'res', 'msg']];
    const lines = drawBoxTable(['S', 'R', 'X', 'F'], [5, 5, 5, 5], rows).split('\n');
    expect(lines).toEqual([
      '┌─────┬─────┬─────┬─────┐',
      '│ S   │ R   │ X   │ F   │',
      '├─────┼─────┼─────┼─────┤',
      '│ hi… │ R-1 │ res │ msg │',
      '├─────┴─────┴─────┴─────┤',
      '│ Fix: this             │',
      '├─────┬─────┬─────┬─────┤',
      '│ low │ R-2 │ res │ msg │',
      '└─────┴─────┴─────┴─────┘',
    ]);
    expect(lines.join('\n')).toBe(cliTable3(['S', 'R', 'X', 'F'], [5, 5, 5, 5], rows));
  });
});
