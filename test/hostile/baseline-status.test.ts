import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan, type AzurermCase } from '../support/materialize.js';
import { runCli, scanJson, tempDir, writeJson } from '../support/run-cli.js';

/**
 * Issue 15 item 5: a baseline forgives only what it saw. A finding that was `unknown` in the baseline (a
 * value known only after apply) and is `fail` now is new: the pull request decided the value, and decided
 * it wrong. A baseline entry matches the same rule, check, resource and status.
 */
const registry = (values: Record<string, unknown>, unknown: string[] = []): AzurermCase => ({
  type: 'azurerm_container_registry',
  name: 'ci',
  values: { name: 'acrci', sku: 'Premium', anonymous_pull_enabled: false, admin_enabled: false, network_rule_bypass_option: 'None', ...values },
  unknown,
});

function planDir(cases: AzurermCase[]): string {
  const dir = tempDir();
  writeJson(dir, 'plan.json', buildPlan({ azurerm: cases }));
  return dir;
}

describe('a baseline entry matches only the same status', () => {
  for (const format of ['json', 'sarif'] as const) {
    it(`an unknown in a ${format} baseline does not forgive the same check failing now`, () => {
      // On main, public access comes from a variable: AZF-PUB-001 is unknown there.
      const main = planDir([registry({}, ['public_network_access_enabled'])]);
      const baseline = join(main, `baseline.${format}`);
      const made = runCli(['scan', 'plan.json', '--format', format, '--output', baseline, '--fail-on', 'none'], main);
      expect(made.code).toBe(0);

      // The pull request sets it to true: the same rule, check and resource, now a failure.
      const pr = planDir([registry({ public_network_access_enabled: true })]);
      const { run, report } = scanJson(['plan.json', '--baseline', baseline], [], pr);
      const pub001 = report.findings.find((finding) => finding.ruleId === 'AZF-PUB-001')! as (typeof report.findings)[number] & { baseline?: string };
      expect(pub001.status).toBe('fail');
      expect(pub001.baseline).toBe('new');
      expect(run.code).toBe(1);
      // The check did not go away, it got worse: its unknown is not listed or counted as fixed. (AZF-DNS-005's
      // unknown is, rightly: with public access on, that check no longer applies.)
      const changes = report as unknown as { resolved?: { ruleId: string }[]; summary: { baseline?: { absent: number } } };
      expect((changes.resolved ?? []).map((entry) => entry.ruleId)).toEqual(['AZF-DNS-005']);
      expect(changes.summary.baseline?.absent).toBe(1);
    });
  }

  it('a failure in the baseline still forgives the same failure, and an unknown the same unknown', () => {
    const main = planDir([registry({ public_network_access_enabled: true }), { ...registry({}, ['public_network_access_enabled']), name: 'other', values: { ...registry({}).values, name: 'acrother' } }]);
    runCli(['scan', 'plan.json', '--format', 'sarif', '--output', 'baseline.sarif', '--fail-on', 'none'], main);
    const { run, report } = scanJson(['plan.json', '--baseline', 'baseline.sarif', '--fail-on-unknown'], [], main);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((finding) => (finding as { baseline?: string }).baseline === 'existing')).toBe(true);
    expect(run.code).toBe(0);
  });

  it('a failure in the baseline does not forgive the same check turning unknown under --fail-on-unknown', () => {
    const main = planDir([registry({ public_network_access_enabled: true })]);
    runCli(['scan', 'plan.json', '--format', 'json', '--output', 'baseline.json', '--fail-on', 'none'], main);
    const pr = planDir([registry({}, ['public_network_access_enabled'])]);
    const { run, report } = scanJson(['plan.json', '--baseline', join(main, 'baseline.json'), '--fail-on-unknown'], [], pr);
    const pub001 = report.findings.find((finding) => finding.ruleId === 'AZF-PUB-001')! as (typeof report.findings)[number] & { baseline?: string };
    expect(pub001.status).toBe('unknown');
    expect(pub001.baseline).toBe('new');
    expect(run.code).toBe(1);
  });

  it('an entry whose status cannot be read forgives nothing, and says so', () => {
    const pr = planDir([registry({ public_network_access_enabled: true })]);
    const first = scanJson(['plan.json', '--fail-on', 'none'], [], pr).report;
    const stripped = { findings: first.findings.map(({ status: _status, ...rest }) => rest) };
    writeFileSync(join(pr, 'old.json'), JSON.stringify(stripped));
    const { run, report } = scanJson(['plan.json', '--baseline', 'old.json'], [], pr);
    expect(report.findings.every((finding) => (finding as { baseline?: string }).baseline === 'new')).toBe(true);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/old\.json: \d+ baseline entr(y|ies) (has|have) no status/);
  });

  it('a finding suppressed in the baseline is not forgiven again once its suppression is gone', () => {
    const dir = planDir([registry({ public_network_access_enabled: true })]);
    writeFileSync(join(dir, '.azfence.yaml'), 'suppressions:\n  - { rule: AZF-PUB-001, resource: azurerm_container_registry.ci, reason: until the private endpoint lands, expires: 2030-01-01 }\n');
    runCli(['scan', 'plan.json', '--format', 'sarif', '--output', 'baseline.sarif', '--fail-on', 'none'], dir);
    writeFileSync(join(dir, '.azfence.yaml'), '{}\n');
    const { run, report } = scanJson(['plan.json', '--baseline', 'baseline.sarif'], [], dir);
    expect((report.findings.find((finding) => finding.ruleId === 'AZF-PUB-001') as { baseline?: string }).baseline).toBe('new');
    expect(run.code).toBe(1);
  });
});
