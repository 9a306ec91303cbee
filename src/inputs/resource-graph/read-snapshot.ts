import { UserError } from '../../errors.js';
import { KeyIndex } from '../../model/key-index.js';
import { ArmRowResource, type InputKind, type Resource } from '../../model/resource.js';
import { isPlainObject, setOwn, UNKNOWN } from '../../model/values.js';
import { parseArmId } from '../../graph/arm-id.js';
import { graphWork } from '../../graph/work.js';
import { forEachStringValue, lineCursor } from '../parse-json.js';
import { sameJson } from '../json-equal.js';
import { incompleteness } from './completeness.js';
import { AUDIT_NOTATION } from './notation.js';
import { ArmTypes, PreviousValues } from './shared-strings.js';

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

/** The lengths of INLINE_CHILDREN's types: a row of another length has none, and its type is not lower-cased to find out. */
const INLINE_CHILD_TYPE_LENGTHS = new Set([...INLINE_CHILDREN.keys()].map((type) => type.length));

function mayHaveInlineChildren(type: string): boolean {
  return INLINE_CHILD_TYPE_LENGTHS.has(type.length) && INLINE_CHILDREN.has(type.toLowerCase());
}

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
  /** The resources' places by key, each key once, for the inventory to take over (Inventory.addRead). */
  keys?: KeyIndex<number>;
}

/** Where a row's id is in the file (1-based line; column in UTF-16 code units from the line's start, 1-based). */
export interface Place {
  line: number;
  column: number;
}

/** Turns Resource Graph rows into resources. Rows are ARM-shaped already; only casing needs care. */
/** `text` finds each row's line; a streamed read passes the positions it recorded instead. */
export function readSnapshot(json: unknown, file: string, text: string | ReadonlyMap<string, Place> | undefined, kind: InputKind = 'snapshot'): SnapshotReadResult {
  const given = rowsOf(json);
  if (!given) throw new UserError('is not a Resource Graph snapshot', file);
  const rowAt = (index: number): unknown => given[index];
  const rows = new SnapshotRows(file, kind, typeof text === 'string' ? { text, rowAt } : { places: text ?? new Map<string, Place>(), rowAt });
  for (const row of given) rows.add(row);
  return rows.finish(incompleteness(json, given.length));
}

/** Bits of SnapshotRows' record of a row it did not keep: what the row held that its resource does not show. */
const NAME_NOT_STRING = 1;
const LOCATION_NOT_STRING = 2;
const PARENT_ADDED = 4;
const GROUP_ADDED = 8;
const SKU_ABSENT = 16;
const PROPERTIES_ABSENT = 32;
const PROPERTIES_NULL = 64;

/**
 * Rows to resources, one row at a time, so that a streamed snapshot never holds its parsed rows: each row
 * dies young, and only its resource is kept. Two ways to place rows and compare repeated ones:
 *
 * - with the rows at hand (`rowAt`): a repeated row is compared with the first row itself, and each resource
 *   is placed where its id first occurs as an `"id"` value in the text (`text`; or `places`, the first place
 *   of each such value);
 * - streamed (`add(row, place)`): the row's own text gives its place, and a repeated row is compared
 *   with the first row as rebuilt from its resource and a few bits of what it held besides. Places are
 *   those the streamed reader kept by id before (the first row with the id whose text names it), which is
 *   the row's own unless rows without a type column, or without a literal `"id"` key, held the same id.
 */
export class SnapshotRows {
  readonly resources: Resource[] = [];
  private readonly problems: string[] = [];
  /** Children split out of their parents (subnets): read after the rows the snapshot holds, numbered on. */
  private readonly children: Record<string, unknown>[] = [];
  private count = 0;
  /**
   * The index of each resource read, by its id up to case, to compare another row with the same id. Holds
   * no lower-cased id: a Map keyed by them held a second copy of every id until the reading ended, when
   * the read holds most (src/model/key-index.ts).
   */
  private readonly seen = new KeyIndex<number>((resourceIndex) => this.pendingIds?.[resourceIndex] ?? this.resources[resourceIndex]!.source.id!);
  /** The row each resource was read from (its index). */
  private readonly firstRow: number[] = [];
  private readonly previous = new PreviousValues();
  private readonly armTypes = new ArmTypes();
  /** Streamed: per resource, NAME_NOT_STRING... bits; the name and location that were not strings, by resource. */
  private readonly held: number[] = [];
  private readonly otherNames = new Map<number, unknown>();
  private readonly otherLocations = new Map<number, unknown>();
  /** Streamed: the first place of each id of a row that gave no resource (no type column). */
  private readonly unreadPlaces = new Map<string, Place>();
  /** Streamed: resources whose row's text had no `"id"` key, by id: placed by the next row with the id that has one. */
  private readonly unplaced = new Map<string, number>();
  /**
   * With the text at hand: each resource's id, until `finish` has placed the resources and made their
   * sources. Placing them then, by one walk over the text's `"id"` values that looks each value up in
   * `seen`, costs a third of building a map of every `"id"` value first (the walk and the map it filled
   * were 120-240 ms cold on a 100k-row snapshot, where the map held 46,000 ids of ~165 characters).
   */
  private pendingIds: string[] | undefined;

