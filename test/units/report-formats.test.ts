import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectRecordedText } from './recorded-text.js';
import { RECORDED_FORMATS } from './recorded-estate.js';
import { render } from '../../src/reporters/index.js';
import { renderJunit } from '../../src/reporters/junit.js';
import { renderTable } from '../../src/reporters/table.js';
import type { ScanReport } from '../../src/report/scan-report.js';
import { scan } from '../../src/scan.js';
import { gateFailures } from '../../src/report/fail-gate.js';
import { buildPlan } from '../support/materialize.js';
import { tempDir } from '../support/run-cli.js';

/**
 * Every report format, whole, for one scan that has everything a report shows: failures and unknowns of
 * every severity from a plan (mapped to its .tf sources) and a snapshot, an unreadable input, a config
 * suppression, a baseline with an existing, a new and a resolved finding. Rendered in-process with the
 * clock pinned and compared with the recorded text byte for byte, so any change to what a reader sees in
 * any format shows as a diff. A deliberate change re-records them:
 * AZFENCE_RECORD_REPORTS=1 npx vitest run test/units/report-formats.test.ts, and the diff is reviewed.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const RECORDED = join(ROOT, 'test', 'report-snapshots', 'formats');
const RECORD = process.env['AZFENCE_RECORD_REPORTS'] === '1';
const NOW = new Date('2026-03-04T05:06:07Z');

const SCAN = (dir: string, baseline?: string): ScanReport =>
  scan({ paths: ['estate'], cwd: dir, configPath: '.azfence.yaml', sourceDir: 'estate/terraform', now: NOW, ...(baseline ? { baselinePath: baseline } : {}) });

/**
 * The scan, in the test that reads it: Stryker counts what runs during a test as that test's coverage, so
 * each mutant of the scan path is tried against the reports it changes.
 */
function estate(): { dir: string; report: ScanReport } {
  const dir = tempDir('azfence-formats-');
  const inputs = join(dir, 'estate');
  mkdirSync(inputs);
  for (const name of ['plan.json', 'snapshot.json', 'terraform', '.github']) cpSync(join(ROOT, 'fixtures', 'estate', name), join(inputs, name), { recursive: true });
  writeFileSync(join(inputs, 'broken.json'), '{"format_version": "1.2", "resource_changes": [');
  // Values known only after apply and marked sensitive: unknown findings, never a printed secret.
  const later = buildPlan({
    azurerm: [
      { type: 'azurerm_container_registry', name: 'acrlater', values: { name: 'acrlater', sku: 'Premium' }, unknown: ['public_network_access_enabled'] },
      { type: 'azurerm_key_vault', name: 'kvsecret', values: { name: 'kvsecret', public_network_access_enabled: true, network_acls: [{ default_action: 'Allow', bypass: 'AzureServices', ip_rules: ['203.0.113.9/32'] }] }, sensitive: ['network_acls[0].ip_rules[0]'] },
    ],
  });
  writeFileSync(join(inputs, 'later.json'), JSON.stringify(later, null, 2));
  writeFileSync(
    join(dir, '.azfence.yaml'),
    [
      'failOn: high',
      'rules:',
      '  AZF-PUB-007:',
      '    severity: low',
      'suppressions:',
      '  - rule: AZF-PUB-00*',
      '    resource: "*/workspaces/log-hub-we01"',
      '    reason: SOC queries from the internet until AMPLS is rolled out (NET-311)',
      '    expires: 2030-06-30',
      '',
    ].join('\n'),
  );
  // The baseline, recorded with the reports: this estate's report less its first finding (new today), plus
  // one finding gone since (resolved).
  const baseline = join(RECORDED, 'baseline.json');
  if (RECORD) {
    const json = JSON.parse(render(SCAN(dir), 'json')) as { findings: Array<Record<string, unknown>> };
    const gone = { ...json.findings[1], fingerprint: 'f'.repeat(32), resource: { id: '/subscriptions/0000/resourceGroups/rg-old/providers/Microsoft.KeyVault/vaults/kv-legacy', name: 'kv-legacy', type: 'Microsoft.KeyVault/vaults' }, location: { file: 'old-snapshot.json', line: 7 } };
    writeFileSync(baseline, `${JSON.stringify({ findings: [...json.findings.slice(1), gone] }, null, 2)}\n`);
  }
  cpSync(baseline, join(dir, 'baseline.json'));
  const report = SCAN(dir, 'baseline.json');
  report.stats.durationMs = 1234;
  return { dir, report };
}

