import { UserError } from '../errors.js';

/**
 * Finds the offset of the first syntax error by walking the text, for the V8 messages that quote the
 * text instead of giving a position. Runs only after JSON.parse failed.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = (): void => {
    i++;
    while (i < n && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= n) fail();
    i++;
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match || match[0] === '') fail();
    i += match![0].length;
  };
  const key = (): void => {
    ws();
    if (text[i] !== '"') fail();
    string();
    ws();
    if (text[i] !== ':') fail();
    i++;
  };
  // A loop with an explicit stack, not recursion: a hostile file nested a million deep must not overflow.
  const stack: string[] = [];
  try {
    let expectValue = true;
    for (;;) {
      ws();
      if (expectValue) {
        const ch = text[i];
        if (ch === '{' || ch === '[') {
          stack.push(ch === '{' ? '}' : ']');
          i++;
          ws();
          if (text[i] === stack[stack.length - 1]) {
            i++;
            stack.pop();
            expectValue = false;
          } else if (ch === '{') key();
          continue;
        }
        if (ch === '"') string();
        else if (ch === 't') literal('true');
        else if (ch === 'f') literal('false');
        else if (ch === 'n') literal('null');
        else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) number();
        else fail();
        expectValue = false;
        continue;
      }
      if (stack.length === 0) return i < n ? i : n;
      if (text[i] === ',') {
        i++;
        if (stack[stack.length - 1] === '}') key();
        expectValue = true;
      } else if (text[i] === stack[stack.length - 1]) {
        i++;
        stack.pop();
      } else fail();
    }
  } catch (offset) {
    if (typeof offset === 'number') return offset;
    throw offset;
  }
}


export function lineAt(text: string, offset: number): number {
  let line = 1;
  let index = text.indexOf('\n');
  while (index !== -1 && index < offset) {
    line++;
    index = text.indexOf('\n', index + 1);
  }
  return line;
}

export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // Issue 10: a RangeError (stack or string limits on deeply nested or enormous input, on engines whose
    // JSON.parse recurses) is the input's fault, not an internal error; the offset walk below would misread
    // a valid but too-deep document as truncated.
    if (error instanceof RangeError) throw new UserError('is nested too deeply or too large to parse as JSON', file);
    const message = (error as Error).message;
    const trimmed = text.trimStart();
    if (trimmed.length === 0) throw new UserError('is empty; expected a Terraform plan (terraform show -json) or a Resource Graph snapshot', file);
    if (!/^[[{]/.test(trimmed)) {
      throw new UserError('is not JSON; expected a Terraform plan (terraform show -json) or a Resource Graph snapshot', file);
    }
    const position = /position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : jsonErrorOffset(text);
    const truncated = /Unexpected end of JSON input|Unterminated string|end of data/i.test(message) || offset >= text.trimEnd().length;
    if (truncated) throw new UserError('is truncated JSON (the file ends before the document does)', file);
    // V8's message quotes the text around the error; that text may be a secret, so only the place is kept.
    throw new UserError('is not valid JSON: unexpected character', file, lineAt(text, offset));
  }
}

const RAW_CONTROL = /[\u0000-\u001f]/;

/**
 * Finds where each `"key": "value"` pair first appears between `from` and `to`, in one linear pass, so findings can
 * point at the resource's line. `terraform show -json` writes one line; the column then carries the place.
 */
export function locateStringValues(text: string, key: string, from = 0, to = text.length): Map<string, { line: number; column: number }> {
  const found = new Map<string, { line: number; column: number }>();
  const positionAt = lineCursor(text);
  // The cursor only moves forward, so skipping values already found is safe and saves their positions.
  forEachStringValue(text, key, (value, offset) => {
    if (!found.has(value)) found.set(value, positionAt(offset));
  }, from, to);
  return found;
}

/**
 * Every `"key": "value"` pair between `from` and `to`, in the order of the text: the value (unescaped) and the
 * offset of the pair. A value JSON cannot read (a bad escape) is passed over.
 */
export function forEachStringValue(text: string, key: string, visit: (value: string, offset: number) => void, from = 0, to = text.length): void {
  // The string body unrolled (runs of plain characters between escapes) rather than one alternation per
  // character: the same strings, matched several times faster on a 100k-row snapshot.
  const pattern = new RegExp(`"${key}"\\s*:\\s*"([^"\\\\]*(?:\\\\.[^"\\\\]*)*)"`, 'g');
  pattern.lastIndex = from;
  for (let match = pattern.exec(text); match && match.index < to; match = pattern.exec(text)) {
    const raw = match[1]!;
    let value: string;
    // JSON.parse only where it has work to do (an escape) or something to refuse (a raw control character).
    if (!raw.includes('\\') && !RAW_CONTROL.test(raw)) value = raw;
    else {
      try {
        value = JSON.parse(`"${raw}"`) as string;
      } catch {
        continue;
      }
    }
    visit(value, match.index);
  }
  // RegExp.input (the subject of the last successful match) would keep the whole text alive until some
  // other regular expression matches: a match on an empty string lets it go.
  EMPTY.exec('');
}

const EMPTY = /(?:)/;

/**
 * Line and column of offsets asked in increasing order. The newlines before the furthest offset asked are
 * counted once, so a one-line file (`terraform show -json` writes one) is not rescanned per offset.
 *
 * They are counted by a global match of a one-character pattern, which V8 runs natively, not one indexOf per
 * line in a JavaScript loop: on a pretty-printed plan that loop ran once per line, which made it hot enough
 * for V8 to optimise it, and optimising it cost a small scan ~10 ms of CPU (on a compiler thread), far more
 * than counting the lines.
 */
export function lineCursor(text: string): (offset: number) => { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  /** Every newline before this offset is counted in `line`. */
  let counted = 0;
  return (offset) => {
    if (offset > counted) {
      const newlines = text.slice(counted, offset).match(NEWLINES)?.length ?? 0;
      // As for forEachStringValue: the last match's subject (a slice of the whole text) is let go.
      EMPTY.exec('');
      if (newlines > 0) {
        line += newlines;
        lineStart = text.lastIndexOf('\n', offset - 1) + 1;
      }
      counted = offset;
    }
    return { line, column: offset - lineStart + 1 };
  };
}

const NEWLINES = /\n/g;
