import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding.js';
import type { RuleDescriptor } from '../../src/report/rule-descriptor.js';
import type { ScanReport } from '../../src/report/scan-report.js';
import { buildSarif, renderSarif, SARIF_LIMITS } from '../../src/reporters/sarif.js';
import { plainEstate, recordedEstate } from './recorded-estate.js';

type Log = ReturnType<typeof buildSarif>;
const run = (log: Log) => log.runs[0]!;
const parse = (text: string) => JSON.parse(text) as Log;
/** Where the scan ran (it need not exist: nothing is read). */
const DIR = join(tmpdir(), 'azfence-render-estate');

function userRule(base: RuleDescriptor, change: Partial<RuleDescriptor>): RuleDescriptor {
  return { ...base, id: 'ORG-001', title: 'Org rule', severity: 'low', references: [], remediation: {}, checks: [], tags: [], origin: { file: 'policies/org.yaml', line: 1, builtIn: false }, ...change };
}

describe('SARIF: a user pack rule as code scanning shows it', () => {
  it('a title that starts with punctuation names the rule by its words', () => {
    const estate = plainEstate();
    const log = buildSarif({ ...estate, rules: [userRule(estate.rules[0]!, { title: '(Preview) public access!' })], findings: [] });
    expect(run(log).tool.driver.rules[0]!.name).toBe('PreviewPublicAccess');
  });

  it('help without blank-only lines, empty help or references, and fixes trimmed of the line break YAML leaves', () => {
    const estate = plainEstate();
    const rule = userRule(estate.rules[0]!, { description: 'first\n   \nsecond', help: '', remediation: { azurerm: 'Set `x`.\n', arm: '  Do it.' } });
    const descriptor = run(buildSarif({ ...estate, rules: [rule], findings: [] })).tool.driver.rules[0]!;
    expect(descriptor.help.markdown).toBe(['**Org rule** (low)', '', 'first', '', 'second', '', '**Remediation**', '', '- **Terraform (azurerm):** Set `x`.', '- **ARM / Azure CLI:** Do it.'].join('\n'));
    expect(descriptor.help.text).toBe(['first', '   ', 'second', 'Remediation:', 'azurerm: Set `x`.', 'arm: Do it.'].join('\n'));
  });
});

describe('SARIF: the run', () => {
  it.skipIf(sep === '\\')('on Linux and macOS a backslash is part of a file name, percent-encoded, not a folder separator', () => {
    const estate = plainEstate();
    const finding = { ...estate.findings[0]!, location: { file: 'infra/a\\b.json', line: 3 } };
    const result = run(buildSarif({ ...estate, findings: [finding] })).results[0]!;
    expect(result.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'infra/a%5Cb.json', uriBaseId: '%SRCROOT%' });
  });

  it('is categorised by its input kinds, sorted, whatever order the inputs came in', () => {
    const estate = plainEstate();
    const inputs: ScanReport['inputs'] = [
      { file: 's.json', kind: 'snapshot', resources: 1, unmapped: 0 },
      { file: 'p.json', kind: 'plan', resources: 1, unmapped: 0 },
      { file: 'q.json', kind: 'plan', resources: 1, unmapped: 0 },
    ];
    expect(run(buildSarif({ ...estate, inputs })).automationDetails.id).toBe('azfence/plan+snapshot/');
  });

  it('a capped log keeps a new finding before one already in the baseline, whatever their order', () => {
    const estate = plainEstate();
    const [first, second] = estate.findings;
    const findings: Finding[] = [{ ...first!, baseline: 'existing' }, { ...second!, baseline: 'new' }];
    const log = buildSarif({ ...estate, findings, baseline: { file: 'b.json', absent: 0, resolved: [] } }, { ...SARIF_LIMITS, maxResults: 1 });
    expect(run(log).results.map((result) => [result.ruleId, result.baselineState])).toEqual([[second!.ruleId, 'new']]);
  });

  it('without warnings, errors or configuration: no notification, and a capped log still says what it left out', () => {
    const estate = plainEstate();
    const log = buildSarif({ ...estate, skipped: [] }, { ...SARIF_LIMITS, maxResults: 1 });
    const all = estate.findings.length;
    expect(run(log).invocations[0]!.toolExecutionNotifications.map((note) => note.level)).toEqual(['warning']);
    expect(run(log).invocations[0]!.toolExecutionNotifications[0]!.message.text).toMatch(/^\d+ of \d+ results were left out/);
    expect(run(log).properties).toEqual({ resultsOmitted: all - 1, resultsTotal: all, resultsLimit: 1 });
    expect(run(buildSarif({ ...estate, skipped: [] })).invocations[0]!.toolExecutionNotifications).toEqual([]);
  });

  it('files are relative to the checkout root only when both the working directory and the root are given', () => {
    const estate = plainEstate();
    const report: ScanReport = { ...estate, findings: [{ ...estate.findings[0]!, location: { file: 'dir/a.json', line: 1 } }] };
    const uri = (options: { cwd?: string; root?: string }) => run(parse(renderSarif(report, SARIF_LIMITS, options))).results[0]!.locations[0]!.physicalLocation!.artifactLocation.uri;
    expect(uri({ cwd: join(DIR, 'sub'), root: DIR })).toBe('sub/dir/a.json');
    expect(uri({ cwd: join(DIR, 'sub') })).toBe('dir/a.json');
    expect(uri({ root: DIR })).toBe('dir/a.json');
    expect(uri({})).toBe('dir/a.json');
  });
});

