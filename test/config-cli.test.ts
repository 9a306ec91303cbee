import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan } from './support/materialize.js';
import { runCli, scanJson, tempDir, writeJson } from './support/run-cli.js';

/** .azfence.yaml as users meet it: found beside the scanned plan, or named with --config. */
function planWithFindings(dir: string): string {
  return writeJson(
    dir,
    'infra/plan.json',
    buildPlan({
      azurerm: [
        { type: 'azurerm_container_registry', name: 'acr', values: { name: 'acrcfg', sku: 'Premium', public_network_access_enabled: true, admin_enabled: true } },
        { type: 'azurerm_private_endpoint', name: 'kv', values: { name: 'pe-kv', private_service_connection: [{ name: 'psc', is_manual_connection: false, subresource_names: ['vault'] }], private_dns_zone_group: [] } },
      ],
    }),
  );
}

describe('.azfence.yaml', () => {
  it('is found beside the scanned plan and changes severity, switches rules off and sets parameters', () => {
    const dir = tempDir();
    const plan = planWithFindings(dir);
    const before = scanJson([plan], ['--fail-on', 'none'], dir).report.findings.map((finding) => `${finding.ruleId}:${finding.severity}`);
    expect(before).toEqual(expect.arrayContaining(['AZF-PUB-001:high', 'AZF-PUB-004:high', 'AZF-DNS-001:high']));
    writeFileSync(join(dir, 'infra', '.azfence.yaml'), ['rules:', '  AZF-PUB-004:', '    enabled: false', '  AZF-PUB-001:', '    severity: low', 'parameters:', '  dnsMode: policy', ''].join('\n'));
    const after = scanJson([plan], ['--fail-on', 'none'], dir).report.findings.map((finding) => `${finding.ruleId}:${finding.severity}`);
    expect(after).toEqual(['AZF-PUB-001:low']);
  });

  it('sets the gate, and flags win over it', () => {
    const dir = tempDir();
    const plan = planWithFindings(dir);
    writeFileSync(join(dir, 'infra', '.azfence.yaml'), 'failOn: none\n');
    expect(runCli(['scan', plan], dir).code).toBe(0);
    expect(runCli(['scan', plan, '--fail-on', 'high'], dir).code).toBe(1);
  });

  it('--config names a file elsewhere', () => {
    const dir = tempDir();
    const plan = planWithFindings(dir);
    writeFileSync(join(dir, 'azfence-ci.yaml'), 'rules:\n  AZF-DNS-001: { enabled: false }\n');
    const { report } = scanJson([plan, '--config', 'azfence-ci.yaml'], ['--fail-on', 'none'], dir);
    expect(report.findings.map((finding) => finding.ruleId)).not.toContain('AZF-DNS-001');
  });

  it('errors point at the file and line, and stop the scan with exit 2', () => {
    const dir = tempDir();
    const plan = planWithFindings(dir);
    const cases: Array<[string, RegExp]> = [
      ['rules:\n  AZF-PUB-001:\n    severty: low\n', /infra\/\.azfence\.yaml:3: rules\.AZF-PUB-001: unknown key "severty"/],
      ['rules:\n  AZF-PUB-999: { enabled: false }\n', /infra\/\.azfence\.yaml:2: rules\.AZF-PUB-999: no such rule/],
      ['parameters:\n  dnsMode: sometimes\n', /infra\/\.azfence\.yaml:2: .*dnsMode/],
      ['policies: ["../../../etc"]\n', /infra\/\.azfence\.yaml:1: policies entry "..\/..\/..\/etc" is outside the repository/],
      ['a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n', /infra\/\.azfence\.yaml:\d+: YAML aliases expand too much/],
    ];
    for (const [yaml, says] of cases) {
      writeFileSync(join(dir, 'infra', '.azfence.yaml'), yaml);
      const run = runCli(['scan', plan], dir);
      expect(run.code, yaml).toBe(2);
      expect(run.stderr.trim().split('\n'), yaml).toHaveLength(1);
      expect(run.stderr, yaml).toMatch(says);
    }
  });

  it('adds policy directories inside the repository', () => {
    const dir = tempDir();
    const plan = planWithFindings(dir);
    mkdirSync(join(dir, 'infra', 'house-rules'));
    writeFileSync(
      join(dir, 'infra', 'house-rules', 'acme.yaml'),
      'pack: ACME\ntitle: Acme\nrules:\n  - id: ACME-ACR-001\n    title: Registries are tagged\n    severity: low\n    description: Every registry has an owner tag.\n    remediation: { azurerm: "Add tags.owner." }\n    checks:\n      - select: { type: Microsoft.ContainerRegistry/registries }\n        assert: { field: "tags.owner", exists: true }\n        message: Registry {name} has no owner tag.\n',
    );
    writeFileSync(join(dir, 'infra', '.azfence.yaml'), 'policies: [house-rules]\n');
    const { report } = scanJson([plan], ['--fail-on', 'none'], dir);
    expect(report.findings.find((finding) => finding.ruleId === 'ACME-ACR-001')?.message).toBe('Registry acrcfg has no owner tag.');
  });
});

describe('rule packs', () => {
  it('an alias bomb in a pack is a one-line error, not a hang', () => {
    const dir = tempDir();
    const plan = planWithFindings(dir);
    mkdirSync(join(dir, 'p'));
    writeFileSync(join(dir, 'p', 'bomb.yaml'), `pack: BOMB\ntitle: t\nx: &a [1,1,1,1,1,1,1,1,1,1]\ny: &b [${Array(10).fill('*a').join(',')}]\nz: &c [${Array(10).fill('*b').join(',')}]\nrules: [${Array(200).fill('*c').join(',')}]\n`);
    const run = runCli(['scan', plan, '--policies', 'p'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/p\/bomb\.yaml:\d+: YAML aliases expand too much/);
  });
});
