import { afterEach, describe, expect, it } from 'vitest';
import type { ScanReport } from '../../src/report/scan-report.js';
import { renderTable } from '../../src/reporters/table.js';
import { plainEstate } from './recorded-estate.js';

const columns = Object.getOwnPropertyDescriptor(process.stdout, 'columns');

afterEach(() => {
  if (columns) Object.defineProperty(process.stdout, 'columns', columns);
  else delete (process.stdout as { columns?: number }).columns;
});

function setColumns(value: number | undefined): void {
  Object.defineProperty(process.stdout, 'columns', { value, configurable: true, writable: true });
}

/** The width of the table's top border. */
const tableWidth = (text: string) => text.split('\n')[0]!.length;

describe('the table: what a terminal shows', () => {
  it('without a width it fits the terminal, and is 140 columns wide where there is no terminal', () => {
    const report = plainEstate();
    expect(tableWidth(renderTable(report, 120))).toBeLessThan(tableWidth(renderTable(report, 140)));
    setColumns(120);
    expect(renderTable(report)).toBe(renderTable(report, 120));
    setColumns(undefined);
    expect(renderTable(report)).toBe(renderTable(report, 140));
  });

  it('a resolved baseline finding located in a file without a line names the file alone', () => {
    const estate = plainEstate();
    const report: ScanReport = { ...estate, findings: [], baseline: { file: 'b.json', absent: 1, resolved: [{ ruleId: 'R-1', status: 'fail', resource: { id: '/s/1' }, location: { file: 'old.json' }, fingerprint: 'f' }] } };
    expect(renderTable(report, 120).split('\n').slice(0, 3)).toEqual(['No findings.', 'Resolved since the baseline (1):', '  R-1 /s/1 (old.json): was fail']);
  });
});
