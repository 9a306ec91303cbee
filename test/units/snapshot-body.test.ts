import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/inputs/resource-graph/read-snapshot.js';

/**
 * Each snapshot resource's body is kept for the whole scan: a 2-million-row snapshot holds 2 million. A `{}`
 * holds four properties in the object itself and the rest in a second object (96 bytes for a Resource Graph
 * row's five columns); a body holds them all in itself (64). This file reads no other snapshot first: V8
 * sizes the bodies by the first few it makes.
 */
function readResources(rows: Array<Record<string, unknown>>): ReturnType<typeof readSnapshot>['resources'] {
  return readSnapshot(rows, 'snap.json', undefined).resources;
}

function dropBodies(resources: ReturnType<typeof readSnapshot>['resources']): void {
  const none = {};
  for (const resource of resources) resource.body = none;
}

/** Heap bytes freed per resource when the bodies of `count` freshly read rows are dropped. */
function bytesPerBody(gc: () => void, count: number): number {
  const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000';
  // Values every row shares: dropping the bodies frees the bodies alone.
  const tags = {};
  const properties = {};
  const rows = Array.from({ length: count }, (_, i) => ({ id: `${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv${i}`, type: 'Microsoft.KeyVault/vaults', name: 'kv', resourceGroup: 'rg', subscriptionId: 'sub', tags, sku: null, properties }));
  // Read and dropped in functions of their own: what readSnapshot returns besides the resources, and the
  // loop's temporaries, die with those frames, so they are garbage before both readings, not between them.
  const resources = readResources(rows);
  expect(Object.keys(resources[0]!.body)).toEqual(['resourceGroup', 'subscriptionId', 'tags', 'sku', 'properties']);
  gc();
  gc();
  const withBodies = process.memoryUsage().heapUsed;
  dropBodies(resources);
  gc();
  gc();
  const withoutBodies = process.memoryUsage().heapUsed;
  // The rows are used after the second reading, so V8 keeps them alive until then: were they collected in
  // between (their last use was readSnapshot), the difference would count ~430 bytes a row of them too.
  expect(rows).toHaveLength(count);
  return (withBodies - withoutBodies) / count;
}

describe('a snapshot row\'s body', () => {
  it('holds five columns in one object of no more than 72 bytes', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const count = 20_000;
    // Garbage that is not a body but is only collected between the two readings (another test's, or a
    // frame's temporaries) can only add to the difference, never take from it: the least of three is the
    // body's size.
    const perBody = Math.min(...[0, 1, 2].map(() => bytesPerBody(gc, count)));
    expect(perBody).toBeGreaterThan(40);
    expect(perBody).toBeLessThanOrEqual(72);
  });

  it('is a plain object with every column, __proto__ and constructor among them, as an own property', () => {
    const row = JSON.parse(`{"id":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv","type":"Microsoft.KeyVault/vaults","name":"kv","resourceGroup":"rg","__proto__":{"x":1},"constructor":"c","tags":{},"sku":null,"properties":{}}`) as Record<string, unknown>;
    const body = readSnapshot([row], 'snap.json', undefined).resources[0]!.body;
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(Object.keys(body)).toEqual(['resourceGroup', '__proto__', 'constructor', 'tags', 'sku', 'properties']);
    expect(Object.getOwnPropertyDescriptor(body, '__proto__')?.value).toEqual({ x: 1 });
    expect(body['constructor']).toBe('c');
    const other = readSnapshot([{ id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv2', type: 'Microsoft.KeyVault/vaults' }], 'snap.json', undefined).resources[0]!.body;
    expect(other.constructor).toBe(Object);
    expect(JSON.stringify(other)).toBe('{"resourceGroup":"rg"}');
  });
});
