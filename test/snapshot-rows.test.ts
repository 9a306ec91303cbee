import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readInput } from '../src/inputs/read-input.js';
import type { Resource } from '../src/model/resource.js';
import { tempDir } from './support/run-cli.js';
import { withEnv } from './support/plan-readers.js';

/**
 * The streaming reader turns each snapshot row into its resource as it reads it, and keeps no parsed rows:
 * a repeated row is compared with the first one as rebuilt from its resource, and a resource is placed by
 * its row's own text. These cases are where a rebuilt row or a row's own place could differ from the row
 * itself: both readers must read the same resources and report the same problems, in either layout.
 */
type Json = Record<string, unknown>;

const READERS = [
  { name: 'in memory', env: {} },
  { name: 'streaming reader', env: { AZFENCE_STREAM_ABOVE_BYTES: '1' } },
] as const;

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000';
const ACR_ID = `${SUB}/resourceGroups/rg-app/providers/Microsoft.ContainerRegistry/registries/acrapp`;
const SUBNET_ID = `${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-app/subnets/snet-pe`;

function registry(extra: Json = {}): Json {
  return {
    id: ACR_ID,
    name: 'acrapp',
    type: 'Microsoft.ContainerRegistry/registries',
    location: 'westeurope',
    resourceGroup: 'rg-app',
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    tags: { env: 'prod' },
    sku: { name: 'Premium' },
    properties: { publicNetworkAccess: 'Enabled', networkRuleSet: { defaultAction: 'Allow' } },
    ...extra,
  };
}

function without(row: Json, ...columns: string[]): Json {
  const copy = { ...row };
  for (const column of columns) delete copy[column];
  return copy;
}

const VAULT: Json = {
  id: `${SUB}/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kvapp`,
  name: 'kvapp',
  type: 'Microsoft.KeyVault/vaults',
  location: 'westeurope',
  resourceGroup: 'rg-app',
  properties: { publicNetworkAccess: 'Disabled' },
};

const VNET: Json = {
  id: `${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-app`,
  name: 'vnet-app',
  type: 'Microsoft.Network/virtualNetworks',
  location: 'westeurope',
  resourceGroup: 'rg-net',
  properties: { subnets: [{ name: 'snet-pe', properties: { addressPrefix: '10.0.1.0/24' } }] },
};

/** First rows of a repeated pair, each with what the resource does not show of its row (columns absent, null, not strings). */
const FIRST_ROWS: Record<string, Json> = {
  'a full row': registry(),
  'no name column': without(registry(), 'name'),
  'a null name': registry({ name: null }),
  'a number for a name': registry({ name: 7 }),
  'no location column': without(registry(), 'location'),
  'a null location': registry({ location: null }),
  'an object for a location': registry({ location: { name: 'westeurope' } }),
  'null properties': registry({ properties: null }),
  'no properties column': without(registry(), 'properties'),
  'no sku column': without(registry(), 'sku'),
  'no sku nor properties columns': without(registry(), 'sku', 'properties'),
  'no resource group column': without(registry(), 'resourceGroup'),
  'a parent id column': registry({ parentId: `${SUB}/resourceGroups/rg-app` }),
  'a child id without a parent id column': {
    ...registry(),
    id: `${ACR_ID}/replications/westus`,
    type: 'Microsoft.ContainerRegistry/registries/replications',
    name: 'westus',
  },
  'a child id without parent id nor resource group columns': without(
    { ...registry(), id: `${ACR_ID}/replications/westus`, type: 'Microsoft.ContainerRegistry/registries/replications', name: 'westus' },
    'resourceGroup',
  ),
  'a __proto__ column': JSON.parse(JSON.stringify(registry()).replace('"tags":', '"__proto__":{"x":1},"tags":')) as Json,
  'columns in another order': { properties: registry()['properties'], type: 'Microsoft.ContainerRegistry/registries', id: ACR_ID, name: 'acrapp', sku: { name: 'Premium' } },
};

