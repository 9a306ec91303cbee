import { locateMembers, type MemberSpan } from '../json-members.js';
import { parseJson } from '../parse-json.js';
import { isReadType, looksLikePlan } from './read-plan.js';
import { moduleInstanceOf } from './plan-context.js';
import { decodeToken, LOAD_CHANGE, scanChangeEntries, type ChangeEntrySpan } from './change-entries.js';
import { ENTRY_READER, ENTRY_SPAN, isRemoval, kindAt, PLANNED_STATE_CHECKED, type EntryReader } from './plan-entries.js';
import { lineCursor, locateStringValues } from '../parse-json.js';
import type { DeferredPlannedValues, PositionLookup } from './read-plan.js';

/** The members readPlan reads, besides planned_values; scalars are kept too, for the plan test. */
const READ = new Set(['format_version', 'terraform_version', 'resource_changes', 'configuration']);

// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

const ADDRESS = /"address"\s*:\s*"((?:[^"\\]|\\.)*)"/g;

function isScalarAt(text: string, span: MemberSpan): boolean {
  const first = text.charCodeAt(span.start);
  return first !== 0x7b && first !== 0x5b;
}

/**
 * resource_changes as stand-ins holding what readPlan sorts entries by (address, type, mode, name,
 * module_address, actions). Entries of types a rule reads are parsed later, one at a time (LOAD_CHANGE);
 * the rest, most of a plan (role assignments, NSG rules, NICs), are never parsed.
 */
function readChanges(text: string, entries: readonly ChangeEntrySpan[], parseMember: (span: MemberSpan) => unknown): unknown[] {
  const reader: EntryReader = { text, parse: parseMember };
  return entries.map((entry) => standInFor(text, entry, parseMember, reader));
}

/**
 * Whether the members a stand-in stands for have the types Terraform writes (src/inputs/terraform/
 * plan-entries.ts checks the rest). Any other entry is parsed whole, so the plan reader's checks see it as
 * they would in a parsed plan and name what is wrong with it.
 */
function isOrdinary(text: string, entry: ChangeEntrySpan): boolean {
  if (entry.changeAt === -1 || kindAt(text, entry.changeAt) !== 'object') return false;
  if (entry.modeAt !== -1 && entry.mode === undefined) return false;
  if (entry.actionsAt !== -1 && entry.actionsStart === -1) return false;
  if (entry.deposedAt !== -1) return false;
  const after = kindAt(text, entry.afterStart);
  if (after !== 'object' && after !== 'null' && after !== 'absent') return false;
  for (const at of [entry.afterUnknownStart, entry.afterSensitiveStart]) {
    const kind = kindAt(text, at);
    if (kind !== 'object' && kind !== 'boolean' && kind !== 'null' && kind !== 'absent') return false;
  }
  return true;
}

/**
 * One entry as readPlan sees it: a stand-in (the entry parsed whole only when the walk could not read its
 * address and type). Also used by the streaming reader for entries of files too large for one string.
 */
export function standInFor(text: string, entry: ChangeEntrySpan, parseMember: (span: MemberSpan) => unknown, reader?: EntryReader): unknown {
  if (entry.addressStart === -1 || entry.type === undefined || !isOrdinary(text, entry)) return parseMember(entry);
  const read = isReadType(entry.type);
  // Addresses of entries that are only counted die with this read; a slice of the text will do for them.
  const raw = text.slice(entry.addressStart + 1, entry.addressEnd - 1);
  const address = read || raw.includes('\\') ? decodeToken(text, entry.addressStart, entry.addressEnd) : raw;
  const change = entry.actionsStart === -1 ? NO_ACTIONS : changeWithActions(text, entry, parseMember);
  if (address === undefined || change === undefined) return parseMember(entry);
  // What exists after apply needs `after` and `after_unknown`; without them only the whole entry says what is wrong.
  const unknown = kindAt(text, entry.afterUnknownStart);
  if (!isRemoval((change as { actions?: unknown }).actions) && (kindAt(text, entry.afterStart) !== 'object' || (unknown !== 'object' && unknown !== 'boolean'))) return parseMember(entry);
  const standIn: Record<string | symbol, unknown> = { address, type: entry.type, change };
  if (entry.mode !== undefined) standIn['mode'] = entry.mode;
  // Where it came from, should the plan list its address twice (plan-entries.ts sameEntry).
  standIn[ENTRY_SPAN] = entry;
  standIn[ENTRY_READER] = reader ?? { text, parse: parseMember };
  standIn[PLANNED_STATE_CHECKED] = true;
  if (read) {
    // Decoded once: positionsOf reads it back.
    entry.decodedAddress = address;
    if (entry.nameStart !== -1) standIn['name'] = decodeToken(text, entry.nameStart, entry.nameEnd);
    if (entry.moduleAddressStart !== -1) standIn['module_address'] = decodeToken(text, entry.moduleAddressStart, entry.moduleAddressEnd);
    standIn[LOAD_CHANGE] = () => plannedState(entry, parseMember);
  }
  return standIn;
}

/**
 * Parses spans of `text`. A span that does not parse is handed to `reportWhole`, which parses the whole
 * text to throw its usual error (with the right line); if that parses after all, this is a bug, said so.
 */
export function memberParser(text: string, reportWhole: () => void): (span: MemberSpan) => unknown {
  return (span) => {
    try {
      return JSON.parse(text.slice(span.start, span.end));
    } catch {
      reportWhole();
      throw new Error('a member failed to parse, but the whole text parsed');
    }
  };
}

const NO_ACTIONS = Object.freeze({});

