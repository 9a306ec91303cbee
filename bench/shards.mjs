#!/usr/bin/env node
// Benchmarks `azfence audit --shard K/N` + `azfence merge` against one unsharded audit, on the ARM emulator
// (test/support/arm-emulator): the same generated estate (100,000 resources over 20 subscriptions by
// default), read through the real SDK over TLS in pages of 1000.
//
// Each shard runs on its own, one after the other, as each would on its own CI runner; the matrix's wall
// time is then the slowest shard plus the merge. (Running the shards side by side on this 2-core machine
// would measure the machine, not the split.) The merged findings are checked against the unsharded audit's.
//   node bench/shards.mjs                              # 100k resources, 20 subscriptions, 4 shards
//   node bench/shards.mjs --resources 10000 --subscriptions 5 --shards 2
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../test/support/arm-emulator/server.mjs';
import { generateEstate } from '../test/support/arm-emulator/estate.mjs';

const { values } = parseArgs({
  options: {
    resources: { type: 'string', default: '100000' },
    subscriptions: { type: 'string', default: '20' },
    shards: { type: 'string', default: '4' },
    out: { type: 'string', default: 'bench/out/shards-results.json' },
  },
});
const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const cli = join(root, 'dist', 'bundle', 'cli.js');
if (!existsSync(cli)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const shardCount = Number(values.shards);

const estate = generateEstate({ resources: Number(values.resources), subscriptions: Number(values.subscriptions) });
const emulator = await startEmulator({ estate, pageSize: 1000 });
const env = { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(AZURE_|IDENTITY_|MSI_)/.test(key))), ...emulator.env() };

/** One CLI run with CPU time and peak RSS from bench/measure.cjs, and the emulator requests it made. */
async function measure(args) {
  const metrics = join(outDir, `shards-metrics-${process.pid}.json`);
  const before = emulator.requests.length;
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--require', join(root, 'bench', 'measure.cjs'), cli, ...args], { cwd: outDir, env: { ...env, AZFENCE_BENCH_OUT: metrics }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => child.on('close', resolve));
  const wallMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
  if (code !== 0) throw new Error(`azfence ${args.join(' ')} exited ${code}: ${stderr}`);
  const inner = JSON.parse(readFileSync(metrics, 'utf8'));
  rmSync(metrics, { force: true });
  const requests = emulator.requests.slice(before);
  const byKind = {};
  for (const request of requests) byKind[request.kind] = (byKind[request.kind] ?? 0) + 1;
  return { wallMs, cpuMs: Math.round(inner.cpuMs), maxRssMb: Math.round(inner.maxRssMb), requests: requests.length, requestsByKind: byKind };
}

const identities = (file) => JSON.parse(readFileSync(join(outDir, file), 'utf8')).findings.map((f) => `${f.ruleId}|${f.status}|${f.resource.id.toLowerCase()}|${f.fingerprint}`).sort().join('\n');

try {
  const single = await measure(['audit', '--arm-endpoint', emulator.url, '--format', 'json', '--output', 'shards-single.json', '--fail-on', 'none']);
  const shards = [];
  for (let index = 1; index <= shardCount; index++) {
    const run = await measure(['audit', '--arm-endpoint', emulator.url, '--shard', `${index}/${shardCount}`, '--format', 'json', '--output', `shards-${index}.json`, '--fail-on', 'none']);
    const report = JSON.parse(readFileSync(join(outDir, `shards-${index}.json`), 'utf8'));
    shards.push({ shard: `${index}/${shardCount}`, subscriptions: report.shard.subscriptions.length, resourcesRead: report.summary.resourcesRead, linkedResources: report.shard.linkedResources, ...run });
  }
  const merge = await measure(['merge', ...shards.map((_, i) => `shards-${i + 1}.json`), '--format', 'json', '--output', 'shards-merged.json', '--html', 'shards-merged.html', '--fail-on', 'none']);
  const same = identities('shards-single.json') === identities('shards-merged.json');
  const singleFindings = JSON.parse(readFileSync(join(outDir, 'shards-single.json'), 'utf8')).findings.length;
  const slowest = Math.max(...shards.map((shard) => shard.wallMs));
  const result = {
    resources: estate.rows.length,
    subscriptions: estate.subscriptions.length,
    shards: shardCount,
    findings: singleFindings,
    mergedEqualsSingle: same,
    single,
    perShard: shards,
    merge,
    matrixWallMs: slowest + merge.wallMs,
    node: process.version,
  };
  writeFileSync(resolve(root, values.out), `${JSON.stringify(result, null, 2)}\n`);
  const line = (label, run) => `  ${label.padEnd(12)} ${(run.wallMs / 1000).toFixed(1).padStart(6)} s wall ${(run.cpuMs / 1000).toFixed(1).padStart(6)} s CPU ${String(run.maxRssMb).padStart(5)} MB RSS ${String(run.requests).padStart(6)} requests`;
  console.log(`azfence audit, ${result.resources} resources in ${result.subscriptions} subscriptions: 1 shard against ${shardCount}`);
  console.log(line('1 shard', single));
  for (const shard of shards) console.log(`${line(`shard ${shard.shard}`, shard)}  (${shard.subscriptions} subscriptions, ${shard.resourcesRead} read, ${shard.linkedResources} linked)`);
  console.log(line('merge', merge));
  console.log(`  matrix wall (slowest shard + merge): ${(result.matrixWallMs / 1000).toFixed(1)} s against ${(single.wallMs / 1000).toFixed(1)} s; merged findings ${same ? 'equal' : 'DIFFER FROM'} the single audit's (${singleFindings})`);
  if (!same) process.exitCode = 1;
} finally {
  await emulator.close();
}
