import { cliTable3Text } from '../lazy-modules.js';

/** A row: one text per column, or one text across every column. */
export type BoxRow = string[] | [{ colSpan: number; content: string }];

/** The border characters of cli-table3's default style. */
const CHARS = {
  top: '─',
  topMid: '┬',
  topLeft: '┌',
  topRight: '┐',
  bottom: '─',
  bottomMid: '┴',
  bottomLeft: '└',
  bottomRight: '┘',
  left: '│',
  leftMid: '├',
  mid: '─',
  midMid: '┼',
  right: '│',
  rightMid: '┤',
} as const;

interface LaidOutCell {
  x: number;
  colSpan: number;
  /** The cell's inner width: its columns and the borders between them, padding included. */
  width: number;
  widths: number[];
  lines: string[];
  /** Printable ASCII only (PLAIN): a character is a column. */
  plain: boolean;
}

/**
 * Printable ASCII and line breaks: most of a report's text. Each character is one column wide, there is no
 * colour code to carry from line to line and no space but U+0020, so cli-table3's wrapping comes down to
 * counting characters (wrapPlain), without measuring every word's display width.
 */
const PLAIN = /^[\x20-\x7e\n]*$/;

/** cli-table3's word wrapping (utils.wordWrap) of PLAIN text: each line's words, packed up to `maxLength` columns. */
function wrapPlain(maxLength: number, input: string): string[] {
  const lines: string[] = [];
  for (const source of input.split('\n')) {
    // Words and the runs of spaces between them, as cli-table3 splits on /(\s+)/.
    const split = source.split(/( +)/);
    let line = '';
    let lineLength = 0;
    let whitespace: string | undefined;
    for (let i = 0; i < split.length; i += 2) {
      const word = split[i]!;
      let newLength = lineLength + word.length;
      if (lineLength > 0 && whitespace) newLength += whitespace.length;
      if (newLength > maxLength) {
        if (lineLength !== 0) lines.push(line);
        line = word;
        lineLength = word.length;
      } else {
        line += (whitespace ?? '') + word;
        lineLength = newLength;
      }
      whitespace = split[i + 1];
    }
    if (lineLength) lines.push(line);
  }
  return lines;
}

/**
 * Exactly the text of a cli-table3 table with a head row, fixed column widths, word wrapping, one space of
 * padding and no colours of its own, drawn with cli-table3's own text helpers (its wrapping, display widths,
 * ANSI-aware truncation and padding), but without cli-table3's table layout. That layout compares every cell
 * with every cell of the rows above it, looking for gaps to fill (this table has none), and each line of each
 * cell it draws first cuts the whole cell's text to ten columns for a debug message it then discards, one
 * character at a time, measuring the rest every time; a long multi-line cell costs milliseconds. 20,000
 * findings took over a minute and a half of CPU to print; drawn here, about two seconds under load, most of
 * it joining and writing the 38 MB of text.
 */
export function drawBoxTable(head: string[], colWidths: readonly number[], rows: readonly BoxRow[]): string {
  const text = cliTable3Text();
  const layOut = (row: BoxRow): LaidOutCell[] => {
    const cells: LaidOutCell[] = [];
    let x = 0;
    for (const cell of row) {
      const { colSpan, content } = typeof cell === 'string' ? { colSpan: 1, content: cell } : cell;
      const widths = colWidths.slice(x, x + colSpan);
      // cli-table3 wraps at the column's width less its padding plus the widths of the columns it spans.
      let wrapAt = widths[0]! - 2;
      for (let i = 1; i < widths.length; i++) wrapAt += widths[i]!;
      const plain = PLAIN.test(content);
      const lines = plain ? wrapPlain(wrapAt, content) : text.colorizeLines(text.wordWrap(wrapAt, content, true));
      cells.push({ x, colSpan, width: widths.reduce((sum, width) => sum + width + 1, -1), widths, lines, plain });
      x += colSpan;
    }
    return cells;
  };
  /** The columns a spanning cell covers beyond its first: no line between cells is drawn there. */
  const spanned = (cells: LaidOutCell[]): Set<number> => {
    const covered = new Set<number>();
    for (const cell of cells) for (let i = 1; i < cell.colSpan; i++) covered.add(cell.x + i);
    return covered;
  };
  const out: string[] = [];
  let above: Set<number> | undefined;
  const all = [layOut(head), ...rows.map(layOut)];
  all.forEach((cells, y) => {
    // The line above the row: its junctions join the columns of this row and of the row above.
    let top = '';
    for (const cell of cells) {
      cell.widths.forEach((width, offset) => {
        const column = cell.x + offset;
        let junction: string;
        if (y === 0) junction = column === 0 ? CHARS.topLeft : offset === 0 ? CHARS.topMid : CHARS.top;
        else if (column === 0) junction = CHARS.leftMid;
        else if (above!.has(column)) junction = offset === 0 ? CHARS.topMid : CHARS.mid;
        else junction = offset === 0 ? CHARS.midMid : CHARS.bottomMid;
        top += junction + (y === 0 ? CHARS.top : CHARS.mid).repeat(width);
      });
      if (cell.x + cell.colSpan === colWidths.length) top += y === 0 ? CHARS.topRight : CHARS.rightMid;
    }
    out.push(top);
    const height = Math.max(1, ...cells.map((cell) => cell.lines.length));
    for (let lineNumber = 0; lineNumber < height; lineNumber++) {
      let line = '';
      for (const cell of cells) {
        const inner = cell.width - 2;
        const shown = cell.lines[lineNumber];
        let content: string;
        if (shown === undefined) content = ' '.repeat(cell.width);
        else if (cell.plain && shown.length <= inner) content = ` ${shown}${' '.repeat(inner - shown.length)} `;
        else content = ` ${text.pad(text.truncate(shown, inner, '…'), inner, ' ')} `;
        line += CHARS.left + content + (cell.x + cell.colSpan === colWidths.length ? CHARS.right : '');
      }
      out.push(line);
    }
    if (y === all.length - 1) {
      let bottom = '';
      for (const cell of cells) bottom += (cell.x === 0 ? CHARS.bottomLeft : CHARS.bottomMid) + CHARS.bottom.repeat(cell.width) + (cell.x + cell.colSpan === colWidths.length ? CHARS.bottomRight : '');
      out.push(bottom);
    }
    above = spanned(cells);
  });
  return out.join('\n');
}