/** Changes to the repeat of a row: a different row (an error) or the same (read once), as `sameRow` below judges. */
const REPEATS: Record<string, (row: Json) => Json> = {
  'the same row': (row) => structuredClone(row),
  'the same row, id and type in other casing': (row) => ({ ...structuredClone(row), id: String(row['id']).toUpperCase(), type: String(row['type']).toLowerCase() }),
  'the same columns in reverse order': (row) => Object.fromEntries(Object.entries(structuredClone(row)).reverse()),
  'another name': (row) => ({ ...structuredClone(row), name: 'other' }),
  'no name column': (row) => without(structuredClone(row), 'name'),
  'a null name': (row) => ({ ...structuredClone(row), name: null }),
  'another location': (row) => ({ ...structuredClone(row), location: 'northeurope' }),
  'no location column': (row) => without(structuredClone(row), 'location'),
  'null properties': (row) => ({ ...structuredClone(row), properties: null }),
  'no properties column': (row) => without(structuredClone(row), 'properties'),
  'empty properties': (row) => ({ ...structuredClone(row), properties: {} }),
  'no sku column': (row) => without(structuredClone(row), 'sku'),
  'a null sku': (row) => ({ ...structuredClone(row), sku: null }),
  'no resource group column': (row) => without(structuredClone(row), 'resourceGroup'),
  'a resource group column naming the group of the id': (row) => ({ ...structuredClone(row), resourceGroup: 'rg-app' }),
  'a parent id column naming the parent of the id': (row) => ({ ...structuredClone(row), parentId: ACR_ID }),
  'a column more': (row) => ({ ...structuredClone(row), kind: 'x' }),
  'another tag': (row) => ({ ...structuredClone(row), tags: { env: 'dev' } }),
};

interface Read {
  resources: Resource[];
  problems: string[];
}

function readWith(path: string, env: Record<string, string>): Read {
  withEnv(env);
  const outcome = readInput({ path, shownAs: 'snapshot.json', explicit: true });
  if (outcome.status !== 'read') throw new Error(`not read: ${outcome.reason}`);
  return { resources: outcome.input.resources, problems: outcome.input.problems };
}

/** Reads the snapshot compact and indented with both readers; expects them to agree, and returns the reads. */
function readBoth(snapshot: Json | unknown[], label: string): Read[] {
  const dir = tempDir();
  const reads: Read[] = [];
  [JSON.stringify(snapshot), JSON.stringify(snapshot, null, 2)].forEach((text, layout) => {
    const path = join(dir, `snapshot-${layout}.json`);
    writeFileSync(path, text);
    const [inMemory, streamed] = READERS.map((reader) => readWith(path, reader.env));
    const where = `${label} [${layout ? 'indented' : 'compact'}]`;
    expect(streamed!.problems, `${where}: problems`).toEqual(inMemory!.problems);
    expect(streamed!.resources, `${where}: resources`).toEqual(inMemory!.resources);
    reads.push(inMemory!, streamed!);
  });
  return reads;
}

/** The same resource: equal JSON once ids and types are lower-cased (ARM compares them case-insensitively), key order aside. */
function sameRow(left: Json, right: Json): boolean {
  const folded = (row: Json) => ({ ...row, id: String(row['id']).toLowerCase(), type: String(row['type']).toLowerCase() });
  return isDeepStrictEqual(folded(left), folded(right));
}

function pageOf(rows: unknown[]): Json {
  return { count: rows.length, data: rows, skip_token: null, total_records: rows.length };
}

describe('repeated rows (overlapping pages), compared with the first row after it was read', () => {
  for (const [firstName, first] of Object.entries(FIRST_ROWS)) {
    it(`${firstName}: every repeat is read once when it is the same row, and an error naming both rows when not`, () => {
      for (const [repeatName, change] of Object.entries(REPEATS)) {
        const again = change(first);
        const rows = [first, VAULT, again];
        for (const read of [...readBoth(pageOf(rows), `${firstName}, then ${repeatName}`), ...readBoth(rows, `${firstName}, then ${repeatName}, as a plain array`)]) {
          expect(read.resources.map((resource) => resource.name)).toEqual([typeof first['name'] === 'string' ? first['name'] : String(first['id']).split('/').pop(), 'kvapp']);
          if (sameRow(first, again)) expect(read.problems, `${firstName}, then ${repeatName}`).toEqual([]);
          else expect(read.problems, `${firstName}, then ${repeatName}`).toEqual([`rows 1 and 3 have the same id ${String(again['id'])} but different values`]);
        }
      }
    });
  }
});

