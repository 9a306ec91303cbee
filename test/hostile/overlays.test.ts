import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildPlan, buildSnapshot, type AzurermCase } from '../support/materialize.js';
import { runCli, scanJson, tempDir, writeJson, type JsonReport } from '../support/run-cli.js';
import { validateSarifText } from '../support/sarif-validator.js';

/**
 * Issue 15 item 3: resources that change other resources. An azapi_update_resource (or an
 * azapi_resource_action with a PUT or PATCH body) that turns public access, anonymous pull or the admin
 * user back on passed when the registry's own resource said otherwise. Overlays are applied to their
 * target before rules run; the finding points at the overlay.
 */
type Finding = JsonReport['findings'][number] & { writtenBy?: { address?: string; type?: string } };

const SUBSCRIPTION = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ci';
const REGISTRY_ID = `${SUBSCRIPTION}/providers/Microsoft.ContainerRegistry/registries/acrci`;

/** A locked-down registry: every PUB check passes on it alone. */
const lockedRegistry: AzurermCase = {
  type: 'azurerm_container_registry',
  name: 'ci',
  values: {
    name: 'acrci',
    resource_group_name: 'rg-ci',
    sku: 'Premium',
    public_network_access_enabled: false,
    anonymous_pull_enabled: false,
    admin_enabled: false,
    network_rule_bypass_option: 'None',
    network_rule_set: [{ default_action: 'Deny', ip_rule: [] }],
  },
};

const OPEN_BODY = { properties: { publicNetworkAccess: 'Enabled', anonymousPullEnabled: true, adminUserEnabled: true } };

function update(values: Record<string, unknown>, extra: Partial<AzurermCase> = {}): AzurermCase {
  return { type: 'azapi_update_resource', name: 'open', values: { type: 'Microsoft.ContainerRegistry/registries@2023-07-01', ...values }, ...extra };
}

/** The registry's id is known only after apply: the update names it through the configuration. */
const byReference = { unknown: ['resource_id'], references: { resource_id: ['azurerm_container_registry.ci.id', 'azurerm_container_registry.ci'] } };

function scan(cases: AzurermCase[], extra: string[] = []): { code: number; findings: Finding[]; dir: string; stderr: string } {
  const dir = tempDir();
  writeJson(dir, 'plan.json', buildPlan({ azurerm: cases }));
  const { run, report } = scanJson(['plan.json', ...extra], [], dir);
  return { code: run.code, findings: report.findings as Finding[], dir, stderr: run.stderr };
}

/** The registry rules' verdicts (AZF-DNS-005 also judges a locked registry: it has no private endpoint here). */
const ids = (findings: Finding[]): string[] => [...new Set(findings.filter((finding) => !finding.ruleId.startsWith('AZF-DNS-')).map((finding) => `${finding.ruleId} ${finding.status}`))].sort();

