import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildPlan, buildSnapshot } from './support/materialize.js';
import { runCli, scanJson, tempDir, writeJson } from './support/run-cli.js';
import { validateSarif } from './support/sarif-validator.js';

function estate(dir: string): { plan: string; snapshot: string } {
  const plan = writeJson(
    dir,
    'plan.json',
    buildPlan({
      azurerm: [
        { type: 'azurerm_container_registry', name: 'acr', values: { name: 'acrprod', sku: 'Premium', public_network_access_enabled: false, network_rule_bypass_option: 'AzureServices', admin_enabled: true } },
        { type: 'azurerm_storage_account', name: 'logs', values: { name: 'stlogs', public_network_access_enabled: true, allow_nested_items_to_be_public: false } },
        { type: 'azurerm_key_vault', name: 'kv', values: { name: 'kv-app' }, unknown: ['public_network_access_enabled'] },
        { type: 'azurerm_monitor_private_link_scope', name: 'ampls', values: { name: 'ampls', ingestion_access_mode: 'PrivateOnly', query_access_mode: 'Open' } },
      ],
    }),
  );
  const snapshot = writeJson(
    dir,
    'snapshot.json',
    buildSnapshot([
      { type: 'Microsoft.ContainerRegistry/registries', name: 'acrlive', sku: { name: 'Basic' }, properties: { publicNetworkAccess: 'Enabled', adminUserEnabled: false } },
      { type: 'Microsoft.KeyVault/vaults', name: 'kvlive', properties: { publicNetworkAccess: 'Disabled' } },
    ]),
  );
  return { plan, snapshot };
}

