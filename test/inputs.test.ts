import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan, buildSnapshot, snapshotRow } from './support/materialize.js';
import { runCli, scanJson, tempDir, writeJson } from './support/run-cli.js';
import { validateSarif } from './support/sarif-validator.js';

const ROWS = [
  { type: 'Microsoft.ContainerRegistry/registries', name: 'acrone', sku: { name: 'Premium' }, properties: { publicNetworkAccess: 'Enabled' } },
  { type: 'Microsoft.KeyVault/vaults', name: 'kvone', properties: { publicNetworkAccess: 'disabled' } },
  { type: 'Microsoft.Storage/storageAccounts', name: 'stone', properties: { publicNetworkAccess: 'Enabled', allowBlobPublicAccess: true } },
];

function findingKeys(report: { findings: Array<{ ruleId: string; resource: { name: string }; status: string }> }): string[] {
  return report.findings.map((finding) => `${finding.ruleId}:${finding.resource.name}:${finding.status}`).sort();
}

describe('Resource Graph snapshot shapes', () => {
  const rows = ROWS.map(snapshotRow);
  const shapes: Record<string, unknown> = {
    'az graph query -o json': buildSnapshot(ROWS),
    'REST response, object array': { totalRecords: rows.length, count: rows.length, resultTruncated: 'false', data: rows, facets: [] },
    'REST response, table format': {
      totalRecords: rows.length,
      count: rows.length,
      resultTruncated: 'false',
      data: { columns: Object.keys(rows[0]!).map((name) => ({ name, type: 'string' })), rows: rows.map((row) => Object.keys(rows[0]!).map((key) => row[key])) },
    },
    'plain array of rows': rows,
    'ARM list ({ value: [...] })': { value: rows.map((row) => ({ ...row, type: String(row['type']).replace('microsoft.containerregistry', 'Microsoft.ContainerRegistry') })) },
  };
  const expected = findingKeys(scanJson([writeJson(tempDir(), 's.json', shapes['az graph query -o json'])], ['--fail-on', 'none']).report);

  it('the reference shape finds the expected problems', () => {
    // kvone is locked but has no private endpoint in the snapshot (AZF-DNS-005).
    expect(expected).toEqual(['AZF-DNS-005:kvone:fail', 'AZF-PUB-001:acrone:fail', 'AZF-PUB-005:stone:fail', 'AZF-PUB-007:stone:fail']);
  });

  for (const [name, shape] of Object.entries(shapes)) {
    it(`${name} gives the same findings`, () => {
      const { run, report } = scanJson([writeJson(tempDir(), 'snapshot.json', shape)], ['--fail-on', 'none']);
      expect(run.stderr).toBe('');
      expect(findingKeys(report)).toEqual(expected);
    });
  }

  it('mixed-case ids and types match case-insensitively, and a repeated row is one resource', () => {
    const upper = snapshotRow({ ...ROWS[0]!, type: 'MICROSOFT.CONTAINERREGISTRY/REGISTRIES' }, 0);
    const lower = { ...upper, id: String(upper['id']).toLowerCase() };
    const { report } = scanJson([writeJson(tempDir(), 's.json', { count: 2, data: [upper, lower] })], ['--fail-on', 'none']);
    expect(report.summary.resources).toBe(1);
    expect(report.findings.filter((finding) => finding.ruleId === 'AZF-PUB-001')).toHaveLength(1);
    expect(report.findings[0]!.resource.type).toBe('Microsoft.ContainerRegistry/registries');
  });

  it('a row without an id is reported, not skipped', () => {
    const { run } = scanJson([writeJson(tempDir(), 's.json', { count: 2, data: [snapshotRow(ROWS[0]!, 0), { name: 'x', type: 'microsoft.keyvault/vaults' }] })], ['--fail-on', 'none']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/s\.json: row 2 has no id column/);
  });
});