describe('a plain array of rows, streamed while it may still be an inventory export', () => {
  const POWERSHELL: Json = {
    ResourceId: ACR_ID,
    ResourceType: 'Microsoft.ContainerRegistry/registries',
    Name: 'acrapp',
    Location: 'westeurope',
    ResourceGroupName: 'rg-app',
    Properties: { publicNetworkAccess: 'Enabled' },
  };
  const AZ_LIST: Json = { id: ACR_ID, name: 'acrapp', type: 'Microsoft.ContainerRegistry/registries', location: 'westeurope', resourceGroup: 'rg-app', properties: null, managedBy: null };

  it('rows that all are Get-AzResource rows, or all `az resource list` rows, are read as that export', () => {
    for (const rows of [[POWERSHELL], [AZ_LIST, { ...AZ_LIST, id: VAULT['id'], name: 'kvapp', type: 'Microsoft.KeyVault/vaults' }]]) {
      for (const read of readBoth(rows, 'an export')) {
        expect(read.resources[0]!.name).toBe('acrapp');
        expect(read.resources[0]!.source.line).toBeDefined();
      }
    }
  });

  it('an export row followed by Resource Graph rows is no export: every row is read as a Resource Graph row, in order', () => {
    for (const rows of [
      [POWERSHELL, registry(), VAULT],
      [AZ_LIST, VAULT, registry()],
      [AZ_LIST, POWERSHELL, VAULT],
      [7, registry()],
      [VAULT, POWERSHELL],
    ]) {
      readBoth(rows, `rows ${rows.map((row) => (typeof row === 'object' ? String((row as Json)['name'] ?? (row as Json)['Name']) : row)).join(', ')}`);
    }
  });

  it('an array of no Resource Graph row is no snapshot, in either reader', () => {
    const dir = tempDir();
    const path = join(dir, 'other.json');
    writeFileSync(path, JSON.stringify([{ a: 1 }, { b: 2 }]));
    for (const reader of READERS) {
      withEnv(reader.env);
      expect(() => readInput({ path, shownAs: 'other.json', explicit: true }), reader.name).toThrow(/unknown shape/);
    }
  });
});

describe('where a resource is placed', () => {
  it('a row without a type column holding the id of a later row: the later one is read, placed where the id first occurs', () => {
    for (const read of readBoth(pageOf([VAULT, without(registry(), 'type'), registry()]), 'row without type first')) {
      expect(read.problems).toEqual(['row 2 has no type column']);
      expect(read.resources.map((resource) => resource.name)).toEqual(['kvapp', 'acrapp']);
      expect(read.resources[1]!.source.line).toBeDefined();
    }
  });

  it('a row whose id key is escaped (\\u0069d) is placed where a repeat of it spells the key plainly', () => {
    const escaped = JSON.stringify(pageOf([VAULT, registry(), registry()])).replace('"id":"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app/providers/Microsoft.ContainerRegistry', '"\\u0069d":"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app/providers/Microsoft.ContainerRegistry');
    const dir = tempDir();
    const path = join(dir, 'escaped.json');
    writeFileSync(path, escaped);
    const [inMemory, streamed] = READERS.map((reader) => readWith(path, reader.env));
    expect(streamed!.problems).toEqual(inMemory!.problems);
    expect(streamed!.resources).toEqual(inMemory!.resources);
    expect(streamed!.resources.map((resource) => resource.name)).toEqual(['kvapp', 'acrapp']);
    expect(streamed!.resources[1]!.source.column).toBe(escaped.lastIndexOf('"id":"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app/providers/Microsoft.ContainerRegistry') + 1);
  });

  it('a subnet split out of its VNet is placed where a row without a type column names its id, and yields to a row of its own', () => {
    const orphan = { id: SUBNET_ID, name: 'snet-pe' };
    for (const read of readBoth(pageOf([VNET, orphan, VAULT]), 'subnet named by a row without type')) {
      expect(read.problems).toEqual(['row 2 has no type column']);
      expect(read.resources.map((resource) => resource.name)).toEqual(['vnet-app', 'kvapp', 'snet-pe']);
      expect(read.resources[2]!.source.line).toBeDefined();
    }
    const own = { id: SUBNET_ID.toUpperCase(), name: 'snet-pe', type: 'Microsoft.Network/virtualNetworks/subnets', properties: { addressPrefix: '10.0.9.0/24' } };
    for (const read of readBoth(pageOf([VNET, own]), 'subnet with a row of its own')) {
      expect(read.problems).toEqual([]);
      expect(read.resources.map((resource) => [resource.name, resource.body['properties']])).toEqual([
        ['vnet-app', VNET['properties']],
        ['snet-pe', { addressPrefix: '10.0.9.0/24' }],
      ]);
    }
  });

  it('rows that are not objects, or lack an id, are each an error; the rows around them are read and placed', () => {
    for (const read of readBoth(pageOf([VAULT, 7, { name: 'noid', type: 'Microsoft.KeyVault/vaults' }, registry()]), 'broken rows')) {
      expect(read.problems).toEqual(['row 2 is not an object', 'row 3 has no id column']);
      expect(read.resources.map((resource) => [resource.name, typeof resource.source.line])).toEqual([
        ['kvapp', 'number'],
        ['acrapp', 'number'],
      ]);
    }
  });
});
