import { UserError } from '../../errors.js';
import { isPlainObject } from '../../model/values.js';
import { looksLikePlan, type PlanReadResult } from '../terraform/read-plan.js';
import { looksLikeSnapshot, readSnapshot, SnapshotRows, type SnapshotReadResult } from '../resource-graph/read-snapshot.js';
import { incompleteness } from '../resource-graph/completeness.js';
import { isAzResourceListRow, isPowerShellResource, readResourceExport } from '../resource-graph/export-shapes.js';
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
    const { streamed, kept } = streamTopLevelRows(stream, file);
    if (!stream.atEnd()) throw new JsonSyntaxError('unexpected text after the document', stream.position().line, false);
    if (kept) {
      // Every row may be an export's: the rows were kept, and are read as the in-memory reader reads them
      // (src/inputs/read-input.ts), exports first.
      const { rows, positions, resourceIdPositions } = kept;
      const exported = readResourceExport(rows, file, (idKey) => (idKey === 'ResourceId' ? resourceIdPositions : positions));
      if (exported) return { kind: 'snapshot', result: exported };
      return looksLikeSnapshot(rows) ? { kind: 'snapshot', result: readSnapshot(rows, file, positions) } : { kind: 'unknown' };
    }
    // Not an export (some row is neither a Get-AzResource nor an `az resource list` row): the rows are
    // resources already, judged as a plain array of rows (no totals to check).
    return looksLikeSnapshot(streamed.standIn()) ? { kind: 'snapshot', result: streamed.read.finish(undefined) } : { kind: 'unknown' };
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
 * members: the rows are resources already, and StreamedRows.standIn stands in for them in the shape tests.
 */
function snapshotOf(rows: StreamedRows, head: Record<string, unknown>): LargeReadResult {
  const json = { ...head, data: rows.standIn() };
  if (!looksLikeSnapshot(json)) return { kind: 'unknown' };
  return { kind: 'snapshot', result: rows.read.finish(incompleteness(json, rows.count)) };
}

/** Rows turned into resources as they are read, with what the shape tests need of them. */
class StreamedRows {
  readonly read: SnapshotRows;
  count = 0;
  /** The first row that looks like a Resource Graph row (an object with a string id and type), if any. */
  sample?: unknown;

  constructor(file: string) {
    this.read = new SnapshotRows(file, 'snapshot');
  }

  /**
   * What the shape tests (src/inputs/resource-graph/read-snapshot.ts, rowsOf) are shown for the rows: as
   * many rows as there are, none, or one; one that looks like a Resource Graph row if any does.
   */
  standIn(): unknown[] {
    if (this.sample !== undefined) return [this.sample];
    return this.count === 0 ? [] : [undefined];
  }

  /** A row and its text, which places it. */
  add(row: unknown, text: string, start: Position): void {
    this.addAt(row, isPlainObject(row) && typeof row['id'] === 'string' ? positionOfKey(text, start, 'id') : undefined);
  }

  /** A row and where its text first has an `"id"` key. */
  addAt(row: unknown, place: Position | undefined): void {
    this.count++;
    if (this.sample === undefined && isPlainObject(row) && typeof row['id'] === 'string' && typeof row['type'] === 'string') this.sample = row;
    this.read.add(row, place);
  }
}

/**
 * The rows under `data` (or `value`), each parsed on its own and turned into its resource at once, so that
 * the parsed rows are never held together: a streamed snapshot's memory is its resources'.
 */
function streamSnapshotRows(stream: JsonStream, file: string): StreamedRows {
  const rows = new StreamedRows(file);
  if (!stream.open(ARRAY)) return rows;
  do {
    const { text, start } = stream.capture();
    rows.add(parseAt(text, start), text, start);
  } while (stream.next(0x5d));
  return rows;
}

/**
 * A document that is one array of rows. While every row read may still be a row of an inventory export
 * (Get-AzResource, `az resource list`: known only once all are read), the rows are kept, with the places
 * of their `id` and `ResourceId`; the first row that can be no export's ends that, and the rows kept so
 * far are turned into resources like the rest.
 */
function streamTopLevelRows(stream: JsonStream, file: string): { streamed: StreamedRows; kept?: KeptRows } {
  const streamed = new StreamedRows(file);
  let kept: (KeptRows & { places: Array<Position | undefined> }) | undefined = { rows: [], places: [], positions: new Map(), resourceIdPositions: new Map() };
  let powerShell = true;
  let azResourceList = true;
  if (!stream.open(ARRAY)) return { streamed, kept };
  do {
    const { text, start } = stream.capture();
    const row = parseAt(text, start);
    if (!kept) {
      streamed.add(row, text, start);
      continue;
    }
    powerShell &&= isPowerShellResource(row);
    azResourceList &&= isAzResourceListRow(row);
    if (powerShell || azResourceList) {
      kept.rows.push(row);
      kept.places.push(isPlainObject(row) && typeof row['id'] === 'string' ? positionOfKey(text, start, 'id') : undefined);
      keepPositions(row, text, start, kept);
      continue;
    }
    kept.rows.forEach((keptRow, index) => streamed.addAt(keptRow, kept!.places[index]));
    kept = undefined;
    streamed.add(row, text, start);
  } while (stream.next(0x5d));
  return { streamed, kept };
}

interface KeptRows {
  rows: unknown[];
  positions: Map<string, Position>;
  resourceIdPositions: Map<string, Position>;
}

/** The place of a kept row's `id` (and of its `ResourceId`), for the first row with each. */
function keepPositions(row: unknown, text: string, start: Position, kept: KeptRows): void {
  if (!isPlainObject(row)) return;
  for (const [key, found] of [['id', kept.positions], ['ResourceId', kept.resourceIdPositions]] as const) {
    const id = row[key];
    if (typeof id !== 'string' || found.has(id)) continue;
    const at = positionOfKey(text, start, key);
    if (at) found.set(id, at);
  }
}
