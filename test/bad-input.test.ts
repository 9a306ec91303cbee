import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildPlan } from './support/materialize.js';
import { runCli, scanJson, tempDir, writeJson } from './support/run-cli.js';
import { cliBundle } from './hostile/support.js';

/** A plan with one failing registry, so tests can prove a broken neighbour hides no findings. */
function goodPlan(dir: string): string {
  return writeJson(dir, 'good/plan.json', buildPlan({ azurerm: [{ type: 'azurerm_container_registry', name: 'acr', values: { name: 'acrgood', sku: 'Premium', public_network_access_enabled: true } }] }));
}

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter(Boolean);
}

const BAD_INPUTS: Array<{ name: string; file: string; content: string | Buffer; says: RegExp }> = [
  { name: 'truncated JSON', file: 'truncated.json', content: '{"format_version":"1.2","planned_values":{"root_module":{"resources":[', says: /truncated\.json: is truncated JSON/ },
  { name: 'invalid JSON', file: 'invalid.json', content: '{"format_version": "1.2",\n "x": tru }', says: /invalid\.json:2: is not valid JSON/ },
  { name: 'a YAML file', file: 'values.yaml', content: 'resource:\n  name: x\n', says: /values\.yaml: is YAML but not a Kubernetes manifest \(no apiVersion\/kind\); expected a Terraform plan/ },
  { name: 'an empty file', file: 'empty.json', content: '', says: /empty\.json: is empty; expected a Terraform plan/ },
  { name: 'whitespace only', file: 'blank.json', content: '  \n\t\n', says: /blank\.json: is empty; expected a Terraform plan/ },
  { name: 'an unknown JSON shape', file: 'shape.json', content: '{"hello": "world"}', says: /shape\.json: is JSON of an unknown shape; expected a Terraform plan/ },
  { name: 'a JSON scalar', file: 'scalar.json', content: '42', says: /scalar\.json: is JSON of an unknown shape; expected a Terraform plan/ },
  { name: 'a binary file', file: 'binary.json', content: Buffer.from([0x7b, 0x00, 0x01, 0x02, 0x00, 0xff, 0x00, 0x10]), says: /binary\.json: is a binary file, not JSON or YAML text/ },
];

describe('bad input', () => {
  for (const bad of BAD_INPUTS) {
    it(`${bad.name}: one-line error naming the file, exit 2, other files still scanned`, () => {
      const dir = tempDir();
      const good = goodPlan(dir);
      const badPath = join(dir, bad.file);
      writeFileSync(badPath, bad.content);
      const { run, report } = scanJson([badPath, good]);
      expect(run.code).toBe(2);
      const lines = errorLines(run.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^azfence: error: /);
      expect(lines[0]).toMatch(bad.says);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      // The good plan's finding is still reported.
      expect(report.findings.map((finding) => `${finding.ruleId} ${finding.resource.name}`)).toContain('AZF-PUB-001 acrgood');
      expect(report.errors).toHaveLength(1);
    });
  }

  it('a missing path: one-line error, exit 2, the other path still scanned', () => {
    const dir = tempDir();
    const good = goodPlan(dir);
    const { run, report } = scanJson([join(dir, 'nope.json'), good]);
    expect(run.code).toBe(2);
    expect(errorLines(run.stderr)).toEqual([expect.stringMatching(/^azfence: error: .*nope\.json: no such file or directory$/)]);
    expect(report.summary.failed).toBe(1);
  });

  it('a directory walk skips JSON that is not an input but reports broken JSON', () => {
    const dir = tempDir();
    goodPlan(dir);
    writeFileSync(join(dir, 'package.json'), '{"name": "x"}');
    writeFileSync(join(dir, 'notes.json'), '{"just": "data"}');
    writeFileSync(join(dir, 'broken.json'), '{"format_version": ');
    mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'x', 'plan.json'), '{broken');
    const { run, report } = scanJson([dir]);
    expect(run.code).toBe(2);
    expect(errorLines(run.stderr)).toEqual([expect.stringMatching(/broken\.json: is truncated JSON/)]);
    expect(report.summary.files).toBe(1);
    expect(report.summary.failed).toBe(1);
  });

  it('a symlink loop in a scanned directory does not hang', () => {
    const dir = tempDir();
    goodPlan(dir);
    symlinkSync(dir, join(dir, 'good', 'loop'));
    const { run, report } = scanJson([dir]);
    expect(run.code).toBe(1);
    expect(report.summary.files).toBe(1);
  });

  it('a UTF-16 plan with a byte-order mark (Terraform on Windows) scans', () => {
    const dir = tempDir();
    const plan = JSON.stringify(buildPlan({ azurerm: [{ type: 'azurerm_container_registry', values: { name: 'acrwin', sku: 'Premium', public_network_access_enabled: true } }] }));
    const path = join(dir, 'plan-utf16.json');
    writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(plan, 'utf16le')]));
    const bomPath = join(dir, 'plan-bom.json');
    writeFileSync(bomPath, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(plan, 'utf8')]));
    const { run, report } = scanJson([path, bomPath]);
    expect(run.stderr).toBe('');
    expect(report.findings.filter((finding) => finding.ruleId === 'AZF-PUB-001')).toHaveLength(2);
  });

  it('usage errors: unknown flag, bad --format, bad --fail-on, no paths, unknown command', () => {
    for (const args of [['scan', 'x', '--nope'], ['scan', 'x', '--format', 'xml'], ['scan', 'x', '--fail-on', 'severe'], ['scan'], ['frobnicate']]) {
      const run = runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(errorLines(run.stderr), args.join(' ')).toHaveLength(1);
      expect(run.stderr).toMatch(/^azfence: error: /);
    }
  });

  it('the real binary prints one line and no stack trace', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), '{"format_version": "1.2", ');
    // The current sources as a binary of their own (a lone run of this file must not find dist/ stale).
    const result = spawnSync(process.execPath, [cliBundle(), 'scan', join(dir, 'bad.json')], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/bad\.json: is truncated JSON/);
  });
});