describe('azapi_update_resource is applied to its target before rules run', () => {
  it('the locked registry alone passes every check (the baseline for the cases below)', () => {
    const { code, findings } = scan([lockedRegistry]);
    expect(ids(findings)).toEqual([]);
    expect(code).toBe(0);
  });

  it('found by a configuration reference (a create plan): the update fails AZF-PUB-001 and AZF-PUB-004, pointing at the update', () => {
    const { code, findings } = scan([lockedRegistry, update({ body: OPEN_BODY }, byReference)]);
    expect(ids(findings)).toEqual(['AZF-PUB-001 fail', 'AZF-PUB-004 fail']);
    expect(code).toBe(1);
    for (const finding of findings.filter((candidate) => candidate.ruleId.startsWith('AZF-PUB-'))) {
      expect(finding.resource).toMatchObject({ name: 'acrci', address: 'azurerm_container_registry.ci', type: 'Microsoft.ContainerRegistry/registries' });
      expect(finding.writtenBy).toEqual({ address: 'azapi_update_resource.open', type: 'azapi_update_resource' });
      expect(finding.message).toContain('(set by azapi_update_resource.open)');
      expect(finding.remediation).toContain('azapi_update_resource.open');
      expect(finding.location.file).toBe('plan.json');
    }
    const pub001 = findings.find((finding) => finding.ruleId === 'AZF-PUB-001')!;
    expect(pub001.message).toContain('body.properties.publicNetworkAccess is Enabled');
  });

  it('found by its literal id (an update plan) and by parent_id + name', () => {
    const existing: AzurermCase = { ...lockedRegistry, values: { ...lockedRegistry.values, id: REGISTRY_ID }, unknown: [] };
    const withId = (plan: Record<string, any>): void => {
      // An existing registry: its id is known in the plan.
      plan['resource_changes'][0].change.after.id = REGISTRY_ID;
      plan['resource_changes'][0].change.after_unknown = {};
    };
    for (const values of [{ resource_id: REGISTRY_ID }, { parent_id: SUBSCRIPTION, name: 'acrci' }]) {
      const dir = tempDir();
      const plan = buildPlan({ azurerm: [existing, update({ ...values, body: OPEN_BODY })] }) as Record<string, any>;
      withId(plan);
      writeJson(dir, 'plan.json', plan);
      const { run, report } = scanJson(['plan.json'], [], dir);
      expect(ids(report.findings as Finding[]), JSON.stringify(values)).toEqual(['AZF-PUB-001 fail', 'AZF-PUB-004 fail']);
      expect(run.code).toBe(1);
    }
  });

  it('azapi 1.x writes the body as a JSON string', () => {
    const { findings } = scan([lockedRegistry, update({ body: JSON.stringify({ properties: { anonymousPullEnabled: true } }) }, byReference)]);
    expect(ids(findings)).toEqual(['AZF-PUB-004 fail']);
  });

  it('an update that keeps the registry locked changes nothing', () => {
    const { code, findings } = scan([lockedRegistry, update({ body: { properties: { publicNetworkAccess: 'Disabled', policies: { retentionPolicy: { days: 7 } } } } }, byReference)]);
    expect(ids(findings)).toEqual([]);
    expect(code).toBe(0);
  });

  it('a body known only after apply makes the checks unknown, never a pass', () => {
    const { code, findings } = scan([lockedRegistry, update({}, { unknown: ['resource_id', 'body'], references: { resource_id: ['azurerm_container_registry.ci.id'], body: ['random_string.x.result'] } })], ['--fail-on-unknown']);
    expect(ids(findings)).toEqual(expect.arrayContaining(['AZF-PUB-001 unknown', 'AZF-PUB-004 unknown']));
    expect(ids(findings).every((id) => id.endsWith('unknown'))).toBe(true);
    expect(findings.filter((finding) => finding.ruleId.startsWith('AZF-PUB-')).every((finding) => finding.writtenBy?.address === 'azapi_update_resource.open')).toBe(true);
    expect(code).toBe(1);
  });

  it('a body known only after apply makes function-backed checks on the target unknown too (AZF-DNS-005 read the properties as empty)', () => {
    // Alone, the locked registry fails AZF-DNS-005 (public access off, no private endpoint).
    expect(scan([lockedRegistry]).findings.filter((finding) => finding.ruleId === 'AZF-DNS-005').map((finding) => finding.status)).toEqual(['fail']);
    const { findings } = scan([lockedRegistry, update({}, { unknown: ['resource_id', 'body'], references: { resource_id: ['azurerm_container_registry.ci.id'], body: ['random_string.x.result'] } })]);
    const dns005 = findings.filter((finding) => finding.ruleId === 'AZF-DNS-005');
    expect(dns005.map((finding) => finding.status)).toEqual(['unknown']);
    expect(dns005[0]!.writtenBy?.address).toBe('azapi_update_resource.open');
  });

  it('one property known only after apply makes only the checks that read it unknown', () => {
    const { findings } = scan([lockedRegistry, update({ body: { properties: { publicNetworkAccess: 'Disabled', anonymousPullEnabled: false } } }, { unknown: ['resource_id', 'body.properties.anonymousPullEnabled'], references: { resource_id: ['azurerm_container_registry.ci.id'] } })]);
    expect(ids(findings)).toEqual(['AZF-PUB-004 unknown']);
    expect(findings[0]!.message).toContain('body.properties.anonymousPullEnabled is known only after apply');
  });

  it('a sensitive body, or a write-only sensitive_body in the configuration, is unknown too', () => {
    const sensitive = scan([lockedRegistry, update({ body: OPEN_BODY }, { ...byReference, sensitive: ['body'] })]);
    expect(ids(sensitive.findings).filter((id) => id.startsWith('AZF-PUB-00'))).toEqual(expect.arrayContaining(['AZF-PUB-001 unknown', 'AZF-PUB-004 unknown']));
    const dir = tempDir();
    const plan = buildPlan({ azurerm: [lockedRegistry, update({ body: { properties: {} } }, byReference)] }) as Record<string, any>;
    const config = plan['configuration'].root_module.resources.find((resource: { address: string }) => resource.address === 'azapi_update_resource.open');
    config.expressions.sensitive_body = { references: ['var.secret_settings'] };
    writeJson(dir, 'plan.json', plan);
    const report = scanJson(['plan.json'], [], dir).report;
    expect(ids(report.findings as Finding[])).toEqual(expect.arrayContaining(['AZF-PUB-001 unknown', 'AZF-PUB-004 unknown']));
  });

  it('two updates writing different values: which wins is not fixed, so the check is unknown', () => {
    const { findings } = scan([
      lockedRegistry,
      update({ body: { properties: { anonymousPullEnabled: true } } }, byReference),
      { ...update({ body: { properties: { anonymousPullEnabled: false } } }, byReference), name: 'close' },
    ]);
    const pub004 = findings.find((finding) => finding.ruleId === 'AZF-PUB-004')!;
    expect(pub004.status).toBe('unknown');
    expect(pub004.message).toContain('write different values');
  });

  it('points at the update block in the .tf source', () => {
    const dir = tempDir();
    writeJson(dir, 'plan.json', buildPlan({ azurerm: [lockedRegistry, update({ body: OPEN_BODY }, byReference)] }));
    const tf = [
      'resource "azurerm_container_registry" "ci" {',
      '  name                          = "acrci"',
      '  public_network_access_enabled = false',
      '}',
      '',
      'resource "azapi_update_resource" "open" {',
      '  type        = "Microsoft.ContainerRegistry/registries@2023-07-01"',
      '  resource_id = azurerm_container_registry.ci.id',
      '  body = {',
      '    properties = { publicNetworkAccess = "Enabled", anonymousPullEnabled = true, adminUserEnabled = true }',
      '  }',
      '}',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'main.tf'), tf);
    const { report } = scanJson(['plan.json', '--fail-on', 'none'], [], dir);
    for (const finding of report.findings.filter((candidate) => candidate.ruleId.startsWith('AZF-PUB-'))) expect(finding.location).toMatchObject({ file: 'main.tf', line: 9 });
    // An inline suppression on the update covers what it wrote.
    writeFileSync(join(dir, 'main.tf'), tf.replace('resource "azapi_update_resource"', '# azfence:ignore AZF-PUB-* public mirror for the OSS images (SEC-7)\nresource "azapi_update_resource"'));
    const after = scanJson(['plan.json', '--fail-on', 'none'], [], dir).report.findings as Array<Finding & { suppression?: unknown }>;
    expect(after.filter((finding) => finding.ruleId.startsWith('AZF-PUB-')).every((finding) => finding.suppression)).toBe(true);
  });

  it('SARIF names the writer and stays valid', () => {
    const dir = tempDir();
    writeJson(dir, 'plan.json', buildPlan({ azurerm: [lockedRegistry, update({ body: OPEN_BODY }, byReference)] }));
    const text = runCli(['scan', 'plan.json', '--format', 'sarif'], dir).stdout;
    const results = (JSON.parse(text) as { runs: Array<{ results: Array<{ properties: Record<string, string> }> }> }).runs[0]!.results;
    expect(new Set(results.filter((result) => result.properties['writtenBy']).map((result) => result.properties['writtenBy']))).toEqual(new Set(['azapi_update_resource.open']));
    expect(results.filter((result) => result.properties['writtenBy']).length).toBeGreaterThanOrEqual(3);
    expect(validateSarifText(text)).toEqual([]);
  });
});

