import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyBaseline, baselineWarnings, FINGERPRINT_KEY, readBaseline } from '../../src/post-process/baseline.js';
import { compareFindings, SEVERITY_ORDER, type Finding } from '../../src/findings/finding.js';
import { gateFailures } from '../../src/report/fail-gate.js';
import { tempDir } from '../support/run-cli.js';

function finding(over: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'AZF-PUB-001',
    ruleTitle: 'title',
    pack: 'PUB',
    severity: 'high',
    status: 'fail',
    message: 'm',
    resource: { id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr', type: 'Microsoft.ContainerRegistry/registries', name: 'acr' },
    location: { file: 'plan.json', line: 10, column: 3 },
    inputKind: 'plan',
    dialect: 'azurerm',
    remediation: 'r',
    evidence: [],
    fingerprint: 'a'.repeat(32),
    checkIndex: 0,
    ...over,
  };
}

describe('the gate: which findings fail the run', () => {
  const critical = finding({ severity: 'critical' });
  const high = finding({ severity: 'high' });
  const medium = finding({ severity: 'medium' });
  const low = finding({ severity: 'low' });
  const highUnknown = finding({ severity: 'high', status: 'unknown' });
  const all = [critical, high, medium, low, highUnknown];

  it('failures at or above the threshold, each severity', () => {
    expect(gateFailures(all, { failOn: 'critical', failOnUnknown: false })).toEqual([critical]);
    expect(gateFailures(all, { failOn: 'high', failOnUnknown: false })).toEqual([critical, high]);
    expect(gateFailures(all, { failOn: 'medium', failOnUnknown: false })).toEqual([critical, high, medium]);
    expect(gateFailures(all, { failOn: 'low', failOnUnknown: false })).toEqual([critical, high, medium, low]);
  });
  it('unknowns only with failOnUnknown, and still only at or above the threshold', () => {
    expect(gateFailures(all, { failOn: 'high', failOnUnknown: true })).toEqual([critical, high, highUnknown]);
    expect(gateFailures(all, { failOn: 'critical', failOnUnknown: true })).toEqual([critical]);
  });
  it('none fails nothing, whatever the findings', () => {
    expect(gateFailures(all, { failOn: 'none', failOnUnknown: true })).toEqual([]);
  });
  it('suppressed findings and findings already in the baseline never fail it; new ones do', () => {
    const suppressed = finding({ severity: 'critical', suppression: { kind: 'external', reason: 'accepted' } });
    const existing = finding({ severity: 'critical', baseline: 'existing' });
    const fresh = finding({ severity: 'critical', baseline: 'new' });
    expect(gateFailures([suppressed, existing, fresh], { failOn: 'low', failOnUnknown: true })).toEqual([fresh]);
  });
  it('severities rank critical > high > medium > low', () => {
    expect(SEVERITY_ORDER).toEqual({ critical: 4, high: 3, medium: 2, low: 1 });
  });
});

describe('the order findings are reported in', () => {
  it('severity, then failures before unknowns, rule, file, line, column, resource, check', () => {
    const base = finding();
    const ordered = [
      finding({ severity: 'critical' }),
      base,
      finding({ ruleId: 'AZF-PUB-002' }),
      finding({ ruleId: 'AZF-PUB-002', location: { file: 'z.json' } }),
      finding({ ruleId: 'AZF-PUB-002', location: { file: 'z.json', line: 2 } }),
      finding({ ruleId: 'AZF-PUB-002', location: { file: 'z.json', line: 2, column: 1 } }),
      finding({ ruleId: 'AZF-PUB-002', location: { file: 'z.json', line: 2, column: 1 }, resource: { ...base.resource, id: '/z' } }),
      finding({ ruleId: 'AZF-PUB-002', location: { file: 'z.json', line: 2, column: 1 }, resource: { ...base.resource, id: '/z' }, checkIndex: 1 }),
      finding({ status: 'unknown' }),
      finding({ severity: 'low' }),
      finding({ severity: 'low', status: 'unknown' }),
    ];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        const sign = Math.sign(compareFindings(ordered[i]!, ordered[j]!));
        expect(sign, `${i} vs ${j}`).toBe(Math.sign(i - j));
      }
    }
    expect([...ordered].reverse().sort(compareFindings)).toEqual(ordered);
  });
  it('by code unit, not by locale: upper case before lower case', () => {
    const upper = finding({ ruleId: 'AZF-B' });
    const lower = finding({ ruleId: 'AZF-a' });
    expect([lower, upper].sort(compareFindings)).toEqual([upper, lower]);
    const fileUpper = finding({ location: { file: 'B.json' } });
    const fileLower = finding({ location: { file: 'a.json' } });
    expect([fileLower, fileUpper].sort(compareFindings)).toEqual([fileUpper, fileLower]);
    const idUpper = finding({ resource: { ...finding().resource, id: '/B' } });
    const idLower = finding({ resource: { ...finding().resource, id: '/a' } });
    expect([idLower, idUpper].sort(compareFindings)).toEqual([idUpper, idLower]);
  });
});

