import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readSnapshot } from '../../src/inputs/resource-graph/read-snapshot.js';
import { locateStringValues } from '../../src/inputs/parse-json.js';
import { parseArmId } from '../../src/graph/arm-id.js';

/**
 * A snapshot read with its text places each resource where its id first occurs as an `"id"` value anywhere
 * in the text (a reference in an earlier row included). These tests hold that to the map of every `"id"`
 * value's first place (locateStringValues), which the reader was handed before it placed rows itself.
 */
const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000';
const name = fc.constantFrom('a', 'A', 'kv', 'KV', 'İ', 'i\u0307', 'é', 'x"y', 'x\\y', 'snet');
const id = fc.tuple(fc.constantFrom('rg', 'RG'), fc.constantFrom('Microsoft.KeyVault/vaults', 'microsoft.keyvault/vaults', 'Microsoft.Network/virtualNetworks'), name).map(([group, type, last]) => `${SUB}/resourceGroups/${group}/providers/${type}/${last}`);
const row = fc.oneof(
  fc.tuple(id, fc.constantFrom('Microsoft.KeyVault/vaults', 'microsoft.keyvault/vaults')).map(([rowId, type]) => ({ id: rowId, type, name: rowId.split('/').pop() })),
  // A reference to another resource's id, in a row of its own (before or after that resource's row).
  fc.tuple(id, id).map(([rowId, other]) => ({ id: rowId, type: 'Microsoft.Network/privateEndpoints', name: 'pe', properties: { subnet: { id: other } } })),
  // A VNet: its subnets become resources, placed where their ids occur (if they do).
  id.map((rowId) => ({ id: rowId, type: 'Microsoft.Network/virtualNetworks', name: 'vnet', properties: { subnets: [{ name: 'snet' }, { name: 'a', id: `${rowId}/subnets/a` }] } })),
  fc.constant({ name: 'no id' }),
);
// How a tool may write the text: compact, indented, with ids escaped.
const layouts: Array<(json: unknown) => string> = [
  (json) => JSON.stringify(json),
  (json) => JSON.stringify(json, null, 2),
  (json) => JSON.stringify(json).replace(/\/providers\//g, '\\/providers\\u002f'),
  (json) => JSON.stringify(json, null, 1).replace(/"id": /g, '"id"  :\n  '),
];

describe('a snapshot read with its text', () => {
  it('places each resource at the first "id" value equal to its id, as the map of every "id" value places it', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 10 }), fc.integer({ min: 0, max: layouts.length - 1 }), (rows, layout) => {
        const json = { count: rows.length, data: rows };
        const text = layouts[layout]!(json);
        const read = readSnapshot(JSON.parse(text), 'snap.json', text);
        const fromMap = readSnapshot(JSON.parse(text), 'snap.json', locateStringValues(text, 'id'));
        expect(read.problems).toEqual(fromMap.problems);
        expect(read.resources).toEqual(fromMap.resources);
        const places = locateStringValues(text, 'id');
        for (const resource of read.resources) {
          const place = places.get(resource.source.id!);
          expect({ line: resource.source.line, column: resource.source.column }).toEqual({ line: place?.line, column: place?.column });
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves the text to the garbage collector: RegExp.input does not hold it', () => {
    const text = JSON.stringify({ count: 1, data: [{ id: `${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`, type: 'Microsoft.KeyVault/vaults', name: 'kv' }] });
    readSnapshot(JSON.parse(text), 'snap.json', text);
    expect((RegExp as unknown as { input: string }).input).not.toBe(text);
  });

  it('places a resource at a reference to it in an earlier row, and a subnet whose id occurs nowhere not at all', () => {
    const vnet = `${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet`;
    const text = JSON.stringify({ count: 2, data: [
      { id: `${SUB}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe`, type: 'Microsoft.Network/privateEndpoints', name: 'pe', properties: { subnet: { id: `${vnet}/subnets/a` } } },
      { id: vnet, type: 'Microsoft.Network/virtualNetworks', name: 'vnet', properties: { subnets: [{ name: 'a' }, { name: 'b' }] } },
    ] }, null, 2);
    const { resources } = readSnapshot(JSON.parse(text), 'snap.json', text);
    const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
    const byName = new Map(resources.map((resource) => [resource.name, resource.source]));
    expect(byName.get('a')!.line).toBe(lineOf(`"id": "${vnet}/subnets/a"`));
    expect(byName.get('vnet')!.line).toBe(lineOf(`"id": "${vnet}"`));
    expect(byName.get('b')!.line).toBeUndefined();
    expect(Object.keys(byName.get('b')!)).toEqual(['kind', 'dialect', 'file', 'id', 'managed']);
    expect(Object.keys(byName.get('vnet')!)).toEqual(['kind', 'dialect', 'file', 'id', 'managed', 'line', 'column']);
  });
});

describe('a snapshot row with a resource group column', () => {
  // Segments in any case, with letters whose lower case is longer (İ) or is ASCII (the Kelvin sign), and empty ones.
  const segment = fc.array(fc.constantFrom('a', 'P', 'providers', 'PROVIDERS', 'Providers', 'provİders', '\u212a', 'İ', ''), { minLength: 1, maxLength: 3 }).map((parts) => parts.join(''));
  const armId = fc.array(segment, { minLength: 0, maxLength: 9 }).map((segments) => `${SUB}/resourceGroups/rg/${segments.join('/')}`);

  it('is given the parent its id names, as parseArmId reads it', () => {
    fc.assert(
      fc.property(armId, (rowId) => {
        const [resource] = readSnapshot([{ id: rowId, type: 'Microsoft.Network/virtualNetworks/subnets', name: 'x', resourceGroup: 'rg' }], 'snap.json', undefined).resources;
        expect(resource!.body['parentId']).toBe(parseArmId(rowId)?.parentId);
      }),
      { numRuns: 5000 },
    );
  });
});
