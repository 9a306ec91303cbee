import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Inventory } from '../../src/model/inventory.js';
import { KeyIndex, sameKey } from '../../src/model/key-index.js';
import { ArmRowResource, type Resource } from '../../src/model/resource.js';
import { readSnapshot } from '../../src/inputs/resource-graph/read-snapshot.js';

/**
 * The inventory finds resources by key and by id case-insensitively (`toLowerCase` on both sides) without
 * holding a lower-cased copy of any key. These tests hold it to what a Map keyed by `toLowerCase()` answers,
 * on ids with capitals, non-ASCII letters whose lower case changes length or depends on their neighbours,
 * and on keys that all share one bucket.
 */
const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000';

function armRow(id: string, type = 'Microsoft.KeyVault/vaults'): Resource {
  return new ArmRowResource(type, id.split('/').pop()!, 'westeurope', { properties: {} }, { kind: 'snapshot', dialect: 'arm', file: 'snap.json', id, managed: true });
}

function planned(address: string, id?: string): Resource {
  return { key: `main.tfplan.json#${address}`, armType: 'Microsoft.KeyVault/vaults', name: address, body: {}, source: { kind: 'plan', dialect: 'azurerm', file: 'main.tfplan.json', address, ...(id ? { id } : {}) } };
}

// Letters whose lower case is longer (İ), is another letter (ẞ, K the Kelvin sign), or depends on the letters around it (Σ).
const awkward = fc.constantFrom('a', 'A', 'z', 'Z', '/', '-', '_', '.', '0', 'İ', 'i', '\u0307', 'ẞ', 'ß', 'Σ', 'σ', 'ς', '\u212a', 'k', 'K', 'é', 'É', '€', '\ud83d\ude00');
const key = fc.array(awkward, { maxLength: 8 }).map((chars) => chars.join(''));

describe('resources read from ARM rows', () => {
  it('have the lower-cased id as their key, and no key of their own to hold', () => {
    const resource = armRow(`${SUB}/resourceGroups/RG-App/providers/Microsoft.KeyVault/vaults/KV-App`);
    expect(resource.key).toBe(`${SUB}/resourcegroups/rg-app/providers/microsoft.keyvault/vaults/kv-app`);
    expect(Object.keys(resource)).toEqual(['armType', 'name', 'body', 'source', 'location']);
  });

  it('a snapshot row without a location has no location property, as before', () => {
    const id = `${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`;
    const [resource] = readSnapshot([{ id, type: 'Microsoft.KeyVault/vaults', name: 'kv', properties: {} }], 'snap.json', undefined).resources;
    expect('location' in resource!).toBe(false);
    expect(resource!.key).toBe(id.toLowerCase());
  });
});

describe('sameKey', () => {
  it('is toLowerCase equality', () => {
    fc.assert(fc.property(key, key, (a, b) => sameKey(a, b) === (a.toLowerCase() === b.toLowerCase())), { numRuns: 5000 });
    fc.assert(fc.property(key, (a) => sameKey(a, a.toUpperCase()) === (a.toLowerCase() === a.toUpperCase().toLowerCase())));
    expect(sameKey('xİ', 'xi\u0307')).toBe(true);
    expect(sameKey('ABC', 'abd')).toBe(false);
    expect(sameKey('ab', 'abc')).toBe(false);
  });
});

