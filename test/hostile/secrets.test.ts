import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan, buildSnapshot } from '../support/materialize.js';
import { errorLines, inBatches, runBoundedAsync, tempDir, writeText } from './support.js';

/**
 * Secrets never leave azfence: every byte of every output (stdout in each format, stderr, the --sarif,
 * --output and --markdown files), with AZFENCE_DEBUG=1 too, is searched for each planted secret. Each secret
 * is distinct so a failure names the path it leaked from.
 */
const S = {
  name: 'SECRET-name-7f3a91',
  tags: 'SECRET-tag-55c2e0',
  tagKey: 'SECRETKEY-tag-0a9d',
  ipRange: '203.0.113.77/32',
  azapiSecret: 'SECRET-azapi-secret-b81c',
  azapiBodyString: 'SECRET-azapi-string-body-44d0',
  wholeResource: 'SECRET-whole-resource-e2f7',
  variable: 'SECRET-variable-19ab',
  providerSensitive: 'SECRET-admin-password-6c4e',
  unmarkedProviderSensitive: 'SECRET-unmarked-password-93d1',
  priorState: 'SECRET-prior-state-d00d',
  output: 'SECRET-output-value-c3c3',
  configConstant: 'SECRET-config-constant-7777',
  sensitiveValues: 'SECRET-planned-values-a1a1',
} as const;

type Json = Record<string, any>;

function sensitivePlan(): Json {
  const plan = buildPlan({
    azurerm: [
      {
        // Name, tags and one member of a nested list are sensitive; the rules still read this registry.
        type: 'azurerm_container_registry',
        name: 'acr',
        values: {
          name: S.name,
          sku: 'Premium',
          public_network_access_enabled: true,
          tags: { owner: S.tags, [S.tagKey]: 'x' },
          network_rule_set: [{ default_action: 'Deny', ip_rule: [{ action: 'Allow', ip_range: '198.51.100.0/24' }, { action: 'Allow', ip_range: S.ipRange }] }],
        },
        sensitive: ['name', 'tags', 'network_rule_set[0].ip_rule[1].ip_range'],
      },
      // A provider-sensitive attribute in `after`, marked (as Terraform >= 0.15 writes it) ...
      { type: 'azurerm_mssql_server', name: 'sql', values: { name: 'sql-hostile', public_network_access_enabled: true, administrator_login: 'sqladmin', administrator_login_password: S.providerSensitive }, sensitive: ['administrator_login_password'] },
      // ... and unmarked (an older plan or a provider bug): no rule reads it, so it never enters the model.
      { type: 'azurerm_linux_virtual_machine', name: 'vm', values: { name: 'vm-hostile', admin_password: S.unmarkedProviderSensitive } },
      { type: 'azurerm_key_vault', name: 'kv', values: { name: S.wholeResource, public_network_access_enabled: true, tags: { secret: S.wholeResource } } },
    ],
    azapi: [
      { type: 'Microsoft.App/jobs@2024-03-01', name: 'job', body: { properties: { configuration: { secrets: [{ name: 'pat', value: S.azapiSecret }] } } } },
      { type: 'Microsoft.Storage/storageAccounts@2023-01-01', name: 'st', body: { properties: { publicNetworkAccess: 'Enabled', note: S.azapiBodyString } } },
    ],
  }) as Json;
  const changes = plan['resource_changes'] as Json[];
  const byAddress = (address: string): Json => changes.find((change) => change['address'] === address)!;
  // A whole resource marked sensitive.
  byAddress('azurerm_key_vault.kv')['change']['after_sensitive'] = true;
  // azapi body parts: one secret list marked sensitive; the storage body as an azapi 1.x JSON string, all sensitive.
  byAddress('azapi_resource.job')['change']['after_sensitive'] = { body: { properties: { configuration: { secrets: true } } } };
  const st = byAddress('azapi_resource.st')['change'];
  st['after']['body'] = JSON.stringify(st['after']['body']);
  st['after_sensitive'] = { body: true };
  // planned_values mark sensitive values in sensitive_values; keep them consistent with resource_changes.
  for (const resource of plan['planned_values']['root_module']['resources'] as Json[]) {
    const change = byAddress(resource['address'])['change'];
    resource['values'] = change['after'];
    resource['sensitive_values'] = change['after_sensitive'];
  }
  plan['planned_values']['root_module']['resources'].push({ address: 'azurerm_storage_account.pv', mode: 'managed', type: 'azurerm_storage_account', name: 'pv', values: { name: 'stpv', public_network_access_enabled: true, tags: { k: S.sensitiveValues } }, sensitive_values: { tags: true } });
  // Sensitive variables, a sensitive output, prior state and a constant in the configuration.
  plan['variables'] = { db_password: { value: S.variable } };
  plan['configuration']['root_module']['variables'] = { db_password: { sensitive: true } };
  plan['output_changes'] = { conn: { actions: ['create'], before: null, after: S.output, after_unknown: false, before_sensitive: false, after_sensitive: true } };
  plan['prior_state'] = { format_version: '1.0', values: { root_module: { resources: [{ address: 'azurerm_key_vault.old', type: 'azurerm_key_vault', values: { name: 'kv-old', tags: { secret: S.priorState } }, sensitive_values: { tags: true } }] } } };
  plan['configuration']['root_module']['resources'][0]['expressions']['admin_password'] = { constant_value: S.configConstant };
  return plan;
}

