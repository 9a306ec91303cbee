import { locateMembers, type MemberSpan } from '../json-members.js';
import { lineCursor, parseJson } from '../parse-json.js';
import { isReadType, looksLikePlan } from './read-plan.js';
import { moduleInstanceOf } from './plan-context.js';
import { decodeToken, LOAD_CHANGE, scanChangeEntries, type ChangeEntrySpan } from './change-entries.js';
import { isRemoval, kindAt, PLANNED_STATE_CHECKED } from './plan-entries.js';
import { sameJson } from '../json-equal.js';
import { collectPlannedResources, documentSource, type PlanSource } from './plan-source.js';

/** The members readPlan reads, besides planned_values; scalars are kept too, for the plan test. */
const READ = new Set(['format_version', 'terraform_version', 'resource_changes', 'configuration']);

// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

const CONTAINERS: ReadonlySet<string> = new Set(['object', 'list']);

const ADDRESS = /"address"\s*:\s*"((?:[^"\\]|\\.)*)"/g;

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
export function standInFor(text: string, entry: ChangeEntrySpan, parseMember: (span: MemberSpan) => unknown): unknown {
  if (entry.addressStart === -1 || entry.type === undefined || !isOrdinary(text, entry)) return parseMember(entry);
  const read = isReadType(entry.type);
  // Entries that are only counted keep their address only to find a second entry for it: a slice of the text will do.
  const raw = text.slice(entry.addressStart + 1, entry.addressEnd - 1);
  const address = read || raw.includes('\\') ? decodeToken(text, entry.addressStart, entry.addressEnd) : raw;
  const change = entry.actionsStart === -1 ? NO_ACTIONS : changeWithActions(text, entry, parseMember);
  if (address === undefined || change === undefined) return parseMember(entry);
  // What exists after apply needs `after` and `after_unknown`; without them only the whole entry says what is wrong.
  const unknown = kindAt(text, entry.afterUnknownStart);
  if (!isRemoval((change as { actions?: unknown }).actions) && (kindAt(text, entry.afterStart) !== 'object' || (unknown !== 'object' && unknown !== 'boolean'))) return parseMember(entry);
  const standIn: Record<string | symbol, unknown> = { address, type: entry.type, change };
  if (entry.mode !== undefined) standIn['mode'] = entry.mode;
  standIn[PLANNED_STATE_CHECKED] = true;
  if (read) {
    // Decoded once: the source places the entry by it (scannedChanges).
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
 * Reads a plan from its text, parsing only what rules need; prior_state, resource_drift, variables and the
 * rest are skipped (their brackets are matched, their values never built), and so are the resource_changes
 * entries of types no rule reads: each entry is a stand-in (standInFor), made as readPlan asks for it.
 * Undefined when the text is not a plan or not well-formed enough to split: the caller parses it whole,
 * which reports errors.
 */
export function readPlanMembers(text: string, file: string): PlanSource | undefined {
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
  let scanned: ChangeEntrySpan[] | undefined;
  for (const [key, span] of members) {
    if (key === 'resource_changes' && changes?.start === span.start) {
      scanned = changes.entries;
      plan[key] = [];
    } else if (READ.has(key) || !CONTAINERS.has(kindAt(text, span.start))) plan[key] = parseMember(span);
  }
  const planned = members.get('planned_values');
  // The same test as for a parsed document: planned_values counts by being there.
  if (!looksLikePlan(planned ? { ...plan, planned_values: {} } : plan)) return undefined;
  // A resource_changes the walk could not split was parsed above, and is read as a parsed plan's is.
  const source = documentSource(plan, text);
  const located = scanned ? scannedChanges(text, scanned, parseMember, source) : {};
  if (!planned) return { ...source, ...located };
  return {
    ...source,
    ...located,
    plannedKind: kindAt(text, planned.start),
    plannedResources: (known) => (namesAddressOutside(text, planned, known) ? collectPlannedResources(parseMember(planned)) : []),
  };
}

/**
 * resource_changes as the walk found it: stand-ins made one at a time. An entry readPlan reads is placed from
 * the offset the walk recorded, with no second pass over resource_changes; any other address (a resource only
 * planned_values lists) is searched for as in a parsed plan. An entry is remembered by its span: two entries
 * for one address compare by text first (a tool that writes a resource twice writes it the same way), and
 * are parsed only if the texts differ.
 */
function scannedChanges(text: string, entries: readonly ChangeEntrySpan[], parseMember: (span: MemberSpan) => unknown, parsed: PlanSource): Partial<PlanSource> {
  const positionAt = lineCursor(text);
  let current: ChangeEntrySpan | undefined;
  return {
    eachChange(visit) {
      for (let index = 0; index < entries.length; index++) {
        current = entries[index]!;
        visit(standInFor(text, current, parseMember), index);
      }
      current = undefined;
    },
    memo: () => current,
    same(memo, _change) {
      const [first, second] = [memo as ChangeEntrySpan, current!];
      if (first.end - first.start === second.end - second.start && text.slice(first.start, first.end) === text.slice(second.start, second.end)) return true;
      return sameJson(parseMember(first), parseMember(second));
    },
    positionOf(address) {
      // The visit's offsets only grow, as the line cursor needs.
      if (current && current.addressKeyAt !== -1 && current.decodedAddress === address) return positionAt(current.addressKeyAt);
      return parsed.positionOf(address);
    },
  };
}

/**
 * Whether planned_values names a resource address `known` does not hold. Its `"address"` strings are found
 * without parsing it (a superset: attributes named address count too); module addresses are not resources.
 */
function namesAddressOutside(text: string, planned: MemberSpan, known: (address: string) => boolean): boolean {
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
}
