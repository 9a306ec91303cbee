import { describe, expect, it } from 'vitest';
import { scanJson, tempDir, writeJson } from './support/run-cli.js';
import { withEnv } from './support/plan-readers.js';

/**
 * Inventory exports people already have, besides `az graph query`: PowerShell's
 * `Get-AzResource -ExpandProperties | ConvertTo-Json` (PascalCase, and cut at ConvertTo-Json's default depth
 * of 2 unless -Depth is given) and `az resource list -o json` (no properties at all).
 */
const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ci';

function scanFile(name: string, content: unknown) {
  const dir = tempDir();
  writeJson(dir, name, content);
  const { run, report } = scanJson([dir], ['--fail-on', 'none']);
  return { run, report, byRule: (ruleId: string) => report.findings.filter((finding) => finding.ruleId === ruleId) };
}

/** A registry as Get-AzResource -ExpandProperties returns it, serialized deep enough (-Depth 10). */
function psRegistry(properties: Record<string, unknown>) {
  return {
    Name: 'acrci01',
    ResourceId: `${SUB}/providers/Microsoft.ContainerRegistry/registries/acrci01`,
    Id: `${SUB}/providers/Microsoft.ContainerRegistry/registries/acrci01`,
    ResourceName: 'acrci01',
    ResourceType: 'Microsoft.ContainerRegistry/registries',
    Type: 'Microsoft.ContainerRegistry/registries',
    ResourceGroupName: 'rg-ci',
    Location: 'westeurope',
    SubscriptionId: '00000000-0000-0000-0000-000000000000',
    Kind: null,
    Tags: { env: 'ci' },
    Sku: { Name: 'Premium', Tier: 'Premium', Size: null, Family: null, Capacity: null },
    Identity: null,
    Properties: properties,
  };
}

describe('Get-AzResource -ExpandProperties | ConvertTo-Json', () => {
  it('is read: PascalCase columns become the ARM row, and the rules judge it', () => {
    const { run, byRule } = scanFile('resources.json', [
      psRegistry({ publicNetworkAccess: 'Enabled', adminUserEnabled: true, anonymousPullEnabled: false, networkRuleSet: { defaultAction: 'Allow', ipRules: [] }, networkRuleBypassOptions: 'AzureServices' }),
    ]);
    expect(run.stderr).toBe('');
    expect(byRule('AZF-PUB-001').map((finding) => [finding.status, finding.resource.name])).toEqual([['fail', 'acrci01']]);
    expect(byRule('AZF-PUB-004').map((finding) => finding.status)).toEqual(['fail']);
    // Premium (from Sku.Name) means public access can be disabled: the message does not say otherwise.
    expect(byRule('AZF-PUB-001')[0]!.message).not.toMatch(/below Premium|Basic|Standard/i);
  });

  it('a single resource (ConvertTo-Json writes one object, not an array) is read too', () => {
    const { run, report, byRule } = scanFile('one.json', psRegistry({ publicNetworkAccess: 'Disabled', adminUserEnabled: false, anonymousPullEnabled: false, networkRuleBypassOptions: 'None', networkRuleSet: { defaultAction: 'Deny', ipRules: [] } }));
    expect(run.stderr).toBe('');
    expect(report.summary.resources).toBe(1);
    expect(byRule('AZF-PUB-001')).toEqual([]);
  });

  it('properties cut at the default depth of 2 are not read as data, and the scan says so', () => {
    // What ConvertTo-Json without -Depth writes: objects below the second level become type names.
    const { run, report, byRule } = scanFile('shallow.json', [psRegistry({ publicNetworkAccess: 'Disabled', adminUserEnabled: false, anonymousPullEnabled: false, networkRuleBypassOptions: 'None', networkRuleSet: 'System.Collections.Hashtable' })]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/shallow\.json: ConvertTo-Json cut nested properties at its default depth of 2 .*-Depth/);
    expect(run.stderr).not.toContain('at Object.');
    // Still judged where it can be; the cut property is unknown, never a pass or a fail on a type name.
    expect(report.findings.filter((finding) => finding.message.includes('System.Collections.Hashtable'))).toEqual([]);
    expect(byRule('AZF-PUB-001')).toEqual([]);
  });
});

const AZ_RESOURCE_LIST = [
    {
      id: `${SUB}/providers/Microsoft.ContainerRegistry/registries/acrci01`,
      name: 'acrci01',
      type: 'Microsoft.ContainerRegistry/registries',
      location: 'westeurope',
      resourceGroup: 'rg-ci',
      kind: null,
      sku: { name: 'Basic', tier: 'Basic', capacity: null, family: null, model: null, size: null },
      tags: {},
      identity: null,
      managedBy: null,
      plan: null,
      properties: null,
      provisioningState: 'Succeeded',
      changedTime: '2026-11-30T10:00:00+00:00',
      createdTime: '2026-01-10T10:00:00+00:00',
      extendedLocation: null,
    },
];

describe('az resource list -o json', () => {
  const list = AZ_RESOURCE_LIST;

  it('is read, and properties it does not carry are unknown, not absent', () => {
    const { run, byRule } = scanFile('list.json', list);
    expect(run.stderr).toBe('');
    // Whether public access is on is not in this export: unknown (saying why), never a fail on a missing value.
    const pub001 = byRule('AZF-PUB-001');
    expect(pub001.length).toBeGreaterThan(0);
    expect(pub001.every((finding) => finding.status === 'unknown')).toBe(true);
    expect(pub001[0]!.message).toContain('az resource list');
    expect(byRule('AZF-PUB-004').every((finding) => finding.status === 'unknown')).toBe(true);
  });
});

/**
 * Files over 256 MB are streamed (src/inputs/stream), and an export that large is as much an export as a
 * small one: the streaming reader (forced on a small file) recognises the same shapes and reports the same
 * findings, errors and lines as the in-memory reader.
 */
describe('exports read by the streaming reader', () => {
  const shapes: Array<[string, unknown]> = [
    ['Get-AzResource -ExpandProperties', [psRegistry({ publicNetworkAccess: 'Enabled', adminUserEnabled: true, anonymousPullEnabled: false, networkRuleSet: { defaultAction: 'Allow', ipRules: [] }, networkRuleBypassOptions: 'AzureServices' })]],
    ['Get-AzResource cut at depth 2', [psRegistry({ publicNetworkAccess: 'Disabled', adminUserEnabled: false, anonymousPullEnabled: false, networkRuleBypassOptions: 'None', networkRuleSet: 'System.Collections.Hashtable' })]],
    ['az resource list', AZ_RESOURCE_LIST],
  ];
  for (const [name, content] of shapes) {
    it(`${name}: the same report as read in memory`, () => {
      const dir = tempDir();
      writeJson(dir, 'export.json', content);
      const inMemory = scanJson([dir], ['--fail-on', 'none']);
      withEnv({ AZFENCE_STREAM_ABOVE_BYTES: '1' });
      const streamed = scanJson([dir], ['--fail-on', 'none']);
      expect(streamed.run.stderr).not.toContain('unknown shape');
      expect(streamed.report.summary.resources).toBe(1);
      expect(streamed.run.code).toBe(inMemory.run.code);
      expect(streamed.run.stderr).toBe(inMemory.run.stderr);
      expect(streamed.report).toEqual(inMemory.report);
    });
  }
});