describe('Terraform plan reading', () => {
  it('skips resources only being destroyed, keeps replacements', () => {
    const plan = buildPlan({
      azurerm: [
        { type: 'azurerm_container_registry', name: 'gone', values: { name: 'acrgone', sku: 'Premium', public_network_access_enabled: true } },
        { type: 'azurerm_container_registry', name: 'replaced', values: { name: 'acrnew', sku: 'Premium', public_network_access_enabled: true } },
      ],
    }) as { resource_changes: Array<{ change: { actions: string[]; after: unknown; before: unknown } }>; planned_values: { root_module: { resources: unknown[] } } };
    plan.resource_changes[0]!.change = { ...plan.resource_changes[0]!.change, actions: ['delete'], before: plan.resource_changes[0]!.change.after, after: null };
    plan.resource_changes[1]!.change.actions = ['delete', 'create'];
    plan.planned_values.root_module.resources.splice(0, 1);
    const { report } = scanJson([writeJson(tempDir(), 'plan.json', plan)], ['--fail-on', 'none']);
    expect(report.findings.map((finding) => finding.resource.name)).toEqual(['acrnew']);
  });

  it('never reports on data sources', () => {
    const plan = buildPlan({ azurerm: [{ type: 'azurerm_key_vault', name: 'existing', values: { name: 'kv-shared', public_network_access_enabled: true } }] }) as {
      resource_changes: Array<Record<string, unknown>>;
      planned_values: { root_module: { resources: Array<Record<string, unknown>> } };
    };
    for (const entry of [...plan.resource_changes, ...plan.planned_values.root_module.resources]) {
      entry['mode'] = 'data';
      entry['address'] = `data.${String(entry['address'])}`;
    }
    const { report } = scanJson([writeJson(tempDir(), 'plan.json', plan)], ['--fail-on', 'none']);
    expect(report.findings).toEqual([]);
  });

  it('an Optional+Computed block the configuration does not set is the provider default, not unknown', () => {
    const plan = buildPlan({ azurerm: [{ type: 'azurerm_kubernetes_cluster', name: 'aks', values: { name: 'aks', private_cluster_enabled: false } }] }) as {
      resource_changes: Array<{ change: { after_unknown: Record<string, unknown> } }>;
    };
    plan.resource_changes[0]!.change.after_unknown['api_server_access_profile'] = true;
    const { report } = scanJson([writeJson(tempDir(), 'plan.json', plan)], ['--fail-on', 'none']);
    expect(report.findings.map((finding) => `${finding.ruleId}:${finding.status}`)).toEqual(['AZF-PUB-008:fail']);
  });

  it('an unknown block the configuration does set stays unknown', () => {
    const plan = buildPlan({ azurerm: [{ type: 'azurerm_kubernetes_cluster', name: 'aks', values: { name: 'aks', private_cluster_enabled: false }, unknown: ['api_server_access_profile'] }] });
    const { report } = scanJson([writeJson(tempDir(), 'plan.json', plan)], ['--fail-on', 'none']);
    expect(report.findings.map((finding) => `${finding.ruleId}:${finding.status}`)).toEqual(['AZF-PUB-008:unknown']);
    expect(report.findings[0]!.message).toContain('api_server_access_profile');
  });

  it('reads module resources and points at the resource in the plan file', () => {
    const plan = buildPlan({ azurerm: [{ type: 'azurerm_container_registry', name: 'acr', address: 'module.registry["prod"].azurerm_container_registry.acr', values: { name: 'acrmod', sku: 'Premium', public_network_access_enabled: true } }] });
    const dir = tempDir();
    const path = writeJson(dir, 'plan.json', plan);
    const { report } = scanJson([path], ['--fail-on', 'none'], dir);
    const finding = report.findings.find((candidate) => candidate.ruleId === 'AZF-PUB-001')!;
    expect(finding.resource.address).toBe('module.registry["prod"].azurerm_container_registry.acr');
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[finding.location.line! - 1]).toContain('"address": "module.registry[\\"prod\\"].azurerm_container_registry.acr"');
  });

  it('a Terraform state file or plan binary gets a clear error', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'terraform.tfplan'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]));
    const run = runCli(['scan', join(dir, 'terraform.tfplan')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/terraform\.tfplan: is a binary file/);
  });
});