/** The message a call throws, in full: a check on part of it would pass a message that lost the file name. */
function thrown(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    return (error as Error).message;
  }
  return 'nothing thrown';
}

function write(dir: string, name: string, value: unknown): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  return name;
}

describe('reading a baseline', () => {
  it('a JSON report: open findings by fingerprint and status, with what they said', () => {
    const dir = tempDir();
    const name = write(dir, 'b.json', {
      findings: [
        { fingerprint: 'f1', status: 'fail', ruleId: 'AZF-PUB-001', title: 'T', pack: 'PUB', severity: 'high', message: 'M', resource: { id: '/r1', name: 'r1', type: 'T', address: 'a.b' }, location: { file: 'p.json', line: 4 } },
        { fingerprint: 'f2', status: 'unknown', severity: 'bogus', resource: 'x', location: { file: 'q.json', line: 0 } },
        { fingerprint: 'f3', status: 'fail', suppression: { kind: 'external', reason: 'r' } },
        { fingerprint: 'f4', status: 'passed' },
        { fingerprint: 'f5' },
        { status: 'fail' },
        'not an object',
      ],
    });
    const baseline = readBaseline(name, dir);
    expect(baseline.file).toBe('b.json');
    expect([...baseline.entries.keys()]).toEqual(['f1|fail', 'f2|unknown']);
    expect(baseline.entries.get('f1|fail')).toEqual({ ruleId: 'AZF-PUB-001', title: 'T', pack: 'PUB', severity: 'high', message: 'M', resource: { id: '/r1', name: 'r1', type: 'T', address: 'a.b' }, location: { file: 'p.json', line: 4 }, fingerprint: 'f1', status: 'fail' });
    expect(baseline.entries.get('f2|unknown')).toEqual({ ruleId: 'unknown rule', resource: { id: '' }, location: { file: 'q.json' }, fingerprint: 'f2', status: 'unknown' });
    expect([...baseline.suppressed]).toEqual(['f3|fail']);
    expect(baseline.unreadable).toBe(2);
    expect(baselineWarnings(baseline)).toEqual([{ file: 'b.json', message: '2 baseline entries have no status (fail or unknown), so they forgive nothing' }]);
  });
  it('one entry without status is said in the singular; none says nothing', () => {
    const dir = tempDir();
    expect(baselineWarnings(readBaseline(write(dir, 'one.json', { findings: [{ fingerprint: 'f' }] }), dir))).toEqual([
      { file: 'one.json', message: '1 baseline entry has no status (fail or unknown), so it forgives nothing' },
    ]);
    expect(baselineWarnings(readBaseline(write(dir, 'none.json', { findings: [] }), dir))).toEqual([]);
  });
  it('a SARIF report: partialFingerprints and properties.status; accepted suppressions apart', () => {
    const dir = tempDir();
    const result = (fingerprint: string, extra: Record<string, unknown> = {}) => ({
      ruleId: 'AZF-DNS-001',
      message: { text: 'Private endpoint pe1 has no zone group. Fix: add one\nand more' },
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
      properties: { status: 'fail', severity: 'medium', resourceType: 'Microsoft.Network/privateEndpoints', terraformAddress: 'azurerm_private_endpoint.pe1' },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: 'infra/my%20plan.json' }, region: { startLine: 12 } },
          logicalLocations: [{ fullyQualifiedName: '/subscriptions/s/pe1', name: 'pe1' }],
        },
      ],
      ...extra,
    });
    const name = write(dir, 'b.sarif', {
      runs: [
        {
          results: [
            result('s1'),
            result('s2', { suppressions: [{ kind: 'external', status: 'accepted' }] }),
            result('s3', { suppressions: [{ kind: 'inSource' }] }),
            result('s4', { suppressions: [{ kind: 'external', status: 'underReview' }] }),
            result('s5', { properties: { status: 'nope' } }),
            result('s6', { partialFingerprints: { other: 'x' } }),
            result('s7', { locations: [{ physicalLocation: { artifactLocation: { uri: 'file:///abs/path/plan.json' }, region: { startLine: -1 } } }] }),
            result('s8', { locations: [{ physicalLocation: { artifactLocation: { uri: '%E0%A4%A' } } }] }),
            'junk',
          ],
        },
        { results: 'not a list' },
        'junk',
      ],
    });
    const baseline = readBaseline(name, dir);
    expect([...baseline.entries.keys()]).toEqual(['s1|fail', 's4|fail', 's7|fail', 's8|fail']);
    expect([...baseline.suppressed]).toEqual(['s2|fail', 's3|fail']);
    expect(baseline.unreadable).toBe(1);
    expect(baseline.entries.get('s1|fail')).toEqual({
      ruleId: 'AZF-DNS-001',
      severity: 'medium',
      message: 'Private endpoint pe1 has no zone group.',
      resource: { id: '/subscriptions/s/pe1', name: 'pe1', type: 'Microsoft.Network/privateEndpoints', address: 'azurerm_private_endpoint.pe1' },
      location: { file: 'infra/my plan.json', line: 12 },
      fingerprint: 's1',
      status: 'fail',
    });
    expect(baseline.entries.get('s7|fail')?.location).toEqual({ file: '/abs/path/plan.json' });
    expect(baseline.entries.get('s7|fail')?.resource).toEqual({ id: '', type: 'Microsoft.Network/privateEndpoints', address: 'azurerm_private_endpoint.pe1' });
    // a URI that does not decode is kept as written
    expect(baseline.entries.get('s8|fail')?.location).toEqual({ file: '%E0%A4%A' });
  });
  it('a byte order mark is skipped', () => {
    const dir = tempDir();
    const name = write(dir, 'bom.json', `\uFEFF${JSON.stringify({ findings: [{ fingerprint: 'f', status: 'fail' }] })}`);
    expect([...readBaseline(name, dir).entries.keys()]).toEqual(['f|fail']);
  });
  it('refuses what is not a report, naming the file', () => {
    const dir = tempDir();
    expect(thrown(() => readBaseline(write(dir, 'text.json', 'not json'), dir))).toBe('text.json: is not JSON; --baseline expects an azfence JSON or SARIF report');
    expect(thrown(() => readBaseline(write(dir, 'other.json', { results: [] }), dir))).toBe('other.json: is neither an azfence JSON report (findings[]) nor SARIF (runs[]); --baseline expects one of them');
    expect(thrown(() => readBaseline(write(dir, 'list.json', []), dir))).toBe('list.json: is neither an azfence JSON report (findings[]) nor SARIF (runs[]); --baseline expects one of them');
    expect(thrown(() => readBaseline('missing.json', dir))).toBe('missing.json: cannot read the baseline (ENOENT)');
    mkdirSync(join(dir, 'folder.json'));
    expect(thrown(() => readBaseline('folder.json', dir))).toBe('folder.json: is a directory');
  });
});

