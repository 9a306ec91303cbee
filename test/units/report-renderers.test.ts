import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectRecordedText } from './recorded-text.js';
import { render, renderParts } from '../../src/reporters/index.js';
import { renderJunit } from '../../src/reporters/junit.js';
import { buildSarif, renderSarif, SARIF_LIMITS } from '../../src/reporters/sarif.js';
import type { Finding } from '../../src/findings/finding.js';
import { xmlAttr, xmlText } from '../../src/reporters/xml-text.js';
import { renderTable, wrapIdentifier } from '../../src/reporters/table.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { markdownCode, markdownText } from '../../src/reporters/markdown-text.js';
import { gateVerdict, summarize, summaryLine } from '../../src/reporters/summary.js';
import { renderHtml } from '../../src/reporters/html/render-html.js';
import type { ScanReport } from '../../src/report/scan-report.js';
import { gateFailures } from '../../src/report/fail-gate.js';
import { plainEstate, RECORDED_FORMATS, recordedEstate } from './recorded-estate.js';

/**
 * Every report format rendered from the recorded scan report of test/units/report-formats.test.ts (which
 * keeps that recording the scan's), compared with the same recorded reports byte for byte. No scan runs
 * here, and only the reporters are imported: a reporter's mutant is tried in milliseconds.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const RECORDED = join(ROOT, 'test', 'report-snapshots', 'formats');
const NOW = new Date('2026-03-04T05:06:07Z');
/** Where the scan ran: its findings name files relative to it (it need not exist; nothing is read). */
const DIR = join(tmpdir(), 'azfence-render-estate');

function expectRecorded(name: string, text: string): void {
  expectRecordedText(join(RECORDED, name), text);
}

describe('every report format of the recorded estate scan, whole', () => {
  for (const [format, file] of RECORDED_FORMATS) {
    it(`${format}`, () => {
      expectRecorded(file, render(recordedEstate(), format, { cwd: DIR, root: DIR }));
    });
  }
  it('json, written in parts', () => {
    expectRecorded('estate.json', [...renderParts(recordedEstate(), 'json')].join(''));
  });
  it('junit', () => {
    expectRecorded('estate.junit.xml', renderJunit(recordedEstate(), NOW));
  });
  it('table, 140 columns, no colour', () => {
    expectRecorded('estate.table.txt', renderTable(recordedEstate(), 140, { cwd: DIR }));
  });
  it('table, 100 columns, severity colours', () => {
    expectRecorded('estate.table-colour.txt', renderTable(recordedEstate(), 100, { cwd: DIR, color: true }));
  });
  it('table, --quiet: only what fails the gate', () => {
    const report = recordedEstate();
    expectRecorded('estate.table-quiet.txt', renderTable(report, 140, { only: gateFailures(report.findings, { failOn: 'medium', failOnUnknown: true }) }));
  });
});

/** The estate's inputs without the pipeline's coverage notes (actions of other repositories, not read). */
function withoutUnread(report: ScanReport): ScanReport['inputs'] {
  return report.inputs.map(({ unread: _unread, ...input }) => input);
}

/** A finding of the recorded estate, changed where a test needs it. */
function findingOf(report: ScanReport, ruleId: string, change: Partial<Finding> = {}): Finding {
  const base = report.findings.find((finding) => finding.ruleId === ruleId)!;
  return { ...base, ...change };
}

const AUDIT_ID = '/subscriptions/0000/resourceGroups/rg-a/providers/Microsoft.ContainerRegistry/registries/acr a';