  constructor(
    private readonly file: string,
    private readonly kind: InputKind,
    private readonly kept?: { rowAt: (index: number) => unknown } & ({ places: ReadonlyMap<string, Place>; text?: undefined } | { text: string; places?: undefined }),
  ) {
    if (kept?.text !== undefined) this.pendingIds = [];
  }

  /** One row; when the rows are not kept, `place` is where the row's own text first has an `"id"` key. */
  add(row: unknown, place?: Place): void {
    const index = this.count++;
    // Counted for the linear-cost tests (test/perf/linear.test.ts): rows, repeated rows and split-out children.
    graphWork.steps++;
    if (!isPlainObject(row)) {
      this.problems.push(`row ${index + 1} is not an object`);
      return;
    }
    const id = row['id'];
    const type = row['type'];
    const streamed = !this.kept;
    if (streamed && place && typeof id === 'string' && this.unplaced.size !== 0 && this.unplaced.has(id)) this.placeLater(id, place);
    if (typeof id !== 'string' || typeof type !== 'string') {
      // Projections that drop id or type cannot be checked: say so rather than skip silently.
      this.problems.push(`row ${index + 1} has no ${typeof id !== 'string' ? 'id' : 'type'} column`);
      if (streamed && place && typeof id === 'string' && !this.unreadPlaces.has(id)) this.unreadPlaces.set(id, place);
      return;
    }
    const first = this.seen.get(id);
    if (first !== undefined) {
      // Overlapping pages repeat rows: the same row is read once. Rows that differ are an error.
      if (!sameRow(this.firstRowOf(first), row)) this.problems.push(`rows ${this.firstRow[first]! + 1} and ${index + 1} have the same id ${id} but different values`);
      return;
    }
    if (mayHaveInlineChildren(type)) for (const child of inlineChildren(row, id)) this.children.push(child);
    let at: Place | undefined;
    if (this.kept) at = this.kept.places?.get(id);
    else {
      at = (this.unreadPlaces.size !== 0 ? this.unreadPlaces.get(id) : undefined) ?? place;
      if (!at) this.unplaced.set(id, this.resources.length);
    }
    this.build(row, id, type, index, at);
  }

  /** The resources, after the children split out of their parents; `incomplete` says why the rows are not all there. */
  finish(incomplete: string | undefined): SnapshotReadResult {
    // A child yields to a row of its own with its id: it is not compared with it.
    for (let i = 0; i < this.children.length; i++) {
      const child = this.children[i]!;
      graphWork.steps++;
      const id = child['id'] as string;
      if (this.seen.get(id) !== undefined) continue;
      const type = child['type'] as string;
      if (mayHaveInlineChildren(type)) for (const grandchild of inlineChildren(child, id)) this.children.push(grandchild);
      this.build(child, id, type, this.count + i, this.kept ? this.kept.places?.get(id) : this.unreadPlaces.get(id));
    }
    if (this.pendingIds) this.placeFromText(this.kept!.text!, this.pendingIds);
    return { resources: this.resources, problems: incomplete ? [incomplete, ...this.problems] : this.problems, keys: this.seen };
  }