describe('applying a baseline', () => {
  it('marks findings new or existing by fingerprint and status, and lists what is gone (not what changed status), most severe first', () => {
    const dir = tempDir();
    const name = write(dir, 'b.json', {
      findings: [
        { fingerprint: 'same', status: 'fail', ruleId: 'R1' },
        { fingerprint: 'turned', status: 'fail', ruleId: 'R2', severity: 'low' },
        { fingerprint: 'gone-low', status: 'fail', ruleId: 'R3', severity: 'low', resource: { id: '/b' } },
        { fingerprint: 'gone-high', status: 'fail', ruleId: 'R9', severity: 'high' },
        { fingerprint: 'gone-low2', status: 'fail', ruleId: 'R3', severity: 'low', resource: { id: '/a' } },
        { fingerprint: 'gone-none', status: 'unknown', ruleId: 'R0' },
        { fingerprint: 'gone-low3', status: 'fail', ruleId: 'R2', severity: 'low', resource: { id: '/z' } },
        { fingerprint: 'sup', status: 'fail', suppression: { kind: 'external', reason: 'x' } },
        { fingerprint: 'sup2', status: 'fail', suppression: { kind: 'external', reason: 'x' } },
      ],
    });
    const same = finding({ fingerprint: 'same' });
    const turned = finding({ fingerprint: 'turned', status: 'unknown' });
    const fresh = finding({ fingerprint: 'fresh' });
    const stillSuppressed = finding({ fingerprint: 'sup', suppression: { kind: 'inSource', reason: 'y' } });
    const noLongerSuppressed = finding({ fingerprint: 'sup2' });
    const { absent, resolved } = applyBaseline([same, turned, fresh, stillSuppressed, noLongerSuppressed], readBaseline(name, dir));
    expect([same, turned, fresh, stillSuppressed, noLongerSuppressed].map((f) => f.baseline)).toEqual(['existing', 'new', 'new', 'existing', 'new']);
    // 'turned' failed in the baseline and is unknown now: a new unknown, and not a fixed failure.
    expect(resolved.map((entry) => entry.fingerprint)).toEqual(['gone-high', 'gone-low3', 'gone-low2', 'gone-low', 'gone-none']);
    expect(absent).toBe(5);
  });
  it('gone findings of one severity are listed by rule, then resource, then fingerprint, by code unit, whatever order the baseline held them in', () => {
    const gone = [
      { fingerprint: 'f-r3-b-2', ruleId: 'R3', resource: { id: '/b' } },
      { fingerprint: 'f-r2-z', ruleId: 'R2', resource: { id: '/z' } },
      { fingerprint: 'f-r3-b-1', ruleId: 'R3', resource: { id: '/b' } },
      { fingerprint: 'f-r10-y', ruleId: 'R10', resource: { id: '/y' } },
      { fingerprint: 'f-r3-a', ruleId: 'R3', resource: { id: '/a' } },
      { fingerprint: 'f-r1-m', ruleId: 'R1', resource: { id: '/m' } },
    ].map((entry) => ({ ...entry, status: 'fail', severity: 'medium' }));
    // 'R10' sorts before 'R2' (code units, as the rest of the report does); '/a' before '/b' decides between two R3 entries.
    const expected = ['f-r1-m', 'f-r10-y', 'f-r2-z', 'f-r3-a', 'f-r3-b-1', 'f-r3-b-2'];
    const dir = tempDir();
    for (const [index, order] of [gone, [...gone].reverse()].entries()) {
      const { resolved } = applyBaseline([], readBaseline(write(dir, `order-${index}.json`, { findings: order }), dir));
      expect(resolved.map((entry) => entry.fingerprint)).toEqual(expected);
    }
  });
});

