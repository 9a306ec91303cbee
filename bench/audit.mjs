#!/usr/bin/env node
// Benchmarks `azfence audit` end to end against the ARM emulator (test/support/arm-emulator): a generated
// estate (registries, vaults, storage accounts, private endpoints with zone groups, VNets, zones) served
// over TLS in pages of 1000, read through the real SDK by a subprocess whose peak RSS bench/measure.cjs
// records. Prints wall time, requests by kind (counted in the emulator) and peak RSS, and writes JSON.
//   node bench/audit.mjs                                  # 100,000 resources over 20 subscriptions
//   node bench/audit.mjs --resources 10000 --subscriptions 5
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../test/support/arm-emulator/server.mjs';
import { generateEstate } from '../test/support/arm-emulator/estate.mjs';

const { values } = parseArgs({
  options: {
    resources: { type: 'string', default: '100000' },
    subscriptions: { type: 'string', default: '20' },
    out: { type: 'string', default: 'bench/out/audit-results.json' },
    // e.g. --node-flag=--max-old-space-size=256, to see how much of the peak is garbage not yet collected.
    'node-flag': { type: 'string', multiple: true, default: [] },
  },
});
const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const cli = join(root, 'dist', 'bundle', 'cli.js');
if (!existsSync(cli)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });

const estate = generateEstate({ resources: Number(values.resources), subscriptions: Number(values.subscriptions) });
const endpoints = estate.rows.filter((row) => row.type === 'microsoft.network/privateendpoints').length;
const emulator = await startEmulator({ estate, pageSize: 1000 });
const metrics = join(outDir, `audit-metrics-${process.pid}.json`);
const report = join(outDir, `audit-report-${values.resources}.json`);
try {
  const started = process.hrtime.bigint();
  // Spawned, not spawnSync: the emulator answers from this very process.
  const child = spawn(process.execPath, [...values['node-flag'], '--require', join(root, 'bench', 'measure.cjs'), cli, 'audit', '--arm-endpoint', emulator.url, '--format', 'json', '--output', report, '--fail-on', 'none'], {
    cwd: root,
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(AZURE_|IDENTITY_|MSI_)/.test(key))), ...emulator.env(), AZFENCE_BENCH_OUT: metrics },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => child.on('close', resolve));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (code !== 0) throw new Error(`audit exited ${code}: ${stderr}`);
  const inner = JSON.parse(readFileSync(metrics, 'utf8'));
  const summary = JSON.parse(readFileSync(report, 'utf8')).summary;
  const byKind = {};
  for (const request of emulator.requests) byKind[request.kind] = (byKind[request.kind] ?? 0) + 1;
  // Where the time goes, from the emulator's request log: the Resource Graph pages, then the ARM child lists.
  const span = (kind) => {
    const times = emulator.requests.filter((request) => request.kind === kind).map((request) => request.time);
    return times.length ? Math.round(Math.max(...times) - Math.min(...times)) : 0;
  };
  const result = {
    resources: estate.rows.length,
    subscriptions: estate.subscriptions.length,
    privateEndpoints: endpoints,
    resourcesRead: summary.resourcesRead,
    findings: summary.failed + summary.unknown,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(inner.cpuMs),
    maxRssMb: Math.round(inner.maxRssMb),
    requests: emulator.requests.length,
    requestsByKind: byKind,
    phaseMs: { graph: span('graph'), childLists: span('child') },
    node: process.version,
  };
  writeFileSync(join(root, values.out), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`azfence audit, ${result.resources} resources in ${result.subscriptions} subscriptions (${endpoints} private endpoints)`);
  console.log(`  time      ${(result.wallMs / 1000).toFixed(1)} s wall, ${(result.cpuMs / 1000).toFixed(1)} s CPU`);
  console.log(`  requests  ${result.requests} (${Object.entries(byKind).map(([kind, n]) => `${kind} ${n}`).join(', ')})`);
  console.log(`  phases    Resource Graph ${(result.phaseMs.graph / 1000).toFixed(1)} s, ARM child lists ${(result.phaseMs.childLists / 1000).toFixed(1)} s (8 concurrent)`);
  console.log(`  peak RSS  ${result.maxRssMb} MB`);
  console.log(`  read      ${result.resourcesRead} resources, ${result.findings} findings`);
} finally {
  rmSync(metrics, { force: true });
  await emulator.close();
}
