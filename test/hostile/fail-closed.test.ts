import { describe, expect, it, vi } from 'vitest';
import { buildPlan, buildSnapshot } from '../support/materialize.js';
import { runCli, scanJson, tempDir, writeJson } from '../support/run-cli.js';
import { registerCheck, unregisterCheck } from '../../src/checks/registry.js';
import { join, relative } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';

/**
 * Fail closed: whatever could not be evaluated is reported and makes the run exit 2. It never turns into a
 * pass, and it never hides the findings of everything else.
 *
 * Unreadable files are simulated here (node:fs mocked for paths named UNREADABLE), so the mapping is tested
 * even as root, where chmod 000 does not stop reads (the real chmod test is in yaml-and-files.test.ts).
 */
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const denied = (path: unknown): boolean => String(path).includes('UNREADABLE');
  const eacces = (path: unknown): Error => Object.assign(new Error(`EACCES: permission denied, open '${String(path)}'`), { code: 'EACCES' });
  return {
    ...fs,
    default: fs,
    readFileSync: ((path: unknown, ...rest: unknown[]) => {
      if (denied(path)) throw eacces(path);
      return (fs.readFileSync as (...args: unknown[]) => unknown)(path, ...rest);
    }) as typeof fs.readFileSync,
    readdirSync: ((path: unknown, ...rest: unknown[]) => {
      if (denied(path)) throw eacces(path);
      return (fs.readdirSync as (...args: unknown[]) => unknown)(path, ...rest);
    }) as typeof fs.readdirSync,
    // Files are read through a descriptor (src/inputs/regular-file.ts): the open is what is refused.
    openSync: ((path: unknown, ...rest: unknown[]) => {
      if (denied(path)) throw eacces(path);
      return (fs.openSync as (...args: unknown[]) => unknown)(path, ...rest);
    }) as typeof fs.openSync,
  };
});

const REGISTRY = { type: 'azurerm_container_registry', name: 'acr', values: { name: 'acrok', sku: 'Premium', public_network_access_enabled: true } };

describe('a rule that throws', () => {
  it('is an error naming the rule and resource, exit 2; other rules and resources still report', () => {
    const dir = tempDir();
    const plan = writeJson(dir, 'plan.json', buildPlan({ azurerm: [REGISTRY, { ...REGISTRY, name: 'acr2', values: { ...REGISTRY.values, name: 'acrboom' } }] }));
    mkdirSync(join(dir, 'packs'));
    writeFileSync(
      join(dir, 'packs', 'boom.yaml'),
      'pack: ACME\ntitle: t\nrules:\n  - id: ACME-BOOM-001\n    title: An invariant\n    severity: low\n    description: d\n    remediation: { arm: r }\n    checks:\n      - select: { type: Microsoft.ContainerRegistry/registries }\n        assert: { function: hostileBoom }\n        message: m\n',
    );
    // A function whose internal invariant breaks on one resource only.
    registerCheck({
      name: 'hostileBoom',
      reads: [],
      details: [],
      evaluate: (context) => {
        if (context.resource.name === 'acrboom') throw new Error('invariant broken: pool without a cluster');
        return { verdict: 'pass', evidence: [] };
      },
    });
    try {
      const { run, report } = scanJson([plan, '--policies', 'packs'], ['--fail-on', 'none'], dir);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^azfence: error: plan\.json: rule ACME-BOOM-001 could not evaluate azurerm_container_registry\.acr2: invariant broken: pool without a cluster$/)]);
      expect(report.errors).toHaveLength(1);
      // Never silently a pass: the thrown resource has no ACME finding, but the error says so; the rest is reported.
      expect(report.findings.filter((finding) => finding.ruleId === 'AZF-PUB-001').map((finding) => finding.resource.name).sort()).toEqual(['acrboom', 'acrok']);
      // Even --fail-on none cannot turn an error into a green run.
      expect(runCli(['scan', plan, '--policies', 'packs', '--fail-on', 'none'], dir).code).toBe(2);
    } finally {
      unregisterCheck('hostileBoom');
    }
  });
});

