import { UserError } from '../../errors.js';
import type { Resource } from '../../model/resource.js';
import { isPlainObject } from '../../model/values.js';
import { buildPlanContext } from '../terraform/plan-context.js';
import { configurationAddress, looksLikePlan, readPlan, type PlanReadResult } from '../terraform/read-plan.js';
import { looksLikeSnapshot, readSnapshot, type SnapshotReadResult } from '../resource-graph/read-snapshot.js';
import { readResourceExport } from '../resource-graph/export-shapes.js';
import { JsonStream } from './json-stream.js';
import { JsonSyntaxError, parseAt, positionOfKey, type Mark, type Position } from './positions.js';
import { CONTROL_CHARACTER, memberParser, standInFor } from '../terraform/plan-members.js';
import { decodeToken, scanEntry } from '../terraform/change-entries.js';
import { a, changeEntryProblem, ENTRY_INDEX, entryLabel, isDeposed, kindAt, sameEntry } from '../terraform/plan-entries.js';

/**
 * Reads a plan or snapshot too large to hold as one string, one resource at a time.
 *
 * Plans: `terraform show -json` writes planned_values and resource_changes before configuration, but a
 * resource cannot be normalized without its configuration block (what is configured, what it references).
 * So the first pass reads the small top-level values and the configuration and only marks where
 * resource_changes and planned_values start; the second pass streams resource_changes in batches through
 * the ordinary reader (readPlan), so normalization is the same code either way, and each batch's raw JSON
 * is garbage as soon as it is normalized. planned_values is streamed last, for resources resource_changes
 * does not list. Snapshots: `data` (or `value`, or a top-level array) rows are streamed.
 */
const BATCH = 20_000;

/** Top-level plan members kept for the first pass; the rest (prior_state, resource_drift, ...) are skipped. */
const PLAN_MEMBERS_READ = new Set(['format_version', 'terraform_version', 'configuration']);

export type LargeReadResult = { kind: 'plan'; result: PlanReadResult } | { kind: 'snapshot'; result: SnapshotReadResult } | { kind: 'unknown' };

const OBJECT = 0x7b;
const ARRAY = 0x5b;

export function readLargeInput(path: string, file: string, skipBytes: number): LargeReadResult {
  const stream = new JsonStream(path, skipBytes);
  try {
    return readTopLevel(stream, file, path);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      if (error.truncated) throw new UserError('is truncated JSON (the file ends before the document does)', file);
      throw new UserError('is not valid JSON: unexpected character', file, error.line);
    }
    throw error;
  } finally {
    stream.close();
  }
}

function readTopLevel(stream: JsonStream, file: string, path: string): LargeReadResult {
  const first = stream.peek();
  if (first === ARRAY) {
    const { rows, positions, resourceIdPositions } = streamRows(stream);
    if (!stream.atEnd()) throw new JsonSyntaxError('unexpected text after the document', stream.position().line, false);
    // The shapes and their order are the in-memory reader's (src/inputs/read-input.ts): exports first.
    const exported = readResourceExport(rows, file, (idKey) => (idKey === 'ResourceId' ? resourceIdPositions : positions));
    if (exported) return { kind: 'snapshot', result: exported };
    return looksLikeSnapshot(rows) ? { kind: 'snapshot', result: readSnapshot(rows, file, positions) } : { kind: 'unknown' };
  }
  if (first !== OBJECT) throw new UserError('is not JSON; expected a Terraform plan (terraform show -json) or a Resource Graph snapshot', file);
  const head: Record<string, unknown> = {};
  const marks = new Map<string, Mark>();
  let rows: { rows: unknown[]; positions: Map<string, Position> } | undefined;
  if (stream.open(OBJECT)) {
    do {
      const key = stream.key();
      const byte = stream.peek();
      if (key === 'resource_changes' || key === 'planned_values') {
        marks.set(key, stream.mark());
        stream.skip();
      } else if ((key === 'data' || key === 'value') && byte === ARRAY && !rows) {
        rows = streamRows(stream);
      } else if (PLAN_MEMBERS_READ.has(key) || (byte !== OBJECT && byte !== ARRAY) || key === 'data') {
        head[key] = stream.value();
      } else stream.skip();
    } while (stream.next(0x7d));
  }
  if (!stream.atEnd()) throw new JsonSyntaxError('unexpected text after the document', stream.position().line, false);
  // The same tests as for a parsed document, on a stand-in holding what the first pass kept.
  const planLike = { ...head, ...(marks.has('resource_changes') ? { resource_changes: [] } : {}), ...(marks.has('planned_values') ? { planned_values: {} } : {}) };
  if (looksLikePlan(planLike)) return { kind: 'plan', result: readPlanStreamed(stream, file, head, marks, (offset) => entryAt(path, offset)) };
  if (rows) return snapshotOf(rows.rows, rows.positions, file, head);
  if (looksLikeSnapshot(head)) return { kind: 'snapshot', result: readSnapshot(head, file, undefined) };
  return { kind: 'unknown' };
}

