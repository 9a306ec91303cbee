import { CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, isSpace, OPEN_ARRAY, OPEN_OBJECT, QUOTE, skipBare, skipString, type MemberSpan } from '../json-members.js';

/**
 * One entry of a plan's resource_changes, located in the text but not parsed: its span, and the few
 * members that decide whether it needs parsing at all (`type`) and how it counts when it does not
 * (`address`, `mode`, `change.actions`). Members are read at their own depth, whatever order the writer
 * put them in, so an `"address"` or `"type"` inside the resource's values is never mistaken for them.
 */
export interface ChangeEntrySpan extends MemberSpan {
  type?: string;
  mode?: string;
  /** String tokens (quotes included), decoded by the reader: only kept entries' strings are copied out. */
  address?: MemberSpan;
  name?: MemberSpan;
  module_address?: MemberSpan;
  /** The span of `change.actions`, an array. */
  actions?: MemberSpan;
  /** Where the `"address"` key is: findings point at it. */
  addressKeyAt?: number;
}

/**
 * On a stand-in for an entry that was located but not parsed: parses it. readPlan calls it just before it
 * normalizes the resource, so the parsed JSON is garbage before the next entry is read and never survives
 * into the old generation.
 */
export const LOAD_CHANGE = Symbol('azfence.loadChange');

/**
 * A string token's value as a string of its own. A slice of the text would keep the whole text (hundreds of
 * megabytes) alive for as long as the slice lives; JSON.parse builds a fresh string.
 */
export function decodeString(text: string, token: MemberSpan): string | undefined {
  try {
    const value: unknown = JSON.parse(text.slice(token.start, token.end));
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Types and modes repeat across entries: one copy of each. */
const interned = new Map<string, string>();
function internedString(text: string, start: number, end: number): string | undefined {
  const raw = text.slice(start + 1, end - 1);
  const known = interned.get(raw);
  if (known !== undefined) return known;
  const value = decodeString(text, { start, end });
  if (value === undefined) return undefined;
  if (interned.size < 10_000) interned.set(value, value);
  return value;
}

/**
 * The entries of the resource_changes array that starts at `start`, and the offset just past it. Undefined
 * when the array holds anything but objects, or its brackets do not match: the caller then parses the array
 * whole, and JSON.parse says what is wrong.
 */
export function scanChangeEntries(text: string, start: number): { entries: ChangeEntrySpan[]; end: number } | undefined {
  if (text.charCodeAt(start) !== OPEN_ARRAY) return undefined;
  const entries: ChangeEntrySpan[] = [];
  // Depth 1: the array; 2: an entry; 3: a member of an entry (change); 4: a member of that (actions).
  const closers: number[] = [CLOSE_ARRAY];
  let expectKey = false;
  let entry: ChangeEntrySpan | undefined;
  let entryKey = '';
  let changeKey = '';
  let i = start + 1;
  const end = text.length;
  while (i < end) {
    const code = text.charCodeAt(i);
    const depth = closers.length;
    if (code === QUOTE) {
      const after = skipString(text, i);
      if (after === -1 || depth === 1) return undefined;
      if (depth <= 3) {
        if (expectKey) {
          const key = internedString(text, i, after) ?? '';
          if (depth === 2) {
            entryKey = key;
            if (key === 'address' && entry) entry.addressKeyAt = i;
          } else changeKey = key;
          expectKey = false;
        } else if (depth === 2 && entry) {
          if (entryKey === 'type' || entryKey === 'mode') {
            const value = internedString(text, i, after);
            if (value === undefined) return undefined;
            entry[entryKey] = value;
          } else if (entryKey === 'address' || entryKey === 'name' || entryKey === 'module_address') entry[entryKey] = { start: i, end: after };
        }
      }
      i = after;
      continue;
    }
    if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      if (depth === 1) {
        if (code !== OPEN_OBJECT) return undefined;
        entry = { start: i, end: -1 };
        entryKey = '';
      } else if (depth === 2) changeKey = '';
      else if (depth === 3 && entry && entryKey === 'change' && changeKey === 'actions' && code === OPEN_ARRAY) entry.actions = { start: i, end: -1 };
      closers.push(code === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY);
      expectKey = code === OPEN_OBJECT;
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      if (closers.pop() !== code) return undefined;
      if (depth === 0 || closers.length === 0) {
        return { entries, end: i + 1 };
      }
      if (depth === 2 && entry) {
        entry.end = i + 1;
        entries.push(entry);
        entry = undefined;
      } else if (depth === 4 && entry?.actions && entry.actions.end === -1 && entryKey === 'change' && changeKey === 'actions') entry.actions.end = i + 1;
      expectKey = false;
    } else if (code === COMMA) {
      expectKey = closers[closers.length - 1] === CLOSE_OBJECT;
    } else if (depth === 1 && !isSpace(code)) {
      // A number, literal or stray colon among the entries: leave it to JSON.parse.
      return undefined;
    } else if (code !== COLON && !isSpace(code)) {
      // Entries that are never parsed are still checked for stray text.
      i = skipBare(text, i);
      if (i === -1) return undefined;
      continue;
    }
    i++;
  }
  return undefined;
}
