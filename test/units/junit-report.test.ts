import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding.js';
import type { ScanReport } from '../../src/report/scan-report.js';
import { renderJunit } from '../../src/reporters/junit.js';
import { plainEstate } from './recorded-estate.js';

const NOW = new Date('2026-03-04T05:06:07Z');

/** The lines of one suite, from its opening tag to its closing one. */
function suite(xml: string, name: string): string[] {
  const lines = xml.split('\n');
  const from = lines.findIndex((line) => line.startsWith(`  <testsuite name="${name}" `));
  return lines.slice(from, lines.indexOf('  </testsuite>', from) + 1);
}

/** The configuration properties every suite carries, as [name, value]. */
function properties(xml: string): string[][] {
  return [...suite(xml, 'azfence DNS').join('\n').matchAll(/<property name="azfence\.configuration\.(\w+)" value="([^"]*)"\/>/g)].map((m) => [m[1]!, m[2]!]);
}

describe('JUnit: suites as a CI test tab lists them', () => {
  it('without configuration every suite opens with its first test case', () => {
    const xml = renderJunit(plainEstate({ failOn: 'high', failOnUnknown: false }), NOW);
    const lines = xml.split('\n');
    const after = lines.flatMap((line, i) => (line.startsWith('  <testsuite ') ? [lines[i + 1]!] : []));
    expect(after.length).toBeGreaterThan(1);
    for (const line of after) expect(line).toMatch(/^    <testcase /);
  });

  it('files not scanned, files not read and errors: one case each, on lines of their own', () => {
    const estate = plainEstate();
    const report: ScanReport = {
      ...estate,
      findings: [],
      skipped: [{ file: 'a.txt', reason: 'not an input' }, { file: 'b.txt', reason: 'not an input' }],
      inputs: [
        { file: 'x.yml', kind: 'pipeline', resources: 1, unmapped: 0, unread: ['action a/b@v1: elsewhere'] },
        { file: 'y.yml', kind: 'pipeline', resources: 1, unmapped: 0, unread: ['action c/d@v2: elsewhere'] },
      ],
      errors: [{ file: 'e.json', message: 'bad' }, { file: 'f.json', message: 'worse' }],
    };
    const xml = renderJunit(report, NOW);
    expect(suite(xml, 'azfence not scanned').slice(1)).toEqual([
      '    <testcase classname="azfence.input" name="a.txt" file="a.txt" time="0">',
      '      <skipped message="not an input"/>',
      '    </testcase>',
      '    <testcase classname="azfence.input" name="b.txt" file="b.txt" time="0">',
      '      <skipped message="not an input"/>',
      '    </testcase>',
      '  </testsuite>',
    ]);
    expect(suite(xml, 'azfence not read').slice(1)).toEqual([
      '    <testcase classname="azfence.input" name="x.yml" file="x.yml" time="0">',
      '      <skipped message="not read: action a/b@v1: elsewhere"/>',
      '    </testcase>',
      '    <testcase classname="azfence.input" name="y.yml" file="y.yml" time="0">',
      '      <skipped message="not read: action c/d@v2: elsewhere"/>',
      '    </testcase>',
      '  </testsuite>',
    ]);
    expect(suite(xml, 'azfence errors').slice(1)).toEqual([
      '    <testcase classname="azfence.input" name="e.json: bad" time="0">',
      '      <error message="e.json: bad"/>',
      '    </testcase>',
      '    <testcase classname="azfence.input" name="f.json: worse" time="0">',
      '      <error message="f.json: worse"/>',
      '    </testcase>',
      '  </testsuite>',
    ]);
  });
});

describe('JUnit: the configuration as properties', () => {
  it('two severity changes and two parameters are listed apart; a configuration file that changes nothing has only the plain properties', () => {
    const estate = plainEstate();
    const changed = renderJunit({
      ...estate,
      findings: [],
      configuration: { ...estate.configuration, severities: [{ rule: 'A', from: 'high', to: 'low' }, { rule: 'B', from: 'low', to: 'high' }], parameters: [{ rule: 'C', name: 'p' }, { rule: 'D', name: 'q' }] },
    }, NOW);
    expect(properties(changed).slice(0, 4)).toEqual([
      ['rulesDisabled', ''],
      ['severities', 'A high-&gt;low,B low-&gt;high'],
      ['parameters', 'C p,D q'],
      ['suppressions', '0'],
    ]);
    const fileOnly = renderJunit({ ...estate, findings: [], configuration: { ...estate.configuration, file: 'c.yaml' } }, NOW);
    expect(properties(fileOnly)).toEqual([
      ['file', 'c.yaml'],
      ['rulesDisabled', ''],
      ['severities', ''],
      ['parameters', ''],
      ['suppressions', '0'],
    ]);
  });
});

describe('JUnit: findings as test cases', () => {
  it('two findings of one rule on one snapshot resource (no address) are told apart by their check', () => {
    const estate = plainEstate({ failOn: 'low', failOnUnknown: false });
    const one = estate.findings.find((finding) => !finding.resource.address)!;
    const findings: Finding[] = [{ ...one, checkIndex: 0 }, { ...one, checkIndex: 1 }];
    const xml = renderJunit({ ...estate, findings }, NOW);
    expect([...xml.matchAll(new RegExp(`<testcase classname="${one.ruleId}" name="([^"]*)"`, 'g'))].map((m) => m[1])).toEqual([
      `${one.ruleId} ${one.resource.id} (check 1)`,
      `${one.ruleId} ${one.resource.id} (check 2)`,
    ]);
  });

  it('a failing finding without a line is located by its file alone', () => {
    const estate = plainEstate({ failOn: 'low', failOnUnknown: false });
    const one: Finding = { ...estate.findings[0]!, status: 'fail', message: 'open', remediation: 'Close it.', location: { file: 'main.tf' } };
    const xml = renderJunit({ ...estate, findings: [one] }, NOW);
    expect(xml).toContain('>open\nFix: Close it.\nLocation: main.tf</failure>');
  });
});