/** `data` (or an ARM list's `value`) rows, put back under `data` with the other top-level members. */
function snapshotOf(rows: unknown[], positions: Map<string, Position>, file: string, head: Record<string, unknown>): LargeReadResult {
  const json = { ...head, data: rows };
  if (!looksLikeSnapshot(json)) return { kind: 'unknown' };
  return { kind: 'snapshot', result: readSnapshot(json, file, positions) };
}

/**
 * Rows of a snapshot, each parsed on its own, with the place of its `id` (and of its `ResourceId`, the id
 * column of a Get-AzResource export).
 */
function streamRows(stream: JsonStream): { rows: unknown[]; positions: Map<string, Position>; resourceIdPositions: Map<string, Position> } {
  const rows: unknown[] = [];
  const positions = new Map<string, Position>();
  const resourceIdPositions = new Map<string, Position>();
  if (!stream.open(ARRAY)) return { rows, positions, resourceIdPositions };
  do {
    const { text, start } = stream.capture();
    const row = parseAt(text, start);
    rows.push(row);
    if (!isPlainObject(row)) continue;
    for (const [key, found] of [['id', positions], ['ResourceId', resourceIdPositions]] as const) {
      const id = row[key];
      if (typeof id !== 'string' || found.has(id)) continue;
      const at = positionOfKey(text, start, key);
      if (at) found.set(id, at);
    }
  } while (stream.next(0x5d));
  return { rows, positions, resourceIdPositions };
}

/** A resource_changes entry without what no rule reads (`before` is as large as `after` on updates). */
function slim(change: unknown): unknown {
  if (!isPlainObject(change) || !isPlainObject(change['change'])) return change;
  const { before: _before, before_sensitive: _beforeSensitive, ...detail } = change['change'];
  return { ...change, change: detail };
}

/** The text of the value at a byte offset of the file, read again (to compare an address the plan lists twice). */
function entryAt(path: string, offset: number): string {
  const again = new JsonStream(path, 0);
  try {
    again.seek({ offset, line: 1, lineStart: offset, columnOffset: offset, columnUnits: 0 });
    return again.capture().text;
  } finally {
    again.close();
  }
}

