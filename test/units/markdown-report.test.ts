import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding.js';
import type { ScanReport } from '../../src/report/scan-report.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { summarize, summaryLine } from '../../src/reporters/summary.js';
import { plainEstate } from './recorded-estate.js';

/**
 * Whole pull-request comments, line by line: a section that should be absent, a blank line too many or a row
 * out of order shows here. The counts line is the summary's (test/units/report-renderers.test.ts words it).
 */
function finding(base: Finding, ruleId: string, change: Partial<Finding> = {}): Finding {
  return { ...base, ruleId, pack: 'POOL', severity: 'high', status: 'fail', message: `${ruleId} is open`, remediation: 'Close `it`.', resource: { ...base.resource, address: `azurerm_x.${ruleId}` }, location: { file: 'main.tf', line: 3 }, ...change };
}

describe('Markdown: the whole comment', () => {
  it('no baseline, no suppression, no finding: the counts and "No findings.", nothing else', () => {
    const report = { ...plainEstate(), findings: [] };
    expect(renderMarkdown(report).split('\n')).toEqual(['## azfence', '', summaryLine(summarize(report)), '', 'No findings.', '']);
  });

  it('with a baseline: the new finding first, exactly top N shown without "top N of", resolved at the limit without "0 more"', () => {
    const estate = plainEstate({ failOn: 'high', failOnUnknown: false });
    const base = estate.findings[0]!;
    const report: ScanReport = {
      ...estate,
      skipped: [{ file: 'n.txt', reason: 'not an input' }],
      findings: [finding(base, 'R-1', { baseline: 'existing', location: { file: 'a.tf' } }), finding(base, 'R-2', { baseline: 'new' })],
      baseline: {
        file: 'b.json',
        absent: 2,
        resolved: [
          { ruleId: 'R-3', status: 'fail', resource: { id: '/s/3' }, fingerprint: 'a' },
          { ruleId: 'R-4', status: 'fail', resource: { id: '/s/4' }, fingerprint: 'b' },
        ],
      },
    };
    expect(renderMarkdown(report, 2).split('\n')).toEqual([
      '## azfence',
      '',
      '**:x: gate failed: 1 new finding at or above high**',
      '',
      summaryLine(summarize(report)),
      '',
      '**1 new** since the baseline · 1 already in it · 2 fixed',
      '',
      '| Severity | Failed | Unknown |',
      '| --- | ---: | ---: |',
      '| critical | 0 | 0 |',
      '| high | 2 | 0 |',
      '| medium | 0 | 0 |',
      '| low | 0 | 0 |',
      '',
      '| Pack | Failed | Unknown |',
      '| --- | ---: | ---: |',
      '| POOL | 2 | 0 |',
      '',
      '### Findings',
      '',
      '| Severity | Rule | Resource | Finding | Fix |',
      '| --- | --- | --- | --- | --- |',
      '| high (**new**) | R-2 | `azurerm_x.R-2`<br>main.tf:3 | R-2 is open | Close `it`. |',
      '| high (baseline) | R-1 | `azurerm_x.R-1`<br>a.tf | R-1 is open | Close `it`. |',
      '',
      '### Resolved since the baseline (2)',
      '',
      '| Severity | Rule | Resource | Was |',
      '| --- | --- | --- | --- |',
      '|  | R-3 | `/s/3` | fail |',
      '|  | R-4 | `/s/4` | fail |',
      '',
      '### Not scanned',
      '',
      '- n.txt: not an input',
      '',
    ]);
  });

  it('suppressed findings only, without a baseline: their count, and the suppressed list', () => {
    const estate = plainEstate({ failOn: 'high', failOnUnknown: false });
    const report: ScanReport = { ...estate, findings: [finding(estate.findings[0]!, 'R-1', { suppression: { kind: 'external', reason: 'ok' } })] };
    expect(renderMarkdown(report).split('\n')).toEqual([
      '## azfence',
      '',
      '**:white_check_mark: gate passed: no findings at or above high**',
      '',
      summaryLine(summarize(report)),
      '',
      '1 suppressed',
      '',
      'No findings apart from suppressed ones.',
      '',
      '<details><summary>Suppressed (1)</summary>',
      '',
      '| Rule | Resource | Kind | Reason |',
      '| --- | --- | --- | --- |',
      '| R-1 | `azurerm_x.R-1`<br>main.tf:3 | config | ok |',
      '',
      '</details>',
      '',
    ]);
  });
});
