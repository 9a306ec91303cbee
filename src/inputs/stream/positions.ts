import { isAscii } from 'node:buffer';

/**
 * What the streaming reader (json-stream.ts) hands out besides values: where a value starts, where to come
 * back to, and errors placed at their line. Positions are counted as the text-based reader counts them:
 * 1-based lines, and columns in UTF-16 code units from the start of the line, so findings point at the same
 * place either way.
 */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly truncated: boolean,
  ) {
    super(message);
  }
}

export interface Position {
  line: number;
  column: number;
}

/** Where a value starts, to come back to it (a second pass over resource_changes, once the configuration is read). */
export interface Mark {
  offset: number;
  line: number;
  lineStart: number;
  columnOffset: number;
  columnUnits: number;
}

/** UTF-16 code units of UTF-8 bytes: every byte but continuation bytes, and 2 for four-byte sequences. */
export function utf16Units(bytes: Buffer): number {
  if (isAscii(bytes)) return bytes.length;
  let units = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if ((byte & 0xc0) !== 0x80) units += byte >= 0xf0 ? 2 : 1;
  }
  return units;
}

/** JSON.parse of one captured value; an error names the line it is on, counted from the value's start. */
export function parseAt(text: string, start: Position): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message);
    const offset = position ? Number(position[1]) : 0;
    let line = start.line;
    for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    throw new JsonSyntaxError('unexpected character', line, false);
  }
}

/** Where `"key"` first occurs in a captured value, as a file position (the value's own address key). */
export function positionOfKey(text: string, start: Position, key: string): Position | undefined {
  const at = text.indexOf(`"${key}"`);
  if (at === -1) return undefined;
  let line = start.line;
  let lineStartIndex = -1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStartIndex = i;
  }
  return { line, column: lineStartIndex === -1 ? start.column + at : at - lineStartIndex };
}