describe('azapi_resource_action with a PUT or PATCH body writes its resource', () => {
  const action = (values: Record<string, unknown>): AzurermCase => ({ type: 'azapi_resource_action', name: 'act', values: { type: 'Microsoft.ContainerRegistry/registries@2023-07-01', ...values }, ...byReference });

  it('PATCH merges its body', () => {
    expect(ids(scan([lockedRegistry, action({ method: 'PATCH', body: { properties: { adminUserEnabled: true } } })]).findings)).toEqual(['AZF-PUB-004 fail']);
  });

  it('PUT replaces the definition: what it leaves out is the API default', () => {
    // publicNetworkAccess absent after a PUT is Enabled, the API default.
    const { findings } = scan([lockedRegistry, action({ method: 'PUT', body: { sku: { name: 'Premium' }, properties: { adminUserEnabled: false } } })]);
    expect(ids(findings)).toContain('AZF-PUB-001 fail');
    expect(findings.find((finding) => finding.ruleId === 'AZF-PUB-001')!.writtenBy?.address).toBe('azapi_resource_action.act');
  });

  it('POST (the default), GET and actions run only on destroy write nothing', () => {
    for (const values of [{ action: 'listCredentials', body: { properties: { adminUserEnabled: true } } }, { method: 'POST', body: { properties: { adminUserEnabled: true } } }, { method: 'PATCH', when: 'destroy', body: { properties: { adminUserEnabled: true } } }]) {
      expect(ids(scan([lockedRegistry, action(values)]).findings), JSON.stringify(values)).toEqual([]);
    }
  });

  it('a method known only after apply may write: what it would write is unknown', () => {
    const { findings } = scan([lockedRegistry, { ...action({ body: { properties: { adminUserEnabled: true } } }), unknown: ['resource_id', 'method'], references: { resource_id: ['azurerm_container_registry.ci.id'], method: ['var.method'] } }]);
    expect(ids(findings)).toEqual(['AZF-PUB-004 unknown']);
  });
});

