import { UserError } from '../../errors.js';
import { canonicalArmType } from '../../model/arm-types.js';
import type { InputKind, Resource } from '../../model/resource.js';
import { isPlainObject, setOwn, UNKNOWN } from '../../model/values.js';
import { parseArmId } from '../../graph/arm-id.js';
import { graphWork } from '../../graph/work.js';
import { locateStringValues } from '../parse-json.js';
import { sameJson } from '../json-equal.js';
import { incompleteness } from './completeness.js';
import { AUDIT_NOTATION } from './notation.js';

/**
 * Resource Graph snapshots arrive in every shape users produce:
 * - `az graph query -o json`: { count, data: [...], skip_token, total_records }
 * - the REST `resources` response: { totalRecords, count, resultTruncated, $skipToken, data }, where data is
 *   an array of objects or, with resultFormat table, { columns: [{name,type}], rows: [[...]] }
 * - a plain array of rows (e.g. `az graph query ... --query data`), or an ARM list { value: [...] }.
 */
export function rowsOf(json: unknown): unknown[] | undefined {
  if (Array.isArray(json)) return json.length === 0 || json.some(isRow) ? json : undefined;
  if (!isPlainObject(json)) return undefined;
  const data = json['data'];
  if (Array.isArray(data) && ('count' in json || 'totalRecords' in json || 'total_records' in json || 'skip_token' in json || '$skipToken' in json || data.some(isRow))) return data;
  if (isPlainObject(data) && Array.isArray(data['columns']) && Array.isArray(data['rows'])) return tableRows(data['columns'], data['rows']);
  const value = json['value'];
  if (Array.isArray(value) && value.some(isRow)) return value;
  return undefined;
}

function isRow(value: unknown): boolean {
  return isPlainObject(value) && typeof value['id'] === 'string' && typeof value['type'] === 'string';
}

function tableRows(columns: unknown[], rows: unknown[]): unknown[] {
  const names = columns.map((column) => (isPlainObject(column) ? String(column['name']) : String(column)));
  return rows.map((row) => {
    if (!Array.isArray(row)) return row;
    const object: Record<string, unknown> = {};
    // A column named `__proto__` is a column like any other, not the row's prototype.
    names.forEach((name, i) => setOwn(object, name, row[i]));
    return object;
  });
}

/**
 * Resource Graph returns subnets and peerings inside their VNet (and rule collection groups not at all), but
 * the graph links to them by id: they become resources of their own, as ARM lists them.
 */
// Keyed by a row's type: a Map, so a row of type `constructor` finds nothing.
const INLINE_CHILDREN: ReadonlyMap<string, ReadonlyArray<{ property: string; type: string }>> = new Map([
  ['microsoft.network/virtualnetworks', [
    { property: 'subnets', type: 'Microsoft.Network/virtualNetworks/subnets' },
    { property: 'virtualNetworkPeerings', type: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings' },
  ]],
]);

function inlineChildren(row: Record<string, unknown>, parentId: string): Record<string, unknown>[] {
  const specs = INLINE_CHILDREN.get(String(row['type']).toLowerCase());
  const properties = row['properties'];
  if (!specs || !isPlainObject(properties)) return [];
  const children: Record<string, unknown>[] = [];
  for (const spec of specs) {
    const list = properties[spec.property];
    if (!Array.isArray(list)) continue;
    for (const child of list) {
      if (!isPlainObject(child) || typeof child['name'] !== 'string') continue;
      const segment = spec.type.split('/').pop()!;
      const id = typeof child['id'] === 'string' ? child['id'] : `${parentId}/${segment}/${child['name']}`;
      children.push({ ...child, id, type: spec.type, properties: isPlainObject(child['properties']) ? child['properties'] : {}, sku: null });
    }
  }
  return children;
}

/** Resource Graph columns rules read; a row without one was projected without it. */
const PROJECTED_COLUMNS = ['properties', 'sku'] as const;

/** Rows that are the same resource read twice: ARM ids and types compare case-insensitively, the rest exactly. */
function sameRow(left: Record<string, unknown>, right: Record<string, unknown>): boolean {
  const folded = (row: Record<string, unknown>) => ({ ...row, id: String(row['id']).toLowerCase(), type: String(row['type']).toLowerCase() });
  return sameJson(folded(left), folded(right));
}

export function looksLikeSnapshot(json: unknown): boolean {
  return rowsOf(json) !== undefined;
}

export interface SnapshotReadResult {
  resources: Resource[];
  problems: string[];
}

/** Turns Resource Graph rows into resources. Rows are ARM-shaped already; only casing needs care. */
/** `text` finds each row's line; a streamed read passes the positions it recorded instead. */
export function readSnapshot(json: unknown, file: string, text: string | ReadonlyMap<string, { line: number; column: number }> | undefined, kind: InputKind = 'snapshot'): SnapshotReadResult {
  const given = rowsOf(json);
  if (!given) throw new UserError('is not a Resource Graph snapshot', file);
  // Children split out of their parents (subnets) are read after the rows the snapshot holds, numbered on.
  const children: Record<string, unknown>[] = [];
  const positions = typeof text === 'string' ? locateStringValues(text, 'id') : text ?? new Map<string, { line: number; column: number }>();
  const resources: Resource[] = [];
  const problems: string[] = [];
  const incomplete = incompleteness(json, given.length);
  if (incomplete) problems.push(incomplete);
  /** The index of the first row read for each (lower-cased) id, to compare another row with the same id. */
  const seen = new Map<string, number>();
  const previous = new PreviousValues();
  const rowAt = (index: number): unknown => (index < given.length ? given[index] : children[index - given.length]);
  for (let index = 0; index < given.length + children.length; index++) {
    const row = rowAt(index);
    // Counted for the linear-cost tests (test/perf/linear.test.ts): rows, repeated rows and split-out children.
    graphWork.steps++;
    if (!isPlainObject(row)) {
      problems.push(`row ${index + 1} is not an object`);
      continue;
    }
    const id = row['id'];
    const type = row['type'];
    if (typeof id !== 'string' || typeof type !== 'string') {
      // Projections that drop id or type cannot be checked: say so rather than skip silently.
      problems.push(`row ${index + 1} has no ${typeof id !== 'string' ? 'id' : 'type'} column`);
      continue;
    }
    const key = id.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      // Overlapping pages repeat rows: the same row is read once. Rows the snapshot itself holds that differ
      // are an error; a child split out of its parent (a subnet) yields to a row of its own.
      if (index < given.length && !sameRow(rowAt(first) as Record<string, unknown>, row)) problems.push(`rows ${first + 1} and ${index + 1} have the same id ${id} but different values`);
      continue;
    }
    seen.set(key, index);
    if (INLINE_CHILDREN.has(type.toLowerCase())) for (const child of inlineChildren(row, id)) children.push(child);
    resources.push(resourceOf(row, id, key, type, file, kind, positions.get(id), previous));
  }
  return { resources, problems };
}

