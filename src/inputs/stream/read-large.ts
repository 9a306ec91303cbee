import { UserError } from '../../errors.js';
import { isPlainObject } from '../../model/values.js';
import { looksLikePlan, type PlanReadResult } from '../terraform/read-plan.js';
import { looksLikeSnapshot, readSnapshot, SnapshotRows, type SnapshotReadResult } from '../resource-graph/read-snapshot.js';
import { incompleteness } from '../resource-graph/completeness.js';
import { readResourceExport } from '../resource-graph/export-shapes.js';
import { JsonStream } from './json-stream.js';
import { JsonSyntaxError, parseAt, positionOfKey, type Mark, type Position } from './positions.js';
import { readStreamedPlan } from './streamed-plan.js';

/**
 * Reads a plan or snapshot too large to hold as one string, one resource at a time.
 *
 * Plans: the first pass reads the small top-level values and the configuration and only marks where
 * resource_changes and planned_values start; streamed-plan.ts reads them. Snapshots: `data` (or `value`,
 * or a top-level array) rows are streamed.
 */

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
  let rows: StreamedRows | undefined;
  if (stream.open(OBJECT)) {
    do {
      const key = stream.key();
      const byte = stream.peek();
      if (key === 'resource_changes' || key === 'planned_values') {
        marks.set(key, stream.mark());
        stream.skip();
      } else if ((key === 'data' || key === 'value') && byte === ARRAY && !rows) {
        rows = streamSnapshotRows(stream, file);
      } else if (PLAN_MEMBERS_READ.has(key) || (byte !== OBJECT && byte !== ARRAY) || key === 'data') {
        head[key] = stream.value();
      } else stream.skip();
    } while (stream.next(0x7d));
  }
  if (!stream.atEnd()) throw new JsonSyntaxError('unexpected text after the document', stream.position().line, false);
  // The same tests as for a parsed document, on a stand-in holding what the first pass kept.
  const planLike = { ...head, ...(marks.has('resource_changes') ? { resource_changes: [] } : {}), ...(marks.has('planned_values') ? { planned_values: {} } : {}) };
  if (looksLikePlan(planLike)) return { kind: 'plan', result: readStreamedPlan(stream, path, file, head, marks) };
  if (rows) return snapshotOf(rows, head);
  if (looksLikeSnapshot(head)) return { kind: 'snapshot', result: readSnapshot(head, file, undefined) };
  return { kind: 'unknown' };
}

/**
 * `data` (or an ARM list's `value`) rows, judged as if put back under `data` with the other top-level
 * members: the rows are resources already, and one row that looks like a Resource Graph row (or none)
 * stands in for them in the shape tests.
 */
function snapshotOf(rows: StreamedRows, head: Record<string, unknown>): LargeReadResult {
  const json = { ...head, data: rows.sample ? [rows.sample] : [] };
  if (!looksLikeSnapshot(json)) return { kind: 'unknown' };
  return { kind: 'snapshot', result: rows.read.finish(incompleteness(json, rows.count)) };
}

interface StreamedRows {
  read: SnapshotRows;
  count: number;
  /** The first row that looks like a Resource Graph row (an object with a string id and type), if any. */
  sample?: unknown;
}

/**
 * The rows under `data` (or `value`), each parsed on its own and turned into its resource at once, so that
 * the parsed rows are never held together: a streamed snapshot's memory is its resources'.
 */
function streamSnapshotRows(stream: JsonStream, file: string): StreamedRows {
  const rows: StreamedRows = { read: new SnapshotRows(file, 'snapshot'), count: 0 };
  if (!stream.open(ARRAY)) return rows;
  do {
    const { text, start } = stream.capture();
    const row = parseAt(text, start);
    rows.count++;
    if (rows.sample === undefined && isPlainObject(row) && typeof row['id'] === 'string' && typeof row['type'] === 'string') rows.sample = row;
    rows.read.add(row, text, start);
  } while (stream.next(0x5d));
  return rows;
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