describe('KeyIndex and the inventory answer as a Map keyed by the lower-cased key', () => {
  const oneBucket = () => 7;
  const idOf = (resource: Resource) => resource.source.id!;
  for (const [name, make] of [['hashed', () => new KeyIndex<Resource>(idOf)], ['every key in one bucket', () => new KeyIndex<Resource>(idOf, oneBucket)]] as const) {
    it(`${name}: the last resource added under a key wins; others are not found`, () => {
      fc.assert(
        fc.property(fc.array(key, { maxLength: 12 }), fc.array(key, { maxLength: 6 }), (added, asked) => {
          const index = make();
          const reference = new Map<string, Resource>();
          for (const id of added) {
            const resource = armRow(id);
            index.set(resource);
            reference.set(id.toLowerCase(), resource);
          }
          expect(index.size).toBe(reference.size);
          for (const probe of [...added, ...added.map((id) => id.toUpperCase()), ...asked]) expect(index.get(probe)).toBe(reference.get(probe.toLowerCase()));
        }),
        { numRuns: 2000 },
      );
    });
  }

  it('inventory: get and getById over snapshot rows and plan resources with ids, as with Maps of lower-cased strings', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), key, key), { maxLength: 10 }), fc.array(key, { maxLength: 6 }), (added, asked) => {
        const inventory = new Inventory();
        const reference = new LowerCasedMaps();
        for (const [fromPlan, id, address] of added) {
          const resource = fromPlan ? planned(address, id || undefined) : armRow(id);
          inventory.add(resource);
          reference.add(resource);
        }
        const probes = [...added.flatMap(([, id, address]) => [id, id.toUpperCase(), address, `main.tfplan.json#${address}`.toUpperCase()]), ...asked];
        for (const probe of probes) {
          expect(inventory.get(probe)).toBe(reference.get(probe));
          expect(inventory.getById(probe)).toBe(reference.getById(probe));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('an inventory that takes over a snapshot reader\'s index (addRead)', () => {
  // Ids that differ only in case (one resource, later rows repeat it), a VNet whose subnets become resources
  // of their own, and rows without an id or type (problems, no resource).
  const row = fc.oneof(
    fc.tuple(key, fc.constantFrom('Microsoft.KeyVault/vaults', 'microsoft.keyvault/vaults')).map(([name, type]) => ({ id: `${SUB}/resourceGroups/rg/providers/${type}/${name}`, type, name })),
    key.map((name) => ({ id: `${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/${name}`, type: 'Microsoft.Network/virtualNetworks', name, properties: { subnets: [{ name: 'a' }, { name: 'A' }] } })),
    key.map((name) => ({ name })),
  );

  it('answers get and getById as an inventory the same resources were added to one by one', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 12 }), fc.array(key, { maxLength: 6 }), (rows, asked) => {
        const read = readSnapshot({ count: rows.length, data: rows }, 'snap.json', undefined);
        expect(read.keys?.size).toBe(read.resources.length);
        const taken = new Inventory();
        taken.addRead(read.resources, read.keys);
        const added = new Inventory();
        for (const resource of read.resources) added.add(resource);
        expect(taken.resources).toEqual(added.resources);
        const ids = read.resources.map((resource) => resource.source.id!);
        for (const probe of [...ids, ...ids.map((id) => id.toUpperCase()), ...asked, ...asked.map((name) => `${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/${name}`)]) {
          expect(taken.get(probe)).toBe(added.get(probe));
          expect(taken.getById(probe)).toBe(added.getById(probe));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('adds one by one when it already holds resources, so that a later file\'s resource with the same id wins', () => {
    const id = `${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`;
    const first = readSnapshot([{ id, type: 'Microsoft.KeyVault/vaults', name: 'kv' }], 'one.json', undefined);
    const second = readSnapshot([{ id: id.toUpperCase(), type: 'Microsoft.KeyVault/vaults', name: 'KV' }], 'two.json', undefined);
    const inventory = new Inventory();
    inventory.addRead(first.resources, first.keys);
    inventory.addRead(second.resources, second.keys);
    expect(inventory.size).toBe(2);
    expect(inventory.get(id)).toBe(second.resources[0]);
    expect(inventory.getById(id.toLowerCase())).toBe(second.resources[0]);
  });
});

/** The inventory's lookups as they were with Maps keyed by lower-cased keys and ids. */
class LowerCasedMaps {
  private readonly byKey = new Map<string, Resource>();
  private readonly byId = new Map<string, Resource>();

  add(resource: Resource): void {
    const key = resource.key.toLowerCase();
    this.byKey.set(key, resource);
    if (resource.source.id) {
      const id = resource.source.id.toLowerCase();
      if (id !== key) this.byId.set(id, resource);
      else this.byId.delete(id);
    }
  }

  get(key: string): Resource | undefined {
    return this.byKey.get(key.toLowerCase());
  }

  getById(id: string): Resource | undefined {
    const lower = id.toLowerCase();
    const other = this.byId.get(lower);
    if (other) return other;
    const keyed = this.byKey.get(lower);
    return keyed && keyed.source.id?.toLowerCase() === lower ? keyed : undefined;
  }
}

describe('the inventory by type and by file', () => {
  // Types in several spellings, from files in turn, as several snapshots and plans are read into one scan.
  const typeName = fc.constantFrom('Microsoft.KeyVault/vaults', 'microsoft.keyvault/vaults', 'Microsoft.Network/virtualNetworks', 'MICROSOFT.NETWORK/VIRTUALNETWORKS', 'Microsoft.Network/privateDnsZones');
  const file = fc.constantFrom('a.json', 'b.json', 'c.tfplan.json');

  it('lists each type\'s resources in the order added, in any spelling, and knows which file had which type', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(typeName, file), { maxLength: 40 }), (added) => {
        const inventory = new Inventory();
        const resources = added.map(([type, from], i) => new ArmRowResource(type, `r${i}`, undefined, {}, { kind: 'snapshot', dialect: 'arm', file: from, id: `${SUB}/resourceGroups/rg/providers/${type}/r${i}`, managed: true }));
        for (const resource of resources) inventory.add(resource);
        for (const type of ['Microsoft.KeyVault/vaults', 'microsoft.network/VirtualNetworks', 'Microsoft.Network/privateDnsZones', 'Microsoft.Storage/storageAccounts']) {
          expect(inventory.ofType(type)).toEqual(resources.filter((resource) => resource.armType.toLowerCase() === type.toLowerCase()));
          for (const from of ['a.json', 'b.json', 'c.tfplan.json']) {
            expect(inventory.fileHasType(from, type)).toBe(resources.some((resource) => resource.source.file === from && resource.armType.toLowerCase() === type.toLowerCase()));
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
