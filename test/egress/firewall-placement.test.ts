import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan, buildSnapshot, type AzurermCase } from '../support/materialize.js';
import { scanJson, tempDir, writeJson, type JsonReport } from '../support/run-cli.js';

/**
 * Issue 15 item 9: AZF-EGR-002/003/004 judged only firewalls, so a plan or snapshot holding a team's rule
 * collection group for a shared hub policy (or a policy no firewall in the scan uses) was never checked.
 * Rules are judged where they are written, once, whether or not a firewall is in the scan.
 */
const EGR = ['AZF-EGR-002', 'AZF-EGR-003', 'AZF-EGR-004'];

const firewall = (policy: string): AzurermCase => ({
  type: 'azurerm_firewall',
  name: policy,
  values: { name: `afw-${policy}`, resource_group_name: 'rg-hub', location: 'westeurope', sku_name: 'AZFW_VNet', sku_tier: 'Standard', ip_configuration: [{ name: 'ipconfig1' }] },
  unknown: ['firewall_policy_id'],
  references: { firewall_policy_id: [`azurerm_firewall_policy.${policy}.id`, `azurerm_firewall_policy.${policy}`] },
});

const policy = (name: string, base?: string): AzurermCase => ({
  type: 'azurerm_firewall_policy',
  name,
  values: { name: `afwp-${name}`, resource_group_name: 'rg-hub', location: 'westeurope', sku: 'Standard', dns: [{ proxy_enabled: true }] },
  ...(base ? { unknown: ['base_policy_id'], references: { base_policy_id: [`azurerm_firewall_policy.${base}.id`, `azurerm_firewall_policy.${base}`] } } : {}),
});

const group = (name: string, policyName: string, fqdns: string[], priority = 200): AzurermCase => ({
  type: 'azurerm_firewall_policy_rule_collection_group',
  name,
  values: {
    name: `rcg-${name}`,
    priority,
    application_rule_collection: [{ name: `arc-${name}`, priority, action: 'Allow', rule: [{ name: 'web', source_addresses: ['10.1.0.0/24'], destination_fqdns: fqdns, protocols: [{ type: 'Https', port: 443 }] }] }],
  },
  unknown: ['firewall_policy_id'],
  references: { firewall_policy_id: [`azurerm_firewall_policy.${policyName}.id`, `azurerm_firewall_policy.${policyName}`] },
});

function egrFindings(cases: AzurermCase[]): JsonReport['findings'] {
  const dir = tempDir();
  writeJson(dir, 'plan.json', buildPlan({ azurerm: cases }));
  return scanJson(['plan.json', '--fail-on', 'none'], [], dir).report.findings.filter((finding) => EGR.includes(finding.ruleId));
}

