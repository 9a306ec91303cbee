import {
  BACKSLASH,
  CLOSE_OBJECT,
  COLON,
  COLON_NEXT,
  COMMA,
  COMMA_OR_CLOSE,
  isHex,
  isSimpleEscape,
  isSpace,
  KEY,
  KEY_OR_CLOSE,
  OPEN_ARRAY,
  OPEN_OBJECT,
  QUOTE,
  VALUE,
  VALUE_OR_CLOSE,
} from './json-grammar.js';

/**
 * Where each member of a top-level JSON object lies in the text, found without building any value, so a
 * reader can parse only the members it needs. A plan's `prior_state` and `planned_values` are each as large
 * as its `resource_changes`, and parsing them costs time and memory for values no rule reads.
 *
 * The walk builds no value, but it checks JSON's whole grammar, strings and numbers included, so a member it
 * only steps over is refused exactly where JSON.parse would refuse it (issue 15: all readers agree). The token
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


export function skipSpace(text: string, at: number): number {
  while (at < text.length && isSpace(text.charCodeAt(at))) at++;
  return at;
}

/**
 * The next character at or after an offset that needs a look inside a string: a backslash (an escape to
 * check) or a raw control character (which JSON forbids in strings). Found with one regular expression and
 * kept between calls, so a walk over a whole plan searches each stretch of text once: in the usual plan
 * there is none for megabytes, and the strings are stepped over with indexOf alone.
 */
const SPECIAL = /[\u0000-\u001f\\]/g;
let specialText: string | undefined;
let specialFrom = 0;
let specialAt = 0;

function nextSpecial(text: string, from: number): number {
  if (text !== specialText || from < specialFrom || from > specialAt) {
    SPECIAL.lastIndex = from;
    const found = SPECIAL.exec(text);
    specialText = text;
    specialFrom = from;
    specialAt = found ? found.index : text.length;
  }
  return specialAt;
}

/** After a backslash at `at`: just past the escape, or -1 when JSON has no such escape. */
function skipEscape(text: string, at: number): number {
  const code = text.charCodeAt(at + 1);
  if (isSimpleEscape(code)) return at + 2;
  // u and four hex digits
  return code === 0x75 && isHex(text.charCodeAt(at + 2)) && isHex(text.charCodeAt(at + 3)) && isHex(text.charCodeAt(at + 4)) && isHex(text.charCodeAt(at + 5)) ? at + 6 : -1;
}

/**
 * From an opening quote to just past its closing quote; -1 if the string never ends or is not a JSON string
 * (an escape JSON does not have, a raw control character), as JSON.parse would refuse it.
 */
export function skipString(text: string, at: number): number {
  let from = at + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return -1;
    const special = nextSpecial(text, from);
    if (special > quote) return quote + 1;
    // A raw control character, or an escape (perhaps of the very quote found): check it and search on after it.
    if (text.charCodeAt(special) !== BACKSLASH) return -1;
    from = skipEscape(text, special);
    if (from === -1) return -1;
  }
}

function skipDigits(text: string, at: number): number {
  let i = at;
  for (let c = text.charCodeAt(i); c >= 0x30 && c <= 0x39; c = text.charCodeAt(++i));
  return i;
}

/**
 * From a number or literal (true, false, null) to just past it; -1 for anything else. Numbers follow JSON's
 * grammar (no leading zeros, no bare dot, digits after an exponent), so skipped members are refused exactly
 * where JSON.parse would refuse them. What follows the token is the caller's to check.
 */
export function skipBare(text: string, at: number): number {
  const code = text.charCodeAt(at);
  if (code === 0x74) return text.startsWith('true', at) ? at + 4 : -1;
  if (code === 0x66) return text.startsWith('false', at) ? at + 5 : -1;
  if (code === 0x6e) return text.startsWith('null', at) ? at + 4 : -1;
  let i = code === 0x2d ? at + 1 : at;
  const first = text.charCodeAt(i);
  if (first === 0x30) i++;
  else if (first >= 0x31 && first <= 0x39) i = skipDigits(text, i + 1);
  else return -1;
  if (text.charCodeAt(i) === 0x2e) {
    const fraction = skipDigits(text, i + 1);
    if (fraction === i + 1) return -1;
    i = fraction;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    let j = i + 1;
    const sign = text.charCodeAt(j);
    if (sign === 0x2b || sign === 0x2d) j++;
    const exponent = skipDigits(text, j);
    if (exponent === j) return -1;
    i = exponent;
  }
  return i;
}

/**
 * The closers of the brackets open in skipValue, innermost last: one buffer for every call (the walk is
 * never re-entered), grown for deep input. Not recursion: hostile input may nest a million deep.
 */
let closers = new Uint8Array(64);

/**
 * From a value's first character to just past it; -1 if it is cut short or is not JSON. The walk builds no
 * value but checks the whole grammar (commas, colons, keys, strings, numbers, literals), so every reader
 * refuses what JSON.parse refuses even in the members it never parses.
 */
export function skipValue(text: string, at: number): number {
  const first = text.charCodeAt(at);
  if (first === QUOTE) return skipString(text, at);
  if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) return skipBare(text, at);
  let depth = 0;
  let state = VALUE;
  let i = at;
  const n = text.length;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) {
      i++;
      continue;
    }
    switch (state) {
      case VALUE_OR_CLOSE:
      case KEY_OR_CLOSE:
      case COMMA_OR_CLOSE:
        if (code === closers[depth - 1]) {
          if (--depth === 0) return i + 1;
          state = COMMA_OR_CLOSE;
          i++;
          continue;
        }
        if (state === COMMA_OR_CLOSE) {
          if (code !== COMMA) return -1;
          state = closers[depth - 1] === CLOSE_OBJECT ? KEY : VALUE;
          i++;
          continue;
        }
        if (state === KEY_OR_CLOSE) {
          if (code !== QUOTE) return -1;
          i = skipString(text, i);
          if (i === -1) return -1;
          state = COLON_NEXT;
          continue;
        }
        break; // VALUE_OR_CLOSE: a value follows
      case KEY:
        if (code !== QUOTE) return -1;
        i = skipString(text, i);
        if (i === -1) return -1;
        state = COLON_NEXT;
        continue;
      case COLON_NEXT:
        if (code !== COLON) return -1;
        state = VALUE;
        i++;
        continue;
    }
    // A value starts here.
    if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      if (depth === closers.length) {
        const grown = new Uint8Array(depth * 2);
        grown.set(closers);
        closers = grown;
      }
      // } is { + 2 and ] is [ + 2.
      closers[depth++] = code + 2;
      state = code === OPEN_OBJECT ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
      i++;
      continue;
    }
    i = code === QUOTE ? skipString(text, i) : skipBare(text, i);
    if (i === -1) return -1;
    state = COMMA_OR_CLOSE;
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
