import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { validateSarif } from '../support/sarif-validator.js';
import { makeEstate } from '../ci-gate/fixture.js';

/**
 * Issue 22 item 2: with --baseline every format says what is new, what was there already, and what the
 * baseline held that is gone now (JSON resolved[], a Markdown section, SARIF baselineState absent).
 */
const PUBLIC_VAULT = { type: 'azurerm_key_vault', address: 'azurerm_key_vault.old', values: { name: 'kv-old', sku_name: 'standard', public_network_access_enabled: true } };

interface Resolved {
  ruleId: string;
  severity?: string;
  status: string;
  message?: string;
  resource: { id: string; address?: string };
  location?: { file: string; line?: number };
  fingerprint: string;
}

/** Monday's estate had a public vault that Tuesday's no longer has. */
function mondayAndTuesday(): { monday: string; tuesday: string } {
  const monday = makeEstate({ extra: [PUBLIC_VAULT] });
  const made = runCli(['scan', 'plan.json', '--format', 'json', '--output', 'monday.json', '--sarif', 'monday.sarif', '--fail-on', 'none'], monday);
  expect(made.code).toBe(0);
  const tuesday = makeEstate();
  for (const name of ['monday.json', 'monday.sarif']) cpSync(join(monday, name), join(tuesday, name));
  return { monday, tuesday };
}

describe('findings resolved since the baseline', () => {
  for (const baseline of ['monday.json', 'monday.sarif']) {
    it(`are listed in JSON resolved[], from a ${baseline.split('.')[1]} baseline`, () => {
      const { monday, tuesday } = mondayAndTuesday();
      const before = JSON.parse(readFileSync(join(monday, 'monday.json'), 'utf8')) as { findings: Array<{ fingerprint: string; resource: { address?: string }; message: string }> };
      const gone = before.findings.find((finding) => finding.resource.address === 'azurerm_key_vault.old')!;
      const run = runCli(['scan', 'plan.json', '--format', 'json', '--baseline', baseline], tuesday);
      const report = JSON.parse(run.stdout) as { summary: { baseline: unknown }; resolved: Resolved[]; findings: Array<{ baseline?: string; suppression?: unknown }> };
      expect(report.summary.baseline).toEqual({ new: 0, existing: report.findings.filter((finding) => !finding.suppression).length, absent: 1 });
      expect(report.resolved).toHaveLength(1);
      const [resolved] = report.resolved;
      expect(resolved).toMatchObject({ ruleId: 'AZF-PUB-005', severity: 'high', status: 'fail', fingerprint: gone.fingerprint, message: gone.message });
      expect(resolved!.resource.address).toBe('azurerm_key_vault.old');
      expect(resolved!.location?.file).toBe('plan.json');
      // Nothing new: the gate passes although the estate still has the findings Monday had.
      expect(run.code).toBe(0);
    });
  }

  it('a report without --baseline has no resolved[]; one whose baseline lost nothing has an empty one', () => {
    const { tuesday } = mondayAndTuesday();
    expect(JSON.parse(runCli(['scan', 'plan.json', '--format', 'json', '--fail-on', 'none'], tuesday).stdout)).not.toHaveProperty('resolved');
    runCli(['scan', 'plan.json', '--format', 'json', '--output', 'tuesday.json', '--fail-on', 'none'], tuesday);
    expect(JSON.parse(runCli(['scan', 'plan.json', '--format', 'json', '--baseline', 'tuesday.json'], tuesday).stdout).resolved).toEqual([]);
  });

  it('are listed under the table', () => {
    const { tuesday } = mondayAndTuesday();
    const run = runCli(['scan', 'plan.json', '--baseline', 'monday.json'], tuesday);
    expect(run.stdout).toMatch(/\nResolved since the baseline \(1\):\n {2}AZF-PUB-005 azurerm_key_vault\.old \(plan\.json:\d+\): was fail\n/);
  });

  it('has a Markdown section', () => {
    const { tuesday } = mondayAndTuesday();
    const run = runCli(['scan', 'plan.json', '--format', 'markdown', '--baseline', 'monday.json'], tuesday);
    expect(run.stdout).toContain('0 new** since the baseline');
    expect(run.stdout).toContain('1 fixed');
    expect(run.stdout).toContain('### Resolved since the baseline (1)');
    expect(run.stdout).toMatch(/\| high \| AZF-PUB-005 \| `azurerm_key_vault\.old`<br>plan\.json:\d+ \| fail: /);
  });

  it('is a SARIF result with baselineState absent, kind pass, and the log stays valid for GitHub', () => {
    const { tuesday } = mondayAndTuesday();
    const run = runCli(['scan', 'plan.json', '--format', 'sarif', '--output', 'tuesday.sarif', '--baseline', 'monday.sarif'], tuesday);
    expect(run.code).toBe(0);
    const path = join(tuesday, 'tuesday.sarif');
    expect(validateSarif([path])).toEqual([]);
    const results = (JSON.parse(readFileSync(path, 'utf8')) as { runs: Array<{ results: Array<{ baselineState?: string; kind?: string; level?: string; ruleId: string; partialFingerprints: Record<string, string> }> }> }).runs[0]!.results;
    const states = results.map((result) => result.baselineState);
    expect(states.filter((state) => state === 'absent')).toHaveLength(1);
    expect(states.filter((state) => state === 'unchanged')).toHaveLength(results.length - 1);
    const absent = results.find((result) => result.baselineState === 'absent')!;
    expect(absent).toMatchObject({ ruleId: 'AZF-PUB-005', kind: 'pass', level: 'none' });
    // The same identity code scanning keyed the alert on, so a viewer pairs it with Monday's result.
    const monday = JSON.parse(readFileSync(join(tuesday, 'monday.sarif'), 'utf8')) as { runs: Array<{ results: Array<{ partialFingerprints: Record<string, string>; properties: { terraformAddress?: string } }> }> };
    const was = monday.runs[0]!.results.find((result) => result.properties.terraformAddress === 'azurerm_key_vault.old')!;
    expect(absent.partialFingerprints).toEqual(was.partialFingerprints);
  });
});
