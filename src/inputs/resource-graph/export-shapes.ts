import { isPlainObject, UNKNOWN } from '../../model/values.js';
import { locateStringValues } from '../parse-json.js';
import { readSnapshot, type SnapshotReadResult } from './read-snapshot.js';

/**
 * Inventory exports people have at hand besides Resource Graph, turned into Resource Graph rows:
 *
 * - `Get-AzResource -ExpandProperties | ConvertTo-Json`: PascalCase columns (ResourceId, ResourceType,
 *   Name, Location, ResourceGroupName, Kind, Tags, Sku, Identity, Properties); one object instead of an
 *   array for a single resource. ConvertTo-Json stops at -Depth 2 by default and writes deeper objects as
 *   their type name ("System.Object[]", "@{...}"): such values are unknown, and the scan says so.
 *   Without -ExpandProperties, Properties is null: every property is unknown.
 * - `az resource list -o json`: camelCase id, name, type, location, resourceGroup, kind, sku, tags,
 *   identity, managedBy, but `properties` is always null: every property is unknown.
 */

/** What ConvertTo-Json writes for an object deeper than -Depth: its type name or PowerShell's @{...} form. */
const TRUNCATED = /^(?:System\.[A-Za-z0-9_.`]+(?:\[\])?|@\{.*\})$/s;

interface ExportRows {
  rows: Record<string, unknown>[];
  /** The row id column in the file, for line numbers. */
  idKey: string;
  /** Why a column this export never carries is unknown, for the unknown findings' messages. */
  omits?: string;
  problems: string[];
}

function lowerFirst(key: string): string {
  return key.charAt(0).toLowerCase() + key.slice(1);
}

/** Sku and Identity are objects with PascalCase keys in PowerShell; ARM's are camelCase. */
function camelKeys(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [lowerFirst(key), entry]));
}

/** Replaces every value ConvertTo-Json cut with UNKNOWN; returns the paths it cut. */
function markTruncated(value: unknown, path: string, cut: string[]): unknown {
  if (typeof value === 'string') {
    if (!TRUNCATED.test(value)) return value;
    cut.push(path);
    return UNKNOWN;
  }
  if (Array.isArray(value)) return value.map((item, index) => markTruncated(item, `${path}[${index}]`, cut));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, markTruncated(entry, `${path}.${key}`, cut)]));
  return value;
}

export function isPowerShellResource(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && typeof value['ResourceId'] === 'string' && typeof value['ResourceType'] === 'string';
}

function fromPowerShell(json: unknown): ExportRows | undefined {
  const items = Array.isArray(json) ? json : [json];
  if (items.length === 0 || !items.every(isPowerShellResource)) return undefined;
  const cut: Array<{ id: string; path: string }> = [];
  let withoutProperties = 0;
  const rows = items.map((item) => {
    const id = item['ResourceId'] as string;
    const row: Record<string, unknown> = { id, type: item['ResourceType'], name: item['Name'] ?? item['ResourceName'] };
    for (const [from, to] of [
      ['Location', 'location'],
      ['ResourceGroupName', 'resourceGroup'],
      ['SubscriptionId', 'subscriptionId'],
      ['Kind', 'kind'],
      ['ManagedBy', 'managedBy'],
      ['Tags', 'tags'],
    ] as const) {
      if (from in item) row[to] = item[from];
    }
    const paths: string[] = [];
    row['sku'] = markTruncated(camelKeys(item['Sku'] ?? null), 'sku', paths);
    if (item['Identity'] !== undefined) row['identity'] = markTruncated(camelKeys(item['Identity']), 'identity', paths);
    // Without -ExpandProperties there are no properties: left out, they read as unknown, not as absent.
    if (isPlainObject(item['Properties'])) row['properties'] = markTruncated(item['Properties'], 'properties', paths);
    else withoutProperties++;
    for (const path of paths) cut.push({ id, path });
    return row;
  });
  const problems: string[] = [];
  if (cut.length > 0) {
    const first = cut[0]!;
    const more = cut.length > 1 ? ` and ${cut.length - 1} more` : '';
    // Kept short: error lines are cut at a few hundred characters.
    problems.push(`ConvertTo-Json cut nested properties at its default depth of 2 (${first.path} of ${first.id.split('/').pop()}${more} hold a type name, not data), so they were not read; export with ConvertTo-Json -Depth 100`);
  }
  return {
    rows,
    idKey: 'ResourceId',
    problems,
    ...(withoutProperties > 0 ? { omits: 'not in this Get-AzResource export (run it with -ExpandProperties, and ConvertTo-Json -Depth 100)' } : {}),
  };
}

const AZ_RESOURCE_LIST_COLUMNS = ['provisioningState', 'changedTime', 'createdTime', 'managedBy', 'extendedLocation'];

/** A row as `az resource list` writes it: id and type, properties always null, no subscription or tenant columns. */
export function isAzResourceListRow(value: unknown): boolean {
  return isPlainObject(value) && typeof value['id'] === 'string' && typeof value['type'] === 'string' && 'properties' in value && value['properties'] === null && !('subscriptionId' in value) && !('tenantId' in value);
}

function fromAzResourceList(json: unknown): ExportRows | undefined {
  if (!Array.isArray(json) || json.length === 0) return undefined;
  const rows = json.filter(isPlainObject);
  if (rows.length !== json.length) return undefined;
  if (!rows.every(isAzResourceListRow) || !rows.some((row) => AZ_RESOURCE_LIST_COLUMNS.some((column) => column in row))) return undefined;
  return {
    // Without the column, each property is unknown (as for a query that projected properties away).
    rows: rows.map(({ properties: _none, ...rest }) => rest),
    idKey: 'id',
    problems: [],
    omits: 'not in this `az resource list` export, which has no properties (scan `az graph query` output, or run `azfence audit`)',
  };
}

/**
 * Reads one of these exports as a snapshot, or returns undefined for any other shape. Rows are placed by
 * their id column: found in the text, or (the streaming reader, which never holds the text) looked up in
 * the positions it recorded for that column.
 */
export function readResourceExport(json: unknown, file: string, text: string | ((idKey: string) => ReadonlyMap<string, { line: number; column: number }>)): SnapshotReadResult | undefined {
  const shape = fromPowerShell(json) ?? fromAzResourceList(json);
  if (!shape) return undefined;
  const positions = typeof text === 'string' ? locateStringValues(text, shape.idKey) : text(shape.idKey);
  const result = readSnapshot(shape.rows, file, positions);
  if (shape.omits) for (const resource of result.resources) resource.source.omits = shape.omits;
  return { resources: result.resources, problems: [...shape.problems, ...result.problems] };
}
