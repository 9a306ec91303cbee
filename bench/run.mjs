#!/usr/bin/env node
// Benchmarks `azfence scan` on generated plans and snapshots, next to the floor: JSON.parse of the same
// file in a bare Node process. Records wall time, CPU time and peak RSS; prints a table and writes JSON.
//   npm run bench                      # 1k and 10k
//   npm run bench -- --sizes 1000,10000,100000 --runs 3
//   npm run bench -- --kinds installed # startup only: the small scan from the checkout and installed from npm pack
//   npm run bench -- --kinds installed --installed before.tgz,after.tgz   # installed startup of other builds
//   npm run bench -- --kinds snapshot --sizes 100000 --runs 5 --before /tmp/before/package/dist/bundle/cli.js   # an earlier build, turn about
// The earlier build must sit in its own package (npm pack it, then tar xzf into /tmp/before, with node_modules
// reachable from there): a bundle copied on its own finds this checkout's precompiled packs, rejects their
// build stamp and parses the YAML packs instead, ~0.4 s of CPU per scan that the build itself never spends.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    kinds: { type: 'string', default: 'plan,snapshot' },
    runs: { type: 'string', default: '3' },
    'startup-runs': { type: 'string', default: '15' },
    installed: { type: 'string' },
    before: { type: 'string' },
    out: { type: 'string', default: 'bench/out/results.json' },
  },
});
const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const cli = join(root, 'dist', 'bundle', 'cli.js');
if (values.before) {
  const beforeRoot = resolve(values.before, '..', '..', '..');
  const manifest = join(beforeRoot, 'package.json');
  const ownPackage = existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'azfence' && existsSync(join(beforeRoot, 'dist', 'generated'));
  if (!ownPackage || beforeRoot === resolve(root)) {
    console.error(`bench: --before ${values.before} is not <an earlier build's package>/dist/bundle/cli.js with its own dist/generated; it would time YAML pack parsing, not that build (see the top of bench/run.mjs)`);
    process.exit(2);
  }
}
if (!existsSync(cli)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });

function measure(args) {
  const metrics = join(outDir, `metrics-${process.pid}.json`);
  rmSync(metrics, { force: true });
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--require', join(root, 'bench', 'measure.cjs'), ...args], {
    cwd: root,
    env: { ...process.env, AZFENCE_BENCH_OUT: metrics },
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 26,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0 && run.status !== 1) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  const inner = JSON.parse(readFileSync(metrics, 'utf8'));
  return { wallMs, cpuMs: inner.cpuMs, maxRssMb: inner.maxRssMb };
}