/** Runs every output format and output file, with and without AZFENCE_DEBUG, and returns every byte. */
async function everyOutput(dir: string, inputs: string[], debugModes: readonly string[] = ['0', '1']): Promise<Array<{ what: string; text: string }>> {
  const runs: Array<() => Promise<Array<{ what: string; text: string }>>> = [];
  for (const debug of debugModes) {
    for (const format of ['table', 'json', 'sarif', 'markdown', 'junit']) {
      for (const target of ['stdout', '--output'] as const) {
        runs.push(async () => {
          const tag = `${format}-${target === 'stdout' ? 'stdout' : 'file'}-${debug}`;
          const sarif = join(dir, `out-${tag}.sarif`);
          const output = join(dir, `out-${tag}.txt`);
          const markdown = join(dir, `out-${tag}.md`);
          const args = ['scan', ...inputs, '--format', format, '--fail-on', 'none', '--sarif', sarif, '--markdown', markdown, ...(target === '--output' ? ['--output', output] : [])];
          // The same names serve several inputs in one directory: a file left by an earlier run must not be read as this one's.
          for (const file of [sarif, output, markdown]) rmSync(file, { force: true });
          const run = await runBoundedAsync(args, { cwd: dir, env: { AZFENCE_DEBUG: debug }, timeoutMs: 60_000 });
          expect(run.timedOut, tag).toBe(false);
          expect(run.code, `${tag}: ${run.stderr}`).not.toBeNull();
          const texts = [
            { what: `${format} ${target} stdout (debug=${debug})`, text: run.stdout },
            { what: `${format} ${target} stderr (debug=${debug})`, text: run.stderr },
          ];
          // Every file the run was asked for is written, even when an input is broken (exit 2), and each is searched.
          for (const file of [sarif, markdown, ...(target === '--output' ? [output] : [])]) {
            expect(existsSync(file), `${tag}: ${file} was not written`).toBe(true);
            texts.push({ what: `${file} (debug=${debug})`, text: readFileSync(file, 'utf8') });
          }
          return texts;
        });
      }
    }
  }
  return (await inBatches(runs, 6)).flat();
}

function expectNoSecrets(outputs: Array<{ what: string; text: string }>, secrets: readonly string[]): void {
  const leaks = outputs.flatMap(({ what, text }) => secrets.filter((secret) => text.includes(secret)).map((secret) => `${secret} in ${what}`));
  expect(leaks).toEqual([]);
}

describe('secrets in a plan never reach any output', () => {
  it('sensitive names, tags, nested list members, azapi body parts, whole resources, variables, outputs and prior state', { timeout: 180_000 }, async () => {
    const dir = tempDir();
    writeText(dir, 'plan.json', JSON.stringify(sensitivePlan()));
    const outputs = await everyOutput(dir, ['plan.json']);
    expectNoSecrets(outputs, Object.values(S));
    // The scan still did its job: the registry is reported, under its Terraform name, and the sensitive
    // member of the allowlist is shown as a placeholder.
    const json = JSON.parse(outputs.find((output) => output.what.startsWith('json stdout stdout (debug=0)'))!.text) as { findings: Array<{ ruleId: string; status: string; message: string; resource: { address?: string; name: string } }> };
    const registry = json.findings.filter((finding) => finding.resource.address === 'azurerm_container_registry.acr');
    expect(registry.map((finding) => `${finding.ruleId}:${finding.status}`)).toEqual(expect.arrayContaining(['AZF-PUB-001:fail', 'AZF-PUB-003:fail']));
    expect(registry.find((finding) => finding.ruleId === 'AZF-PUB-003')!.message).toContain('(sensitive)');
    expect(registry[0]!.resource.name).toBe('acr');
    // A check that needs a redacted value says so (unknown), it does not pass.
    expect(json.findings.filter((finding) => finding.resource.address === 'azurerm_key_vault.kv').map((finding) => `${finding.ruleId}:${finding.status}`)).toContain('AZF-PUB-005:unknown');
    expect(json.findings.filter((finding) => finding.resource.address === 'azapi_resource.st').map((finding) => `${finding.ruleId}:${finding.status}`)).toContain('AZF-PUB-005:unknown');
  });

  it('error messages about a broken plan do not quote secrets either', { timeout: 180_000 }, async () => {
    const dir = tempDir();
    const text = JSON.stringify(sensitivePlan());
    // Invalid JSON right after a secret, truncated JSON ending in a secret, and an azapi body string that is not JSON.
    writeText(dir, 'invalid.json', text.replace(`"${S.variable}"`, `"${S.variable}" oops`));
    writeText(dir, 'truncated.json', text.slice(0, text.indexOf(S.priorState) + S.priorState.length));
    const plan = sensitivePlan();
    plan['resource_changes'].find((change: Json) => change['address'] === 'azapi_resource.job')['change']['after']['body'] = `{"value": "${S.azapiSecret}"`;
    plan['resource_changes'].find((change: Json) => change['address'] === 'azapi_resource.job')['change']['after_sensitive'] = {};
    writeText(dir, 'azapi-string.json', JSON.stringify(plan));
    for (const file of ['invalid.json', 'truncated.json', 'azapi-string.json']) {
      // AZFENCE_DEBUG=1 only adds output (a stack on internal errors), so it is the run that could leak more.
      const outputs = await everyOutput(dir, [file], ['1']);
      expectNoSecrets(outputs, Object.values(S));
      const stderr = outputs.find((output) => output.what === 'json stdout stderr (debug=1)')!.text;
      expect(errorLines(stderr), file).toHaveLength(1);
    }
  });
});