describe('reading a baseline: entries of every shape', () => {
  it('SARIF results keyed by the fingerprint name azfence writes, with parts missing or odd', () => {
    const dir = tempDir();
    const base = { partialFingerprints: { 'azfenceFinding/v1': 'x' }, properties: { status: 'fail' } };
    const name = write(dir, 'odd.sarif', {
      runs: [
        {},
        { results: 5 },
        {
          results: [
            null,
            { ...base, partialFingerprints: { 'azfenceFinding/v1': 'bare' } },
            { ...base, partialFingerprints: { 'azfenceFinding/v1': 'two' }, suppressions: [{ kind: 'external', status: 'rejected' }, { kind: 'inSource', status: 'accepted' }] },
            { ...base, partialFingerprints: { 'azfenceFinding/v1': 'colon' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'my%20file:plan.json' } } }] },
            { ...base, partialFingerprints: { 'azfenceFinding/v1': 'nouri' }, locations: [{ physicalLocation: { region: { startLine: 3 } } }] },
          ],
        },
      ],
    });
    const baseline = readBaseline(name, dir);
    expect([...baseline.entries.keys()]).toEqual(['bare|fail', 'colon|fail', 'nouri|fail']);
    expect(baseline.entries.get('bare|fail')).toEqual({ ruleId: 'unknown rule', resource: { id: '' }, fingerprint: 'bare', status: 'fail' });
    expect([...baseline.suppressed]).toEqual(['two|fail']);
    expect(baseline.entries.get('colon|fail')?.location).toEqual({ file: 'my file:plan.json' });
    expect(baseline.entries.get('nouri|fail')).not.toHaveProperty('location');
  });
  it('JSON findings: fields of the wrong type are left out, not copied', () => {
    const dir = tempDir();
    const name = write(
      dir,
      'odd.json',
      // a U+FEFF inside the text is data: only a leading one is a byte order mark
      `${JSON.stringify({
        findings: [
          null,
          { fingerprint: 'typed', status: 'fail', ruleId: 7, title: 5, pack: ['P'], message: { text: 'm' }, resource: { id: 9, name: 'n\uFEFFame' }, location: { file: 'f.json', line: 1.5 } },
          { fingerprint: 'nofile', status: 'fail', location: { line: 3 } },
          { fingerprint: 'strline', status: 'fail', location: { file: 'g.json', line: '4' } },
        ],
      })}`,
    );
    const baseline = readBaseline(name, dir);
    expect(baseline.entries.get('typed|fail')).toEqual({ ruleId: 'unknown rule', resource: { id: '', name: 'n\uFEFFame' }, location: { file: 'f.json' }, fingerprint: 'typed', status: 'fail' });
    expect(baseline.entries.get('nofile|fail')).toEqual({ ruleId: 'unknown rule', resource: { id: '' }, fingerprint: 'nofile', status: 'fail' });
    expect(baseline.entries.get('strline|fail')?.location).toEqual({ file: 'g.json' });
  });
});