function median(list) {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function summary(samples) {
  return { wallMs: median(samples.map((s) => s.wallMs)), cpuMs: median(samples.map((s) => s.cpuMs)), maxRssMb: Math.max(...samples.map((s) => s.maxRssMb)) };
}

/**
 * The floor and the scan measured turn about, not one block after the other: a shared runner's speed drifts
 * by tens of percent within minutes, and a ratio of two blocks measured minutes apart would mostly show the drift.
 * A floor that cannot run (a file past V8's string limit) is null.
 */
function interleaved(floorArgs, scanArgs, runs, beforeArgs) {
  const floorSamples = [];
  const scanSamples = [];
  const beforeSamples = [];
  let floorRuns = true;
  // Two untimed runs of each build first, as turnAbout does: a build's first runs make its code cache, and a
  // build just made would otherwise pay that in its timed runs while the other (run before) does not.
  for (let i = 0; i < 2; i++) {
    if (beforeArgs) measure(beforeArgs);
    measure(scanArgs);
  }
  for (let i = 0; i < runs; i++) {
    if (floorRuns) {
      try {
        floorSamples.push(measure(floorArgs));
      } catch {
        floorRuns = false;
      }
    }
    if (beforeArgs) beforeSamples.push(measure(beforeArgs));
    scanSamples.push(measure(scanArgs));
  }
  return { floor: floorRuns ? summary(floorSamples) : null, scan: summary(scanSamples), ...(beforeArgs ? { before: summary(beforeSamples) } : {}) };
}

/** The 1-minute load average: on a shared runner it says how far wall times are from a quiet machine's. */
function load() {
  return +process.getBuiltinModule('node:os').loadavg()[0].toFixed(1);
}

/**
 * The same, for several commands at once: each round runs every command once, in turn. Two untimed rounds
 * go first: azfence keeps compiled code in the user's cache directory (its code cache is made by a
 * command's second run), so the timed runs are the starts a user sees from the third run on.
 */
function turnAbout(commandArgs, runs) {
  const samples = commandArgs.map(() => []);
  for (let i = 0; i < 2; i++) commandArgs.forEach((args) => measure(args));
  for (let i = 0; i < runs; i++) commandArgs.forEach((args, index) => samples[index].push(measure(args)));
  return samples.map(summary);
}

/**
 * Installs a tarball as users do (an empty project, npm install --ignore-scripts) and returns the path of
 * its bin. Run through `node --require measure.cjs <bin>`: the same as the bin's shim, without npx's own startup.
 */
function install(tarball, dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'azfence-bench-consumer', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', resolve(tarball)], { cwd: dir, stdio: 'inherit' });
  const manifest = JSON.parse(readFileSync(join(dir, 'node_modules', 'azfence', 'package.json'), 'utf8'));
  return join(dir, 'node_modules', 'azfence', manifest.bin.azfence);
}

const runs = Number(values.runs);
const kinds = values.kinds.split(',');
const results = [];
const emptyScript = join(outDir, 'empty.mjs');
writeFileSync(emptyScript, '');
for (const kind of kinds.filter((name) => name !== 'installed')) {
  for (const size of values.sizes.split(',').map(Number)) {
    const file = join(outDir, `${kind}-${size}.json`);
    if (!existsSync(file)) execFileSync(process.execPath, [join(root, 'bench', 'generate.mjs'), '--kind', kind, '--resources', String(size), '--seed', '1', '--out', file], { stdio: 'ignore' });
    const parseScript = join(outDir, 'parse-floor.mjs');
    writeFileSync(parseScript, `import { readFileSync } from 'node:fs'; JSON.parse(readFileSync(process.argv[2], 'utf8'));\n`);
    // Past V8's string limit (~512 MB) the floor itself cannot run: JSON.parse of one string is impossible.
    const scanArgs = (bin, name) => [bin, 'scan', file, '--format', 'json', '--output', join(outDir, `report-${kind}-${size}${name}.json`), '--fail-on', 'none'];
    const loadBefore = load();
    const { floor, scan, before } = interleaved([parseScript, file], scanArgs(cli, ''), runs, values.before ? scanArgs(resolve(values.before), '-before') : undefined);
    const report = JSON.parse(readFileSync(join(outDir, `report-${kind}-${size}.json`), 'utf8'));
    const sameAsBefore = before ? readFileSync(join(outDir, `report-${kind}-${size}.json`), 'utf8') === readFileSync(join(outDir, `report-${kind}-${size}-before.json`), 'utf8') : undefined;
    // The scan ran in its own directory (bench/out): AZFENCE_* variables pass through, e.g. AZFENCE_STREAM_ABOVE_BYTES=0 to bench the streaming reader.
    results.push({
      kind,
      size,
      fileMb: +(readFileSync(file).length / 1048576).toFixed(1),
      resourcesChecked: report.summary.resources,
      findings: report.findings.length,
      load: [loadBefore, load()],
      floor,
      scan,
      ratio: floor ? +(scan.wallMs / floor.wallMs).toFixed(2) : null,
      cpuRatio: floor ? +(scan.cpuMs / floor.cpuMs).toFixed(2) : null,
      ...(before ? { before, beforeRatio: floor ? +(before.wallMs / floor.wallMs).toFixed(2) : null, beforeCpuRatio: floor ? +(before.cpuMs / floor.cpuMs).toFixed(2) : null, sameAsBefore } : {}),
    });
  }
}
// Startup: the bundled example estate's plan (34 resources) is the small plan; Node's own startup is the floor.
// With the `installed` kind, the same scan also runs from packages installed as users install them: this
// checkout packed (npm pack), or the tarballs --installed names, e.g. an earlier build's, for a before/after.
const smallPlan = join(root, 'fixtures', 'estate', 'plan.json');
const smallScan = (bin, name) => [bin, 'scan', smallPlan, '--format', 'json', '--output', join(outDir, `small-${name}.json`), '--fail-on', 'none'];
const installed = [];
if (kinds.includes('installed')) {
  let tarballs = values.installed?.split(',');
  if (!tarballs) {
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--loglevel=error', '--pack-destination', outDir], { cwd: root, encoding: 'utf8' }));
    tarballs = [join(outDir, packed.filename)];
  }
  tarballs.forEach((tarball, index) => installed.push({ tarball: basename(tarball), bin: install(tarball, join(outDir, `installed-${index}`)) }));
}
const [startup, small, ...installedRuns] = turnAbout([[emptyScript], smallScan(cli, 'checkout'), ...installed.map(({ bin }, index) => smallScan(bin, `installed-${index}`))], Number(values['startup-runs']));
const checkoutFindings = readFileSync(join(outDir, 'small-checkout.json'), 'utf8');
installed.forEach((entry, index) => {
  Object.assign(entry, installedRuns[index], { ratio: +(installedRuns[index].wallMs / startup.wallMs).toFixed(2) });
  delete entry.bin;
  // The same findings as the checkout's, or the row compares different work (an older build may differ).
  const report = JSON.parse(readFileSync(join(outDir, `small-installed-${index}.json`), 'utf8'));
  entry.sameFindingsAsCheckout = JSON.stringify(report.findings) === JSON.stringify(JSON.parse(checkoutFindings).findings);
});

const fmt = (n) => (n === undefined ? '    n/a' : n.toFixed(0).padStart(7));
console.log(`node ${process.version}, ${runs} run(s) each (startup: ${values['startup-runs']}, interleaved), median wall/CPU ms, peak RSS MB`);
console.log(`empty script startup: ${startup.wallMs.toFixed(0)} ms wall, ${startup.cpuMs.toFixed(0)} ms CPU, ${startup.maxRssMb.toFixed(0)} MB`);
console.log(`scan of fixtures/estate/plan.json, checkout: ${small.wallMs.toFixed(0)} ms wall, ${small.cpuMs.toFixed(0)} ms CPU (${(small.wallMs / startup.wallMs).toFixed(2)}x empty startup)`);
for (const entry of installed) {
  console.log(`scan of fixtures/estate/plan.json, installed from ${entry.tarball}: ${entry.wallMs.toFixed(0)} ms wall, ${entry.cpuMs.toFixed(0)} ms CPU (${entry.ratio}x empty startup)${entry.sameFindingsAsCheckout ? '' : ', findings differ from the checkout'}`);
}
if (results.length) console.log('kind      resources  file MB | JSON.parse wall  cpu    rss | azfence wall   cpu    rss | x floor  findings');
for (const r of results) {
  console.log(
    `${r.kind.padEnd(9)} ${String(r.size).padStart(9)} ${String(r.fileMb).padStart(8)} | ${fmt(r.floor?.wallMs)}    ${fmt(r.floor?.cpuMs)} ${fmt(r.floor?.maxRssMb)} | ${fmt(r.scan.wallMs)} ${fmt(r.scan.cpuMs)} ${fmt(r.scan.maxRssMb)} | ${String(r.ratio ?? 'n/a').padStart(6)} ${String(r.findings).padStart(9)}  (CPU ${r.cpuRatio ?? 'n/a'}x, load ${r.load.join(' -> ')})`,
  );
  if (r.before) {
    console.log(
      `  before (${values.before}): ${fmt(r.before.wallMs)} ms wall ${fmt(r.before.cpuMs)} ms CPU ${fmt(r.before.maxRssMb)} MB | ${r.beforeRatio}x floor wall, ${r.beforeCpuRatio}x CPU | ${r.sameAsBefore ? 'same report' : 'REPORTS DIFFER'}`,
    );
  }
}
writeFileSync(join(root, values.out), `${JSON.stringify({ node: process.version, date: new Date().toISOString(), startup, small, installed, results }, null, 2)}\n`);
console.log(`results: ${values.out}`);