describe('a target outside the scan: the overlay still tells the final value', () => {
  it('an update of a registry the plan does not hold fails on what it writes, at the update', () => {
    const { code, findings } = scan([update({ resource_id: REGISTRY_ID, body: { properties: { anonymousPullEnabled: true } } })]);
    expect(ids(findings)).toEqual(['AZF-PUB-004 fail']);
    expect(findings[0]!.resource).toMatchObject({ id: REGISTRY_ID, name: 'acrci', type: 'Microsoft.ContainerRegistry/registries' });
    expect(findings[0]!.writtenBy?.address).toBe('azapi_update_resource.open');
    expect(code).toBe(1);
  });

  it('what the update does not write is not judged: locking one property down reports nothing', () => {
    expect(ids(scan([update({ resource_id: REGISTRY_ID, body: { properties: { publicNetworkAccess: 'Disabled' } } })]).findings)).toEqual([]);
  });

  it('an unknown body on a target outside the scan is unknown, and counts with --fail-on-unknown', () => {
    const { code, findings } = scan([update({ resource_id: REGISTRY_ID }, { unknown: ['body'] })], ['--fail-on-unknown']);
    expect(ids(findings)).toEqual(expect.arrayContaining(['AZF-PUB-001 unknown', 'AZF-PUB-004 unknown']));
    expect(code).toBe(1);
  });

  it('a target named by a variable (no resource in the plan) is judged the same way', () => {
    const { findings } = scan([update({ body: { properties: { adminUserEnabled: true } } }, { unknown: ['resource_id'], references: { resource_id: ['var.registry_id'] } })]);
    expect(ids(findings)).toEqual(['AZF-PUB-004 fail']);
    expect(findings[0]!.resource.name).toBe('<var.registry_id>');
  });

  it('a plan update of a registry scanned from a snapshot applies to the snapshot row', () => {
    const dir = tempDir();
    writeJson(dir, 'snapshot.json', buildSnapshot([{ type: 'Microsoft.ContainerRegistry/registries', id: REGISTRY_ID, name: 'acrci', sku: { name: 'Premium' }, properties: { publicNetworkAccess: 'Disabled', anonymousPullEnabled: false, adminUserEnabled: false, networkRuleBypassOptions: 'None', networkRuleSet: { defaultAction: 'Deny', ipRules: [] } } }]));
    writeJson(dir, 'plan.json', buildPlan({ azurerm: [update({ resource_id: REGISTRY_ID, body: { properties: { adminUserEnabled: true } } })] }));
    const { report } = scanJson(['snapshot.json', 'plan.json'], [], dir);
    expect(ids(report.findings as Finding[])).toEqual(['AZF-PUB-004 fail']);
    expect(report.findings.find((finding) => finding.ruleId === 'AZF-PUB-004')!.location.file).toBe('plan.json');
  });
});