describe('SARIF: the upload limit', () => {
  it('a log exactly at the gzip limit is kept whole', () => {
    const estate = recordedEstate();
    const whole = renderSarif(estate);
    const log = parse(renderSarif(estate, { ...SARIF_LIMITS, maxGzipBytes: gzipSync(whole).length }));
    expect(run(log).results).toHaveLength(run(parse(whole)).results.length);
    expect(run(log)).not.toHaveProperty('properties.resultsOmitted');
  });

  it('the results kept after halving still point at their rules', () => {
    const estate = recordedEstate();
    // room for about half the results (the rules take most of the log)
    const limit = gzipSync(renderSarif(estate, { ...SARIF_LIMITS, maxResults: Math.floor((estate.findings.length + 1) / 2) })).length + 20;
    const log = parse(renderSarif(estate, { ...SARIF_LIMITS, maxGzipBytes: limit }));
    const results = run(log).results;
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThan(estate.findings.length);
    expect(results.map((result) => run(log).tool.driver.rules[result.ruleIndex!]?.id)).toEqual(results.map((result) => result.ruleId));
  });

  it('a log of text that hardly compresses is still cut to fit the limit', () => {
    // A message quotes names the pull request author chose: here random printable one- and two-byte characters,
    // which gzip shrinks by barely a twentieth. Only a bound that holds for such text may skip compressing.
    const estate = recordedEstate();
    const report = { ...estate, findings: estate.findings.map((finding, i) => ({ ...finding, message: noise(150_000, i + 1) })) };
    const whole = renderSarif(report);
    expect(gzipSync(whole).length / Buffer.byteLength(whole)).toBeGreaterThan(0.9);
    const limit = gzipSync(whole).length - 1;
    const text = renderSarif(report, { ...SARIF_LIMITS, maxGzipBytes: limit });
    expect(gzipSync(text).length).toBeLessThanOrEqual(limit);
    expect(run(parse(text)).results.length).toBeLessThan(run(parse(whole)).results.length);
    expect(run(parse(text)).properties).toHaveProperty('resultsOmitted');
  });
});

/** `length` characters, from a seed: printable ASCII and two-byte characters (U+00A0 to U+07FF), spread evenly. */
function noise(length: number, seed: number): string {
  let state = seed;
  const random = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(random() < 0.6 ? 0x21 + Math.floor(random() * 94) : 0xa0 + Math.floor(random() * (0x800 - 0xa0)));
  return text;
}
