import { chmodSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSnapshot, snapshotRow } from '../support/materialize.js';
import { runCli, tempDir, writeJson, type JsonReport } from '../support/run-cli.js';
import { withEnv } from '../support/plan-readers.js';
import { writeText } from './support.js';

/**
 * Issue 15, item 10: a snapshot that holds only some of its query's rows (a page of `az graph query`, a
 * truncated REST response) is an input error naming rows held against the total and how to get the rest, and
 * the rows it holds are still reported. Two rows with one id: identical ones are read once, different ones
 * are an error naming the id. Both snapshot readers (in memory, streaming) agree.
 */
type Json = Record<string, any>;

const SNAPSHOT_READERS = [
  { name: 'in memory', env: {} },
  { name: 'streaming reader', env: { AZFENCE_STREAM_ABOVE_BYTES: '1' } },
] as const;

const OPEN_REGISTRY = { type: 'Microsoft.ContainerRegistry/registries', name: 'acropen', sku: { name: 'Premium' }, properties: { publicNetworkAccess: 'Enabled' } };
const OPEN_VAULT = { type: 'Microsoft.KeyVault/vaults', name: 'kvopen', properties: { publicNetworkAccess: 'Enabled' } };

function scan(dir: string, env: Record<string, string>, ...files: string[]): { code: number; lines: string[]; report: JsonReport } {
  withEnv(env);
  const run = runCli(['scan', ...files, '--format', 'json'], dir);
  return { code: run.code, lines: run.stderr.trim().split('\n').filter(Boolean), report: JSON.parse(run.stdout) as JsonReport };
}

function failing(report: JsonReport): string[] {
  return report.findings.filter((finding) => finding.status === 'fail').map((finding) => `${finding.ruleId} ${finding.resource.name}`);
}

/** A REST `resources` response as the API returns it. */
function restResponse(rows: Json[], extra: Json): Json {
  const data = rows.map(snapshotRow);
  return { totalRecords: data.length, count: data.length, resultTruncated: 'false', data, facets: [], ...extra };
}

const INCOMPLETE: Array<{ label: string; json: () => Json; says: RegExp }> = [
  {
    label: 'az graph query: skip_token set (the README recipe on an estate over 1,000 resources)',
    json: () => ({ ...buildSnapshot([OPEN_REGISTRY]), skip_token: 'ew0KICAiJGlkIjogIjEiLA0KICAiTWF4Um93cyI6IDEwMDA', total_records: 2345 }),
    says: /holds 1 of 2345 rows .*skip_token.*--skip-token/,
  },
  {
    label: 'az graph query: total_records above the rows held (no skip token)',
    json: () => ({ ...buildSnapshot([OPEN_REGISTRY]), total_records: 3 }),
    says: /holds 1 of 3 rows/,
  },
  {
    label: 'REST response: $skipToken set',
    json: () => restResponse([OPEN_REGISTRY], { $skipToken: 'abc', totalRecords: 1500 }),
    says: /holds 1 of 1500 rows .*\$skipToken/,
  },
  {
    label: 'REST response: resultTruncated "true"',
    json: () => restResponse([OPEN_REGISTRY], { resultTruncated: 'true' }),
    says: /resultTruncated/,
  },
  {
    label: 'REST response: resultTruncated true (a boolean)',
    json: () => restResponse([OPEN_REGISTRY], { resultTruncated: true }),
    says: /resultTruncated/,
  },
  {
    label: 'REST response: totalRecords above count',
    json: () => restResponse([OPEN_REGISTRY], { totalRecords: 40 }),
    says: /holds 1 of 40 rows/,
  },
  {
    label: 'REST response in table format: totalRecords above the rows held',
    json: () => {
      const row = snapshotRow(OPEN_REGISTRY, 0);
      const columns = Object.keys(row).map((name) => ({ name, type: 'string' }));
      return { totalRecords: 7, count: 1, resultTruncated: 'false', data: { columns, rows: [Object.values(row)] } };
    },
    says: /holds 1 of 7 rows/,
  },
];

describe('an incomplete snapshot is an input error, and its rows are still reported', () => {
  for (const reader of SNAPSHOT_READERS) {
    for (const { label, json, says } of INCOMPLETE) {
      it(`${reader.name}: ${label}`, () => {
        const dir = tempDir();
        writeJson(dir, 'snapshot.json', json());
        writeJson(dir, 'other.json', buildSnapshot([OPEN_VAULT]));
        const result = scan(dir, reader.env, 'snapshot.json', 'other.json');
        expect(result.code, label).toBe(2);
        expect(result.lines, label).toEqual([expect.stringMatching(new RegExp(`^azfence: error: snapshot\\.json: is incomplete: .*${says.source}`))]);
        expect(failing(result.report), label).toEqual(expect.arrayContaining(['AZF-PUB-001 acropen', 'AZF-PUB-005 kvopen']));
      });
    }

    it(`${reader.name}: a complete snapshot (skip_token null, total_records = rows) scans cleanly`, () => {
      const dir = tempDir();
      writeJson(dir, 'snapshot.json', buildSnapshot([OPEN_REGISTRY, OPEN_VAULT]));
      writeJson(dir, 'rest.json', restResponse([OPEN_REGISTRY], {}));
      const result = scan(dir, reader.env, 'snapshot.json', 'rest.json');
      expect(result.lines).toEqual([]);
      expect(result.code).toBe(1);
    });
  }

  it('the message says how to page through the rest', () => {
    const dir = tempDir();
    writeJson(dir, 'snapshot.json', { ...buildSnapshot([OPEN_REGISTRY]), skip_token: 'tok', total_records: 1001 });
    const run = runCli(['scan', 'snapshot.json'], dir);
    expect(run.stderr).toMatch(/az graph query .*--first 1000 --skip-token/);
    expect(run.stderr).toMatch(/azfence audit .*--snapshot-out/);
  });
});

