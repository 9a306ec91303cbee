import { describe, expect, it, vi } from 'vitest';
import { buildPlan, buildSnapshot } from '../support/materialize.js';
import { errorLines, inBatches, runBoundedAsync, tempDir, writeText, type BoundedRun } from './support.js';

/**
 * Broken and hostile JSON: each is a one-line error with exit 2, or a correct scan; never a hang, a crash
 * or an internal error. Every file is read by both readers: the in-memory one and the streaming one
 * (AZFENCE_STREAM_ABOVE_BYTES=1 forces it), which must agree.
 */
type Json = Record<string, any>;
const READERS = [{ name: 'in memory', env: {} }, { name: 'streamed', env: { AZFENCE_STREAM_ABOVE_BYTES: '1' } }] as const;

function registryPlan(values: Record<string, unknown> = {}): Json {
  return buildPlan({ azurerm: [{ type: 'azurerm_container_registry', name: 'acr', values: { name: 'acrhostile', sku: 'Premium', public_network_access_enabled: true, ...values } }] }) as Json;
}

function expectOneLineError(run: BoundedRun, says: RegExp, label: string): void {
  expect(run.timedOut, label).toBe(false);
  expect(run.code, `${label}: ${run.stderr}`).toBe(2);
  expect(errorLines(run.stderr), label).toHaveLength(1);
  expect(run.stderr, label).toMatch(/^azfence: error: /);
  expect(run.stderr, label).not.toMatch(/internal error|\n\s+at /);
  expect(run.stderr, label).toMatch(says);
}

async function scanBoth(dir: string, file: string, extra: string[] = [], timeoutMs = 60_000): Promise<Array<{ reader: string; run: BoundedRun }>> {
  return inBatches(READERS.map((reader) => async () => ({ reader: reader.name, run: await runBoundedAsync(['scan', file, '--format', 'json', ...extra], { cwd: dir, env: reader.env, timeoutMs }) })), 2);
}

function findingsOf(run: BoundedRun): string[] {
  return (JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; status: string }> }).findings.map((finding) => `${finding.ruleId}:${finding.status}`).sort();
}

describe('truncated and invalid JSON', () => {
  it('a plan cut at any of 12 points is "truncated", one line, exit 2', { timeout: 300_000 }, async () => {
    const dir = tempDir();
    const text = JSON.stringify(registryPlan(), null, 1);
    const tasks = [];
    for (let i = 1; i <= 12; i++) {
      const cut = Math.floor((text.length * i) / 13);
      const file = writeText(dir, `cut-${i}.json`, text.slice(0, cut));
      tasks.push(async () => ({ i, both: await scanBoth(dir, file) }));
    }
    // Each message names its own file, and says what a cut file is: truncated.
    for (const { i, both } of await inBatches(tasks, 3)) for (const { reader, run } of both) expectOneLineError(run, new RegExp(`^azfence: error: cut-${i}\\.json: is truncated JSON \\(the file ends before the document does\\)$`, 'm'), `cut ${i} (${reader})`);
  });

  it('invalid JSON: trailing comma, single quotes, NaN, comments, a control character, garbage after the document', { timeout: 300_000 }, async () => {
    const dir = tempDir();
    const good = JSON.stringify(registryPlan());
    const cases: Record<string, string> = {
      'trailing-comma.json': good.replace(/}$/, ',}'),
      'single-quotes.json': good.replace('"format_version"', "'format_version'"),
      'nan.json': good.replace('"applyable":true', '"applyable":NaN'),
      'comment.json': good.replace('{', '{ // a comment\n'),
      'control-char.json': good.replace('acrhostile', 'acr\u0001hostile'),
      'trailing-garbage.json': `${good} {}`,
    };
    const tasks = Object.entries(cases).map(([name, content]) => async () => ({ name, both: await scanBoth(dir, writeText(dir, name, content)) }));
    for (const { name, both } of await inBatches(tasks, 3)) for (const { reader, run } of both) expectOneLineError(run, new RegExp(`${name.replace('.', '\\.')}(:\\d+)?: is (not valid JSON|truncated JSON)`), `${name} (${reader})`);
  });
});

