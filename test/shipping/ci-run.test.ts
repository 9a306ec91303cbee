import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/run-cli.js';

/**
 * .ci/run, what CI runs on a clean checkout, with its tools replaced by recorders: node-from-registry.sh hands
 * out a directory whose `node` and `npm` log each call with the Node version they stand for. That shows what
 * the script runs, in which order, on which Node, with which environment, in a second and offline.
 */
const ROOT = join(import.meta.dirname, '..', '..');

function fakeCheckout(options: { corpus: 'plans' | 'empty' | 'missing' }): { repo: string; log: string } {
  const top = tempDir('azfence-ci-run-');
  const repo = join(top, 'azfence');
  const log = join(top, 'calls.log');
  mkdirSync(join(repo, '.ci'), { recursive: true });
  mkdirSync(join(repo, 'scripts'), { recursive: true });
  copyFileSync(join(ROOT, '.ci', 'run'), join(repo, '.ci', 'run'));
  // Each version's bin directory: `node --version` answers it; any other call of node or npm is recorded.
  const recorder = (tool: string) => `#!/usr/bin/env bash
if [ "${tool}" = node ] && [ "$1" = --version ]; then echo "v$VERSION"; exit 0; fi
if [ "${tool}" = npm ] && [ "$1" = --version ]; then echo 11.0.0; exit 0; fi
echo "${tool}@$VERSION $* skip-corpus=\${AZFENCE_SKIP_CORPUS-unset}" >> ${JSON.stringify(log)}
`;
  writeFileSync(
    join(repo, 'scripts', 'node-from-registry.sh'),
    `#!/usr/bin/env bash
set -e
bin=${JSON.stringify(join(top, 'nodes'))}/$1/bin
mkdir -p "$bin"
for tool in node npm; do
  { echo '#!/usr/bin/env bash'; echo "VERSION=$1"; tail -n +2 ${JSON.stringify(join(top, 'recorder-'))}$tool; } > "$bin/$tool"
  chmod +x "$bin/$tool"
done
echo "$bin"
`,
  );
  chmodSync(join(repo, 'scripts', 'node-from-registry.sh'), 0o755);
  for (const tool of ['node', 'npm']) writeFileSync(join(top, `recorder-${tool}`), recorder(tool));
  if (options.corpus !== 'missing') {
    mkdirSync(join(top, 'shared', 'corpus', 'real-plans'), { recursive: true });
    if (options.corpus === 'plans') writeFileSync(join(top, 'shared', 'corpus', 'real-plans', 'a.json'), '{}');
  }
  return { repo, log };
}

function ciRun(repo: string, env: Record<string, string> = {}) {
  // The machine's own node and npm (whatever they are) come after the ones .ci/run puts first on PATH.
  return spawnSync('bash', [join(repo, '.ci', 'run')], { cwd: repo, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...env } });
}

describe('.ci/run', () => {
  it('installs with npm ci, audits the dependencies, runs the whole suite on Node 22 and on Node 24, then the package smoke test on the oldest Node allowed', () => {
    const { repo, log } = fakeCheckout({ corpus: 'plans' });
    // An opt-out left in the machine's environment does not reach the suite.
    const run = ciRun(repo, { AZFENCE_SKIP_CORPUS: '1' });
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean)).toEqual([
      'npm@22.23.5 ci --no-audit --no-fund skip-corpus=unset',
      'npm@22.23.5 run --silent audit:deps skip-corpus=unset',
      'npm@22.23.5 test skip-corpus=unset',
      'npm@24.22.3 test skip-corpus=unset',
      'node@22.3.0 node_modules/vitest/vitest.mjs run test/shipping/package.test.ts skip-corpus=unset',
    ]);
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toBe('>=22.3.0');
  });

  it('stops before installing anything when the real-plan corpus is missing, whatever AZFENCE_SKIP_CORPUS says', () => {
    for (const corpus of ['missing', 'empty'] as const) {
      const { repo, log } = fakeCheckout({ corpus });
      const run = ciRun(repo, { AZFENCE_SKIP_CORPUS: '1' });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(corpus === 'missing' ? /^CI: \.\.\/shared\/corpus\/real-plans is missing: CI needs the shared real-plan corpus beside the checkout \(.*\/shared\/corpus\/real-plans\)\n$/ : /^CI: \.\.\/shared\/corpus\/real-plans holds no \.json plans\n$/);
      expect(() => readFileSync(log, 'utf8')).toThrow(/ENOENT/);
    }
  });

  it('fails on a failed step: a dependency audit that finds an advisory stops the run before the tests', () => {
    const { repo, log } = fakeCheckout({ corpus: 'plans' });
    const recorder = join(repo, '..', 'recorder-npm');
    writeFileSync(recorder, `${readFileSync(recorder, 'utf8')}[ "$2" = --silent ] && [ "$3" = audit:deps ] && exit 1\nexit 0\n`);
    const run = ciRun(repo);
    expect(run.status).toBe(1);
    expect(readFileSync(log, 'utf8')).not.toContain('npm@22.23.5 test');
  });
});

describe('scripts/node-from-registry.sh', () => {
  it('refuses anything but an exact version, in one line', () => {
    const run = spawnSync(join(ROOT, 'scripts', 'node-from-registry.sh'), ['22'], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: tempDir() } });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("node-from-registry: give an exact Node.js version such as 22.23.5 (got: '22')\n");
    expect(run.stdout).toBe('');
  });

  it('answers from its cache without the registry: the bin directory of a node that reports that version', () => {
    const cache = tempDir('azfence-node-cache-');
    const version = process.versions.node;
    const cpu = process.arch === 'arm64' ? 'arm64' : 'x64';
    const bin = join(cache, `v${version}-linux-${cpu}`, 'bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, join(bin, 'node'));
    // npm is not on PATH: fetching would fail, so a right answer came from the cache.
    const run = spawnSync(join(ROOT, 'scripts', 'node-from-registry.sh'), [version], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', AZFENCE_NODE_CACHE: cache } });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`${bin}\n`);
  });
});