describe('broken policy files', () => {
  const cases: Array<{ name: string; yaml: string; says: RegExp }> = [
    { name: 'YAML syntax error', yaml: 'pack: ACME\ntitle: x\nrules:\n  - id: ACME-NET-001\n    title: [unclosed\n', says: /acme\.yaml:\d+: invalid YAML/ },
    {
      name: 'schema error (bad severity) at its line',
      yaml: 'pack: ACME\ntitle: Acme\nrules:\n  - id: ACME-NET-001\n    title: t\n    severity: severe\n    description: d\n    remediation: { arm: r }\n    checks:\n      - select: { type: Microsoft.Storage/storageAccounts }\n        assert: { field: properties.x, equals: 1 }\n        message: m\n',
      says: /acme\.yaml:6: rules\.0\.severity: must be one of critical, high, medium, low/,
    },
    {
      name: 'two operators in one leaf',
      yaml: 'pack: ACME\ntitle: Acme\nrules:\n  - id: ACME-NET-001\n    title: t\n    severity: high\n    description: d\n    remediation: { arm: r }\n    checks:\n      - select: { type: Microsoft.Storage/storageAccounts }\n        assert: { field: properties.x, equals: 1, in: [1] }\n        message: m\n',
      says: /acme\.yaml:11: ACME-NET-001: a condition needs exactly one operator/,
    },
    {
      name: 'unknown function',
      yaml: 'pack: ACME\ntitle: Acme\nrules:\n  - id: ACME-NET-001\n    title: t\n    severity: high\n    description: d\n    remediation: { arm: r }\n    checks:\n      - select: { type: Microsoft.Storage/storageAccounts }\n        assert: { function: noSuchThing }\n        message: m\n',
      says: /acme\.yaml:11: ACME-NET-001: unknown function "noSuchThing"/,
    },
    {
      name: 'a built-in rule id',
      yaml: 'pack: ACME\ntitle: Acme\nrules:\n  - id: AZF-PUB-001\n    title: t\n    severity: high\n    description: d\n    remediation: { arm: r }\n    checks:\n      - select: { type: Microsoft.Storage/storageAccounts }\n        assert: { field: properties.x, equals: 1 }\n        message: m\n',
      says: /acme\.yaml:4: rule id AZF-PUB-001 is a built-in rule id/,
    },
    { name: 'an empty policy file', yaml: '', says: /policies\/acme\.yaml: the pack: must be an object/ },
  ];
  for (const bad of cases) {
    it(`${bad.name}: one-line error with file and line, exit 2`, () => {
      const dir = tempDir();
      const good = goodPlan(dir);
      mkdirSync(join(dir, 'policies'));
      writeFileSync(join(dir, 'policies', 'acme.yaml'), bad.yaml);
      const run = runCli(['scan', good, '--policies', join(dir, 'policies')], dir);
      expect(run.code).toBe(2);
      expect(errorLines(run.stderr)).toHaveLength(1);
      expect(run.stderr).toMatch(bad.says);
      expect(run.stdout).toBe('');
    });
  }

  it('a valid user pack adds its rule, and findings carry its id', () => {
    const dir = tempDir();
    const plan = writeJson(dir, 'plan.json', buildPlan({ azurerm: [{ type: 'azurerm_storage_account', values: { name: 'stlogs', public_network_access_enabled: false, allow_nested_items_to_be_public: false, shared_access_key_enabled: true } }] }));
    mkdirSync(join(dir, 'policies'));
    writeFileSync(
      join(dir, 'policies', 'acme.yaml'),
      [
        'pack: ACME',
        'title: Acme house rules',
        'rules:',
        '  - id: ACME-STG-001',
        '    title: Storage accounts refuse shared keys',
        '    severity: medium',
        '    description: Shared keys bypass Entra ID auditing.',
        '    remediation: { azurerm: "Set `shared_access_key_enabled = false`.", arm: "Set allowSharedKeyAccess to false." }',
        '    checks:',
        '      - select: { type: Microsoft.Storage/storageAccounts }',
        '        assert: { field: properties.allowSharedKeyAccess, equals: false }',
        "        message: 'Storage account {name} allows shared key access ({attr:properties.allowSharedKeyAccess} is {field:properties.allowSharedKeyAccess}).'",
      ].join('\n'),
    );
    const { run, report } = scanJson([plan, '--policies', 'policies'], [], dir);
    expect(run.stderr).toBe('');
    const mine = report.findings.filter((finding) => finding.ruleId === 'ACME-STG-001');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.message).toBe('Storage account stlogs allows shared key access (shared_access_key_enabled is true).');
    expect(run.code).toBe(0);
  });
});