describe('SARIF: what code scanning reads', () => {
  type Log = ReturnType<typeof buildSarif>;
  const run = (log: Log) => log.runs[0]!;
  const parse = (text: string) => JSON.parse(text) as Log;

  it('an audited resource is located by its id under azure/, line 1; errors and warnings on a subscription have no location', () => {
    const estate = recordedEstate();
    const report: ScanReport = {
      ...estate,
      inputs: [{ file: 'azure://0000', kind: 'audit' as never, resources: 1, unmapped: 0 }],
      findings: [
        findingOf(estate, 'AZF-POOL-001', { location: { file: 'azure://0000' }, resource: { id: AUDIT_ID, type: 'Microsoft.ContainerRegistry/registries', name: 'acr a' } }),
        findingOf(estate, 'AZF-POOL-001', { location: { file: 'azure://0000' }, resource: { id: 'providers/X/y', type: 'X', name: 'y' } }),
      ],
      errors: [{ file: 'azure://0000', message: 'throttled' }],
      warnings: [{ file: 'azure://0000', message: 'paged' }],
      baseline: undefined,
    };
    const log = buildSarif(report, SARIF_LIMITS, { cwd: DIR, root: DIR });
    expect(run(log).results.map((result) => result.locations[0]!.physicalLocation)).toEqual([
      { artifactLocation: { uri: 'azure/subscriptions/0000/resourceGroups/rg-a/providers/Microsoft.ContainerRegistry/registries/acr%20a', uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } },
      { artifactLocation: { uri: 'azure/0000/providers/X/y', uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } },
    ]);
    expect(run(log).automationDetails.id).toBe('azfence/audit/');
    const notes = run(log).invocations[0]!.toolExecutionNotifications;
    expect(notes).toEqual([
      { level: 'error', message: { text: 'throttled' } },
      { level: 'warning', message: { text: 'paged' } },
    ]);
    expect(run(log).invocations[0]!.executionSuccessful).toBe(false);
  });

  it('without a working directory files are relative to the root; outside the root a file: URI; lines and columns as regions', () => {
    const estate = recordedEstate();
    const outside = resolve('/', 'elsewhere', 'plan one.json');
    const report: ScanReport = {
      ...estate,
      inputs: withoutUnread(estate),
      findings: [
        findingOf(estate, 'AZF-POOL-001', { location: { file: 'dir/a b#c.json', line: 3, column: 5 } }),
        findingOf(estate, 'AZF-POOL-001', { location: { file: 'dir/a.json', line: 4 } }),
        findingOf(estate, 'AZF-POOL-001', { location: { file: outside } }),
      ],
      errors: [{ file: 'dir/bad.json', line: 9, message: 'bad' }, { message: 'no file' }],
      warnings: [{ file: 'dir/w.tf', line: 2, message: 'w' }, { file: 'dir/v.tf', message: 'v' }],
      skipped: [{ file: 'dir/s.txt', reason: 'not an input' }],
      baseline: undefined,
    };
    const plain = buildSarif(report);
    expect(run(plain).results.map((result) => result.locations[0]!.physicalLocation)).toEqual([
      { artifactLocation: { uri: 'dir/a%20b%23c.json', uriBaseId: '%SRCROOT%' }, region: { startLine: 3, startColumn: 5 } },
      { artifactLocation: { uri: 'dir/a.json', uriBaseId: '%SRCROOT%' }, region: { startLine: 4 } },
      { artifactLocation: { uri: `file://${outside.split('/').map(encodeURIComponent).join('/')}` } },
    ]);
    expect(run(plain).invocations[0]!.toolExecutionNotifications).toEqual([
      { level: 'error', message: { text: 'bad' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'dir/bad.json', uriBaseId: '%SRCROOT%' }, region: { startLine: 9 } } }] },
      { level: 'error', message: { text: 'no file' } },
      { level: 'warning', message: { text: 'not scanned: not an input' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'dir/s.txt', uriBaseId: '%SRCROOT%' } } }] },
      { level: 'warning', message: { text: 'w' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'dir/w.tf', uriBaseId: '%SRCROOT%' }, region: { startLine: 2 } } }] },
      { level: 'warning', message: { text: 'v' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'dir/v.tf', uriBaseId: '%SRCROOT%' } } }] },
    ]);
    // From a working directory below the root, paths are the root's; the root itself is no file.
    const below = buildSarif(report, SARIF_LIMITS, { cwd: join(DIR, 'sub'), root: DIR });
    expect(run(below).results[1]!.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'sub/dir/a.json', uriBaseId: '%SRCROOT%' });
    const atRoot = buildSarif({ ...report, findings: [findingOf(estate, 'AZF-POOL-001', { location: { file: '.' } })] }, SARIF_LIMITS, { cwd: DIR, root: DIR });
    expect(run(atRoot).results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(pathToFileURL(DIR).href);
    const above = buildSarif({ ...report, findings: [findingOf(estate, 'AZF-POOL-001', { location: { file: '../x.json' } })] }, SARIF_LIMITS, { cwd: DIR, root: DIR });
    expect(run(above).results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(pathToFileURL(resolve(DIR, '../x.json')).href);
  });

  it('at most maxResults results, unsuppressed and new first, and the log says how many it left out', () => {
    const estate = recordedEstate();
    const all = estate.findings.length;
    const log = parse(renderSarif(estate, { ...SARIF_LIMITS, maxResults: 3, maxLocationsPerResult: 1 }));
    const results = run(log).results;
    expect(results).toHaveLength(3);
    // the baseline's resolved findings are left out with the findings
    expect(results.map((result) => result.baselineState)).toEqual(['new', 'unchanged', 'unchanged']);
    expect(results.flatMap((result) => result.relatedLocations ?? [])).toEqual([]);
    expect(run(log).properties).toMatchObject({ resultsOmitted: all - 3, resultsTotal: all, resultsLimit: 3 });
    expect(run(log).invocations[0]!.toolExecutionNotifications.at(-1)).toEqual({
      level: 'warning',
      message: { text: `${all - 3} of ${all} results were left out of this SARIF log to stay within code scanning's limits (at most 3 results are kept, unsuppressed and new findings first); the JSON report (--format json) lists them all.` },
    });
    // Kept at the limit exactly: nothing omitted, and the resolved finding fills what is left.
    const exact = parse(renderSarif(estate, { ...SARIF_LIMITS, maxResults: all }));
    expect(run(exact).results).toHaveLength(all);
    expect(run(exact).properties).not.toHaveProperty('resultsOmitted');
    const roomForOne = parse(renderSarif(estate, { ...SARIF_LIMITS, maxResults: all + 1 }));
    expect(run(roomForOne).results.at(-1)).toMatchObject({ baselineState: 'absent', kind: 'pass', level: 'none' });
    // suppressed findings go last
    const withSuppressed = byPriorityOf(estate);
    expect(withSuppressed.at(-1)).toBe('suppressed');
  });

  it('halves the results until the log compresses to the upload limit', () => {
    const estate = recordedEstate();
    const all = estate.findings.length;
    // room for about half the results, not for all of them
    // the first cut halves the results and the resolved finding the full log holds
    const half = Math.floor((all + 1) / 2);
    const limit = gzipSync(renderSarif(estate, { ...SARIF_LIMITS, maxResults: half })).length + 20;
    expect(gzipSync(renderSarif(estate)).length).toBeGreaterThan(limit);
    const log = parse(renderSarif(estate, { ...SARIF_LIMITS, maxGzipBytes: limit }));
    const kept = run(log).results.length;
    expect(kept).toBe(half);
    expect(gzipSync(renderSarif(estate, { ...SARIF_LIMITS, maxGzipBytes: limit })).length).toBeLessThanOrEqual(limit);
    expect(run(log).properties).toMatchObject({ resultsOmitted: all - kept, resultsTotal: all });
    // A limit no log meets: every result left out, the log still written.
    const none = parse(renderSarif(estate, { ...SARIF_LIMITS, maxGzipBytes: 10 }));
    expect(run(none).results).toEqual([]);
    expect(run(none).properties).toMatchObject({ resultsOmitted: all });
  });

  it('a rule from a user pack: its Markdown help is inert, and it has no azfence docs link', () => {
    const estate = recordedEstate();
    const builtIn = estate.rules[0]!;
    const user = {
      ...builtIn,
      id: 'ORG-001',
      title: 'See [the wiki](https://evil.example) @team',
      description: '<img src=x> **bold**\n\nsecond',
      help: 'Run `az x --y` #1',
      references: ['https://example.com/a_b'],
      tags: ['org'],
      remediation: { azurerm: 'Set `x` on [y](z).', arm: 'Do *it*.' },
      checks: [{ select: { type: ['A/b'] }, remediation: { azurerm: 'Other `fix`.' } }, { select: { type: ['A/c'] }, remediation: { azurerm: 'Other `fix`.' } }],
      origin: { file: 'policies/org.yaml', line: 1, builtIn: false },
    };
    const log = buildSarif({ ...estate, rules: [user], findings: [], baseline: undefined });
    const rule = run(log).tool.driver.rules[0]!;
    expect(rule.name).toBe('SeeTheWikiHttpsEvilExampleTeam');
    expect(rule.shortDescription.text).toBe(user.title);
    expect(rule.help.markdown).toBe(
      [
        '**See \\[the wiki\\](https:&#8203;//evil.example) @&#8203;team** (' + builtIn.severity + ')',
        '',
        '&lt;img src=x> \\*\\*bold\\*\\*',
        '',
        'second',
        '',
        'Run `az x --y` #&#8203;1',
        '',
        '**Remediation**',
        '',
        '- **Terraform (azurerm):** Set `x` on \\[y\\](z).',
        '- **ARM / Azure CLI:** Do \\*it\\*.',
        '',
        'For A/b, A/c:',
        '',
        '- **Terraform (azurerm):** Other `fix`.',
        '',
        '**References**',
        '',
        '- https:&#8203;//example.com/a\\_b',
      ].join('\n'),
    );
    expect(rule.help.text).toBe('<img src=x> **bold**\n\nsecond\nRun `az x --y` #1\nRemediation:\nazurerm: Set `x` on [y](z).\narm: Do *it*.\nRemediation for A/b, A/c:\nazurerm: Other `fix`.\nhttps://example.com/a_b');
    expect(rule).not.toHaveProperty('helpUri');
    expect(rule.properties).not.toHaveProperty('docs');
    expect(rule.properties.tags).toEqual(['security', 'azure', 'network-isolation', builtIn.pack.toLowerCase(), 'org']);
  });

  it('levels and GitHub severities per severity; unknown findings are notes', () => {
    const estate = recordedEstate();
    const rules = (['critical', 'high', 'medium', 'low'] as const).map((severity, i) => ({ ...estate.rules[0]!, id: `R-${i}`, severity, tags: [] }));
    const findings = rules.flatMap((rule) => [
      findingOf(estate, 'AZF-POOL-001', { ruleId: rule.id, severity: rule.severity, status: 'fail', suppression: undefined, baseline: undefined }),
      findingOf(estate, 'AZF-POOL-001', { ruleId: rule.id, severity: rule.severity, status: 'unknown', suppression: undefined, baseline: undefined }),
    ]);
    const log = buildSarif({ ...estate, rules, findings, baseline: undefined });
    expect(run(log).tool.driver.rules.map((rule) => [rule.defaultConfiguration.level, rule.properties['security-severity'], rule.properties['problem.severity']])).toEqual([
      ['error', '9.5', 'error'],
      ['error', '8.0', 'error'],
      ['warning', '5.5', 'warning'],
      ['note', '3.0', 'recommendation'],
    ]);
    expect(run(log).results.map((result) => `${result.ruleIndex} ${result.level}`)).toEqual(['0 error', '0 note', '1 error', '1 note', '2 warning', '2 note', '3 note', '3 note']);
  });

  it('a finding: message with its fix, plan location, suppression, baseline state and properties', () => {
    const estate = recordedEstate();
    const finding = findingOf(estate, 'AZF-POOL-001', {
      message: 'name [x](https://evil) \u001b[31m',
      remediation: '',
      resource: { id: '/s/x', type: 'T/x', name: 'x', address: 'module.a.azurerm_x.b' },
      planLocation: { file: 'plan.json', line: 7, column: 2 },
      suppression: { kind: 'inSource', reason: 'why\n[a](b)', expires: '2030-01-01' },
      baseline: 'existing',
      writtenBy: { address: 'azapi_update_resource.w' },
    });
    const [result] = run(buildSarif({ ...estate, findings: [finding], baseline: undefined })).results;
    expect(result).toMatchObject({
      ruleId: 'AZF-POOL-001',
      message: { text: 'name [x] (https://evil) \\x1b[31m' },
      relatedLocations: [{ id: 1, physicalLocation: { artifactLocation: { uri: 'plan.json', uriBaseId: '%SRCROOT%' }, region: { startLine: 7, startColumn: 2 } }, message: { text: 'module.a.azurerm_x.b in the Terraform plan' } }],
      suppressions: [{ kind: 'inSource', status: 'accepted', justification: 'why\\n[a] (b)' }],
      baselineState: 'unchanged',
      properties: { status: finding.status, severity: finding.severity, resourceType: 'T/x', terraformAddress: 'module.a.azurerm_x.b', suppressionExpires: '2030-01-01', writtenBy: 'azapi_update_resource.w' },
    });
    const plain = findingOf(estate, 'AZF-POOL-001', { suppression: undefined, baseline: undefined, planLocation: { file: 'plan.json' }, resource: { id: '/s/y', type: 'T/y', name: 'y' } });
    const [other] = run(buildSarif({ ...estate, findings: [plain], baseline: undefined })).results;
    expect(other).not.toHaveProperty('suppressions');
    expect(other).not.toHaveProperty('baselineState');
    expect(other!.relatedLocations).toEqual([{ id: 1, physicalLocation: { artifactLocation: { uri: 'plan.json', uriBaseId: '%SRCROOT%' } }, message: { text: 'y in the Terraform plan' } }]);
    expect(other!.properties).toEqual({ status: plain.status, severity: plain.severity, resourceType: 'T/y' });
    expect(other!.message.text).toBe(`${plain.message} Fix: ${plain.remediation}`);
    // A finding of a rule the log does not describe points at no rule.
    expect(run(buildSarif({ ...estate, rules: [], findings: [plain], baseline: undefined })).results[0]!.ruleIndex).toBe(-1);
  });

  it('baseline findings no longer reported are absent results, named by what the baseline kept', () => {
    const estate = recordedEstate();
    const resolved = [
      { ruleId: 'AZF-POOL-001', status: 'fail' as const, resource: { id: '/s/a', name: 'a', address: 'azurerm_x.a', type: 'T/a' }, location: { file: 'old.json', line: 2 }, fingerprint: 'f1', severity: 'high' as const, message: 'was bad' },
      { ruleId: 'GONE-1', status: 'unknown' as const, resource: { id: '/s/b' }, fingerprint: 'f2' },
      { ruleId: 'GONE-1', status: 'fail' as const, resource: { id: '/s/c', name: 'c' }, location: { file: 'old.json' }, fingerprint: 'f3' },
    ];
    const results = run(buildSarif({ ...estate, findings: [], baseline: { file: 'b.json', absent: 3, resolved } })).results;
    expect(results).toEqual([
      {
        ruleId: 'AZF-POOL-001',
        ruleIndex: estate.rules.findIndex((rule) => rule.id === 'AZF-POOL-001'),
        kind: 'pass',
        level: 'none',
        message: { text: 'No longer found (was fail in the baseline): was bad' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'old.json', uriBaseId: '%SRCROOT%' }, region: { startLine: 2 } }, logicalLocations: [{ fullyQualifiedName: '/s/a', name: 'a', kind: 'resource' }] }],
        partialFingerprints: { 'azfenceFinding/v1': 'f1' },
        baselineState: 'absent',
        properties: { status: 'fail', severity: 'high', resourceType: 'T/a' },
      },
      {
        ruleId: 'GONE-1',
        kind: 'pass',
        level: 'none',
        message: { text: 'No longer found (was unknown in the baseline): /s/b' },
        locations: [{ logicalLocations: [{ fullyQualifiedName: '/s/b', kind: 'resource' }] }],
        partialFingerprints: { 'azfenceFinding/v1': 'f2' },
        baselineState: 'absent',
        properties: { status: 'unknown' },
      },
      {
        ruleId: 'GONE-1',
        kind: 'pass',
        level: 'none',
        message: { text: 'No longer found (was fail in the baseline): c' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'old.json', uriBaseId: '%SRCROOT%' } }, logicalLocations: [{ fullyQualifiedName: '/s/c', name: 'c', kind: 'resource' }] }],
        partialFingerprints: { 'azfenceFinding/v1': 'f3' },
        baselineState: 'absent',
        properties: { status: 'fail' },
      },
    ]);
    // the name the baseline kept for a Terraform resource is its address
    const named = run(buildSarif({ ...estate, findings: [], baseline: { file: 'b.json', absent: 1, resolved: [{ ...resolved[0]!, message: undefined }] } })).results[0]!;
    expect(named.message.text).toBe('No longer found (was fail in the baseline): azurerm_x.a');
  });

  it('what the configuration changed: rule overrides, a notification (a warning when it weakens the gate) and the run properties', () => {
    const estate = recordedEstate();
    const index = estate.rules.findIndex((rule) => rule.id === 'AZF-PUB-007');
    const configuration = {
      ...estate.configuration,
      rulesDisabled: ['AZF-DNS-001'],
      rulesNotRun: [{ by: 'skipCheck' as const, from: 'flag' as const, patterns: ['AZF-KATA-*'], rules: ['AZF-KATA-001'] }],
      severities: [{ rule: 'AZF-PUB-007', from: 'high' as const, to: 'low' as const }, { rule: 'NOT-LOADED', from: 'low' as const, to: 'critical' as const }],
    };
    const invocation = run(buildSarif({ ...estate, configuration })).invocations[0]!;
    expect(invocation.ruleConfigurationOverrides).toEqual([
      { descriptor: { id: 'AZF-DNS-001' }, configuration: { enabled: false } },
      { descriptor: { id: 'AZF-KATA-001' }, configuration: { enabled: false } },
      { descriptor: { id: 'AZF-PUB-007', index }, configuration: { level: 'note' } },
      { descriptor: { id: 'NOT-LOADED' }, configuration: { level: 'error' } },
    ]);
    expect(invocation.toolConfigurationNotifications).toEqual([
      { level: 'warning', message: { text: expect.stringMatching(/^Configuration .*AZF-DNS-001 disabled.*\.$/) }, locations: [{ physicalLocation: { artifactLocation: { uri: '.azfence.yaml', uriBaseId: '%SRCROOT%' } } }] },
    ]);
    const levels = (change: Partial<ScanReport['configuration']>) =>
      run(buildSarif({ ...estate, configuration: { file: undefined, rulesDisabled: [], severities: [], parameters: [], suppressions: 0, policies: [], ...change } as ScanReport['configuration'] })).invocations[0]!.toolConfigurationNotifications?.map((note) => note.level);
    expect(levels({ policies: ['org.yaml'] })).toEqual(['note']);
    expect(levels({ parameters: [{ rule: 'R', name: 'p' }] })).toEqual(['note']);
    expect(levels({ suppressions: 1 })).toEqual(['warning']);
    expect(levels({ failOn: 'critical' })).toEqual(['warning']);
    expect(levels({ rulesDisabled: ['R'] })).toEqual(['warning']);
    expect(levels({ severities: [{ rule: 'R', from: 'high', to: 'low' }] })).toEqual(['warning']);
    expect(levels({ rulesNotRun: [{ by: 'check', from: 'config', patterns: ['X*'], rules: ['Y'] }] })).toEqual(['warning']);
    expect(levels({})).toBeUndefined();
    const none = run(buildSarif({ ...estate, findings: [], baseline: undefined, configuration: { rulesDisabled: [], severities: [], parameters: [], suppressions: 0, policies: [] } }));
    expect(none.invocations[0]).not.toHaveProperty('ruleConfigurationOverrides');
    expect(none).not.toHaveProperty('properties');
    const fileOnly = run(buildSarif({ ...estate, findings: [], baseline: undefined, configuration: { file: 'c.yaml', rulesDisabled: [], severities: [], parameters: [], suppressions: 0, policies: [] } }));
    expect(fileOnly.properties).toEqual({ azfenceConfiguration: { file: 'c.yaml', rulesDisabled: [], severities: [], parameters: [], suppressions: 0, policies: [] } });
    expect(fileOnly.invocations[0]).not.toHaveProperty('toolConfigurationNotifications');
  });

  it('a scan of no input is categorised as a scan; kinds are sorted and listed once', () => {
    const estate = recordedEstate();
    expect(run(buildSarif({ ...estate, inputs: [] })).automationDetails.id).toBe('azfence/scan/');
    expect(run(buildSarif(estate)).automationDetails.id).toBe('azfence/pipeline+plan+snapshot/');
    expect(run(buildSarif({ ...estate, errors: [] })).invocations[0]!.executionSuccessful).toBe(true);
  });
});

