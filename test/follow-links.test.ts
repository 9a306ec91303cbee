import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../src/engine/condition.js';
import { evaluateCondition, type RuleFunction } from '../src/engine/evaluate.js';
import { followedTypes, followSpec } from '../src/engine/follow.js';
import { CHECK_FUNCTIONS } from '../src/checks/registry.js';
import { Inventory } from '../src/model/inventory.js';
import type { Resource } from '../src/model/resource.js';
import { REDACTED, UNKNOWN } from '../src/model/values.js';
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

describe('follow: what a pack author and a finding read', () => {
  const messageOf = (act: () => unknown): string => {
    try {
      act();
    } catch (error) {
      return (error as Error).message;
    }
    return 'no error';
  };

  it('a malformed follow names what it was given; an unknown link names the links the type has, or that it has none', () => {
    expect(messageOf(() => followSpec({ follow: { link: 'subnet', field: 'properties.x' } } as never, POOL))).toBe('follow needs a link name, or a field and the types it names (to), not link and field');
    expect(messageOf(() => followSpec({ follow: { where: { field: 'name', exists: true } } } as never, POOL))).toBe('follow needs a link name, or a field and the types it names (to), not only where');
    expect(messageOf(() => followSpec({ follow: 'nope' }, SUBNET))).toBe(`${SUBNET} has no link "nope" to follow (its links: networkSecurityGroup, routeTable)`);
    expect(messageOf(() => followSpec({ follow: 'subnet' }, 'Microsoft.Storage/storageAccounts'))).toBe(
      'Microsoft.Storage/storageAccounts has no link "subnet" to follow (it has none; follow a field instead: { field: <path of the id>, to: <type> })',
    );
  });

  it('the types an audit reads for a follow: those of the types that have the link, none for the others; a defect is not hidden', () => {
    expect(followedTypes({ follow: 'subnet' }, [POOL, 'Microsoft.Storage/storageAccounts', 'Microsoft.Network/privateEndpoints'])).toEqual([SUBNET, SUBNET]);
    expect(() => followedTypes({ follow: null } as never, [POOL])).toThrow(TypeError);
  });

  const twoOpen = row(SUBNET, `${SUB}/Microsoft.Network/virtualNetworks/vnet/subnets/snet-two`, { routeTable: UNKNOWN, natGateway: UNKNOWN });
  const exported = row(SUBNET, `${SUB}/Microsoft.Network/virtualNetworks/vnet/subnets/snet-export`, { routeTable: UNKNOWN });
  exported.source.omits = 'not in this export';
  inventory.add(twoOpen);
  inventory.add(exported);
  const LIST = 'Microsoft.Test/linkers';
  const linker = (ids: unknown[]): Resource => row(LIST, `${SUB}/Microsoft.Test/linkers/linker`, { subnetIds: ids });
  const overList = (where?: Condition): Condition => ({ follow: { field: 'properties.subnetIds[*]', to: SUBNET, ...(where ? { where } : {}) } });
  const functions = new Map<string, RuleFunction>([
    ...CHECK_FUNCTIONS,
    ['ownReason', () => ({ verdict: 'unknown', evidence: [{ path: 'properties.flowLogs', actual: UNKNOWN, expected: 'a decidable value', unknownExplained: true }], details: { unknownReason: 'its flow logs are read by no input' } })],
    ['mixedEvidence', () => ({ verdict: 'unknown', evidence: [{ path: 'properties.a', actual: UNKNOWN, expected: 'to be set' }, { path: 'properties.b', actual: 'known', expected: 'to be set' }] })],
    ['unsure', () => ({ verdict: 'unknown', evidence: [] })],
    ['failsSilently', () => ({ verdict: 'fail', evidence: [] })],
    ['routed', (context) => (context.field('properties.routeTable.id') ? { verdict: 'pass', evidence: [], details: { routed: context.resource.name } } : { verdict: 'fail', evidence: [], details: { problem: `${context.resource.name} has no route table` } })],
  ]);
  const judgeWith = (condition: Condition, resource: Resource) => evaluateCondition(condition, { resource, inventory, parameters: {}, functions, counter: { operations: 0 } });

  it('an unknown link is unknown with its reason as the evidence says it: a value that could not be decided', () => {
    expect(judgeWith(overList(), linker([REDACTED, UNKNOWN]))).toEqual({
      verdict: 'unknown',
      evidence: [{ path: 'properties.subnetIds[*]', actual: UNKNOWN, expected: 'a decidable value', unknownExplained: true }],
      details: { unknownReason: 'properties.subnetIds[*] is marked sensitive; properties.subnetIds[*] is not in the snapshot (the query projected it away)' },
    });
  });

  it('without where, any link passes with no evidence; with no link at all the evidence names the id asked for, with its article', () => {
    expect(judgeWith({ follow: 'subnet' }, pool(elsewhere))).toEqual({ verdict: 'pass', evidence: [] });
    expect(judgeWith({ follow: { field: 'properties.gatewayId', to: 'Microsoft.Network/applicationGateways' } }, pool(undefined))).toEqual({
      verdict: 'fail',
      evidence: [{ path: 'properties.gatewayId', actual: undefined, expected: 'an application gateway id' }],
    });
  });

  it('with where, a pass has no evidence; a failure the condition gives no evidence for names the linked resource', () => {
    expect(judgeWith(hasRouteTable, pool(routed.source.id))).toEqual({ verdict: 'pass', evidence: [] });
    expect(judgeWith({ follow: { link: 'subnet', where: { function: 'failsSilently' } } }, pool(bare.source.id))).toEqual({
      verdict: 'fail',
      evidence: [{ path: 'properties.virtualNetworkSubnetResourceId', actual: 'snet-bare', expected: 'subnet snet-bare meeting the condition' }],
    });
  });

  it('the details of a function in where are those of the linked resources that decided the verdict', () => {
    const where: Condition = { function: 'routed' };
    expect(judgeWith(overList(where), linker([routed.source.id, bare.source.id]))).toEqual({
      verdict: 'fail',
      evidence: [{ path: 'properties.subnetIds[*]', actual: 'snet-bare', expected: 'subnet snet-bare meeting the condition' }],
      details: { problem: 'snet-bare has no route table' },
    });
    expect(judgeWith(overList(where), linker([routed.source.id]))).toEqual({ verdict: 'pass', evidence: [], details: { routed: 'snet-routed' } });
  });

  const routeTableSet: Condition = { field: 'properties.routeTable.id', exists: true };
  it('some links followed and others not: unknown, every reason joined, never a pass', () => {
    expect(judgeWith(overList(routeTableSet), linker([routed.source.id, REDACTED])).details).toEqual({ unknownReason: 'properties.subnetIds[*] is marked sensitive' });
    const away = `${SUB}/Microsoft.Network/virtualNetworks/other/subnets/snet-away`;
    expect(judgeWith(overList(routeTableSet), linker([elsewhere, away])).details).toEqual({ unknownReason: 'subnet snet-elsewhere is not in this scan; subnet snet-away is not in this scan' });
  });

  it('why a linked resource could not decide: its own reason, else its undecided properties in its own words', () => {
    const on = (where: Condition, subnet: Resource = open) => judgeWith({ follow: { link: 'subnet', where } }, pool(subnet.source.id)).details?.['unknownReason'];
    expect(on({ function: 'ownReason' })).toBe('subnet snet-open: its flow logs are read by no input');
    expect(on({ function: 'mixedEvidence' })).toBe('subnet snet-open: properties.a is not in the snapshot (project the properties and sku columns)');
    expect(on({ function: 'unsure' })).toBe('subnet snet-open: a value it depends on is not in the snapshot (project the properties and sku columns)');
    expect(on({ allOf: [{ field: 'properties.routeTable.id', exists: true }, { field: 'properties.natGateway', exists: true }] }, twoOpen)).toBe('subnet snet-two: properties.routeTable.id, properties.natGateway are not in the snapshot (project the properties and sku columns)');
    expect(on({ field: 'properties.routeTable.id', exists: true }, exported)).toBe('subnet snet-export: properties.routeTable.id is not in this export');
  });
});
