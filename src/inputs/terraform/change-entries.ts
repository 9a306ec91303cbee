import { CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, OPEN_ARRAY, OPEN_OBJECT, QUOTE } from '../json-grammar.js';
import { skipSpace, skipString, skipValue, type MemberSpan } from '../json-members.js';

/**
 * One entry of a plan's resource_changes, located in the text but not parsed: its span, and the few
 * members that decide whether it needs parsing at all (`type`) and how it counts when it does not
 * (`address`, `mode`, `change.actions`). Members are read at their own depth, whatever order the writer
 * put them in, so an `"address"` or `"type"` inside the resource's values is never mistaken for them.
 */
export interface ChangeEntrySpan extends MemberSpan {
  type: string | undefined;
  mode: string | undefined;
  /**
   * String tokens (quotes included) as offsets, -1 when absent, decoded by the reader: only kept entries'
   * strings are copied out. Offsets, not span objects: a plan has hundreds of thousands of entries, and
   * every object they hold survives until the plan is read, which the garbage collector pays for.
   */
  addressStart: number;
  addressEnd: number;
  nameStart: number;
  nameEnd: number;
  moduleAddressStart: number;
  moduleAddressEnd: number;
  /** The span of `change.actions`, an array; -1 when absent. */
  actionsStart: number;
  actionsEnd: number;
  /** The spans of `change.after`, `change.after_unknown` and `change.after_sensitive`; -1 when absent. */
  afterStart: number;
  afterEnd: number;
  afterUnknownStart: number;
  afterUnknownEnd: number;
  afterSensitiveStart: number;
  afterSensitiveEnd: number;
  /** Where the `"address"` key is (findings point at it); -1 when absent. */
  addressKeyAt: number;
  /**
   * Where the values of `mode`, `change`, `change.actions` and `deposed` start, whatever their JSON type;
   * -1 when absent. An entry whose members have unexpected types is parsed whole, so that the plan
   * reader's checks (src/inputs/terraform/plan-entries.ts) see it exactly as they see a parsed plan.
   */
  modeAt: number;
  changeAt: number;
  actionsAt: number;
  deposedAt: number;
  /** The reader's decoded address, for entries it keeps. */
  decodedAddress: string | undefined;
}

/**
 * On a stand-in for an entry that was located but not parsed: parses its planned state (change.after,
 * after_unknown, after_sensitive; `before` is never parsed). readPlan calls it just before it normalizes the
 * resource, so the parsed JSON is garbage before the next entry is read and never survives into the old generation.
 */
export const LOAD_CHANGE = Symbol('azfence.loadChange');

/**
 * A string token's value as a string of its own. A slice of the text would keep the whole text (hundreds of
 * megabytes) alive for as long as the slice lives; JSON.parse builds a fresh string.
 */
export function decodeString(text: string, token: MemberSpan): string | undefined {
  return decodeToken(text, token.start, token.end);
}

