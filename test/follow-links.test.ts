import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../src/engine/condition.js';
import { evaluateCondition } from '../src/engine/evaluate.js';
import { CHECK_FUNCTIONS } from '../src/checks/registry.js';
import { Inventory } from '../src/model/inventory.js';
import type { Resource } from '../src/model/resource.js';
import { UNKNOWN } from '../src/model/values.js';
import { planQuery } from '../src/audit/query-plan.js';
import { loadRules } from '../src/engine/load-packs.js';
import { runCli, tempDir, writeJson } from './support/run-cli.js';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers';
const SUBNET = 'Microsoft.Network/virtualNetworks/subnets';
const POOL = 'Microsoft.ContainerRegistry/registries/agentPools';

function row(armType: string, id: string, properties: Record<string, unknown>): Resource {
  return { key: id.toLowerCase(), armType, name: id.split('/').pop()!, body: { properties }, source: { kind: 'snapshot', dialect: 'arm', file: 'snapshot.json', id } };
}

const routed = row(SUBNET, `${SUB}/Microsoft.Network/virtualNetworks/vnet/subnets/snet-routed`, { routeTable: { id: `${SUB}/Microsoft.Network/routeTables/rt` } });
const bare = row(SUBNET, `${SUB}/Microsoft.Network/virtualNetworks/vnet/subnets/snet-bare`, {});
const open = row(SUBNET, `${SUB}/Microsoft.Network/virtualNetworks/vnet/subnets/snet-open`, { routeTable: UNKNOWN });
const elsewhere = `${SUB}/Microsoft.Network/virtualNetworks/other/subnets/snet-elsewhere`;
const inventory = new Inventory();
for (const subnet of [routed, bare, open]) inventory.add(subnet);

function pool(subnet: unknown): Resource {
  return row(POOL, `${SUB}/Microsoft.ContainerRegistry/registries/acr/agentPools/pool`, subnet === undefined ? {} : { virtualNetworkSubnetResourceId: subnet });
}

function judge(condition: Condition, resource: Resource) {
  return evaluateCondition(condition, { resource, inventory, parameters: {}, functions: CHECK_FUNCTIONS, counter: { operations: 0 } });
}

const hasRouteTable: Condition = { follow: { link: 'subnet', where: { field: 'properties.routeTable.id', exists: true } } };

describe('follow: a condition on the resource a link names', () => {
  it('judges the linked resource: pass and fail, with the link and the linked property in the evidence', () => {
    expect(judge(hasRouteTable, pool(routed.source.id)).verdict).toBe('pass');
    const failed = judge(hasRouteTable, pool(bare.source.id));
    expect(failed.verdict).toBe('fail');
    expect(failed.evidence).toEqual([{ path: 'properties.virtualNetworkSubnetResourceId', actual: undefined, expected: 'subnet snet-bare with properties.routeTable.id to be set' }]);
  });

  it('a linked resource not in the scan is unknown, naming it', () => {
    const result = judge(hasRouteTable, pool(elsewhere));
    expect(result.verdict).toBe('unknown');
    expect(result.details?.['unknownReason']).toBe('subnet snet-elsewhere is not in this scan');
  });

  it('a link known only after apply is unknown, and so is a linked property that is', () => {
    const later = judge(hasRouteTable, pool(UNKNOWN));
    expect(later.verdict).toBe('unknown');
    expect(later.details?.['unknownReason']).toEqual(expect.stringMatching(/^properties\.virtualNetworkSubnetResourceId is not in the snapshot/));
    const openTable = judge(hasRouteTable, pool(open.source.id));
    expect(openTable.verdict).toBe('unknown');
    expect(openTable.details?.['unknownReason']).toMatch(/^subnet snet-open: properties\.routeTable\.id is /);
  });

  it('no link at all fails, whether or not a where is given', () => {
    for (const condition of [hasRouteTable, { follow: 'subnet' }] as Condition[]) {
      const result = judge(condition, pool(undefined));
      expect(result.verdict).toBe('fail');
      expect(result.evidence).toEqual([{ path: 'properties.virtualNetworkSubnetResourceId', actual: undefined, expected: 'a subnet id' }]);
    }
  });

  it('without where, a link is enough: an id passes even when its resource is not in the scan', () => {
    expect(judge({ follow: 'subnet' }, pool(elsewhere)).verdict).toBe('pass');
    expect(judge({ follow: 'subnet' }, pool(UNKNOWN)).verdict).toBe('unknown');
  });

  it('a field and the types it names, instead of a link name; and Kleene logic around it', () => {
    const byField: Condition = { follow: { field: 'properties.virtualNetworkSubnetResourceId', to: SUBNET, where: { field: 'properties.routeTable.id', exists: false } } };
    expect(judge(byField, pool(bare.source.id)).verdict).toBe('pass');
    expect(judge({ not: byField }, pool(bare.source.id)).verdict).toBe('fail');
    expect(judge({ anyOf: [byField, { field: 'name', equals: 'pool' }] }, pool(elsewhere)).verdict).toBe('pass');
    // An id of another type in the scan is not the link asked for.
    expect(judge({ follow: { field: 'properties.virtualNetworkSubnetResourceId', to: 'Microsoft.Network/routeTables' } }, pool(bare.source.id)).verdict).toBe('fail');
  });
});