describe('azurerm resources that manage part of another resource', () => {
  const pack = [
    'pack: ACME',
    'title: House rules',
    'rules:',
    '  - id: ACME-STG-001',
    '    title: Storage accounts deny by default',
    '    severity: high',
    '    description: Network rules deny traffic that no rule allows.',
    '    remediation: { azurerm: "Set default_action = \\"Deny\\" on {address}." }',
    '    checks:',
    '      - select: { type: Microsoft.Storage/storageAccounts }',
    '        assert: { field: properties.networkAcls.defaultAction, equals: Deny }',
    '        message: "Storage account {name} allows traffic by default ({attr:properties.networkAcls.defaultAction} is {field:properties.networkAcls.defaultAction})."',
    '',
  ].join('\n');
  const account: AzurermCase = { type: 'azurerm_storage_account', name: 'logs', values: { name: 'stlogs', account_kind: 'StorageV2', public_network_access_enabled: false, allow_nested_items_to_be_public: false, network_rules: [{ default_action: 'Deny' }] } };
  const rules = (defaultAction: string): AzurermCase => ({
    type: 'azurerm_storage_account_network_rules',
    name: 'logs',
    values: { default_action: defaultAction, ip_rules: ['203.0.113.0/24'] },
    unknown: ['storage_account_id'],
    references: { storage_account_id: ['azurerm_storage_account.logs.id', 'azurerm_storage_account.logs'] },
  });

  it('azurerm_storage_account_network_rules overrides the account, for every rule that reads it (a team pack here)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'acme.yaml'), pack);
    writeJson(dir, 'plan.json', buildPlan({ azurerm: [account, rules('Allow')] }));
    const { report } = scanJson(['plan.json', '--policies', 'acme.yaml', '--fail-on', 'none'], [], dir);
    const finding = (report.findings as Finding[]).find((candidate) => candidate.ruleId === 'ACME-STG-001')!;
    expect(finding.writtenBy?.address).toBe('azurerm_storage_account_network_rules.logs');
    expect(finding.message).toContain('default_action is Allow');
    expect(finding.remediation).toBe('Set default_action = "Deny" on azurerm_storage_account_network_rules.logs.');
    writeJson(dir, 'plan.json', buildPlan({ azurerm: [account, rules('Deny')] }));
    expect((scanJson(['plan.json', '--policies', 'acme.yaml', '--fail-on', 'none'], [], dir).report.findings as Finding[]).filter((candidate) => candidate.ruleId === 'ACME-STG-001')).toEqual([]);
  });

  // AZF-DNS-004 accepts a zone linked only to the hub when the spoke's DNS servers are the hub firewall (DNS
  // proxy). The spoke's own dns_servers say so; azurerm_virtual_network_dns_servers, which manages the same
  // list, can point the spoke somewhere else, and what it writes is what the VNet uses.
  const dnsThroughHub = (parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'rules', 'AZF-DNS-004.yaml'), 'utf8')) as { cases: Array<{ name: string; azurerm: AzurermCase[] }> }).cases.find((fixture) =>
    fixture.name.startsWith("spoke whose dns_servers are the hub firewall's private IP"),
  )!.azurerm;
  const dnsServers = (servers: Partial<AzurermCase>): AzurermCase => ({
    type: 'azurerm_virtual_network_dns_servers',
    name: 'spoke',
    values: { dns_servers: [] },
    unknown: ['virtual_network_id'],
    references: { virtual_network_id: ['azurerm_virtual_network.spoke.id', 'azurerm_virtual_network.spoke'] },
    ...servers,
  });
  const dns004 = (cases: AzurermCase[]): Finding[] => scan(cases, ['--fail-on', 'none']).findings.filter((finding) => finding.ruleId === 'AZF-DNS-004');

  it('azurerm_virtual_network_dns_servers pointing the spoke at a public resolver: AZF-DNS-004 fails', () => {
    expect(dns004(dnsThroughHub)).toEqual([]);
    const findings = dns004([...dnsThroughHub, dnsServers({ values: { dns_servers: ['8.8.8.8'] } })]);
    expect(findings.map((finding) => `${finding.status} ${finding.resource.address}`)).toEqual(['fail azurerm_private_endpoint.acr']);
    expect(findings[0]!.message).toMatch(/linked only to vnet-hub/);
  });

  it('azurerm_virtual_network_dns_servers with servers known only after apply, not traced to the firewall: AZF-DNS-004 does not pass', () => {
    // Only servers that lead to the firewall make the hub link count, as for the VNet's own dns_servers.
    const findings = dns004([...dnsThroughHub, dnsServers({ values: { dns_servers: [null] }, unknown: ['virtual_network_id', 'dns_servers[0]'] })]);
    expect(findings.map((finding) => `${finding.status} ${finding.resource.address}`)).toEqual(['fail azurerm_private_endpoint.acr']);
  });

  it('azurerm_virtual_network_dns_servers pointing a spoke at the hub firewall makes the hub link count (no false alarm)', () => {
    const spokeOwnDns = dnsThroughHub.map((resource) => (resource.type === 'azurerm_virtual_network' && resource.name === 'spoke' ? { type: resource.type, name: resource.name, values: { ...resource.values, dns_servers: [] } } : resource));
    expect(dns004(spokeOwnDns).map((finding) => finding.status)).toEqual(['fail']);
    const spoke = dnsThroughHub.find((resource) => resource.type === 'azurerm_virtual_network' && resource.name === 'spoke')!;
    const writer = dnsServers({ values: { dns_servers: [null] }, unknown: ['virtual_network_id', 'dns_servers[0]'], references: { virtual_network_id: ['azurerm_virtual_network.spoke.id', 'azurerm_virtual_network.spoke'], dns_servers: spoke.references!['dns_servers']! } });
    expect(dns004([...spokeOwnDns, writer])).toEqual([]);
  });
});