  private build(row: Record<string, unknown>, id: string, type: string, index: number, place: Place | undefined): void {
    this.firstRow.push(index);
    let source: ArmRowResource['source'];
    if (this.pendingIds) {
      this.pendingIds.push(id);
      source = PENDING_SOURCE;
    } else source = sourceOf(this.kind, this.file, id, place);
    const resource = resourceOf(row, id, this.armTypes.of(type), source, this.previous, this.kept ? undefined : this.held);
    if (!this.kept) {
      const resourceIndex = this.resources.length;
      if (typeof row['name'] !== 'string') {
        if (Object.hasOwn(row, 'name')) this.otherNames.set(resourceIndex, row['name']);
      }
      if (typeof row['location'] !== 'string' && Object.hasOwn(row, 'location')) this.otherLocations.set(resourceIndex, row['location']);
    }
    this.resources.push(resource);
    this.seen.set(this.resources.length - 1);
  }

  /** The first row read with an id: the row itself, or (streamed) the row as rebuilt from its resource. */
  private firstRowOf(resourceIndex: number): Record<string, unknown> {
    if (this.kept) return this.kept.rowAt(this.firstRow[resourceIndex]!) as Record<string, unknown>;
    const resource = this.resources[resourceIndex]!;
    const held = this.held[resourceIndex]!;
    const row: Record<string, unknown> = { id: resource.key, type: resource.armType };
    if (!(held & NAME_NOT_STRING)) row['name'] = resource.name;
    else if (this.otherNames.has(resourceIndex)) row['name'] = this.otherNames.get(resourceIndex);
    if (!(held & LOCATION_NOT_STRING)) row['location'] = resource.location;
    else if (this.otherLocations.has(resourceIndex)) row['location'] = this.otherLocations.get(resourceIndex);
    for (const column of Object.keys(resource.body)) {
      if (column === 'parentId' && held & PARENT_ADDED) continue;
      if (column === 'resourceGroup' && held & GROUP_ADDED) continue;
      if (column === 'sku' && held & SKU_ABSENT) continue;
      if (column === 'properties' && held & PROPERTIES_ABSENT) continue;
      setOwn(row, column, column === 'properties' && held & PROPERTIES_NULL ? null : resource.body[column]);
    }
    return row;
  }

  /**
   * Each resource's source, placed where its id first occurs as an `"id"` value in the text: the first value
   * equal to the id itself (the resource whose id it is up to case is found in `seen`, and compared exactly).
   */
  private placeFromText(text: string, ids: readonly string[]): void {
    // Each resource's source is made once, where its place is found: no place objects kept until the walk ends.
    const placed = new Uint8Array(ids.length);
    const positionAt = lineCursor(text);
    const resources = this.resources;
    // Most values are the id of the next row not yet placed, in order: that is checked first, without
    // hashing the value. Ids are distinct up to case, so `seen` would have answered the same.
    let next = 0;
    forEachStringValue(text, 'id', (value, offset) => {
      while (next < ids.length && placed[next] !== 0) next++;
      const resourceIndex = next < ids.length && ids[next] === value ? next : this.seen.get(value);
      if (resourceIndex === undefined || placed[resourceIndex] !== 0 || ids[resourceIndex] !== value) return;
      placed[resourceIndex] = 1;
      // The id as read from its row, not `value`: that may be a slice of the text, and would keep all of it.
      resources[resourceIndex]!.source = sourceOf(this.kind, this.file, ids[resourceIndex]!, positionAt(offset));
    });
    for (let i = 0; i < ids.length; i++) if (placed[i] === 0) resources[i]!.source = sourceOf(this.kind, this.file, ids[i]!, undefined);
    this.pendingIds = undefined;
  }

  /** A resource whose row's text had no `"id"` key takes the place of the next row with its id that has one. */
  private placeLater(id: string, place: Place): void {
    const resourceIndex = this.unplaced.get(id)!;
    this.unplaced.delete(id);
    const resource = this.resources[resourceIndex]!;
    resource.source = sourceOf(this.kind, this.file, id, place);
  }
}

/** Columns whose value runs of rows repeat: a query returns a subscription's, a group's rows together. */
const REPEATED_COLUMNS = new Set(['subscriptionId', 'resourceGroup', 'tenantId']);

/**
 * Whether an id can name a parent (parseArmId gives parentId only for a child: at least four segments after
 * `/providers/`). Counted from the first `/providers/` in any case, so it never says no to an id parseArmId
 * would parse. The id itself is searched: lower-casing it made a copy of every row's id, and `/i` matches
 * exactly the spellings that lower-case to `/providers/` (no other character lower-cases to these letters,
 * and lower-casing moves no slash past another).
 */
const PROVIDERS = /\/providers\//i;

