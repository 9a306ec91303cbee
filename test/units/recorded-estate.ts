import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FailOn } from '../../src/report/configuration.js';
import type { Format } from '../../src/reporters/index.js';
import type { ScanReport } from '../../src/report/scan-report.js';

/**
 * The recorded scan report of the example estate (test/units/report-formats.test.ts keeps it the scan's),
 * for tests that render it without scanning: a reporter's mutant is then tried in milliseconds.
 */
/** The whole-report formats recorded for the estate, and their files under test/report-snapshots/formats/. */
export const RECORDED_FORMATS: ReadonlyArray<readonly [Format, string]> = [
  ['json', 'estate.json'],
  ['sarif', 'estate.sarif'],
  ['markdown', 'estate.md'],
  ['html', 'estate.html'],
];

const RECORDED = join(resolve(import.meta.dirname, '../..'), 'test', 'report-snapshots', 'formats', 'estate.scan.json');

export function recordedEstate(): ScanReport {
  return JSON.parse(readFileSync(RECORDED, 'utf8')) as ScanReport;
}

/** The estate without its baseline, suppressions, errors, warnings and unread notes, under a gate of the test's choosing. */
export function plainEstate(gate?: { failOn: FailOn; failOnUnknown: boolean }): ScanReport {
  const estate = recordedEstate();
  return {
    ...estate,
    inputs: estate.inputs.map(({ unread: _unread, ...input }) => input),
    findings: estate.findings.map(({ suppression: _s, baseline: _b, ...finding }) => finding),
    baseline: undefined,
    errors: [],
    warnings: undefined,
    configuration: { rulesDisabled: [], severities: [], parameters: [], suppressions: 0, policies: [], ...(gate ? { gate: { ...gate, from: { failOn: 'flag', failOnUnknown: 'flag' } } } : {}) },
    config: {},
  };
}