describe('sensitive values', () => {
  const SECRET = 'hunter2-TOPSECRET-9f8e7d';
  it('never appear in any output format, even when a rule reads the attribute', () => {
    const dir = tempDir();
    const plan = writeJson(
      dir,
      'plan.json',
      buildPlan({
        azurerm: [
          { type: 'azurerm_container_registry', name: 'acr', values: { name: 'acrsecret', sku: 'Premium', public_network_access_enabled: SECRET, admin_enabled: SECRET, tags: { token: SECRET } }, sensitive: ['public_network_access_enabled', 'admin_enabled', 'tags'] },
          { type: 'azurerm_key_vault', name: 'kv', values: { name: SECRET, public_network_access_enabled: true }, sensitive: ['name'] },
        ],
        azapi: [{ type: 'Microsoft.App/jobs@2024-03-01', name: 'job', body: { properties: { configuration: { secrets: [{ name: 'pat', value: SECRET }] } } } }],
      }),
    );
    const sarif = join(dir, 'out.sarif');
    const outputs = ['table', 'json', 'sarif', 'markdown', 'junit'].map((format) => {
      // Removed first: each run's own SARIF is searched, not one an earlier run left.
      rmSync(sarif, { force: true });
      const run = runCli(['scan', plan, '--format', format, '--sarif', sarif, '--fail-on', 'none'], dir);
      return run.stdout + run.stderr + readFileSync(sarif, 'utf8');
    });
    for (const output of outputs) expect(output).not.toContain(SECRET);
    expect(validateSarif([sarif])).toEqual([]);
    const { report } = scanJson([plan], ['--fail-on', 'none'], dir);
    const registry = report.findings.filter((finding) => finding.resource.name === 'acrsecret');
    expect(registry.map((finding) => `${finding.ruleId}:${finding.status}`)).toContain('AZF-PUB-001:unknown');
    expect(registry.find((finding) => finding.ruleId === 'AZF-PUB-001')!.message).toContain('public_network_access_enabled is marked sensitive and not read');
    // A sensitive name falls back to the Terraform resource name.
    expect(report.findings.find((finding) => finding.resource.address === 'azurerm_key_vault.kv')!.resource.name).toBe('kv');
  });

  it('a broken plan does not echo its content in the error', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plan.json'), `{"format_version": "1.2", "variables": {"pw": {"value": "${SECRET}"}} oops }`);
    const run = runCli(['scan', join(dir, 'plan.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain(SECRET);
    expect(run.stderr).toMatch(/plan\.json:1: is not valid JSON/);
  });
});

describe('configuration references', () => {
  it('are kept per attribute for linking, without constant values', async () => {
    const { readPlan } = await import('../src/inputs/terraform/read-plan.js');
    const { documentSource } = await import('../src/inputs/terraform/plan-source.js');
    const plan = buildPlan({ azurerm: [{ type: 'azurerm_container_registry', name: 'acr', values: { name: 'acr', sku: 'Premium' } }] }) as Record<string, any>;
    plan.configuration.root_module.resources[0].expressions.network_rule_set = [{ default_action: { references: ['var.default_action'] }, ip_rule: [{ ip_range: { references: ['local.office_range'] } }] }];
    plan.configuration.root_module.resources[0].expressions.admin_password = { constant_value: 'not-kept' };
    const { resources } = readPlan(documentSource(plan, JSON.stringify(plan)), 'plan.json');
    const references = resources[0]!.references!;
    expect(references.get('network_rule_set[0].default_action')).toEqual(['var.default_action']);
    expect(references.get('network_rule_set[0].ip_rule[0].ip_range')).toEqual(['local.office_range']);
    expect(JSON.stringify([...references])).not.toContain('not-kept');
  });
});
