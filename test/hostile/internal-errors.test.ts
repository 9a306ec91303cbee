import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan, buildSnapshot } from '../support/materialize.js';
import { runCli, scanJson, tempDir, writeJson } from '../support/run-cli.js';
import { runBoundedAsync, writeText } from './support.js';
import { scanHcl } from '../../src/inputs/terraform/hcl-scanner.js';

/**
 * An internal error loses the whole report: every finding of every other file. Input text used as a key
 * into a plain object finds Object.prototype's members (`constructor` is a function, `__proto__` the
 * prototype), and a walk that recurses as deep as its input nests overflows the stack.
 */
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupGetter__'];

function expectNoInternalError(run: { code: number; stderr: string }): void {
  if (process.env['DEBUG_HOSTILE']) console.log(run.stderr);
  expect(run.stderr).not.toMatch(/internal error/);
  expect([0, 1]).toContain(run.code);
}

describe('input text that names an Object.prototype member', () => {
  it('snapshot rows: as type, name, property and tag keys, subnet names and table columns; the neighbour is still judged', () => {
    const dir = tempDir();
    const rows = PROTOTYPE_NAMES.flatMap((name) => [
      { type: name, name: `odd-${name}`, properties: { [name]: { [name]: 1 } } },
      { type: `Microsoft.Network/${name}`, name: `odd2-${name}` },
      { type: 'Microsoft.ContainerRegistry/registries', name, sku: { name: 'Premium' }, tags: { [name]: name }, properties: { publicNetworkAccess: 'Disabled', [name]: name, networkRuleSet: { [name]: [] } } },
      { type: 'Microsoft.Network/virtualNetworks', name: `vnet-${name}`, properties: { subnets: [{ name, id: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-fixture/providers/Microsoft.Network/virtualNetworks/vnet-${name}/subnets/${name}`, properties: { [name]: 1 } }] } },
    ]);
    rows.push({ type: 'Microsoft.ContainerRegistry/registries', name: 'acr-open', sku: { name: 'Premium' }, properties: { publicNetworkAccess: 'Enabled' } });
    const snapshot = buildSnapshot(rows) as { data: Array<Record<string, unknown>> };
    // JSON.parse makes "__proto__" an own key, as a real snapshot file would.
    writeFileSync(join(dir, 'snapshot.json'), JSON.stringify(snapshot).replace(/"odd-__proto__"/g, '"odd-__proto__"'));
    const { run, report } = scanJson(['snapshot.json'], ['--fail-on', 'none'], dir);
    expectNoInternalError(run);
    expect(report.findings.map((finding) => `${finding.ruleId} ${finding.resource.name}`)).toContain('AZF-PUB-001 acr-open');

    // The `az graph query` table shape: columns and rows, with a column named like a prototype member.
    const columns = ['id', 'name', 'type', 'location', 'properties', ...PROTOTYPE_NAMES].map((name) => ({ name, type: 'string' }));
    const row = (name: string, access: string) => [`/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/${name}`, name, 'microsoft.containerregistry/registries', 'westeurope', { publicNetworkAccess: access }, ...PROTOTYPE_NAMES.map(() => ({ id: '/evil', type: 'x' }))];
    writeFileSync(join(dir, 'table.json'), JSON.stringify({ count: 1, data: { columns, rows: [row('acr-table', 'Enabled')] } }));
    const table = scanJson(['table.json'], ['--fail-on', 'none'], dir);
    expectNoInternalError(table.run);
    expect(table.report.findings.map((finding) => `${finding.ruleId} ${finding.resource.name}`)).toContain('AZF-PUB-001 acr-table');
  });

  it('plans: as resource types, Terraform names, module calls, for_each keys and tag keys', () => {
    const dir = tempDir();
    const azurerm = PROTOTYPE_NAMES.flatMap((name) => [
      { type: name, name: 'x', values: { name } },
      { type: 'azurerm_container_registry', name, values: { name: `acr-${name.replace(/_/g, '')}`, sku: 'Premium', public_network_access_enabled: false, tags: { [name]: name } } },
      { type: 'azurerm_container_registry', name: 'each', address: `azurerm_container_registry.each["${name}"]`, values: { name: `acr-each-${name.replace(/_/g, '')}`, sku: 'Premium', public_network_access_enabled: false } },
      { type: 'azurerm_container_registry', name: 'in_module', address: `module.${name}.azurerm_container_registry.in_module`, values: { name: `acr-mod-${name.replace(/_/g, '')}`, sku: 'Premium', public_network_access_enabled: false } },
    ]);
    azurerm.push({ type: 'azurerm_container_registry', name: 'open', values: { name: 'acr-open', sku: 'Premium', public_network_access_enabled: true } });
    writeJson(dir, 'plan.json', buildPlan({ azurerm }));
    const { run, report } = scanJson(['plan.json'], ['--fail-on', 'none'], dir);
    expectNoInternalError(run);
    expect(report.findings.map((finding) => `${finding.ruleId} ${finding.resource.address}`)).toContain('AZF-PUB-001 azurerm_container_registry.open');
  });

  it('manifests: as kind, name, namespace, label and annotation keys', () => {
    const dir = tempDir();
    const docs = PROTOTYPE_NAMES.flatMap((name) => [
      `apiVersion: v1\nkind: ${name}\nmetadata:\n  name: x\n`,
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: "${name}"\n  namespace: "${name}"\n  labels: {"${name}": "x"}\n  annotations: {"${name}": "x"}\nspec:\n  template:\n    metadata:\n      labels: {"${name}": "x"}\n    spec:\n      runtimeClassName: "${name}"\n      nodeSelector: {"${name}": "x"}\n      containers: [{ name: "${name}", image: nginx }]\n`,
    ]);
    writeFileSync(join(dir, 'all.yaml'), docs.join('---\n'));
    const run = runCli(['scan', 'all.yaml', '--format', 'json', '--fail-on', 'none'], dir);
    expectNoInternalError(run);
  });

  it('a user pack: message placeholders and parameters named like prototype members are not filled from the prototype', () => {
    const dir = tempDir();
    writeJson(dir, 'snapshot.json', buildSnapshot([{ type: 'Microsoft.ContainerRegistry/registries', name: 'acr', sku: { name: 'Premium' }, properties: { publicNetworkAccess: 'Enabled' } }]));
    const pack = (message: string) =>
      `pack: ACME\ntitle: t\nrules:\n  - id: ACME-NET-001\n    title: t\n    severity: low\n    description: d\n    remediation: { arm: r }\n    checks:\n      - select: { type: Microsoft.ContainerRegistry/registries }\n        assert: { field: properties.publicNetworkAccess, equals: Disabled }\n        message: "${message}"\n`;
    writeFileSync(join(dir, 'pack.yaml'), pack('p={param:constructor} f={field:properties.constructor}'));
    const { run, report } = scanJson(['snapshot.json', '--policies', 'pack.yaml'], ['--fail-on', 'none'], dir);
    expectNoInternalError(run);
    const message = report.findings.find((finding) => finding.ruleId === 'ACME-NET-001')!.message;
    expect(message).not.toMatch(/function|native code|\[object/);
    // A detail no check declares (here one named like a prototype member) is refused when the pack loads.
    writeFileSync(join(dir, 'pack.yaml'), pack('d={detail:toString}'));
    const refused = runCli(['scan', 'snapshot.json', '--policies', 'pack.yaml', '--fail-on', 'none'], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^azfence: error: pack\.yaml:12: ACME-NET-001: \{detail:toString\} is not a detail of this check/);
    expect(refused.stdout).not.toMatch(/function|native code|\[object/);
  });
});

describe('nothing recurses as deep as its input nests', () => {
  it('a 10,000-deep ${"${"...}"} template in a .tf file beside the plan: the plan is scanned, the .tf file still maps', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    writeJson(dir, 'plan.json', buildPlan({ azurerm: [{ type: 'azurerm_container_registry', name: 'acr', values: { name: 'acrdeep', sku: 'Premium', public_network_access_enabled: true } }] }));
    const deep = `${'"${'.repeat(10_000)}1${'}"'.repeat(10_000)}`;
    writeText(dir, 'main.tf', `locals {\n  x = ${deep}\n}\n\nresource "azurerm_container_registry" "acr" {\n  name = "acrdeep"\n  public_network_access_enabled = true\n}\n`);
    // Nested blocks too: `a { a { ... } }`.
    writeText(dir, 'nested.tf', `${'a {\n'.repeat(10_000)}${'}\n'.repeat(10_000)}`);
    const run = await runBoundedAsync(['scan', 'plan.json', '--format', 'json', '--fail-on', 'none'], { cwd: dir, timeoutMs: 30_000 });
    expect(run.timedOut).toBe(false);
    expect(run.stderr).not.toMatch(/internal error/);
    const report = JSON.parse(run.stdout);
    const finding = report.findings.find((candidate: { ruleId: string }) => candidate.ruleId === 'AZF-PUB-001');
    expect(finding.location).toMatchObject({ file: 'main.tf', line: 7 });
  });

  it('the scanner reads past 100,000-deep templates and blocks with positions intact', () => {
    const deep = `${'"${'.repeat(100_000)}1${'}"'.repeat(100_000)}`;
    const file = scanHcl(`a = ${deep}\nresource "t" "n" {\n  x = 1\n}\n`);
    expect(file.blocks.map((block) => `${block.type}.${block.labels.join('.')}@${block.line}`)).toEqual(['resource.t.n@2']);
    expect(file.blocks[0]!.attributes.get('x')?.line).toBe(3);
    const nested = scanHcl(`${'a {\n'.repeat(100_000)}${'}\n'.repeat(100_000)}resource "t" "m" {\n}\n`);
    expect(nested.blocks.map((block) => `${block.type}@${block.line}`)).toEqual(['a@1', 'resource@200001']);
  });
});