describe('properties unknown as a whole: no function-backed check decides on them', () => {
  it('a snapshot row projected without its properties column: AZF-DNS-001 is unknown, not dropped (found by the mutation property)', () => {
    const estate = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'estate', 'snapshot.json'), 'utf8')) as { data: Array<Record<string, unknown>> };
    const row = estate.data.find((candidate) => candidate['name'] === 'pe-kv-ci-we01')!;
    const dir = tempDir();
    writeJson(dir, 'snapshot.json', estate);
    const before = scanJson(['snapshot.json', '--fail-on', 'none'], [], dir).report.findings.filter((finding) => finding.resource.name === 'pe-kv-ci-we01');
    expect(before.map((finding) => `${finding.ruleId} ${finding.status}`)).toEqual(['AZF-DNS-001 fail']);
    delete row['properties'];
    writeJson(dir, 'snapshot.json', estate);
    const after = scanJson(['snapshot.json', '--fail-on', 'none'], [], dir).report.findings.filter((finding) => finding.resource.name === 'pe-kv-ci-we01');
    // Every DNS check on it is undecided now, and AZF-DNS-001 among them.
    expect(after.every((finding) => finding.status === 'unknown')).toBe(true);
    expect(after.map((finding) => finding.ruleId)).toContain('AZF-DNS-001');
  });
});