describe('a row whose properties is null', () => {
  it('holds no properties to judge: its checks are unknown, not decided on nothing (a private endpoint no longer passes AZF-DNS-001)', () => {
    const dir = tempDir();
    writeJson(dir, 'snapshot.json', buildSnapshot([{ type: 'Microsoft.Network/privateEndpoints', name: 'pe-null', properties: null }]));
    const run = runCli(['scan', 'snapshot.json', '--format', 'json', '--fail-on-unknown'], dir);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.findings.filter((finding) => finding.ruleId === 'AZF-DNS-001' && finding.resource.name === 'pe-null').map((finding) => finding.status)).toEqual(['unknown']);
    expect(run.code).toBe(1);
  });
});

describe('two rows with one id', () => {
  for (const reader of SNAPSHOT_READERS) {
    it(`${reader.name}: identical rows (as overlapping pages give) are read once`, () => {
      const dir = tempDir();
      const snapshot = buildSnapshot([OPEN_REGISTRY, OPEN_VAULT]) as Json;
      // The same resource again, its id in other casing (ARM ids are case-insensitive).
      snapshot['data'].push({ ...structuredClone(snapshot['data'][0]), id: snapshot['data'][0].id.toUpperCase() });
      snapshot['count'] = snapshot['total_records'] = snapshot['data'].length;
      writeJson(dir, 'snapshot.json', snapshot);
      const result = scan(dir, reader.env, 'snapshot.json');
      expect(result.lines).toEqual([]);
      expect(failing(result.report).filter((finding) => finding === 'AZF-PUB-001 acropen')).toHaveLength(1);
    });

    it(`${reader.name}: different rows with one id are an error naming the id; the first no longer silently wins`, () => {
      const dir = tempDir();
      const snapshot = buildSnapshot([{ ...OPEN_REGISTRY, properties: { publicNetworkAccess: 'Disabled' } }, OPEN_VAULT]) as Json;
      snapshot['data'].push({ ...structuredClone(snapshot['data'][0]), properties: { publicNetworkAccess: 'Enabled' } });
      snapshot['count'] = snapshot['total_records'] = snapshot['data'].length;
      writeJson(dir, 'snapshot.json', snapshot);
      const result = scan(dir, reader.env, 'snapshot.json');
      expect(result.code).toBe(2);
      expect(result.lines).toEqual([expect.stringMatching(/snapshot\.json: rows 1 and 3 have the same id \/subscriptions\/.*\/acropen but different values/)]);
      expect(failing(result.report)).toContain('AZF-PUB-005 kvopen');
    });
  }
});

describe("the README's Resource Graph recipe", () => {
  it('pages through every result (an az stub serves 2,500 rows in three pages): nothing missing, no error', () => {
    // The recipe pipes az through jq, as users run it. Without jq this test cannot run it: it fails saying so,
    // rather than skip and let a green run stand for a recipe nobody ran (.ci/run installs jq).
    expect(spawnSync('jq', ['--version']).status, 'jq is not installed: the README recipe needs it (apt-get install jq)').toBe(0);
    const readme = readFileSync(resolve(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const recipe = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!).find((block) => block.includes('--skip-token'));
    expect(recipe, 'the README has an az graph query recipe that pages').toBeDefined();
    const dir = tempDir();
    const rows = Array.from({ length: 2500 }, (_, i) => ({ type: 'Microsoft.Storage/storageAccounts', name: `st${i}`, properties: { publicNetworkAccess: i % 10 === 0 ? 'Enabled' : 'Disabled' } }));
    const all = buildSnapshot(rows) as Json;
    for (let page = 0; page < 3; page++) {
      const data = all['data'].slice(page * 1000, page * 1000 + 1000);
      writeJson(dir, `pages/page-${page}.json`, { count: data.length, data, skip_token: page < 2 ? String(page + 1) : null, total_records: 2500 });
    }
    // az graph query as the stub answers it: the page its --skip-token names, the first without one.
    const az = writeText(dir, 'bin/az', `#!/usr/bin/env bash\npage=0\nwhile [ $# -gt 0 ]; do [ "$1" = --skip-token ] && page="$2"; shift; done\ncat "${join(dir, 'pages')}/page-$page.json"\n`);
    chmodSync(az, 0o755);
    const script = recipe!.split('\n').filter((line) => !line.startsWith('npx azfence')).join('\n');
    const run = spawnSync('bash', ['-eu', '-c', script], { cwd: dir, env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env['PATH']}` }, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const scan = runCli(['scan', 'snapshot.json', '--format', 'json'], dir);
    expect(scan.stderr).toBe('');
    const report = JSON.parse(scan.stdout) as JsonReport & { summary: { resourcesRead: number } };
    expect(report.summary.resourcesRead).toBe(2500);
    expect(report.findings.filter((finding) => finding.ruleId === 'AZF-PUB-005')).toHaveLength(250);
  });

  it('a single page, as the old recipe wrote it, is refused', () => {
    const dir = tempDir();
    const rows = Array.from({ length: 1200 }, (_, i) => ({ type: 'Microsoft.Storage/storageAccounts', name: `st${i}`, properties: { publicNetworkAccess: 'Disabled' } }));
    const all = buildSnapshot(rows) as Json;
    writeJson(dir, 'snapshot.json', { count: 1000, data: all['data'].slice(0, 1000), skip_token: 'next', total_records: 1200 });
    const run = runCli(['scan', 'snapshot.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/snapshot\.json: is incomplete: it holds 1000 of 1200 rows/);
  });
});
