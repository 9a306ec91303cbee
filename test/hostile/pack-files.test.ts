import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../support/materialize.js';
import { runCli, tempDir, writeJson } from '../support/run-cli.js';

/**
 * `policies:` in .azfence.yaml comes from the pull request. Its directory was checked to lie inside the
 * repository, but the files in it were not: a symlink there loaded a pack from anywhere on the runner, and
 * a link to /etc/passwd answered, through its schema errors, whether the file exists.
 */
const PACK = (id: string) =>
  `pack: ACME\ntitle: t\nrules:\n  - id: ${id}\n    title: t\n    severity: low\n    description: d\n    remediation: { arm: r }\n    checks:\n      - select: { type: Microsoft.ContainerRegistry/registries }\n        assert: { field: properties.publicNetworkAccess, equals: Disabled }\n        message: m\n`;

function repository(): { repo: string; outside: string } {
  const root = tempDir();
  const repo = join(root, 'repo');
  const outside = join(root, 'outside');
  mkdirSync(join(repo, '.git'), { recursive: true });
  mkdirSync(join(repo, 'packs'), { recursive: true });
  mkdirSync(join(repo, 'shared'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(repo, 'packs', 'good.yaml'), PACK('ACME-NET-001'));
  writeFileSync(join(outside, 'planted.yaml'), PACK('ACME-NET-002'));
  writeJson(repo, 'snapshot.json', buildSnapshot([{ type: 'Microsoft.ContainerRegistry/registries', name: 'acr', sku: { name: 'Premium' }, properties: { publicNetworkAccess: 'Enabled' } }]));
  writeFileSync(join(repo, '.azfence.yaml'), 'policies: [packs]\n');
  return { repo, outside };
}

describe('pack files named by a config stay inside the repository', () => {
  it('a symlink in the policies directory to a pack outside is refused, naming the file', () => {
    const { repo, outside } = repository();
    symlinkSync(join(outside, 'planted.yaml'), join(repo, 'packs', 'planted.yaml'));
    const run = runCli(['scan', 'snapshot.json', '--format', 'json'], repo);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('azfence: error: packs/planted.yaml: resolves to a file outside the repository (policies: in .azfence.yaml must stay inside it)\n');
    expect(run.stdout).not.toContain('ACME-NET-002');
  });

  it('links to /etc/passwd, to a missing file outside and through a relative ../ get the same words: nothing is read, nothing told', () => {
    const said: string[] = [];
    for (const target of ['/etc/passwd', '/nonexistent-azfence/x.yaml', '../../outside/planted.yaml', '../../outside/missing.yaml']) {
      const { repo } = repository();
      symlinkSync(target, join(repo, 'packs', 'linked.yaml'));
      const run = runCli(['scan', 'snapshot.json'], repo);
      expect(run.code, target).toBe(2);
      said.push(run.stderr);
    }
    expect(new Set(said)).toEqual(new Set(['azfence: error: packs/linked.yaml: resolves to a file outside the repository (policies: in .azfence.yaml must stay inside it)\n']));
  });

  it('a pack file named directly in policies: that links to a missing file outside is refused as outside, not as missing', () => {
    const { repo, outside } = repository();
    symlinkSync(join(outside, 'missing.yaml'), join(repo, 'shared', 'net.yaml'));
    writeFileSync(join(repo, '.azfence.yaml'), 'policies: [shared/net.yaml]\n');
    const run = runCli(['scan', 'snapshot.json'], repo);
    expect(run.stderr).toBe('azfence: error: .azfence.yaml:1: policies entry "shared/net.yaml" is outside the repository\n');
  });

  it('a link that stays inside the repository loads, and --policies on the command line is the operator\'s choice', () => {
    const { repo, outside } = repository();
    writeFileSync(join(repo, 'shared', 'team.yaml'), PACK('ACME-NET-003'));
    symlinkSync('../shared/team.yaml', join(repo, 'packs', 'team.yaml'));
    const inside = runCli(['scan', 'snapshot.json', '--format', 'json', '--fail-on', 'none'], repo);
    expect(inside.stderr).toBe('');
    expect(JSON.parse(inside.stdout).findings.map((finding: { ruleId: string }) => finding.ruleId)).toEqual(expect.arrayContaining(['ACME-NET-001', 'ACME-NET-003']));
    const operator = runCli(['scan', 'snapshot.json', '--format', 'json', '--fail-on', 'none', '--policies', join(outside, 'planted.yaml')], repo);
    expect(operator.stderr).toBe('');
    expect(JSON.parse(operator.stdout).findings.map((finding: { ruleId: string }) => finding.ruleId)).toContain('ACME-NET-002');
  });
});
