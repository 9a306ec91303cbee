#!/usr/bin/env node
// Checks that a change leaves every report byte-identical: scans the example estate, the real-plan corpus and
// the bench plans and snapshots with two builds of the CLI (an earlier one and this checkout's) and compares
// the JSON reports, exit codes and stderr byte for byte. Bench files are scanned by both readers (in memory
// and streamed), so a reader change is checked where it matters. Exits 1 on any difference.
//   node bench/same-reports.mjs --before /tmp/before/dist/bundle/cli.js
//   node bench/same-reports.mjs --before /tmp/before/dist/bundle/cli.js --sizes 1000,100000 --kinds plan,snapshot
// An earlier build: copy dist/bundle aside after `npm run build` on the earlier commit (the copy finds the
// packs and node_modules of the checkout it sits in), or build a checkout of that commit.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    after: { type: 'string' },
    sizes: { type: 'string', default: '1000,10000' },
    kinds: { type: 'string', default: 'plan,snapshot' },
    corpus: { type: 'string' },
  },
});
const root = new URL('..', import.meta.url).pathname;
if (!values.before) {
  console.error('same-reports: --before <path to an earlier build\'s dist/bundle/cli.js> is required');
  process.exit(2);
}
const before = resolve(values.before);
const after = resolve(values.after ?? join(root, 'dist', 'bundle', 'cli.js'));
const outDir = join(root, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const corpus = resolve(values.corpus ?? join(root, '..', 'shared', 'corpus', 'real-plans'));

/** One scan: exit code, stderr and the JSON report, as bytes. */
function scan(cli, args, env) {
  const run = spawnSync(process.execPath, [cli, 'scan', ...args, '--format', 'json'], {
    cwd: root,
    env: { ...process.env, ...env },
    maxBuffer: 1 << 30,
  });
  if (run.error) throw run.error;
  return { code: run.status, stderr: run.stderr, stdout: run.stdout };
}

const cases = [
  { name: 'example estate', args: ['fixtures/estate'] },
  { name: 'example estate plan with sources', args: ['fixtures/estate/plan.json', '--source', 'fixtures/estate/terraform'] },
  { name: 'example estate snapshot', args: ['fixtures/estate/snapshot.json', '--fail-on', 'medium', '--fail-on-unknown'] },
];
if (existsSync(corpus)) cases.push({ name: 'real-plan corpus', args: [corpus, '--fail-on', 'low'] });
else console.log(`(no corpus at ${corpus}: skipped)`);
for (const kind of values.kinds.split(',')) {
  for (const size of values.sizes.split(',').map(Number)) {
    const file = join(outDir, `${kind}-${size}.json`);
    if (!existsSync(file)) execFileSync(process.execPath, [join(root, 'bench', 'generate.mjs'), '--kind', kind, '--resources', String(size), '--seed', '1', '--out', file], { stdio: 'ignore' });
    cases.push({ name: `${kind} ${size}, in memory`, args: [file, '--fail-on', 'none'] });
    cases.push({ name: `${kind} ${size}, streamed`, args: [file, '--fail-on', 'none'], env: { AZFENCE_STREAM_ABOVE_BYTES: '0' } });
  }
}

let differences = 0;
for (const { name, args, env = {} } of cases) {
  const was = scan(before, args, env);
  const now = scan(after, args, env);
  const same = was.code === now.code && was.stderr.equals(now.stderr) && was.stdout.equals(now.stdout);
  let detail = `exit ${now.code}, ${now.stdout.length} bytes`;
  if (!same) {
    differences++;
    let at;
    for (let i = 0; i < Math.min(was.stdout.length, now.stdout.length) && at === undefined; i++) if (was.stdout[i] !== now.stdout[i]) at = i;
    detail = `DIFFERENT: exit ${was.code} -> ${now.code}, stderr ${was.stderr.equals(now.stderr) ? 'same' : 'differs'}, report ${was.stdout.length} -> ${now.stdout.length} bytes${at !== undefined ? `, first difference at byte ${at}` : ''}`;
  }
  console.log(`${same ? 'identical' : 'DIFFERENT'}  ${name}: ${detail}`);
}
console.log(differences ? `${differences} of ${cases.length} reports differ` : `all ${cases.length} reports byte-identical`);
process.exit(differences ? 1 : 0);