function readPlanStreamed(stream: JsonStream, file: string, head: Record<string, unknown>, marks: Map<string, Mark>, reread: (offset: number) => string): PlanReadResult {
  const resources: Resource[] = [];
  const problems: string[] = [];
  const overlays: PlanReadResult['overlays'] = [];
  /** Addresses that are resources after apply (planned_values adds no second copy of them). */
  const seen = new Set<string>();
  /** Every address resource_changes lists, with where its first entry starts, to compare a second one. */
  const listed = new Map<string, number>();
  let unmapped = 0;
  let context: PlanReadResult['context'] | undefined;
  // A problem with the plan as a whole (its configuration) comes back from every batch: said once.
  const said = new Set<string>();
  const run = (batch: Record<string, unknown>, positions: Map<string, Position>): void => {
    const result = readPlan({ ...head, ...batch }, file, positions);
    for (const resource of result.resources) resources.push(resource);
    for (const problem of result.problems) if (!said.has(problem)) said.add(problem), problems.push(problem);
    overlays.push(...result.overlays);
    unmapped += result.unmapped;
    context ??= result.context;
  };

  const changesAt = marks.get('resource_changes');
  if (changesAt) {
    stream.seek(changesAt);
    if (stream.peek() !== ARRAY) throw new UserError('is not a valid Terraform plan: resource_changes is not a list', file);
    let batch: unknown[] = [];
    let positions = new Map<string, Position>();
    let index = -1;
    if (stream.open(ARRAY)) {
      do {
        index++;
        stream.peek();
        const offset = stream.offset();
        const { text, start } = stream.capture();
        const change = changeEntry(text, start);
        // The checks readPlan makes on a whole plan, made here with the entry's place in the whole file.
        const problem = changeEntryProblem(change, index);
        if (problem) {
          problems.push(problem);
          continue;
        }
        const record = change as Record<string | symbol, unknown>;
        if (isDeposed(record)) continue;
        const address = record['address'] as string;
        // One entry per address across batches: a second identical one is dropped, a different one is a problem.
        const first = listed.get(address);
        if (first !== undefined) {
          const earlier = reread(first);
          if (earlier !== text && !sameEntry(JSON.parse(earlier) as unknown, JSON.parse(text) as unknown)) problems.push(`${entryLabel(index, address)}: the plan lists this address more than once, with different values`);
          continue;
        }
        listed.set(address, offset);
        const actions = (record['change'] as Record<string, unknown>)['actions'];
        if (!(Array.isArray(actions) && actions.length === 1 && actions[0] === 'delete')) seen.add(address);
        const at = positionOfKey(text, start, 'address');
        if (at && !positions.has(address)) positions.set(address, at);
        record[ENTRY_INDEX] = index;
        batch.push(change);
        if (batch.length >= BATCH) {
          run({ resource_changes: batch }, positions);
          batch = [];
          positions = new Map();
        }
      } while (stream.next(0x5d));
    }
    if (batch.length) run({ resource_changes: batch }, positions);
  }

  const plannedAt = marks.get('planned_values');
  if (plannedAt) {
    stream.seek(plannedAt);
    const first = stream.peek();
    if (first !== OBJECT) problems.push(`planned_values is ${a(kindAt(String.fromCharCode(first), 0))}, not an object`);
    const unseen: unknown[] = [];
    walkPlannedModule(stream, 'planned_values', ({ text, start }) => {
      // Most planned resources are in resource_changes too: their address is read without parsing them.
      const known = addressOf(text);
      if (known !== undefined && seen.has(known)) return;
      const resource = parseAt(text, start);
      if (isPlainObject(resource) && typeof resource['address'] === 'string' && seen.has(resource['address'])) return;
      // readPlan checks the rest, and reads an address listed twice once (or reports it, when they differ).
      unseen.push(resource);
    });
    // resource_changes, when the file has it, was read above: readPlan must not take its absence for the file's.
    if (unseen.length) run({ planned_values: { root_module: { resources: unseen } }, ...(changesAt ? { resource_changes: [] } : {}) }, new Map());
  }
  if (!context) run({}, new Map());
  // One context over every batch's resources (the batches each indexed only their own).
  const whole = { ...context!, ...buildPlanContext(file, context!.root, resources, configurationAddress) };
  return { resources, unmapped, problems, context: whole, overlays };
}

/**
 * One resource_changes entry, as the one-string reader makes it (src/inputs/terraform/plan-members.ts): a
 * stand-in read without parsing, whose planned state is parsed only if its type is one a rule reads. An
 * entry the walk cannot read is parsed whole, so a broken one is reported at its line.
 */
function changeEntry(text: string, start: Position): unknown {
  const span = CONTROL_CHARACTER.test(text) ? undefined : scanEntry(text, 0);
  if (!span || text.slice(span.end).trim() !== '') return slim(parseAt(text, start));
  return standInFor(text, span, memberParser(text, () => parseAt(text, start)));
}

/** A captured planned_values resource's own address, read without parsing it; undefined if the walk cannot tell. */
function addressOf(text: string): string | undefined {
  const span = CONTROL_CHARACTER.test(text) ? undefined : scanEntry(text, 0);
  return span && span.addressStart !== -1 ? decodeToken(text, span.addressStart, span.addressEnd) : undefined;
}

/** planned_values -> root_module -> resources[] and child_modules[] (recursively), one resource at a time. */
function walkPlannedModule(stream: JsonStream, level: 'planned_values' | 'module', onResource: (resource: { text: string; start: Position }) => void, depth = 0): void {
  if (stream.peek() !== OBJECT || depth > 100) {
    stream.skip();
    return;
  }
  if (!stream.open(OBJECT)) return;
  do {
    const key = stream.key();
    if (level === 'planned_values' && key === 'root_module') walkPlannedModule(stream, 'module', onResource, depth + 1);
    else if (level === 'module' && (key === 'resources' || key === 'child_modules') && stream.peek() === ARRAY) {
      if (!stream.open(ARRAY)) continue;
      do {
        if (key === 'resources') onResource(stream.capture());
        else walkPlannedModule(stream, 'module', onResource, depth + 1);
      } while (stream.next(0x5d));
    } else stream.skip();
  } while (stream.next(0x7d));
}