describe('firewall rules are judged where they are written, once', () => {
  it('firewall, policy and group in one plan: one AZF-EGR-002 finding, on the group, naming collection, rule and FQDN', () => {
    const findings = egrFindings([firewall('hub'), policy('hub'), group('temp', 'hub', ['*'])]);
    expect(findings.map((finding) => `${finding.ruleId} ${finding.resource.address}`)).toEqual(['AZF-EGR-002 azurerm_firewall_policy_rule_collection_group.temp']);
    expect(findings[0]!.message).toBe('Rule collection group rcg-temp of firewall policy afwp-hub allows everything: application rule arc-temp/web allows *.');
  });

  it('a base policy shared by two child policies and their firewalls: one finding, on the base policy group', () => {
    const findings = egrFindings([firewall('a'), firewall('b'), policy('base'), policy('a', 'base'), policy('b', 'base'), group('platform', 'base', ['*'], 100)]);
    expect(findings.map((finding) => `${finding.ruleId} ${finding.resource.address}`)).toEqual(['AZF-EGR-002 azurerm_firewall_policy_rule_collection_group.platform']);
  });

  it('an entry repeated in a child policy group is reported once, on the child group, naming the base group', () => {
    const findings = egrFindings([firewall('a'), policy('base'), policy('a', 'base'), group('platform', 'base', ['mcr.microsoft.com'], 100), group('team', 'a', ['MCR.microsoft.com'], 300)]);
    expect(findings.map((finding) => `${finding.ruleId} ${finding.resource.address}`)).toEqual(['AZF-EGR-003 azurerm_firewall_policy_rule_collection_group.team']);
    expect(findings[0]!.message).toContain('"MCR.microsoft.com" in arc-team/web repeats rcg-platform arc-platform/web');
  });

  it("the finding lands on the .tf line of the group's offending collection", () => {
    const dir = tempDir();
    writeJson(dir, 'plan.json', buildPlan({ azurerm: [group('temp', 'hub', ['*'])] }));
    const tf = [
      'resource "azurerm_firewall_policy_rule_collection_group" "temp" {',
      '  name               = "rcg-temp"',
      '  firewall_policy_id = var.hub_firewall_policy_id',
      '  priority           = 200',
      '',
      '  application_rule_collection {',
      '    name     = "arc-temp"',
      '    priority = 200',
      '    action   = "Allow"',
      '    rule {',
      '      name              = "web"',
      '      destination_fqdns = ["*"]',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'main.tf'), tf);
    const finding = scanJson(['plan.json', '--fail-on', 'none'], [], dir).report.findings.find((candidate) => candidate.ruleId === 'AZF-EGR-002')!;
    expect(finding.location).toMatchObject({ file: 'main.tf', line: 6 });
    expect(finding.remediation).toContain('azurerm_firewall_policy_rule_collection_group.temp');
  });

  it('a snapshot holding only a team subscription: its group rows are judged, the hub policy is not needed', () => {
    const dir = tempDir();
    const id = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-hub/providers/Microsoft.Network/firewallPolicies/afwp-hub/ruleCollectionGroups/rcg-team';
    writeJson(
      dir,
      'snapshot.json',
      buildSnapshot([
        {
          type: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups',
          id,
          name: 'rcg-team',
          properties: {
            priority: 300,
            ruleCollections: [
              { ruleCollectionType: 'FirewallPolicyFilterRuleCollection', name: 'arc-team', priority: 300, action: { type: 'Allow' }, rules: [{ ruleType: 'ApplicationRule', name: 'web', protocols: [{ protocolType: 'Https', port: 443 }], targetFqdns: ['*.com'] }] },
            ],
          },
        },
      ]),
    );
    const { run, report } = scanJson(['snapshot.json'], [], dir);
    const findings = report.findings.filter((finding) => EGR.includes(finding.ruleId));
    expect(findings.map((finding) => `${finding.ruleId} ${finding.status} ${finding.resource.id}`)).toEqual([`AZF-EGR-002 fail ${id}`]);
    expect(run.code).toBe(1);
  });
});

