import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding.js';
import { endpointInfo } from '../../src/graph/private-endpoints.js';
import { readSnapshot } from '../../src/inputs/resource-graph/read-snapshot.js';
import { Inventory } from '../../src/model/inventory.js';
import { scan } from '../../src/scan.js';

/**
 * What a large scan keeps until its report is written: every finding, and the facts the rules worked out
 * about each private endpoint, live beside the whole inventory, and that moment is a 2-million-resource
 * snapshot's peak. These measure the heap bytes each holds (each case made 20,000 times, the least of three
 * readings: garbage collected between two readings can only add to a difference).
 */
const COUNT = 20_000;
const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000';
let gc: () => void;
let dir: string;

beforeAll(() => {
  setFlagsFromString('--expose-gc');
  gc = runInNewContext('gc') as () => void;
  dir = mkdtempSync(join(tmpdir(), 'azfence-kept-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** `distinct`: each registry's publicNetworkAccess is a value of its own, and so is each finding's evidence. */
function publicRegistries(distinct: boolean): Finding[] {
  const rows = Array.from({ length: COUNT }, (_, i) => ({
    id: `${SUB}/resourceGroups/rg-${i}/providers/Microsoft.ContainerRegistry/registries/acr${i}`,
    type: 'microsoft.containerregistry/registries',
    name: `acr${i}`,
    resourceGroup: `rg-${i}`,
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    properties: { publicNetworkAccess: distinct ? `Enabled ${i}` : 'Enabled' },
  }));
  const file = join(dir, 'registries.json');
  writeFileSync(file, JSON.stringify(rows));
  return scan({ paths: [file], cwd: dir, selection: { check: ['AZF-PUB-001'] } }).findings;
}

/** Heap bytes freed per finding when one member of every finding is replaced by a value they all share. */
function bytesPerMember(findings: Finding[], member: 'location' | 'evidence' | 'fingerprint'): number {
  const shared = findings[0]![member];
  const before = heapUsed();
  for (const finding of findings) (finding as unknown as Record<string, unknown>)[member] = shared;
  return (before - heapUsed()) / findings.length;
}

describe('what a scan keeps until its report is written', () => {
  it('a finding\'s place, evidence and fingerprint are stored without spare room', () => {
    const sizes = { location: Infinity, evidence: Infinity, fingerprint: Infinity };
    for (let reading = 0; reading < 3; reading++) {
      for (const member of ['location', 'evidence', 'fingerprint'] as const) {
        const findings = publicRegistries(true);
        expect(findings).toHaveLength(COUNT);
        expect(findings[0]!.location).toEqual({ file: 'registries.json', line: 1, column: expect.any(Number) });
        expect(findings[0]!.evidence).toHaveLength(1);
        expect(findings[0]!.fingerprint).toMatch(/^[0-9a-f]{32}$/);
        sizes[member] = Math.min(sizes[member], bytesPerMember(findings, member));
      }
    }
    // `{ file, line, column }`: 48 bytes in one object; 72 when line and column went to a second one.
    expect(sizes.location).toBeLessThanOrEqual(56);
    // A one-item list (32 + 24 bytes), its item (56) and the item's rendered value (`"Enabled 1"`, ~40): a
    // list grown by push has room for 17 items, 128 bytes more.
    expect(sizes.evidence).toBeLessThanOrEqual(176);
    // 32 hex digits in one string (48 bytes); a slice of the 64-digit digest kept both (~112).
    expect(sizes.fingerprint).toBeLessThanOrEqual(64);
  });

  it('findings that show the same evidence share one list of it', () => {
    const perFinding = Math.min(
      ...[0, 1, 2].map(() => {
        const findings = publicRegistries(false);
        expect(findings).toHaveLength(COUNT);
        expect(findings[COUNT - 1]!.evidence).toEqual([{ path: 'properties.publicNetworkAccess', actual: '"Enabled"', expected: 'to equal "Disabled"' }]);
        return bytesPerMember(findings, 'evidence');
      }),
    );
    // Each its own list: ~144 bytes a finding.
    expect(perFinding).toBeLessThanOrEqual(16);
  });

  it('a private endpoint\'s facts are stored without spare room in their lists', () => {
    const rows: Array<Record<string, unknown>> = [];
    for (let i = 0; i < COUNT; i++) {
      const rg = `${SUB}/resourceGroups/rg-${i}`;
      rows.push({ id: `${rg}/providers/Microsoft.KeyVault/vaults/kv${i}`, type: 'microsoft.keyvault/vaults', name: `kv${i}`, properties: { publicNetworkAccess: 'Disabled' } });
      rows.push({ id: `${rg}/providers/Microsoft.Network/virtualNetworks/vnet${i}`, type: 'microsoft.network/virtualnetworks', name: `vnet${i}`, properties: { subnets: [{ id: `${rg}/providers/Microsoft.Network/virtualNetworks/vnet${i}/subnets/pe`, name: 'pe', properties: {} }] } });
      rows.push({
        id: `${rg}/providers/Microsoft.Network/privateEndpoints/pe${i}`,
        type: 'microsoft.network/privateendpoints',
        name: `pe${i}`,
        properties: {
          subnet: { id: `${rg}/providers/Microsoft.Network/virtualNetworks/vnet${i}/subnets/pe` },
          privateLinkServiceConnections: [{ name: 'c', properties: { privateLinkServiceId: `${rg}/providers/Microsoft.KeyVault/vaults/kv${i}`, groupIds: ['vault'], privateLinkServiceConnectionState: { status: 'Approved' } } }],
        },
      });
    }
    const perEndpoint = Math.min(
      ...[0, 1, 2].map(() => {
        const inventory = new Inventory();
        inventory.addRead(readSnapshot(rows, 'snap.json', undefined).resources);
        const endpoints = inventory.ofType('Microsoft.Network/privateEndpoints');
        expect(endpoints).toHaveLength(COUNT);
        const before = heapUsed();
        for (const endpoint of endpoints) endpointInfo(inventory, endpoint);
        const after = heapUsed();
        const info = endpointInfo(inventory, endpoints[0]!);
        expect(info.connections[0]!.groupIds).toEqual(['vault']);
        expect(info.connections[0]!.target?.target?.name).toBe('kv0');
        expect(info.vnets.map((vnet) => vnet.name)).toEqual(['vnet0']);
        return (after - before) / COUNT;
      }),
    );
    // ~740 bytes: the endpoint's facts, its connection and the links followed to its service, subnet and VNet.
    // With each list grown by push (room for 17 members) it was ~1,250.
    expect(perEndpoint).toBeLessThanOrEqual(900);
  });
});
