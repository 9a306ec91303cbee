import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/engine/load-packs.js';
import { runRules } from '../../src/engine/run-rules.js';
import { readFiles } from '../../src/inputs/read-files.js';
import { buildSnapshot, type SnapshotRow } from '../support/materialize.js';
import { tempDir, writeJson } from '../support/run-cli.js';

/**
 * The DNS rules work out what an endpoint needs once and share it: the zones a service needs in a region and
 * cloud (one list for every endpoint to that service there), and an endpoint's group ids' requirements per
 * `extraZones` value. Each endpoint's finding must still name its own zones, and each rule must see its own
 * `extraZones`, whatever another endpoint or rule asked first.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
const RULES = loadRules([], ROOT).rules;
const rule = (id: string) => RULES.find((candidate) => candidate.id === id)!;

function endpoint(name: string, location: string, groupId: string): SnapshotRow {
  return {
    type: 'Microsoft.Network/privateEndpoints',
    name,
    location,
    properties: { privateLinkServiceConnections: [{ name: `psc-${name}`, properties: { groupIds: [groupId], privateLinkServiceConnectionState: { status: 'Approved' } } }] },
  };
}

function zoneGroup(endpointName: string, zones: string[]): SnapshotRow {
  return {
    type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
    name: 'default',
    id: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-fixture/providers/Microsoft.Network/privateEndpoints/${endpointName}/privateDnsZoneGroups/default`,
    properties: { privateDnsZoneConfigs: zones.map((zone) => ({ name: zone, properties: { privateDnsZoneId: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/${zone}` } })) },
  };
}

function inventoryOf(rows: SnapshotRow[]) {
  const dir = tempDir('azfence-dns-shared-');
  writeJson(dir, 'snapshot.json', buildSnapshot(rows));
  const read = readFiles([dir], dir);
  expect(read.errors).toEqual([]);
  return read.inventory;
}

describe('zones a service needs, shared between endpoints', () => {
  it('each endpoint’s finding names the zones of its own region and cloud', () => {
    // AKS's zone names its region: three endpoints to AKS in three places (one another cloud), and a registry.
    const inventory = inventoryOf([endpoint('pe-aks-weu', 'westeurope', 'management'), endpoint('pe-aks-eus', 'eastus', 'management'), endpoint('pe-aks-gov', 'usgovvirginia', 'management'), endpoint('pe-aks-weu2', 'westeurope', 'management'), endpoint('pe-acr', 'westeurope', 'registry')]);
    const result = runRules([rule('AZF-DNS-001')], inventory);
    expect(result.failures).toEqual([]);
    const remediations = Object.fromEntries(result.findings.map((finding) => [finding.resource.name, finding.remediation.replace(/^.* for /, '')]));
    expect(remediations).toEqual({
      'pe-aks-weu': 'privatelink.westeurope.azmk8s.io or {subzone}.privatelink.westeurope.azmk8s.io.',
      'pe-aks-eus': 'privatelink.eastus.azmk8s.io or {subzone}.privatelink.eastus.azmk8s.io.',
      'pe-aks-gov': 'privatelink.usgovvirginia.cx.aks.containerservice.azure.us.',
      'pe-aks-weu2': 'privatelink.westeurope.azmk8s.io or {subzone}.privatelink.westeurope.azmk8s.io.',
      'pe-acr': 'privatelink.azurecr.io.',
    });
  });

  it('a rule’s `cloud` parameter chooses the zones, whichever cloud was asked for first', () => {
    // A zone group holding a wrong zone: AZF-DNS-003 names the zones the endpoint needs in its message.
    const rows = [endpoint('pe-acr', 'westeurope', 'registry'), zoneGroup('pe-acr', ['privatelink.example.com'])];
    const expectedZones = (cloud: string | undefined) => {
      const result = runRules([rule('AZF-DNS-003')], inventoryOf(rows), cloud ? { parameters: { 'AZF-DNS-003': { cloud } } } : {});
      expect(result.failures).toEqual([]);
      expect(result.findings).toHaveLength(1);
      return result.findings[0]!.evidence.map((item) => item.expected);
    };
    expect(expectedZones(undefined)).toEqual(['private DNS zones for registry: privatelink.azurecr.io']);
    expect(expectedZones('AzureUSGovernment')).toEqual(['private DNS zones for registry: privatelink.azurecr.us']);
    expect(expectedZones('AzureChinaCloud')).toEqual(['private DNS zones for registry: privatelink.azurecr.cn']);
    expect(expectedZones(undefined)).toEqual(['private DNS zones for registry: privatelink.azurecr.io']);
  });

  it('each rule’s `extraZones` is its own, on the same endpoints', () => {
    // A group id the table does not know needs only what extraZones maps it to: one rule maps it, one does not.
    const rows = [endpoint('pe-custom', 'westeurope', 'customGroup'), zoneGroup('pe-custom', ['privatelink.one.example'])];
    const inventory = inventoryOf(rows);
    const mapped = { 'AZF-DNS-002': { extraZones: { customGroup: ['privatelink.one.example', 'privatelink.two.example'] } } };
    const [first, second, third] = [runRules([rule('AZF-DNS-002')], inventory, { parameters: mapped }), runRules([rule('AZF-DNS-002')], inventory), runRules([rule('AZF-DNS-002')], inventory, { parameters: mapped })];
    expect(first.findings.map((finding) => finding.message)).toEqual([expect.stringContaining('privatelink.two.example')]);
    expect(second.findings).toEqual([]);
    expect(third.findings.map((finding) => finding.message)).toEqual(first.findings.map((finding) => finding.message));
  });
});