function byPriorityOf(report: ScanReport): string[] {
  const log = buildSarif(report, { ...SARIF_LIMITS, maxResults: report.findings.length });
  return log.runs[0]!.results.map((result) => ('suppressions' in result ? 'suppressed' : 'open'));
}


const cases = (xml: string) => [...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)"[^>]*?(\/>|>\n\s*<(skipped|failure|error) (?:type="([^"]*)" )?message="([^"]*)")/g)].map((m) => ({ name: m[2], kind: m[4] ?? 'passed', type: m[5], message: m[6] }));

describe('JUnit: what a CI test tab shows', () => {
  it('a finding fails only when it fails the gate; otherwise skipped, saying why', () => {
    const report = plainEstate({ failOn: 'high', failOnUnknown: false });
    const high = report.findings.find((finding) => finding.severity === 'high' && finding.status === 'fail')!;
    const highUnknown = report.findings.find((finding) => finding.severity === 'critical' && finding.status === 'unknown') ?? report.findings.find((finding) => finding.severity === 'high' && finding.status === 'unknown')!;
    const low = report.findings.find((finding) => (finding.severity === 'low' || finding.severity === 'medium') && finding.status === 'fail')!;
    const lowUnknown: Finding = { ...low, status: 'unknown', resource: { ...low.resource, address: 'x.low_unknown' } };
    const xml = renderJunit({ ...report, findings: [high, highUnknown, low, lowUnknown] }, NOW);
    const byName = (finding: Finding) => cases(xml).find((c) => c.name === `${finding.ruleId} ${finding.resource.address ?? finding.resource.id}`)!;
    expect(byName(high)).toMatchObject({ kind: 'failure', type: high.severity });
    expect(xml).toContain(`${xmlText(`${high.message}\nFix: ${high.remediation}\nLocation: ${high.location.file}${high.location.line ? `:${high.location.line}` : ''}`)}</failure>`);
    expect(byName(highUnknown)).toMatchObject({ kind: 'skipped', message: xmlAttr(`unknown until apply (fails only with --fail-on-unknown): ${highUnknown.message}`) });
    expect(byName(low)).toMatchObject({ kind: 'skipped', message: xmlAttr(`${low.severity}, below the gate (fails at high or above): ${low.message}`) });
    expect(byName(lowUnknown)).toMatchObject({ kind: 'skipped', message: xmlAttr(`${low.severity}, unknown until apply, below the gate (fails at high or above): ${low.message}`) });
    expect(xml).toMatch(/<testsuites name="azfence" tests="\d+" failures="1" errors="0" skipped="3" /);
    // with --fail-on-unknown the unknown one fails too, typed as unknown
    const strict = renderJunit({ ...plainEstate({ failOn: 'high', failOnUnknown: true }), findings: [highUnknown] }, NOW);
    expect(cases(strict).find((c) => c.kind === 'failure')).toMatchObject({ type: `${highUnknown.severity} unknown`, message: xmlAttr(highUnknown.message) });
    // --fail-on none
    const off = renderJunit({ ...plainEstate({ failOn: 'none', failOnUnknown: false }), findings: [high] }, NOW);
    expect(cases(off).find((c) => c.kind === 'skipped')!.message).toBe(xmlAttr(`${high.severity}, not failing: findings never fail this run (--fail-on none): ${high.message}`));
    // without a gate from the command line, the configuration's (or the default, high)
    const fromConfig = renderJunit({ ...plainEstate(), config: { failOn: 'low' }, findings: [low] }, NOW);
    expect(cases(fromConfig).find((c) => c.name.startsWith(low.ruleId))!.kind).toBe('failure');
    const byDefault = renderJunit({ ...plainEstate(), findings: [low] }, NOW);
    expect(cases(byDefault).find((c) => c.name.startsWith(low.ruleId))!.message).toContain('below the gate (fails at high or above)');
  });

  it('two findings of one rule on one resource are told apart by their check; suppressed and baseline ones say so', () => {
    const report = plainEstate({ failOn: 'low', failOnUnknown: false });
    const one = report.findings.find((finding) => finding.resource.address)!;
    const findings: Finding[] = [
      { ...one, checkIndex: 0 },
      { ...one, checkIndex: 2 },
      { ...one, resource: { ...one.resource, address: 'a.suppressed' }, suppression: { kind: 'inSource', reason: 'accepted <risk>' } },
      { ...one, resource: { ...one.resource, address: 'a.old' }, baseline: 'existing' },
    ];
    const got = cases(renderJunit({ ...report, findings }, NOW)).filter((c) => c.name.startsWith(`${one.ruleId} `) && c.kind !== 'passed');
    expect(got.map(({ name, kind, message }) => [name, kind, kind === 'skipped' ? message : ''])).toEqual([
      [`${one.ruleId} ${one.resource.address} (check 1)`, 'failure', ''],
      [`${one.ruleId} ${one.resource.address} (check 3)`, 'failure', ''],
      [`${one.ruleId} a.suppressed`, 'skipped', 'suppressed: accepted &lt;risk&gt;'],
      [`${one.ruleId} a.old`, 'skipped', 'in the baseline'],
    ]);
  });

  it('suites per pack with counts and times, rules without findings pass, unread files and errors have suites of their own', () => {
    const report = plainEstate({ failOn: 'high', failOnUnknown: true });
    const packs = [...new Set(report.rules.map((rule) => rule.pack))];
    const xml = renderJunit({ ...report, findings: [], skipped: [{ file: 'a/b"c.txt', reason: 'not an input <kind>' }], errors: [{ file: 'x.json', line: 3, message: 'broken & truncated' }], stats: { ...report.stats, durationMs: 3000 } }, NOW);
    const suites = [...xml.matchAll(/<testsuite name="([^"]*)" tests="(\d+)" failures="(\d+)" errors="(\d+)" skipped="(\d+)" time="([^"]*)" timestamp="([^"]*)"/g)].map((m) => m.slice(1));
    const share = (3000 / 1000 / (packs.length + 1)).toFixed(3);
    expect(suites).toEqual([
      ...packs.map((pack) => [`azfence ${pack}`, String(report.rules.filter((rule) => rule.pack === pack).length), '0', '0', '0', share, '2026-03-04T05:06:04']),
      ['azfence not scanned', '1', '0', '0', '1', '0.000', '2026-03-04T05:06:04'],
      ['azfence errors', '1', '0', '1', '0', share, '2026-03-04T05:06:04'],
    ]);
    expect(xml).toContain(`<testsuites name="azfence" tests="${report.rules.length + 2}" failures="0" errors="1" skipped="1" time="3.000" timestamp="2026-03-04T05:06:04">`);
    expect(xml).toContain('<testcase classname="azfence.input" name="a/b&quot;c.txt" file="a/b&quot;c.txt" time="0">\n      <skipped message="not an input &lt;kind&gt;"/>');
    expect(xml).toContain('<testcase classname="azfence.input" name="x.json:3: broken &amp; truncated" time="0">\n      <error message="x.json:3: broken &amp; truncated"/>');
    const rule = report.rules[0]!;
    expect(xml).toContain(`<testcase classname="${rule.id}" name="${xmlAttr(`${rule.id} ${rule.title}`)}" time="0"/>`);
    // No configuration file and nothing changed: no properties at all. Without errors, time is shared by packs only.
    expect(xml).not.toContain('<properties>');
    const quiet = renderJunit({ ...report, findings: [], stats: { ...report.stats, durationMs: 3000 } }, NOW);
    expect(quiet).toContain(`time="${(3 / packs.length).toFixed(3)}"`);
    expect(quiet).not.toContain('azfence errors');
    expect(quiet).not.toContain('azfence not scanned');
  });

  it('the configuration, as properties of every suite', () => {
    const report = plainEstate({ failOn: 'medium', failOnUnknown: true });
    const configuration = {
      ...report.configuration,
      rulesDisabled: ['AZF-DNS-001', 'AZF-DNS-002'],
      severities: [{ rule: 'AZF-PUB-007', from: 'high' as const, to: 'low' as const }],
      parameters: [{ rule: 'AZF-EGR-001', name: 'fqdns' }],
      suppressions: 2,
      failOn: 'medium' as const,
      failOnUnknown: true,
      rulesNotRun: [{ by: 'check' as const, from: 'flag' as const, patterns: ['AZF-PUB-*'], rules: ['AZF-KATA-001', 'AZF-KATA-002'] }],
    };
    const xml = renderJunit({ ...report, configuration, findings: [] }, NOW);
    const properties = xml.slice(xml.indexOf('<properties>'), xml.indexOf('</properties>'));
    expect([...properties.matchAll(/name="azfence\.configuration\.(\w+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]])).toEqual([
      ['rulesDisabled', 'AZF-DNS-001,AZF-DNS-002'],
      ['severities', 'AZF-PUB-007 high-&gt;low'],
      ['parameters', 'AZF-EGR-001 fqdns'],
      ['suppressions', '2'],
      ['failOn', 'medium'],
      ['failOnUnknown', 'true'],
      ['rulesNotRun', 'AZF-KATA-001,AZF-KATA-002'],
      ['changes', expect.stringContaining('AZF-DNS-001 disabled')],
      ['gate', 'fail on medium and unknown'],
    ]);
    const gateOnly = renderJunit({ ...report, configuration: { ...report.configuration, file: 'c.yaml', gate: { failOn: 'high', failOnUnknown: false, from: { failOn: 'default', failOnUnknown: 'default' } } }, findings: [] }, NOW);
    expect(gateOnly).toContain('<property name="azfence.configuration.file" value="c.yaml"/>');
    expect(gateOnly).toContain('<property name="azfence.configuration.gate" value="fail on high"/>');
    expect(gateOnly).not.toContain('configuration.changes');
    expect(gateOnly).not.toContain('configuration.failOn"');
  });
});

describe('the gate verdict and the counts, in words', () => {
  it('passed, failed, gate off, errors, and unknowns the gate lets through', () => {
    const report = plainEstate({ failOn: 'high', failOnUnknown: false });
    const failing = report.findings.filter((finding) => (finding.severity === 'high' || finding.severity === 'critical') && finding.status === 'fail').length;
    const unknownAbove = report.findings.filter((finding) => (finding.severity === 'high' || finding.severity === 'critical') && finding.status === 'unknown').length;
    expect(failing).toBeGreaterThan(1);
    expect(unknownAbove).toBeGreaterThan(1);
    expect(gateVerdict(report)).toEqual({ failed: true, text: `gate failed: ${failing} findings at or above high` });
    const strict = plainEstate({ failOn: 'high', failOnUnknown: true });
    expect(gateVerdict(strict)).toEqual({ failed: true, text: `gate failed: ${failing + unknownAbove} findings at or above high (${unknownAbove} unknown until apply, --fail-on-unknown)` });
    const unknownsOnly = { ...report, findings: report.findings.filter((finding) => finding.status === 'unknown') };
    expect(gateVerdict(unknownsOnly)).toEqual({ failed: false, text: `gate passed: no findings at or above high; ${unknownAbove} checks at or above high unknown until apply (they fail only with --fail-on-unknown)` });
    const oneUnknown = { ...report, findings: [report.findings.find((finding) => finding.status === 'unknown' && finding.severity === 'high')!] };
    expect(gateVerdict(oneUnknown)!.text).toBe('gate passed: no findings at or above high; 1 check at or above high unknown until apply (they fail only with --fail-on-unknown)');
    expect(gateVerdict({ ...oneUnknown, findings: [{ ...oneUnknown.findings[0]!, suppression: { kind: 'external', reason: 'r' } }] })!.text).toBe('gate passed: no findings at or above high');
    expect(gateVerdict({ ...oneUnknown, findings: [{ ...oneUnknown.findings[0]!, baseline: 'existing' }] })!.text).toBe('gate passed: no findings at or above high');
    expect(gateVerdict({ ...oneUnknown, findings: [{ ...oneUnknown.findings[0]!, severity: 'medium' }] })!.text).toBe('gate passed: no findings at or above high');
    expect(gateVerdict(plainEstate({ failOn: 'none', failOnUnknown: true }))).toEqual({ failed: false, text: 'gate passed: findings never fail this run (--fail-on none)' });
    expect(gateVerdict({ ...plainEstate({ failOn: 'none', failOnUnknown: false }), errors: [{ message: 'e' }] })).toEqual({ failed: true, text: 'gate failed: 1 error (not everything could be read and checked)' });
    const one = report.findings.find((finding) => finding.severity === 'critical' && finding.status === 'fail')!;
    expect(gateVerdict({ ...report, findings: [one], errors: [{ message: 'a' }, { message: 'b' }] })).toEqual({ failed: true, text: 'gate failed: 2 errors (not everything could be read and checked), and 1 finding at or above high' });
    expect(gateVerdict({ ...report, findings: [{ ...one, baseline: 'new' }], baseline: { file: 'b.json', absent: 0, resolved: [] } })!.text).toBe('gate failed: 1 new finding at or above high');
    expect(gateVerdict(plainEstate())).toBeUndefined();
  });

  it('the summary line counts what each number says, in the singular for one', () => {
    const report = plainEstate();
    const one: ScanReport = {
      ...report,
      inputs: [{ file: 'a.json', kind: 'plan', resources: 1, unmapped: 0 }],
      skipped: [{ file: 'b.txt', reason: 'r' }],
      findings: [{ ...report.findings[0]!, status: 'fail', suppression: { kind: 'external', reason: 'r' } }, { ...report.findings[0]!, status: 'unknown', baseline: 'new' }],
      stats: { ...report.stats, resources: 1, evaluated: 1, checksPassed: 1 },
      errors: [{ message: 'e' }],
      baseline: { file: 'b.json', absent: 4, resolved: [] },
    };
    expect(summaryLine(summarize(one))).toBe('1 input file; 1 file not scanned; 1 resource read, 1 checked by a rule; 1 check passed, 0 failed, 1 unknown until apply; 1 finding suppressed; 1 new since the baseline (0 already in it, 4 fixed); 1 error');
    const many = { ...one, inputs: [...one.inputs, { file: 'c.json', kind: 'plan' as const, resources: 2, unmapped: 3 }], skipped: [...one.skipped, ...one.skipped], errors: [{ message: 'e' }, { message: 'f' }], findings: [...one.findings, ...one.findings] };
    expect(summaryLine(summarize(many))).toBe('2 input files; 2 files not scanned; 4 resources read, 1 checked by a rule; 1 check passed, 0 failed, 2 unknown until apply; 2 findings suppressed; 2 new since the baseline (0 already in it, 4 fixed); 2 errors');
    expect(summaryLine(summarize({ ...report, inputs: [], findings: [], stats: { ...report.stats, resources: 0, evaluated: 0, checksPassed: 0 } }))).toBe('0 input files; 0 resources read, 0 checked by a rule; 0 checks passed, 0 failed, 0 unknown until apply');
    const counts = summarize({ ...report, findings: [{ ...report.findings[0]!, severity: 'low', status: 'unknown', pack: 'ORG' }, { ...report.findings[0]!, severity: 'low', status: 'fail', pack: 'ORG', suppression: { kind: 'external', reason: 'r' } }] });
    expect(counts.bySeverity.low).toEqual({ fail: 0, unknown: 1 });
    expect(counts.byPack).toEqual({ ORG: { fail: 0, unknown: 1 } });
    expect(counts.rules).toBe(report.rules.length);
  });
});

describe('Markdown: a pull-request comment', () => {
  it('the verdict first, new findings before baseline ones, the top N of them and what was left out', () => {
    const estate = recordedEstate();
    const report: ScanReport = { ...estate, configuration: { ...estate.configuration, gate: { failOn: 'high', failOnUnknown: false, from: { failOn: 'config', failOnUnknown: 'default' } } }, errors: [] };
    const md = renderMarkdown(report, 3);
    const lines = md.split('\n');
    expect(lines.slice(0, 3)).toEqual(['## azfence', '', `**:x: ${markdownText(gateVerdict(report)!.text)}**`]);
    expect(md).toContain(`### Findings (top 3 of ${estate.findings.filter((finding) => !finding.suppression).length})`);
    const table = lines.slice(lines.findIndex((line) => line.startsWith('### Findings')));
    const rows = table.slice(0, table.findIndex((line, i) => i > 0 && line.startsWith('###'))).filter((line) => /^\| (critical|high|medium|low)[ |]/.test(line));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^\| \w+ \(\*\*new\*\*\) \|/);
    expect(rows[1]).toMatch(/^\| \w+ \(baseline\) \|/);
    const passed = renderMarkdown({ ...plainEstate({ failOn: 'none', failOnUnknown: false }) });
    expect(passed.split('\n')[2]).toBe('**:white_check_mark: gate passed: findings never fail this run (--fail-on none)**');
    const unknown = plainEstate().findings.find((finding) => finding.status === 'unknown')!;
    const one = renderMarkdown({ ...plainEstate(), findings: [unknown] });
    expect(one).toContain(`| ${unknown.severity} (unknown) | ${unknown.ruleId} |`);
    expect(one).toContain('### Findings\n');
    expect(one).not.toContain('**:');
    expect(one).not.toContain(' · ');
  });

  it('resolved, suppressed, not scanned, warnings and errors each in a section of their own', () => {
    const estate = plainEstate();
    const finding = estate.findings[0]!;
    const resolved = Array.from({ length: 4 }, (_, i) => ({ ruleId: `R-${i}`, status: 'fail' as const, resource: { id: `/s/${i}`, ...(i === 1 ? { name: `n${i}` } : {}), ...(i === 2 ? { address: `a.b${i}` } : {}) }, ...(i === 0 ? { location: { file: 'old.json', line: 3 }, severity: 'high' as const, message: 'was `bad`' } : i === 1 ? { location: { file: 'old.json' } } : {}), fingerprint: `f${i}` }));
    const report: ScanReport = {
      ...estate,
      findings: [{ ...finding, suppression: { kind: 'inSource', reason: 'known | risk', expires: '2030-01-01' } }, { ...finding, suppression: { kind: 'external', reason: 'other' } }],
      baseline: { file: 'b.json', absent: 4, resolved },
      skipped: [{ file: 'x|y.txt', reason: 'not *an* input' }],
      warnings: [{ file: 'w.tf', line: 2, message: 'no reason given' }],
      errors: [{ file: 'e.json', message: '<bad>' }],
    };
    const md = renderMarkdown(report, 3);
    expect(md).toContain('No findings apart from suppressed ones.');
    expect(md).toContain('**0 new** since the baseline · 0 already in it · 4 fixed · 2 suppressed');
    expect(md).toContain(
      [
        '### Resolved since the baseline (4)',
        '',
        '| Severity | Rule | Resource | Was |',
        '| --- | --- | --- | --- |',
        '| high | R-0 | `/s/0`<br>old.json:3 | fail: was `bad` |',
        '|  | R-1 | `n1`<br>old.json | fail |',
        '|  | R-2 | `a.b2` | fail |',
        '',
        '1 more in the JSON report (resolved[]).',
      ].join('\n'),
    );
    expect(md).toContain(
      [
        '<details><summary>Suppressed (2)</summary>',
        '',
        '| Rule | Resource | Kind | Reason |',
        '| --- | --- | --- | --- |',
        `| ${finding.ruleId} | ${markdownCode(finding.resource.address ?? finding.resource.name)}<br>${markdownText(`${finding.location.file}${finding.location.line ? `:${finding.location.line}` : ''}`)} | in source | known \\| risk (until 2030-01-01) |`,
        `| ${finding.ruleId} | ${markdownCode(finding.resource.address ?? finding.resource.name)}<br>${markdownText(`${finding.location.file}${finding.location.line ? `:${finding.location.line}` : ''}`)} | config | other |`,
        '',
        '</details>',
      ].join('\n'),
    );
    expect(md).toContain('### Not scanned\n\n- x\\|y.txt: not \\*an\\* input');
    expect(md).toContain('### Warnings\n\n- w.tf:2: no reason given');
    expect(md.endsWith('### Errors\n\n- e.json: &lt;bad>\n')).toBe(true);
    const empty = renderMarkdown({ ...estate, findings: [] });
    expect(empty).toContain('\nNo findings.\n');
    expect(empty).not.toContain('###');
    expect(empty).not.toContain('**Configuration**');
  });
});