describe('encodings', () => {
  const text = JSON.stringify(registryPlan());
  const utf16be = (value: string): Buffer => Buffer.from(value, 'utf16le').swap16();
  const files: Record<string, Buffer> = {
    'utf8-bom.json': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
    'utf16le-bom.json': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    'utf16be-bom.json': Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]),
    'utf16le-no-bom.json': Buffer.from(text, 'utf16le'),
    'utf16be-no-bom.json': utf16be(text),
  };
  it('UTF-8 with BOM and UTF-16 LE/BE with and without BOM scan exactly like UTF-8', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const plain = await runBoundedAsync(['scan', writeText(dir, 'utf8.json', text), '--format', 'json'], { cwd: dir });
    const expected = findingsOf(plain);
    expect(expected).toContain('AZF-PUB-001:fail');
    const runs = await inBatches(Object.entries(files).map(([name, content]) => async () => ({ name, run: await runBoundedAsync(['scan', writeText(dir, name, content), '--format', 'json'], { cwd: dir }) })), 3);
    for (const { name, run } of runs) {
      expect(run.stderr, name).toBe('');
      expect(findingsOf(run), name).toEqual(expected);
    }
  });

  it('streamed: UTF-8 BOM scans; UTF-16 (never streamed in practice under 256 MB) is a one-line "convert it" error, not garbage', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    for (const [name, content] of Object.entries(files)) {
      const run = await runBoundedAsync(['scan', writeText(dir, name, content), '--format', 'json'], { cwd: dir, env: { AZFENCE_STREAM_ABOVE_BYTES: '1' } });
      if (name.startsWith('utf8')) expect(findingsOf(run), name).toContain('AZF-PUB-001:fail');
      else expectOneLineError(run, /UTF-16 text; convert it to UTF-8/, name);
    }
  });
});

describe('deeply nested JSON', () => {
  const deepObject = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
  const deepArray = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;

  it('100k levels at the top, in an azurerm block, an azapi body and a snapshot row: a correct scan', { timeout: 180_000 }, async () => {
    const dir = tempDir();
    const levels = 100_000;
    const files: Array<{ name: string; text: string; stderr?: RegExp; expect: (run: BoundedRun) => void }> = [
      // planned_values must be an object: read to its end, then refused in one line.
      { name: 'top-array.json', text: `{"format_version":"1.2","planned_values":${deepArray(levels)}}`, stderr: /^azfence: error: top-array\.json: planned_values is a list, not an object\n$/, expect: (run) => expect(run.code).toBe(2) },
      { name: 'top-object.json', text: `{"format_version":"1.2","planned_values":${deepObject(levels)}}`, expect: (run) => expect(run.code).toBe(0) },
      {
        name: 'azurerm-tags.json',
        text: JSON.stringify(registryPlan({ tags: { x: '@@DEEP@@' } })).replaceAll('"@@DEEP@@"', deepObject(levels)),
        expect: (run) => expect(findingsOf(run)).toContain('AZF-PUB-001:fail'),
      },
      {
        name: 'azapi-body.json',
        text: JSON.stringify(buildPlan({ azapi: [{ type: 'Microsoft.Storage/storageAccounts@2023-01-01', name: 'st', body: { properties: { publicNetworkAccess: 'Enabled', deep: '@@DEEP@@' } } }] })).replaceAll('"@@DEEP@@"', deepObject(levels)),
        expect: (run) => expect(findingsOf(run)).toContain('AZF-PUB-005:fail'),
      },
      {
        name: 'snapshot-row.json',
        text: JSON.stringify(buildSnapshot([{ type: 'Microsoft.Storage/storageAccounts', name: 'st', properties: { publicNetworkAccess: 'Enabled', deep: '@@DEEP@@' } }])).replaceAll('"@@DEEP@@"', deepArray(levels)),
        expect: (run) => expect(findingsOf(run)).toContain('AZF-PUB-005:fail'),
      },
    ];
    const tasks = files.map((file) => async () => ({ file, both: await scanBoth(dir, writeText(dir, file.name, file.text)) }));
    for (const { file, both } of await inBatches(tasks, 2)) {
      for (const { reader, run } of both) {
        expect(run.timedOut, `${file.name} (${reader})`).toBe(false);
        if (file.stderr) expect(run.stderr, `${file.name} (${reader})`).toMatch(file.stderr);
        else expect(run.stderr, `${file.name} (${reader})`).toBe('');
        file.expect(run);
      }
    }
  });

  it('a deep document that is cut short is "truncated", not an internal error', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const file = writeText(dir, 'deep-cut.json', `{"format_version":"1.2","planned_values":${'['.repeat(100_000)}`);
    for (const { reader, run } of await scanBoth(dir, file)) expectOneLineError(run, /deep-cut\.json: is truncated JSON/, reader);
  });

  it('a RangeError from JSON.parse (engines whose parser recurses) becomes a one-line input error', async () => {
    // Node 20's JSON.parse is iterative, so no nesting reaches this; the guard is for engines and limits that do.
    const { parseJson } = await import('../../src/inputs/parse-json.js');
    const { UserError } = await import('../../src/errors.js');
    const spy = vi.spyOn(JSON, 'parse').mockImplementationOnce(() => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    try {
      let caught: unknown;
      try {
        parseJson(`{"a":${'['.repeat(10)}${']'.repeat(10)}}`, 'deep.json');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(UserError);
      expect((caught as Error).message).toBe('deep.json: is nested too deeply or too large to parse as JSON');
    } finally {
      spy.mockRestore();
    }
  });
});

describe('enormous values', () => {
  it('a 50 MB string in a plan: a correct scan, within the time bound', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const file = writeText(dir, 'big-string.json', JSON.stringify(registryPlan({ tags: { blob: 'A'.repeat(50 * 1024 * 1024) } })));
    for (const { reader, run } of await scanBoth(dir, file, [], 90_000)) {
      expect(run.timedOut, reader).toBe(false);
      expect(run.stderr, reader).toBe('');
      expect(findingsOf(run), reader).toContain('AZF-PUB-001:fail');
      // The blob is never echoed: evidence is limited to checked properties.
      expect(run.stdout.length, reader).toBeLessThan(1024 * 1024);
    }
  });

  it('a 1M-member list (IP rules) is counted, not a stack overflow', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const rules = Array.from({ length: 1_000_000 }, () => ({ action: 'Allow', ip_range: '198.51.100.7/32' }));
    const file = writeText(dir, 'big-list.json', JSON.stringify(registryPlan({ network_rule_set: [{ default_action: 'Deny', ip_rule: rules }] })));
    for (const { reader, run } of await scanBoth(dir, file, [], 90_000)) {
      expect(run.timedOut, reader).toBe(false);
      expect(run.stderr, reader).toBe('');
      expect(run.code, reader).toBe(1);
      const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; message: string }> };
      expect(report.findings.find((finding) => finding.ruleId === 'AZF-PUB-003')?.message, reader).toContain('[1000000 items]');
    }
  });
});