describe('exit codes and the gate', () => {
  it('exits 1 when a finding at or above --fail-on fails, 0 otherwise', () => {
    const dir = tempDir();
    const { plan } = estate(dir);
    expect(runCli(['scan', plan]).code).toBe(1);
    expect(runCli(['scan', plan, '--fail-on', 'critical']).code).toBe(0);
    expect(runCli(['scan', plan, '--fail-on', 'none']).code).toBe(0);
    expect(runCli(['scan', plan, '--fail-on', 'low']).code).toBe(1);
  });

  it('unknowns do not fail the gate unless --fail-on-unknown', () => {
    const dir = tempDir();
    const plan = writeJson(dir, 'plan.json', buildPlan({ azurerm: [{ type: 'azurerm_key_vault', values: { name: 'kv' }, unknown: ['public_network_access_enabled'] }] }));
    const plain = scanJson([plan]);
    // Public access unknown: both "is it disabled" (PUB-005) and "does a locked vault have an endpoint" (DNS-005) wait for apply.
    expect(plain.report.findings.map((finding) => `${finding.ruleId}:${finding.status}`).sort()).toEqual(['AZF-DNS-005:unknown', 'AZF-PUB-005:unknown']);
    expect(plain.run.code).toBe(0);
    expect(runCli(['scan', plan, '--fail-on-unknown']).code).toBe(1);
  });

  it('a clean estate exits 0 and says so: a locked vault reached through a private endpoint with private DNS', () => {
    const dir = tempDir();
    const plan = writeJson(
      dir,
      'plan.json',
      buildPlan({
        azurerm: [
          { type: 'azurerm_key_vault', name: 'kv', values: { name: 'kv', public_network_access_enabled: false } },
          { type: 'azurerm_virtual_network', name: 'spoke', values: { name: 'vnet-spoke', resource_group_name: 'rg' } },
          { type: 'azurerm_subnet', name: 'pe', values: { name: 'snet-pe', virtual_network_name: 'vnet-spoke', resource_group_name: 'rg' } },
          { type: 'azurerm_private_dns_zone', name: 'kv', values: { name: 'privatelink.vaultcore.azure.net', resource_group_name: 'rg' } },
          {
            type: 'azurerm_private_dns_zone_virtual_network_link',
            name: 'kv',
            values: { name: 'link', private_dns_zone_name: 'privatelink.vaultcore.azure.net', resource_group_name: 'rg' },
            unknown: ['virtual_network_id'],
            references: { virtual_network_id: ['azurerm_virtual_network.spoke.id', 'azurerm_virtual_network.spoke'] },
          },
          {
            type: 'azurerm_private_endpoint',
            name: 'kv',
            values: { name: 'pe-kv', resource_group_name: 'rg', private_service_connection: [{ name: 'psc', is_manual_connection: false, subresource_names: ['vault'] }], private_dns_zone_group: [{ name: 'default', private_dns_zone_ids: [null] }] },
            unknown: ['subnet_id', 'private_service_connection[0].private_connection_resource_id', 'private_dns_zone_group[0].private_dns_zone_ids[0]'],
            references: {
              subnet_id: ['azurerm_subnet.pe.id', 'azurerm_subnet.pe'],
              'private_service_connection[0].private_connection_resource_id': ['azurerm_key_vault.kv.id', 'azurerm_key_vault.kv'],
              'private_dns_zone_group[0].private_dns_zone_ids': ['azurerm_private_dns_zone.kv.id', 'azurerm_private_dns_zone.kv'],
            },
          },
        ],
      }),
    );
    const run = runCli(['scan', plan]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('No findings.');
    expect(run.stdout).toMatch(/^1 input file; 6 resources read, 2 checked by a rule; \d+ checks passed, 0 failed, 0 unknown until apply$/m);
    expect(run.stdout).toMatch(/^gate passed: no findings at or above high$/m);
    expect(run.code).toBe(0);
  });
});

describe('table output', () => {
  it('shows each finding with its rule, resource, location and fix, most severe first', () => {
    const dir = tempDir();
    const { plan } = estate(dir);
    const run = runCli(['scan', plan], dir);
    expect(run.stdout).toContain('AZF-PUB-002');
    expect(run.stdout).toContain('azurerm_container_registry.acr');
    expect(run.stdout).toMatch(/plan\.json:\d+/);
    expect(run.stdout).toContain('Fix: Set `network_rule_bypass_option = "None"`');
    expect(run.stdout).toMatch(/\d+ failed, 2 unknown until apply/);
    const highAt = run.stdout.indexOf('high');
    const lowAt = run.stdout.indexOf('low  ');
    expect(highAt).toBeGreaterThan(-1);
    expect(lowAt).toBeGreaterThan(highAt);
  });
});

describe('JSON output', () => {
  it('has version, summary and findings in the documented shape', () => {
    const dir = tempDir();
    const { plan, snapshot } = estate(dir);
    const { report } = scanJson([plan, snapshot], ['--fail-on', 'none'], dir);
    expect(report.summary.files).toBe(2);
    const bypass = report.findings.find((finding) => finding.ruleId === 'AZF-PUB-002')!;
    expect(bypass).toMatchObject({
      severity: 'high',
      status: 'fail',
      resource: { type: 'Microsoft.ContainerRegistry/registries', name: 'acrprod', address: 'azurerm_container_registry.acr' },
      location: { file: 'plan.json' },
    });
    expect(bypass.message).toContain('network_rule_bypass_option is AzureServices');
    const live = report.findings.find((finding) => finding.resource.name === 'acrlive' && finding.ruleId === 'AZF-PUB-001')!;
    expect(live.resource.id).toMatch(/^\/subscriptions\/.*\/providers\/Microsoft\.ContainerRegistry\/registries\/acrlive$/);
    expect(live.message).toContain('Basic SKU');
    expect(live.remediation).toContain('az acr update --name acrlive');
    const unknown = report.findings.find((finding) => finding.status === 'unknown')!;
    expect(unknown.message).toContain('public_network_access_enabled is known only after apply');
    const low = report.findings.find((finding) => finding.ruleId === 'AZF-PUB-006')!;
    expect(low.severity).toBe('low');
  });

  it('validates against schemas/report.schema.json', async () => {
    const { Ajv } = await import('ajv');
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'schemas', 'report.schema.json'), 'utf8'));
    const dir = tempDir();
    const { plan, snapshot } = estate(dir);
    const { report } = scanJson([plan, snapshot, join(dir, 'missing.json')], ['--fail-on', 'none'], dir);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('SARIF output', () => {
  it('points at inputs outside the working directory with file: URIs, and stays valid', () => {
    // `azfence scan /elsewhere/plan.json --sarif out.sarif`: the plan is shown by its absolute path, which a
    // %SRCROOT%-relative reference cannot hold (it may not start with a slash).
    const inputs = tempDir();
    const { plan, snapshot } = estate(inputs);
    const cwd = tempDir();
    const sarifPath = join(cwd, 'azfence.sarif');
    runCli(['scan', plan, snapshot, '--sarif', sarifPath, '--fail-on', 'none'], cwd);
    expect(validateSarif([sarifPath], { warnings: true })).toEqual([]);
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8'));
    const uris = new Set<string>(sarif.runs[0].results.map((result: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }> }) => {
      const location = result.locations[0]!.physicalLocation.artifactLocation;
      expect(location.uriBaseId).toBeUndefined();
      return location.uri;
    }));
    expect([...uris].sort()).toEqual([pathToFileURL(plan).href, pathToFileURL(snapshot).href].sort());
  });

  it('is valid for GitHub code scanning and carries rules, severities, locations and fingerprints', () => {
    const dir = tempDir();
    const { plan, snapshot } = estate(dir);
    const sarifPath = join(dir, 'out', 'azfence.sarif');
    const run = runCli(['scan', plan, snapshot, '--sarif', sarifPath, '--fail-on', 'none'], dir);
    // The usual CI call: a table on stdout and SARIF in a file, in one run.
    expect(run.stdout).toContain('AZF-PUB-002');
    expect(existsSync(sarifPath)).toBe(true);
    expect(validateSarif([sarifPath], { warnings: true })).toEqual([]);
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8'));
    const driver = sarif.runs[0].tool.driver;
    expect(driver.rules.length).toBeGreaterThanOrEqual(9);
    for (const rule of driver.rules) {
      expect(rule.fullDescription.text.length).toBeGreaterThan(20);
      expect(rule.help.markdown).toContain('**Remediation**');
      expect(rule.properties.tags).toContain('security');
      expect(Number(rule.properties['security-severity'])).toBeGreaterThan(0);
    }
    const results = sarif.runs[0].results;
    const unknown = results.find((result: { properties: { status: string } }) => result.properties.status === 'unknown');
    expect(unknown.level).toBe('note');
    expect(unknown.message.text).toContain('known only after apply');
    const fromSnapshot = results.find((result: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => result.locations[0]!.physicalLocation.artifactLocation.uri === 'snapshot.json');
    expect(fromSnapshot.locations[0].logicalLocations[0].fullyQualifiedName).toMatch(/^\/subscriptions\//);
    expect(fromSnapshot.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
    expect(sarif.runs[0].automationDetails.id).toBe('azfence/plan+snapshot/');
  });

  it('input errors appear as tool notifications and the SARIF stays valid', () => {
    const dir = tempDir();
    const { plan } = estate(dir);
    const sarifPath = join(dir, 'errors.sarif');
    const run = runCli(['scan', plan, 'missing.json', '--format', 'sarif', '--output', sarifPath], dir);
    expect(run.code).toBe(2);
    expect(validateSarif([sarifPath], { warnings: true })).toEqual([]);
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8'));
    expect(sarif.runs[0].invocations[0].executionSuccessful).toBe(false);
    expect(sarif.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toBe('no such file or directory');
  });
});

describe('Markdown and JUnit output', () => {
  it('Markdown summarises counts and lists findings with fixes', () => {
    const dir = tempDir();
    const { plan } = estate(dir);
    const run = runCli(['scan', plan, '--format', 'markdown', '--fail-on', 'none'], dir);
    expect(run.stdout).toMatch(/^## azfence/);
    expect(run.stdout).toMatch(/\| high \| \d+ \| 1 \|/);
    expect(run.stdout).toContain('| PUB |');
    expect(run.stdout).toContain('Set `network_rule_bypass_option = "None"`');
  });

  it('JUnit has a case per finding, failed when it fails the gate, and a passing case per clean rule', () => {
    const dir = tempDir();
    const { plan } = estate(dir);
    const run = runCli(['scan', plan, '--format', 'junit'], dir);
    expect(run.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(run.stdout).toMatch(/<testcase classname="AZF-PUB-002" name="AZF-PUB-002 azurerm_container_registry.acr" file="plan.json" time="0">\s*<failure type="high"/);
    expect(run.stdout).toMatch(/<testcase classname="AZF-PUB-009" name="AZF-PUB-009 Container Apps environment is internal" time="0"\/>/);
    const failures = Number(/<testsuites [^>]*failures="(\d+)"/.exec(run.stdout)![1]);
    const json = JSON.parse(runCli(['scan', plan, '--format', 'json'], dir).stdout) as { findings: Array<{ severity: string; status: string }> };
    expect(failures).toBe(json.findings.filter((finding) => finding.status === 'fail' && ['critical', 'high'].includes(finding.severity)).length);
    // With --fail-on none nothing fails the run, so nothing fails in the test tab either.
    const none = runCli(['scan', plan, '--format', 'junit', '--fail-on', 'none'], dir);
    expect(none.stdout).toMatch(/<testsuites [^>]*failures="0"/);
    expect(none.stdout).not.toContain('<failure');
  });
});