export function decodeToken(text: string, start: number, end: number): string | undefined {
  try {
    const value: unknown = JSON.parse(text.slice(start, end));
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
  const value = decodeToken(text, start, end);
  if (value === undefined) return undefined;
  if (interned.size < 10_000) interned.set(value, value);
  return value;
}

const BACKSLASH = 0x5c;

/** The member keys the walk acts on; any other key is OTHER. */
const OTHER = 0;
const ADDRESS = 1;
const MODE = 2;
const TYPE = 3;
const NAME = 4;
const MODULE_ADDRESS = 5;
const CHANGE = 6;
const ACTIONS = 7;
const AFTER = 8;
const AFTER_UNKNOWN = 9;
const AFTER_SENSITIVE = 10;
const DEPOSED = 11;
const KEY_NAMES = ['', 'address', 'mode', 'type', 'name', 'module_address', 'change', 'actions', 'after', 'after_unknown', 'after_sensitive', 'deposed'];

/** Which key the token at start..end spells: by length and then its characters, with no string built. */
function keyAt(text: string, start: number, end: number): number {
  switch (end - start - 2) {
    case 4:
      if (text.startsWith('type', start + 1)) return TYPE;
      if (text.startsWith('mode', start + 1)) return MODE;
      if (text.startsWith('name', start + 1)) return NAME;
      break;
    case 5:
      if (text.startsWith('after', start + 1)) return AFTER;
      break;
    case 6:
      if (text.startsWith('change', start + 1)) return CHANGE;
      break;
    case 13:
      if (text.startsWith('after_unknown', start + 1)) return AFTER_UNKNOWN;
      break;
    case 15:
      if (text.startsWith('after_sensitive', start + 1)) return AFTER_SENSITIVE;
      break;
    case 7:
      if (text.startsWith('address', start + 1)) return ADDRESS;
      if (text.startsWith('actions', start + 1)) return ACTIONS;
      if (text.startsWith('deposed', start + 1)) return DEPOSED;
      break;
    case 14:
      if (text.startsWith('module_address', start + 1)) return MODULE_ADDRESS;
      break;
  }
  // A key spelled with escapes ("typ\u0065") is the same key to JSON.parse: decode the rare one that has any.
  for (let at = start + 1; at < end - 1; at++) {
    if (text.charCodeAt(at) !== BACKSLASH) continue;
    const decoded = decodeToken(text, start, end);
    const index = decoded === undefined || decoded === '' ? -1 : KEY_NAMES.indexOf(decoded);
    return index === -1 ? OTHER : index;
  }
  return OTHER;
}

/**
 * Steps over `"key":` at `at` (a quote); returns the value's offset, or -1. The key's code is left in
 * `lastKey`: a module-level slot, so the hot loop allocates nothing per member.
 */
let lastKey = OTHER;
function memberValueAt(text: string, at: number): number {
  if (text.charCodeAt(at) !== QUOTE) return -1;
  const keyEnd = skipString(text, at);
  if (keyEnd === -1) return -1;
  lastKey = keyAt(text, at, keyEnd);
  const colon = skipSpace(text, keyEnd);
  if (text.charCodeAt(colon) !== COLON) return -1;
  return skipSpace(text, colon + 1);
}

/** After a member's value: the next member's offset, CLOSED when the object ends here, or -1. */
const CLOSED = -2;
function nextMember(text: string, valueEnd: number): number {
  const at = skipSpace(text, valueEnd);
  const code = text.charCodeAt(at);
  if (code === CLOSE_OBJECT) return CLOSED;
  if (code !== COMMA) return -1;
  return skipSpace(text, at + 1);
}

/** JSON.parse keeps the last of duplicate keys: a later `change` replaces everything an earlier one said. */
function forgetChange(entry: ChangeEntrySpan): void {
  entry.actionsStart = entry.actionsEnd = entry.actionsAt = -1;
  entry.afterStart = entry.afterEnd = -1;
  entry.afterUnknownStart = entry.afterUnknownEnd = -1;
  entry.afterSensitiveStart = entry.afterSensitiveEnd = -1;
}

/**
 * `change`: where its `actions` and the planned state (`after`, `after_unknown`, `after_sensitive`) are.
 * `before` and `before_sensitive` (as large as `after` in a plan that updates) are only skipped.
 */
function scanChange(text: string, at: number, entry: ChangeEntrySpan): number {
  forgetChange(entry);
  let i = skipSpace(text, at + 1);
  if (text.charCodeAt(i) === CLOSE_OBJECT) return i + 1;
  for (;;) {
    const valueAt = memberValueAt(text, i);
    if (valueAt === -1) return -1;
    const key = lastKey;
    const valueEnd = skipValue(text, valueAt);
    if (valueEnd === -1) return -1;
    if (key === ACTIONS) {
      const isArray = text.charCodeAt(valueAt) === OPEN_ARRAY;
      entry.actionsAt = valueAt;
      entry.actionsStart = isArray ? valueAt : -1;
      entry.actionsEnd = isArray ? valueEnd : -1;
    } else if (key === AFTER) {
      entry.afterStart = valueAt;
      entry.afterEnd = valueEnd;
    } else if (key === AFTER_UNKNOWN) {
      entry.afterUnknownStart = valueAt;
      entry.afterUnknownEnd = valueEnd;
    } else if (key === AFTER_SENSITIVE) {
      entry.afterSensitiveStart = valueAt;
      entry.afterSensitiveEnd = valueEnd;
    }
    const next = nextMember(text, valueEnd);
    if (next === CLOSED) return skipSpace(text, valueEnd) + 1;
    if (next === -1) return -1;
    i = next;
  }
}

/**
 * One entry: the members that sort it are read where they stand; every other value (the resource's
 * before and after, most of the bytes) is skipped by bracket matching, which still rejects stray text.
 */
export function scanEntry(text: string, at: number): ChangeEntrySpan | undefined {
  if (text.charCodeAt(at) !== OPEN_OBJECT) return undefined;
  // Every member present from the start: one object shape for every entry.
  const entry: ChangeEntrySpan = {
    start: at,
    end: -1,
    type: undefined,
    mode: undefined,
    addressStart: -1,
    addressEnd: -1,
    nameStart: -1,
    nameEnd: -1,
    moduleAddressStart: -1,
    moduleAddressEnd: -1,
    actionsStart: -1,
    actionsEnd: -1,
    afterStart: -1,
    afterEnd: -1,
    afterUnknownStart: -1,
    afterUnknownEnd: -1,
    afterSensitiveStart: -1,
    afterSensitiveEnd: -1,
    addressKeyAt: -1,
    modeAt: -1,
    changeAt: -1,
    actionsAt: -1,
    deposedAt: -1,
    decodedAddress: undefined,
  };
  let i = skipSpace(text, at + 1);
  if (text.charCodeAt(i) === CLOSE_OBJECT) {
    entry.end = i + 1;
    return entry;
  }
  for (;;) {
    const valueAt = memberValueAt(text, i);
    if (valueAt === -1) return undefined;
    const key = lastKey;
    const first = text.charCodeAt(valueAt);
    if (key === MODE) entry.modeAt = valueAt;
    else if (key === CHANGE) entry.changeAt = valueAt;
    else if (key === DEPOSED) entry.deposedAt = valueAt;
    let valueEnd: number;
    if (key === CHANGE && first === OPEN_OBJECT) valueEnd = scanChange(text, valueAt, entry);
    else if (key === OTHER || first !== QUOTE) {
      valueEnd = skipValue(text, valueAt);
      if (key === TYPE) entry.type = undefined;
      else if (key === MODE) entry.mode = undefined;
      else if (key === ADDRESS) entry.addressStart = entry.addressEnd = entry.addressKeyAt = -1;
      else if (key === NAME) entry.nameStart = entry.nameEnd = -1;
      else if (key === MODULE_ADDRESS) entry.moduleAddressStart = entry.moduleAddressEnd = -1;
      else if (key === CHANGE) forgetChange(entry);
    } else {
      valueEnd = skipString(text, valueAt);
      if (valueEnd === -1) return undefined;
      if (key === TYPE || key === MODE) {
        const value = internedString(text, valueAt, valueEnd);
        if (value === undefined) return undefined;
        if (key === TYPE) entry.type = value;
        else entry.mode = value;
      } else if (key === ADDRESS) {
        entry.addressStart = valueAt;
        entry.addressEnd = valueEnd;
        entry.addressKeyAt = i;
      } else if (key === NAME) {
        entry.nameStart = valueAt;
        entry.nameEnd = valueEnd;
      } else if (key === MODULE_ADDRESS) {
        entry.moduleAddressStart = valueAt;
        entry.moduleAddressEnd = valueEnd;
      } else if (key === CHANGE) forgetChange(entry);
    }
    if (valueEnd === -1) return undefined;
    const next = nextMember(text, valueEnd);
    if (next === CLOSED) {
      entry.end = skipSpace(text, valueEnd) + 1;
      return entry;
    }
    if (next === -1) return undefined;
    i = next;
  }
}

/**
 * The entries of the resource_changes array that starts at `start`, and the offset just past it. Undefined
 * when the array holds anything but objects, or its brackets do not match: the caller then parses the array
 * whole, and JSON.parse says what is wrong.
 */
export function scanChangeEntries(text: string, start: number): { entries: ChangeEntrySpan[]; end: number } | undefined {
  if (text.charCodeAt(start) !== OPEN_ARRAY) return undefined;
  const entries: ChangeEntrySpan[] = [];
  let i = skipSpace(text, start + 1);
  if (text.charCodeAt(i) === CLOSE_ARRAY) return { entries, end: i + 1 };
  for (;;) {
    const entry = scanEntry(text, i);
    if (!entry) return undefined;
    entries.push(entry);
    i = skipSpace(text, entry.end);
    const next = text.charCodeAt(i);
    if (next === CLOSE_ARRAY) return { entries, end: i + 1 };
    if (next !== COMMA) return undefined;
    i = skipSpace(text, i + 1);
  }
}