describe('secrets in a Resource Graph snapshot', () => {
  const CONNECTION = 'DefaultEndpointsProtocol=https;AccountName=sthostile;AccountKey=SECRETKEY0000abcdEFGH==';
  const PRIMARY_KEY = 'SECRET-primary-key-3b3b';
  it('evidence and messages show only the checked property, never unrelated ones', { timeout: 180_000 }, async () => {
    const dir = tempDir();
    writeText(
      dir,
      'snapshot.json',
      JSON.stringify(
        buildSnapshot([
          { type: 'Microsoft.Storage/storageAccounts', name: 'sthostile', properties: { publicNetworkAccess: 'Enabled', connectionString: CONNECTION, primaryKey: PRIMARY_KEY, networkAcls: { defaultAction: 'Allow', ipRules: [{ value: '0.0.0.0/0', comment: PRIMARY_KEY }] } }, tags: { key: PRIMARY_KEY } },
          { type: 'Microsoft.ContainerRegistry/registries', name: 'acrhostile', sku: { name: 'Premium' }, properties: { publicNetworkAccess: 'Enabled', adminUserEnabled: true, credentials: { password: PRIMARY_KEY }, loginServerSecret: CONNECTION } },
        ]),
      ),
    );
    const outputs = await everyOutput(dir, ['snapshot.json']);
    expectNoSecrets(outputs, [CONNECTION, PRIMARY_KEY, 'SECRETKEY0000abcdEFGH']);
    const json = JSON.parse(outputs.find((output) => output.what.startsWith('json stdout stdout (debug=0)'))!.text) as { findings: Array<{ ruleId: string; evidence: Array<{ path: string }> }> };
    expect(json.findings.length).toBeGreaterThan(0);
    // Evidence names only paths a condition read.
    for (const finding of json.findings) for (const item of finding.evidence) expect(item.path, finding.ruleId).not.toMatch(/connectionString|primaryKey|credentials|loginServerSecret/);
  });
});

describe('secrets in Kubernetes manifests', () => {
  it('env values (literal or from secrets) never appear in any output', { timeout: 180_000 }, async () => {
    const ENV = 'SECRET-env-literal-ab12';
    const dir = tempDir();
    const manifest = readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'kata', 'code-runner.yaml'), 'utf8').replace(
      /(\n\s+)image: (.*)\n/,
      (_whole, indent: string, image: string) =>
        `${indent}image: ${image}${indent}env:${indent}  - name: DB_PASSWORD${indent}    value: "${ENV}"${indent}  - name: API_KEY${indent}    valueFrom: { secretKeyRef: { name: SECRET-ref-name-77, key: SECRET-ref-key-88 } }\n`,
    );
    expect(manifest).toContain(ENV);
    writeText(dir, 'workload.yaml', manifest);
    const outputs = await everyOutput(dir, ['workload.yaml']);
    expectNoSecrets(outputs, [ENV, 'SECRET-ref-name-77', 'SECRET-ref-key-88']);
    const json = JSON.parse(outputs.find((output) => output.what.startsWith('json stdout stdout (debug=0)'))!.text) as { findings: unknown[] };
    // The manifest was read and judged (the fixture's workload is a known failure), not skipped.
    expect(json.findings.length).toBeGreaterThan(0);
  });
});