describe('the table: what a terminal shows', () => {
  it('no findings, suppressed ones apart, files not scanned and resolved findings listed, the verdict last', () => {
    const estate = plainEstate({ failOn: 'high', failOnUnknown: false });
    const finding = estate.findings[0]!;
    const report: ScanReport = {
      ...estate,
      findings: [{ ...finding, suppression: { kind: 'inSource', reason: 'known\u001b[31m', expires: '2030-01-01' } }, { ...finding, location: { file: 'f.tf' }, suppression: { kind: 'external', reason: 'other' } }],
      skipped: [{ file: 'a\u0007.txt', reason: 'not an input' }],
      baseline: { file: 'b.json', absent: 2, resolved: [{ ruleId: 'R-1', status: 'fail', resource: { id: '/s/1' }, fingerprint: 'f' }, { ruleId: 'R-2', status: 'unknown', resource: { id: '/s/2', name: 'two' }, location: { file: 'o.json', line: 4 }, fingerprint: 'g' }] },
    };
    const name = finding.resource.address ?? finding.resource.name;
    expect(renderTable(report, 120).split('\n')).toEqual([
      'No findings (apart from suppressed ones).',
      'Suppressed (2):',
      `  ${finding.ruleId} ${name} (${finding.location.file}${finding.location.line ? `:${finding.location.line}` : ''}): known\\x1b[31m [until 2030-01-01]`,
      `  ${finding.ruleId} ${name} (f.tf): other`,
      'Not scanned (1):',
      '  a\\x07.txt: not an input',
      'Resolved since the baseline (2):',
      '  R-1 /s/1: was fail',
      '  R-2 two (o.json:4): was unknown',
      summaryLine(summarize(report)),
      'gate passed: no findings at or above high',
      '',
    ]);
    expect(renderTable({ ...estate, findings: [] }, 120)).toBe(`No findings.\n${summaryLine(summarize({ ...estate, findings: [] }))}\ngate passed: no findings at or above high\n`);
    const coloured = renderTable({ ...estate, findings: [] }, 120, { color: true });
    expect(coloured.endsWith('\u001b[32mgate passed: no findings at or above high\u001b[0m\n')).toBe(true);
    const failed = renderTable({ ...estate, findings: [{ ...finding, severity: 'critical', status: 'fail' }] }, 120, { color: true });
    expect(failed).toContain('\u001b[1;31mgate failed: 1 finding at or above high\u001b[0m\n');
    expect(failed).toContain('\u001b[1;31mcritical\u001b[0m');
  });

  it('--quiet lists only what fails the gate, without the suppressed list', () => {
    const estate = recordedEstate();
    const failing = gateFailures(estate.findings, { failOn: 'critical', failOnUnknown: false });
    const text = renderTable(estate, 140, { only: failing });
    expect(text).not.toContain('Suppressed (');
    expect([...new Set([...text.matchAll(/│ (AZF-[A-Z]+-\d{3})/g)].map((m) => m[1]))]).toEqual([...new Set(failing.map((finding) => finding.ruleId))]);
  });

  it('rows: severity with unknown and baseline marks, the resource and its file, the finding and its fix; columns fit the width', () => {
    const estate = plainEstate();
    const finding: Finding = { ...estate.findings[0]!, severity: 'medium', status: 'unknown', baseline: 'existing', resource: { ...estate.findings[0]!.resource, address: 'module.network.azurerm_private_endpoint.very_long_name_for_a_vault' }, location: { file: 'modules/network/endpoints.tf', line: 12 }, message: 'x'.repeat(150), remediation: 'Set `y`.' };
    const text = renderTable({ ...estate, findings: [finding, { ...finding, remediation: '', baseline: undefined, status: 'fail', location: { file: 'a.tf' } }] }, 100);
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^│ Severity +│ Rule +│ Resource +│ Finding +│$/);
    // Severity column 11 wide, rule 14, resource the longest name up to 46 (+2), the finding the rest
    // the finding column keeps 40 characters even when the resource column takes the rest of the width
    expect(lines[0]).toBe(`┌${'─'.repeat(11)}┬${'─'.repeat(14)}┬${'─'.repeat(48)}┬${'─'.repeat(40)}┐`);
    // short names: the resource column is 20 (+2) wide and the finding column takes what is left of 100
    const short = renderTable({ ...estate, findings: [{ ...finding, resource: { ...finding.resource, address: 'a.b' }, location: { file: 'a.tf' } }] }, 100).split('\n');
    expect(short[0]).toBe(`┌${'─'.repeat(11)}┬${'─'.repeat(14)}┬${'─'.repeat(22)}┬${'─'.repeat(100 - 11 - 14 - 22 - 6)}┐`);
    expect(short.filter((line) => /^[┌│├└]/.test(line)).every((line) => line.length <= 100)).toBe(true);
    // narrower than 100 is laid out at 100
    expect(renderTable({ ...estate, findings: [{ ...finding, resource: { ...finding.resource, address: 'a.b' }, location: { file: 'a.tf' } }] }, 60).split('\n')[0]).toBe(short[0]);
    expect(text).toContain('│ medium    │');
    expect(text).toContain('│ unknown   │');
    expect(text).toContain('│ baseline  │');
    expect(text).toContain('module.network.azurerm_private_endpoint.');
    expect(text).toContain('very_long_name_for_a_vault');
    expect(text).toContain('modules/network/endpoints.tf:12');
    expect(text).toContain('Fix: Set `y`.');
    expect(text.match(/Fix:/g)).toHaveLength(1);
    expect(text).toContain('│ a.tf ');
  });

  it('breaks identifiers after a dot or slash, and never between the halves of a surrogate pair', () => {
    expect(wrapIdentifier('module.network.azurerm_private_endpoint.vault', 20)).toBe('module.network.\nazurerm_private_endp\noint.vault');
    expect(wrapIdentifier('a/b/c', 3)).toBe('a/\nb/c');
    expect(wrapIdentifier('abcdefgh', 3)).toBe('abc\ndef\ngh');
    expect(wrapIdentifier('ab😀cd', 3)).toBe('ab\n😀c\nd');
    expect(wrapIdentifier('', 3)).toBe('');
    expect(wrapIdentifier('a.b', 1)).toBe('a\n.\nb');
  });
});