describe('follow: in the built-in packs', () => {
  it('AZF-POOL-002 follows the pool\'s subnet, and an audit reads the VNets its subnets come in', () => {
    const { rules } = loadRules([]);
    const rule = rules.find((candidate) => candidate.id === 'AZF-POOL-002')!;
    expect(rule.checks[0]!.assert).toEqual({ follow: 'subnet' });
    const plan = planQuery([rule]);
    expect(plan.graphTypes).toEqual(['microsoft.containerregistry/registries/agentpools', 'microsoft.network/virtualnetworks']);
    expect(plan.linkTypes).toEqual(['microsoft.network/virtualnetworks']);
  });
});

describe('follow: in a pack', () => {
  const dir = tempDir();
  const snapshot = writeJson(dir, 'snapshot.json', {
    data: [
      {
        id: `${SUB}/Microsoft.Network/virtualNetworks/vnet`,
        name: 'vnet',
        type: 'microsoft.network/virtualnetworks',
        location: 'westeurope',
        resourceGroup: 'rg',
        properties: {
          subnets: [
            { id: routed.source.id, name: 'snet-routed', properties: { routeTable: { id: `${SUB}/Microsoft.Network/routeTables/rt` } } },
            { id: bare.source.id, name: 'snet-bare', properties: {} },
          ],
        },
      },
      ...[
        ['pool-routed', routed.source.id],
        ['pool-bare', bare.source.id],
        ['pool-away', elsewhere],
        ['pool-none', undefined],
      ].map(([name, subnet]) => ({
        id: `${SUB}/Microsoft.ContainerRegistry/registries/acr/agentPools/${name}`,
        name,
        type: 'microsoft.containerregistry/registries/agentpools',
        location: 'westeurope',
        resourceGroup: 'rg',
        properties: subnet ? { virtualNetworkSubnetResourceId: subnet } : {},
      })),
    ],
  });
  const pack = (name: string, assert: string): string => {
    mkdirSync(join(dir, 'packs'), { recursive: true });
    writeFileSync(
      join(dir, 'packs', `${name}.yaml`),
      `pack: ACME\ntitle: t\nrules:\n  - id: ACME-${name.toUpperCase()}-001\n    title: Agent pool subnets have a route table\n    severity: high\n    description: d\n    remediation: { arm: 'r' }\n    checks:\n      - select: { type: ${POOL} }\n        assert:\n${assert}        message: 'Pool {name} has no routed subnet.'\n`,
    );
    return `packs/${name}.yaml`;
  };

  it('a declarative cross-resource rule: fail, unknown with the reason, pass', () => {
    const run = runCli(['scan', snapshot, '--policies', pack('routes', '          follow:\n            link: subnet\n            where: { field: properties.routeTable.id, exists: true }\n'), '--format', 'json', '--check', 'ACME-ROUTES-001', '--fail-on', 'none'], dir);
    expect(run.stderr).toBe('');
    const findings = JSON.parse(run.stdout).findings as Array<{ resource: { name: string }; status: string; message: string }>;
    expect(findings.map((finding) => [finding.resource.name, finding.status, finding.message]).sort()).toEqual([
      ['pool-away', 'unknown', 'Cannot decide yet whether ACR agent pool pool-away meets "Agent pool subnets have a route table": subnet snet-elsewhere is not in this scan.'],
      ['pool-bare', 'fail', 'Pool pool-bare has no routed subnet.'],
      ['pool-none', 'fail', 'Pool pool-none has no routed subnet.'],
    ]);
  });

  it('a function in where judges the linked resource, and its details fill the message', () => {
    const file = pack('fn', '          follow: { link: subnet, where: { function: subnetRoutesToFirewall } }\n');
    writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8').replace("message: 'Pool {name} has no routed subnet.'", "message: 'Pool {name}: {detail:problem|it has no subnet}.'"));
    const run = runCli(['scan', snapshot, '--policies', file, '--format', 'json', '--check', 'ACME-FN-001', '--fail-on', 'none'], dir);
    expect(run.stderr).toBe('');
    const findings = JSON.parse(run.stdout).findings as Array<{ resource: { name: string }; status: string; message: string }>;
    expect(findings.filter((finding) => finding.status === 'fail').map((finding) => finding.message).sort()).toEqual([
      'Pool pool-bare: subnet snet-bare has no route table, so agents egress straight to the internet.',
      'Pool pool-none: it has no subnet.',
    ]);
  });

  it('a link the selected type does not have: exit 2, naming the file, line, rule and the links it has', () => {
    const run = runCli(['scan', snapshot, '--policies', pack('typo', '          follow: subnett\n')], dir);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe('azfence: error: packs/typo.yaml:11: ACME-TYPO-001: Microsoft.ContainerRegistry/registries/agentPools has no link "subnett" to follow (its links: subnet)');
  });

  it('a follow with a field but no types, or with an unknown key: exit 2', () => {
    const run = runCli(['scan', snapshot, '--policies', pack('shape', '          follow: { field: properties.x }\n')], dir);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('azfence: error: packs/shape.yaml:11: ACME-SHAPE-001: follow needs a link name, or a field and the types it names (to), not field');
    const extra = runCli(['scan', snapshot, '--policies', pack('extra', '          follow: { link: subnet, assert: {} }\n')], dir);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/^azfence: error: packs\/extra\.yaml:12: .*follow.*assert/);
  });
});