/** Columns whose value runs of rows repeat: a query returns a subscription's, a group's rows together. */
const REPEATED_COLUMNS = new Set(['subscriptionId', 'resourceGroup', 'tenantId']);

/**
 * The last value of each repeated column, handed out again for an equal one. JSON.parse gives every row its
 * own copy of every string; one comparison with the previous row's value (no hashing) lets the rows of a
 * run share one copy instead of each holding its own until the rules have run.
 */
class PreviousValues {
  private readonly last = new Map<string, string>();

  same(column: string, value: string): string {
    const last = this.last.get(column);
    if (last === value) return last;
    this.last.set(column, value);
    return value;
  }
}

/**
 * Whether an id can name a parent (parseArmId gives parentId only for a child: at least four segments after
 * `/providers/`). Counted from the first `/providers/`, so it never says no to an id parseArmId would parse.
 */
function mayNameParent(lowerId: string): boolean {
  let at = lowerId.indexOf('/providers/');
  if (at === -1) return false;
  let slashes = 0;
  for (at = lowerId.indexOf('/', at + 11); at !== -1 && slashes < 4; at = lowerId.indexOf('/', at + 1)) slashes++;
  return slashes >= 4;
}

/**
 * One row as a resource. The body is every column but id, type, name and location, copied in the row's
 * order by a plain loop: object rest spread costs several times as much per row, and a 100k-row snapshot
 * makes 100k of them.
 */
function resourceOf(row: Record<string, unknown>, id: string, key: string, type: string, file: string, kind: InputKind, position: { line: number; column: number } | undefined, previous: PreviousValues): Resource {
  const body: Record<string, unknown> = {};
  for (const column in row) {
    if (column === 'id' || column === 'type' || column === 'name' || column === 'location' || !Object.hasOwn(row, column)) continue;
    const value = row[column];
    setOwn(body, column, typeof value === 'string' && REPEATED_COLUMNS.has(column) ? previous.same(column, value) : value);
  }
  // Resource Graph rows carry their resource group, and most ids name no parent: the id is parsed only when
  // it can add one of the two.
  const parsed = body['resourceGroup'] === undefined || (body['parentId'] === undefined && mayNameParent(key)) ? parseArmId(id) : undefined;
  if (parsed?.parentId && body['parentId'] === undefined) body['parentId'] = parsed.parentId;
  if (parsed && body['resourceGroup'] === undefined) body['resourceGroup'] = parsed.resourceGroup;
  // A query that projected a column away (`| project id, name, type`) did not capture it: the value is
  // unknown, not absent, or every check on it would fail.
  for (const column of PROJECTED_COLUMNS) if (!(column in row)) body[column] = UNKNOWN;
  // A null property bag says nothing about the properties: unknown, or a check that reads "absent" as
  // "not set" would pass (or fail) on data the row never held.
  if (body['properties'] === null) body['properties'] = UNKNOWN;
  const name = row['name'];
  const location = typeof row['location'] === 'string' ? previous.same('location', row['location']) : row['location'];
  const source: Resource['source'] = position
    ? { kind, dialect: 'arm', file, id, managed: true, line: position.line, column: position.column }
    : { kind, dialect: 'arm', file, id, managed: true };
  if (kind === 'audit') source.notation = AUDIT_NOTATION;
  const armType = canonicalArmType(type);
  const shown = typeof name === 'string' ? name : id.split('/').pop() ?? id;
  return typeof location === 'string' ? { key, armType, name: shown, location, body, source } : { key, armType, name: shown, body, source };
}