describe('duplicate keys and big numbers', () => {
  it('duplicate keys: the last one wins (JSON.parse semantics), the same in both readers', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const text = JSON.stringify(registryPlan({ public_network_access_enabled: false, network_rule_bypass_option: 'None' }));
    // `"public_network_access_enabled":false` appears in resource_changes and planned_values; prepend a true twin to each.
    const lastFalse = writeText(dir, 'last-false.json', text.replaceAll('"public_network_access_enabled":false', '"public_network_access_enabled":true,"public_network_access_enabled":false'));
    const lastTrue = writeText(dir, 'last-true.json', text.replaceAll('"public_network_access_enabled":false', '"public_network_access_enabled":false,"public_network_access_enabled":true'));
    for (const { reader, run } of await scanBoth(dir, lastFalse)) expect(findingsOf(run), reader).not.toContain('AZF-PUB-001:fail');
    for (const { reader, run } of await scanBoth(dir, lastTrue)) expect(findingsOf(run), reader).toContain('AZF-PUB-001:fail');
  });

  it('numbers beyond 2^53 and beyond double range (ids, ports, counts): no crash, verdicts unchanged', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const plan = JSON.stringify(registryPlan({ zone_redundancy_enabled: '@@N1@@', retention_policy_in_days: '@@N2@@', id: '@@N3@@' }))
      .replaceAll('"@@N1@@"', '123456789012345678901234567890')
      .replaceAll('"@@N2@@"', '1e400')
      .replaceAll('"@@N3@@"', '-1e400');
    const snapshot = JSON.stringify(buildSnapshot([{ type: 'Microsoft.Storage/storageAccounts', name: 'st', properties: { publicNetworkAccess: 'Enabled', port: '@@N1@@', quota: '@@N2@@', networkAcls: { ipRules: [] } } }])).replaceAll('"@@N1@@"', '9007199254740993').replaceAll('"@@N2@@"', '1e400');
    // A snapshot row whose id is a number has no id column: reported, not guessed.
    const numericId = JSON.stringify({ count: 1, data: [{ id: '@@ID@@', type: 'microsoft.storage/storageaccounts', name: 'x', properties: {} }] }).replace('"@@ID@@"', '123456789012345678901234567890');
    for (const { reader, run } of await scanBoth(dir, writeText(dir, 'plan-big.json', plan))) {
      expect(run.stderr, reader).toBe('');
      expect(findingsOf(run), reader).toContain('AZF-PUB-001:fail');
    }
    for (const { reader, run } of await scanBoth(dir, writeText(dir, 'snap-big.json', snapshot))) {
      expect(run.stderr, reader).toBe('');
      expect(findingsOf(run), reader).toContain('AZF-PUB-005:fail');
    }
    for (const { reader, run } of await scanBoth(dir, writeText(dir, 'snap-numeric-id.json', numericId))) expectOneLineError(run, /row 1 has no id column/, reader);
  });

  it('numeric comparisons on huge values (user rule): Infinity compares as Infinity, precision beyond 2^53 is the nearest double', async () => {
    const { compare } = await import('../../src/engine/compare.js');
    expect(compare(JSON.parse('1e400'), 'lessOrEquals', 65535, true)).toBe('fail');
    expect(compare(JSON.parse('-1e400'), 'greaterOrEquals', 0, true)).toBe('fail');
    expect(compare(JSON.parse('123456789012345678901234567890'), 'greater', 65535, true)).toBe('pass');
    // 2^53 + 1 is read as 2^53: documented in docs/security.md (no built-in rule compares numbers this large).
    expect(compare(JSON.parse('9007199254740993'), 'equals', 9007199254740992, true)).toBe('pass');
  });
});