/**
 * What readPlan reads of an entry it normalizes: the planned state, parsed member by member. `before` is
 * as large as `after` in a plan that updates, and no rule reads it.
 */
function plannedState(entry: ChangeEntrySpan, parseMember: (span: MemberSpan) => unknown): unknown {
  const member = (start: number, end: number): unknown => (start === -1 ? undefined : parseMember({ start, end }));
  return {
    change: {
      after: member(entry.afterStart, entry.afterEnd),
      after_unknown: member(entry.afterUnknownStart, entry.afterUnknownEnd),
      after_sensitive: member(entry.afterSensitiveStart, entry.afterSensitiveEnd),
    },
  };
}

/**
 * A plan holds a handful of distinct action lists (["create"], ["no-op"], ["delete","create"]) across
 * hundreds of thousands of entries: each spelling is parsed once, and its `change` stand-in shared
 * (readers only read it). Undefined when the list is not an array.
 */
const changesByActions = new Map<string, unknown>();
function changeWithActions(text: string, entry: ChangeEntrySpan, parseMember: (span: MemberSpan) => unknown): unknown {
  const span = { start: entry.actionsStart, end: entry.actionsEnd };
  if (span.end - span.start > 64) {
    const actions = parseMember(span);
    return Array.isArray(actions) ? { actions } : undefined;
  }
  const raw = text.slice(span.start, span.end);
  let change = changesByActions.get(raw);
  if (change === undefined) {
    const actions = parseMember(span);
    if (!Array.isArray(actions)) return undefined;
    change = Object.freeze({ actions: Object.freeze(actions) });
    if (changesByActions.size < 100) changesByActions.set(raw, change);
  }
  return change;
}

/**
 * Where each read entry's `"address"` key is, from the offsets the scan recorded: the same places
 * locateStringValues finds, without a second pass over resource_changes. An address found nowhere there
 * (a resource only planned_values lists) falls back to that search.
 */
function positionsOf(text: string, entries: readonly ChangeEntrySpan[], searchFrom: number): PositionLookup {
  const positions = new Map<string, { line: number; column: number }>();
  const positionAt = lineCursor(text);
  for (const entry of entries) {
    if (entry.addressKeyAt === -1) continue;
    const address = entry.decodedAddress;
    if (address !== undefined && !positions.has(address)) positions.set(address, positionAt(entry.addressKeyAt));
  }
  let searched: Map<string, { line: number; column: number }> | undefined;
  return {
    get(address: string) {
      const found = positions.get(address);
      if (found) return found;
      searched ??= locateStringValues(text, 'address', searchFrom);
      return searched.get(address);
    },
  };
}


/**
 * Reads a plan from its text, parsing only what rules need; prior_state, resource_drift, variables and the
 * rest are skipped (their brackets are matched, their values never built), and so are the resource_changes
 * entries of types no rule reads. Undefined when
 * the text is not a plan or not well-formed enough to split: the caller parses it whole, which reports errors.
 */
export function readPlanMembers(text: string, file: string): { plan: Record<string, unknown>; positions: string | PositionLookup; plannedValues?: DeferredPlannedValues } | undefined {
  // A plan has a format_version member: a text without the key anywhere (a snapshot) is not walked only to fail.
  if (!text.includes('"format_version"')) return undefined;
  // A raw control character is never valid JSON, and inside a string the walk below does not look for it:
  // one search over the text (tens of milliseconds for 100 MB) keeps such files an error, as JSON.parse makes them.
  if (CONTROL_CHARACTER.test(text)) return undefined;
  let changes: { start: number; entries: ChangeEntrySpan[] } | undefined;
  const members = locateMembers(text, {
    // Walked once: the scan that finds where resource_changes ends also finds its entries.
    resource_changes: (start) => {
      const scanned = scanChangeEntries(text, start);
      if (!scanned) return -1;
      changes = { start, entries: scanned.entries };
      return scanned.end;
    },
  });
  if (!members || !members.has('format_version')) return undefined;
  // Let the whole-document parse find an error, so its line is the file's line.
  const parseMember = memberParser(text, () => parseJson(text, file));
  const plan: Record<string, unknown> = {};
  let positions: string | PositionLookup = text;
  for (const [key, span] of members) {
    if (key === 'resource_changes' && changes?.start === span.start) {
      plan[key] = readChanges(text, changes.entries, parseMember);
      // Where readPlan's own search would start (see readPlan), for addresses the scan did not record.
      positions = positionsOf(text, changes.entries, Math.max(text.indexOf('"resource_changes"'), 0));
    } else if (READ.has(key) || isScalarAt(text, span)) plan[key] = parseMember(span);
  }
  const planned = members.get('planned_values');
  // The same test as for a parsed document: planned_values counts by being there.
  if (!looksLikePlan(planned ? { ...plan, planned_values: {} } : plan)) return undefined;
  if (!planned) return { plan, positions };
  return {
    plan,
    positions,
    plannedValues: {
      namesAddressOutside(known) {
        const pattern = new RegExp(ADDRESS.source, 'g');
        pattern.lastIndex = planned.start;
        for (let match = pattern.exec(text); match && match.index < planned.end; match = pattern.exec(text)) {
          let address = match[1]!;
          if (address.includes('\\')) {
            try {
              address = JSON.parse(`"${address}"`) as string;
            } catch {
              // Not a valid string: parse() will say so if it is needed.
            }
          }
          if (known(address)) continue;
          // child_modules carry their module's address (`module.spoke["a"]`), which names no resource.
          if (moduleInstanceOf(address) !== address) return true;
        }
        return false;
      },
      parse: () => parseMember(planned),
      kind: kindAt(text, planned.start),
    },
  };
}