function mayNameParent(id: string): boolean {
  const found = PROVIDERS.exec(id);
  if (!found) return false;
  let slashes = 0;
  for (let at = id.indexOf('/', found.index + 11); at !== -1 && slashes < 4; at = id.indexOf('/', at + 1)) slashes++;
  return slashes >= 4;
}

/**
 * One row as a resource. The body is every column but id, type, name and location, copied in the row's
 * order by a plain loop: object rest spread costs several times as much per row, and a 100k-row snapshot
 * makes 100k of them.
 */
function resourceOf(row: Record<string, unknown>, id: string, armType: string, source: ArmRowResource['source'], previous: PreviousValues, held: number[] | undefined): Resource {
  const body = new RowBody();
  for (const column in row) {
    if (column === 'id' || column === 'type' || column === 'name' || column === 'location' || !Object.hasOwn(row, column)) continue;
    const value = row[column];
    setOwn(body, column, typeof value === 'string' && REPEATED_COLUMNS.has(column) ? previous.same(column, value) : value);
  }
  // What the body holds that the row did not, for comparing a repeated row with this one once the row is gone.
  let holds = 0;
  // Resource Graph rows carry their resource group, and most ids name no parent: the id is parsed only when
  // it can add one of the two.
  const parsed = body['resourceGroup'] === undefined || (body['parentId'] === undefined && mayNameParent(id)) ? parseArmId(id) : undefined;
  if (parsed?.parentId && body['parentId'] === undefined) {
    body['parentId'] = parsed.parentId;
    holds |= PARENT_ADDED;
  }
  if (parsed && body['resourceGroup'] === undefined) {
    body['resourceGroup'] = parsed.resourceGroup;
    holds |= GROUP_ADDED;
  }
  // A query that projected a column away (`| project id, name, type`) did not capture it: the value is
  // unknown, not absent, or every check on it would fail.
  if (!('properties' in row)) {
    body['properties'] = UNKNOWN;
    holds |= PROPERTIES_ABSENT;
  }
  if (!('sku' in row)) {
    body['sku'] = UNKNOWN;
    holds |= SKU_ABSENT;
  }
  // A null property bag says nothing about the properties: unknown, or a check that reads "absent" as
  // "not set" would pass (or fail) on data the row never held.
  if (body['properties'] === null) {
    body['properties'] = UNKNOWN;
    holds |= PROPERTIES_NULL;
  }
  const name = row['name'];
  if (typeof name !== 'string') holds |= NAME_NOT_STRING;
  const location = typeof row['location'] === 'string' ? previous.same('location', row['location']) : row['location'];
  if (typeof location !== 'string') holds |= LOCATION_NOT_STRING;
  const shown = typeof name === 'string' ? name : id.split('/').pop() ?? id;
  // Its key (`key`, the lower-cased id) is computed from the id when asked, not held: see ArmRowResource.
  held?.push(holds);
  return new ArmRowResource(armType, shown, typeof location === 'string' ? location : undefined, body, source);
}

/**
 * A row's body is made by `new RowBody()`: a plain object all the same (its prototype is Object.prototype,
 * its `constructor` Object), but one V8 sizes to the columns bodies get, learnt from the first few it makes
 * (in-object slack tracking, up to ten). A `{}` has room for four properties in the object itself; a Resource
 * Graph row's body has five or more (resourceGroup, subscriptionId, tags, sku, properties), so each body held
 * the rest in a second object: for five columns two objects and 96 bytes a resource, kept for the whole scan,
 * where this is one object of 64 (test/units/snapshot-body.test.ts). A body with more columns than the first
 * ones had holds the rest in a second object, as a `{}` did.
 */
const RowBody = function RowBody() {} as unknown as new () => Record<string, unknown>;
RowBody.prototype = Object.prototype;

/** What a resource read with the text at hand holds until SnapshotRows.finish gives it its source. */
const PENDING_SOURCE: ArmRowResource['source'] = { kind: 'snapshot', dialect: 'arm', file: '', id: '', managed: true };

function sourceOf(kind: InputKind, file: string, id: string, position: Place | undefined): ArmRowResource['source'] {
  const source: ArmRowResource['source'] = position
    ? { kind, dialect: 'arm', file, id, managed: true, line: position.line, column: position.column }
    : { kind, dialect: 'arm', file, id, managed: true };
  if (kind === 'audit') source.notation = AUDIT_NOTATION;
  return source;
}