describe('AZF-EGR-001 does not pass on what it cannot see (found by the mutation property)', () => {
  // The estate's allowlist meets the agent profile (*.dev.azure.com covers download.agent.dev.azure.com), so
  // these tests take that wildcard out: AZF-EGR-001 then has misses to report, or to turn unknown.
  const withoutDevAzureWildcard = (fqdns: unknown): unknown => (Array.isArray(fqdns) ? fqdns.filter((fqdn) => fqdn !== '*.dev.azure.com') : fqdns);
  const estate = (): { data: Array<Record<string, unknown>> } => {
    const snapshot = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'estate', 'snapshot.json'), 'utf8')) as { data: Array<Record<string, unknown>> };
    const group = snapshot.data.find((row) => String(row['type']).toLowerCase() === 'microsoft.network/firewallpolicies/rulecollectiongroups')!;
    for (const collection of (group['properties'] as { ruleCollections: Array<{ rules: Array<Record<string, unknown>> }> }).ruleCollections) {
      for (const rule of collection.rules) rule['targetFqdns'] = withoutDevAzureWildcard(rule['targetFqdns']);
    }
    return snapshot;
  };
  const egr001 = (snapshot: unknown): JsonReport['findings'] => {
    const dir = tempDir();
    writeJson(dir, 'snapshot.json', snapshot);
    return scanJson(['snapshot.json', '--fail-on', 'none'], [], dir).report.findings.filter((finding) => finding.ruleId === 'AZF-EGR-001');
  };

  it('a Container Apps job row projected without its properties: whether the environment runs agents is unknown', () => {
    const before = egr001(estate()).filter((finding) => finding.message.includes('Container Apps'));
    expect(before.map((finding) => finding.status)).toEqual(['fail']);
    const changed = estate();
    delete changed.data.find((row) => String(row['type']).toLowerCase() === 'microsoft.app/jobs')!['properties'];
    const after = egr001(changed).filter((finding) => finding.fingerprint === before[0]!.fingerprint);
    expect(after.map((finding) => finding.status)).toEqual(['unknown']);
    expect(after[0]!.message).toContain('is not known');
  });

  it('the environment row projected without its properties: whether it egresses through the firewall is unknown', () => {
    const before = egr001(estate()).filter((finding) => finding.message.includes('Container Apps'));
    const changed = estate();
    delete changed.data.find((row) => String(row['type']).toLowerCase() === 'microsoft.app/managedenvironments')!['properties'];
    expect(egr001(changed).filter((finding) => finding.fingerprint === before[0]!.fingerprint).map((finding) => finding.status)).toEqual(['unknown']);
  });

  it('the route table row projected without its properties: whether the agents egress through the firewall is unknown', () => {
    const before = egr001(estate()).filter((finding) => finding.message.includes('Container Apps'));
    const changed = estate();
    delete changed.data.find((row) => String(row['type']).toLowerCase() === 'microsoft.network/routetables')!['properties'];
    const after = egr001(changed).filter((finding) => finding.fingerprint === before[0]!.fingerprint);
    expect(after.map((finding) => finding.status)).toEqual(['unknown']);
    expect(after[0]!.message).toContain('not in the snapshot');
  });

  it('a route table row whose properties are a string (no rule selects route tables): an input error, not a silent pass', () => {
    const changed = estate();
    const table = changed.data.find((row) => String(row['type']).toLowerCase() === 'microsoft.network/routetables')!;
    table['properties'] = JSON.stringify(table['properties']);
    const dir = tempDir();
    writeJson(dir, 'snapshot.json', changed);
    const { run } = scanJson(['snapshot.json'], [], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/snapshot\.json: .*rt-spoke-ci-egress.*properties is a string, not an object/);
  });

  it('a route of a plan route table known only after apply: what rested on the route is unknown, not gone', () => {
    const plan = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'estate', 'plan.json'), 'utf8')) as { resource_changes: Array<{ address: string; change: { after: Record<string, unknown>; after_unknown: Record<string, unknown> } }> };
    const group = plan.resource_changes.find((entry) => entry.address === 'azurerm_firewall_policy_rule_collection_group.ci_egress')!;
    for (const collection of group.change.after['application_rule_collection'] as Array<{ rule: Array<Record<string, unknown>> }>) {
      for (const rule of collection.rule) rule['destination_fqdns'] = withoutDevAzureWildcard(rule['destination_fqdns']);
    }
    const dir = tempDir();
    writeJson(dir, 'plan.json', plan);
    const failing = scanJson(['plan.json', '--fail-on', 'none'], [], dir).report.findings.filter((finding) => finding.status === 'fail');
    expect(failing.map((finding) => finding.ruleId)).toContain('AZF-EGR-001');
    const table = plan.resource_changes.find((entry) => entry.address === 'azurerm_route_table.agents')!;
    (table.change.after['route'] as unknown[])[0] = null;
    table.change.after_unknown['route'] = [true];
    writeJson(dir, 'plan.json', plan);
    const after = new Map(scanJson(['plan.json', '--fail-on', 'none'], [], dir).report.findings.map((finding) => [finding.fingerprint, finding.status]));
    expect(failing.filter((finding) => !after.has(finding.fingerprint)).map((finding) => `${finding.ruleId} ${finding.resource.address}`)).toEqual([]);
  });
});