/**
 * The scan report as reporters read it, with each rule reduced to what a report shows of it (RuleDescriptor):
 * test/units/report-renderers.test.ts renders it in every format without scanning, so that a mutant of a
 * reporter is tried in milliseconds, while this file keeps it the scan's.
 */
function recordedScan(report: ScanReport): ScanReport {
  const rules = report.rules.map(({ id, title, pack, severity, description, help, references, tags, remediation, checks, origin }) => ({
    id, title, pack, severity, description, help, references, tags, remediation, origin,
    checks: checks.map(({ select, remediation: own }) => ({ select: { type: select.type }, ...(own ? { remediation: own } : {}) })),
  }));
  return { ...report, rules };
}

function compareWithRecorded(name: string, text: string, dir: string): void {
  // Where the scan ran is the only thing that differs between runs.
  const stable = text.split(dir).join('<dir>').split(encodeURI(dir)).join('<dir>');
  const file = join(RECORDED, name);
  if (RECORD) writeFileSync(file, stable);
  expect(existsSync(file), `${relative(ROOT, file)} is not recorded`).toBe(true);
  expectRecordedText(file, stable);
}

describe('every report format, whole, for a scan with all a report can show', () => {
  for (const [format, file] of RECORDED_FORMATS) {
    it(`${format}`, () => {
      const { dir, report } = estate();
      compareWithRecorded(file, render(report, format, { cwd: dir, root: dir }), dir);
    });
  }
  it('junit', () => {
    const { dir, report } = estate();
    compareWithRecorded('estate.junit.xml', renderJunit(report, NOW), dir);
  });
  it('table, 140 columns, no colour', () => {
    const { dir, report } = estate();
    compareWithRecorded('estate.table.txt', renderTable(report, 140, { cwd: dir }), dir);
  });
  it('table, 100 columns, severity colours', () => {
    const { dir, report } = estate();
    compareWithRecorded('estate.table-colour.txt', renderTable(report, 100, { cwd: dir, color: true }), dir);
  });
  it('table, --quiet: only what fails the gate', () => {
    const { dir, report } = estate();
    compareWithRecorded('estate.table-quiet.txt', renderTable(report, 140, { cwd: dir, only: gateFailures(report.findings, { failOn: 'medium', failOnUnknown: true }) }), dir);
  });

  it('the scan has what the recorded reports are meant to show', () => {
    const { report } = estate();
    const statuses = new Set(report.findings.map((finding) => finding.status));
    expect([...statuses].sort()).toEqual(['fail', 'unknown']);
    expect(new Set(report.findings.map((finding) => finding.severity)).size).toBeGreaterThanOrEqual(3);
    expect(report.findings.some((finding) => finding.suppression)).toBe(true);
    expect(report.findings.some((finding) => finding.planLocation)).toBe(true);
    expect(report.findings.filter((finding) => finding.baseline === 'new')).toHaveLength(1);
    expect(report.baseline?.resolved).toHaveLength(1);
    expect(report.errors.map((error) => error.file)).toEqual(['estate/broken.json']);
    // new, unsuppressed and at or above high: what fails the gate
    expect(gateFailures(report.findings, { failOn: 'high', failOnUnknown: false }).length).toBeLessThanOrEqual(1);
  });

  it('the recorded scan report (what test/units/report-renderers.test.ts renders) is this scan\'s', () => {
    const { dir, report } = estate();
    compareWithRecorded('estate.scan.json', `${JSON.stringify(recordedScan(report), null, 2)}\n`, dir);
  });

  it('a value marked sensitive is printed in no format', () => {
    const { dir, report } = estate();
    for (const format of ['json', 'sarif', 'markdown', 'html', 'table', 'junit'] as const) expect(render(report, format, { cwd: dir, root: dir }), format).not.toContain('203.0.113.9');
  });
});