describe('a resource of a covered type whose shape no rule can read', () => {
  const shapes: Array<[string, unknown]> = [
    ['a string', 'publicNetworkAccess=Disabled'],
    ['a list', [{ publicNetworkAccess: 'Disabled' }]],
    ['a number', 42],
  ];
  for (const [kind, properties] of shapes) {
    it(`a registry row whose properties is ${kind}: error, exit 2, no check passes on it`, () => {
      const dir = tempDir();
      const file = writeJson(dir, 'snapshot.json', buildSnapshot([{ type: 'Microsoft.ContainerRegistry/registries', name: 'acrodd', properties }, { type: 'Microsoft.KeyVault/vaults', name: 'kvfine', properties: { publicNetworkAccess: 'Enabled' } }]));
      const { run, report } = scanJson([file], ['--fail-on', 'none'], dir);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`snapshot\\.json: rule AZF-[A-Z]+-\\d+ could not evaluate /subscriptions/.*/acrodd: its properties is ${kind}, not an object`))]);
      // The neighbour is still judged.
      expect(report.findings.map((finding) => `${finding.ruleId} ${finding.resource.name}`)).toContain('AZF-PUB-005 kvfine');
      expect(report.findings.filter((finding) => finding.resource.name === 'acrodd')).toEqual([]);
    });
  }

  it('a sku that is a string, and an azapi body whose properties is a string, are errors too', () => {
    const dir = tempDir();
    const snapshot = writeJson(dir, 'snapshot.json', buildSnapshot([{ type: 'Microsoft.ContainerRegistry/registries', name: 'acrsku', sku: 'Premium', properties: { publicNetworkAccess: 'Disabled' } }]));
    const plan = writeJson(dir, 'plan.json', buildPlan({ azapi: [{ type: 'Microsoft.ContainerRegistry/registries@2023-07-01', name: 'acrapi', body: { properties: 'Disabled' } }] }));
    const { run } = scanJson([snapshot, plan], ['--fail-on', 'none'], dir);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.some((line) => /acrsku: its sku is a string, not an object/.test(line))).toBe(true);
    expect(lines.some((line) => /azapi_resource\.acrapi: its properties is a string, not an object/.test(line))).toBe(true);
  });

  it('a row with properties null (Resource Graph writes that for some types) is not an error', () => {
    const dir = tempDir();
    const file = writeJson(dir, 'snapshot.json', buildSnapshot([{ type: 'Microsoft.KeyVault/vaults', name: 'kvnull', properties: null }]));
    const { run, report } = scanJson([file], ['--fail-on', 'none'], dir);
    expect(run.stderr).toBe('');
    expect(report.findings.map((finding) => `${finding.ruleId} ${finding.resource.name}`)).toContain('AZF-PUB-005 kvnull');
  });
});

describe('unreadable inputs (simulated EACCES)', () => {
  it('an unreadable file named on the command line and one found in a walk: reported, exit 2, the rest scanned', () => {
    const dir = tempDir();
    const good = writeJson(dir, 'tree/plan.json', buildPlan({ azurerm: [REGISTRY] }));
    writeJson(dir, 'tree/UNREADABLE.json', buildPlan({ azurerm: [REGISTRY] }));
    writeJson(dir, 'other/UNREADABLE-explicit.json', {});
    mkdirSync(join(dir, 'tree', 'UNREADABLE-dir'));
    const { run, report } = scanJson(['tree', 'other/UNREADABLE-explicit.json'], ['--fail-on', 'none'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n').sort()).toEqual([
      expect.stringMatching(/other\/UNREADABLE-explicit\.json: permission denied$/),
      expect.stringMatching(/tree\/UNREADABLE-dir: cannot be listed \(EACCES\)$/),
      expect.stringMatching(/tree\/UNREADABLE\.json: permission denied$/),
    ]);
    expect(report.summary.files).toBe(1);
    // The readable plan beside them is read and judged.
    expect(report.findings.filter((finding) => finding.ruleId === 'AZF-PUB-001').map((finding) => `${finding.location.file} ${finding.resource.name}`)).toEqual([`${relative(dir, good)} acrok`]);
  });

  it('an unreadable rule pack or config is a one-line error, not a scan without the rules', () => {
    const dir = tempDir();
    const plan = writeJson(dir, 'plan.json', buildPlan({ azurerm: [REGISTRY] }));
    mkdirSync(join(dir, 'packs'));
    writeFileSync(join(dir, 'packs', 'UNREADABLE.yaml'), 'pack: X\n');
    writeFileSync(join(dir, 'UNREADABLE.azfence.yaml'), 'failOn: none\n');
    const pack = runCli(['scan', plan, '--policies', 'packs'], dir);
    expect(pack.code).toBe(2);
    expect(pack.stderr).toMatch(/^azfence: error: packs\/UNREADABLE\.yaml: cannot read policy file \(EACCES\)\n$/);
    const config = runCli(['scan', plan, '--config', 'UNREADABLE.azfence.yaml'], dir);
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(/^azfence: error: UNREADABLE\.azfence\.yaml: cannot read config file \(EACCES\)\n$/);
  });
});