describe('HTML: the verdict and the sections a reader opens', () => {
  const title = (html: string) => /<title>azfence report: ([^<]*)<\/title>/.exec(html)![1];
  const verdict = (html: string) => /<p class="verdict verdict-(\w+)" id="verdict">([^<]*)<\/p>/.exec(html)!.slice(1);
  it('error, failed, passed and gate off, as the exit code decides', () => {
    const estate = recordedEstate();
    expect(verdict(renderHtml(estate))).toEqual(['error', 'Gate: error. 1 input or check could not be read (exit 2): the findings below are not the whole estate.']);
    expect(verdict(renderHtml({ ...estate, errors: [{ message: 'a' }, { message: 'b' }] }))[1]).toBe('Gate: error. 2 inputs or checks could not be read (exit 2): the findings below are not the whole estate.');
    const report = plainEstate({ failOn: 'critical', failOnUnknown: false });
    const critical = report.findings.filter((finding) => finding.severity === 'critical' && finding.status === 'fail').length;
    const html = renderHtml(report);
    expect(verdict(html)).toEqual(['fail', `Gate: failed. ${critical} findings at critical or above.`]);
    expect(title(html)).toBe(`failed (${critical})`);
    const one = { ...report, findings: [report.findings.find((finding) => finding.severity === 'critical' && finding.status === 'fail')!], baseline: { file: 'b.json', absent: 0, resolved: [] } };
    expect(verdict(renderHtml({ ...one, findings: [{ ...one.findings[0]!, baseline: 'new' as const }] }))[1]).toBe('Gate: failed. 1 finding at critical or above, new since the baseline.');
    expect(verdict(renderHtml({ ...one, findings: [] }))).toEqual(['pass', 'Gate: passed. Nothing fails at critical or above that is new since the baseline.']);
    expect(verdict(renderHtml({ ...plainEstate({ failOn: 'medium', failOnUnknown: true }), findings: [] }))).toEqual(['pass', 'Gate: passed. Nothing fails at medium or above, unknowns included.']);
    const off = renderHtml(plainEstate({ failOn: 'none', failOnUnknown: false }));
    expect(verdict(off)).toEqual(['pass', 'Gate: passed. The gate is off (fail-on none): findings are reported, none fails the run.']);
    expect(title(off)).toBe('passed (gate off)');
    expect(title(renderHtml({ ...plainEstate(), config: { failOn: 'none' } }))).toBe('passed (gate off)');
    expect(title(renderHtml({ ...plainEstate(), findings: [] }))).toBe('passed');
  });

  it('no baseline, no suppression, nothing read: the sections that would be empty are left out', () => {
    const html = renderHtml({ ...plainEstate(), findings: [], inputs: [] });
    expect(html).not.toContain('changes-heading');
    expect(html).not.toContain('filter-change');
    expect(html).not.toContain('rules-heading');
    expect(html).not.toContain('inputs-heading');
    expect(html).not.toContain('errors-heading');
    expect(html).not.toContain('warnings-heading');
    expect(html).toContain('<desc id="chart-severity-desc">critical: 0 failed, 0 unknown; high: 0 failed, 0 unknown; medium: 0 failed, 0 unknown; low: 0 failed, 0 unknown</desc>');
    expect(html).toContain('<desc id="chart-pack-desc">no findings</desc>');
    const baseline = renderHtml({ ...plainEstate(), findings: [], baseline: { file: 'b<1>.json', absent: 0, resolved: [] } });
    expect(baseline).toContain('<p>Compared with <code>b&lt;1&gt;.json</code>: <strong>0 new</strong>, 0 already in it, 0 resolved.</p>\n<p>Nothing the baseline held is gone.</p>');
    expect(baseline).toContain('<select id="filter-change" data-filter="change"><option value="">All</option><option value="new">new</option><option value="existing">existing</option></select>');
  });

  it('a user rule\'s references stay text; a built-in rule\'s https references are links', () => {
    const estate = plainEstate();
    const finding = estate.findings[0]!;
    const rule = estate.rules.find((candidate) => candidate.id === finding.ruleId)!;
    const user = { ...rule, references: ['https://example.com/x', 'javascript:alert(1)'], origin: { ...rule.origin, builtIn: false } };
    const builtIn = { ...rule, references: ['https://example.com/x', 'http://example.com/y', 'https://a b'] };
    expect(renderHtml({ ...estate, rules: [user], findings: [finding] })).toContain('<h4>References</h4><ul><li><code>https://example.com/x</code></li><li><code>javascript:alert(1)</code></li></ul>');
    expect(renderHtml({ ...estate, rules: [builtIn], findings: [finding] })).toContain('<h4>References</h4><ul><li><a href="https://example.com/x" rel="noopener noreferrer">https://example.com/x</a></li><li><code>http://example.com/y</code></li><li><code>https://a b</code></li></ul>');
    const bare = renderHtml({ ...estate, rules: [{ ...rule, references: [], remediation: {} }], findings: [finding] });
    expect(bare).not.toContain('<h4>References</h4>');
    expect(bare).not.toContain('<h4>Fix</h4>');
  });
});

describe('HTML: the rules section', () => {
  it("shows a remediation's placeholders as named slots, as the rule docs do, never raw {detail:...}", () => {
    const html = renderHtml(recordedEstate());
    const section = html.slice(html.indexOf('id="rules-heading"'));
    expect(section.length).toBeGreaterThan(1000);
    expect([...section.matchAll(/\{(?:detail|attr|field|param|name|address|id|type|label|resourceGroup)(?::[^}]*)?\}/g)].map((match) => match[0])).toEqual([]);
    expect(section).toContain('block to &lt;resource address&gt; with the zones &lt;needed zones&gt;.');
  });
});
