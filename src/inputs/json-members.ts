/**
 * Where each member of a top-level JSON object lies in the text, found without building any value, so a
 * reader can parse only the members it needs. A plan's `prior_state` and `planned_values` are each as large
 * as its `resource_changes`, and parsing them costs time and memory for values no rule reads.
 *
 * The walk matches brackets, skips strings (with their escapes) and checks numbers and literals; it does not
 * check the full grammar inside a member, which JSON.parse does for the members that are parsed. The token
 * helpers here serve the other walks over a plan's text too (terraform/change-entries.ts). Returns undefined when the text is not one
 * object with well-formed members (truncated, unbalanced, a duplicate key): the caller then parses the
 * whole text, and JSON.parse reports the error in its usual words.
 */
export interface MemberSpan {
  /** Offset of the value's first character. */
  start: number;
  /** Offset just past the value's last character. */
  end: number;
}

export const QUOTE = 0x22;
const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;

export function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

export function skipSpace(text: string, at: number): number {
  while (at < text.length && isSpace(text.charCodeAt(at))) at++;
  return at;
}

/** From an opening quote to just past its closing quote; -1 if the string never ends. */
export function skipString(text: string, at: number): number {
  let from = at + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return -1;
    // A quote preceded by an odd number of backslashes is escaped.
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if ((backslashes & 1) === 0) return quote + 1;
    from = quote + 1;
  }
}

/**
 * From a number or literal (true, false, null) to just past it; -1 for anything else. Members that are
 * skipped are still checked this far, so stray text in them (`"x": oops`) is an error, as JSON.parse
 * would make it, not silently ignored.
 */
export function skipBare(text: string, at: number): number {
  const code = text.charCodeAt(at);
  if (code === 0x74) return text.startsWith('true', at) ? at + 4 : -1;
  if (code === 0x66) return text.startsWith('false', at) ? at + 5 : -1;
  if (code === 0x6e) return text.startsWith('null', at) ? at + 4 : -1;
  let end = at;
  let digits = 0;
  for (;;) {
    const c = text.charCodeAt(end);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c !== 0x2d && c !== 0x2b && c !== 0x2e && c !== 0x65 && c !== 0x45) break;
    end++;
  }
  return digits > 0 ? end : -1;
}

/**
 * The closers of the brackets open in skipValue, innermost last: one buffer for every call (the walk is
 * never re-entered), grown for deep input. Not recursion: hostile input may nest a million deep.
 */
let closers = new Uint8Array(64);

/** From a value's first character to just past it; -1 if it is cut short or its brackets do not match. */
export function skipValue(text: string, at: number): number {
  const first = text.charCodeAt(at);
  if (first === QUOTE) return skipString(text, at);
  if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) return skipBare(text, at);
  let depth = 0;
  let i = at;
  const n = text.length;
  while (i < n) {
    const code = text.charCodeAt(i);
    // A switch over the few structural characters compiles to a jump table: this loop sees every byte
    // of the members no rule reads, most of a plan.
    switch (code) {
      case QUOTE:
        i = skipString(text, i);
        if (i === -1) return -1;
        continue;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        if (depth === closers.length) {
          const grown = new Uint8Array(depth * 2);
          grown.set(closers);
          closers = grown;
        }
        // } is { + 2 and ] is [ + 2.
        closers[depth++] = code + 2;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        if (depth === 0 || closers[--depth] !== code) return -1;
        if (depth === 0) return i + 1;
        break;
      case COMMA:
      case COLON:
      case 0x20:
      case 0x0a:
      case 0x0d:
      case 0x09:
        break;
      default:
        i = skipBare(text, i);
        if (i === -1) return -1;
        continue;
    }
    i++;
  }
  return -1;
}

/**
 * `scanners`: members whose value a caller walks itself while the members are located (so a large member is
 * walked once, not twice). A scanner returns the offset just past the value, or -1 if it cannot read it;
 * the member is then skipped the usual way.
 */
export type ValueScanner = (start: number) => number;

export function locateMembers(text: string, scanners: Readonly<Record<string, ValueScanner>> = {}): Map<string, MemberSpan> | undefined {
  const members = new Map<string, MemberSpan>();
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_OBJECT) return undefined;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_OBJECT) return skipSpace(text, i + 1) === text.length ? members : undefined;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return undefined;
    const keyEnd = skipString(text, i);
    if (keyEnd === -1) return undefined;
    let key: unknown;
    try {
      key = JSON.parse(text.slice(i, keyEnd));
    } catch {
      return undefined;
    }
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) return undefined;
    const start = skipSpace(text, i + 1);
    const scanner = Object.prototype.hasOwnProperty.call(scanners, key as string) ? scanners[key as string] : undefined;
    const scanned = scanner ? scanner(start) : -1;
    const end = scanned !== -1 ? scanned : skipValue(text, start);
    // JSON.parse keeps the last of duplicate keys; a reader of spans would have to agree, so leave it to JSON.parse.
    if (end === -1 || members.has(key as string)) return undefined;
    members.set(key as string, { start, end });
    i = skipSpace(text, end);
    const next = text.charCodeAt(i);
    if (next === CLOSE_OBJECT) return skipSpace(text, i + 1) === text.length ? members : undefined;
    if (next !== COMMA) return undefined;
    i = skipSpace(text, i + 1);
  }
}
