import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/run-cli.js';

/**
 * Startup is most of a small scan's time, and each of Node's heavier built-in modules costs it milliseconds
 * to load (node:crypto, with the stream modules it pulls in, about 10 ms of CPU). A scan of a small plan
 * loads none of them: fingerprints are hashed in JavaScript until a scan has hundreds, and the precompiled
 * packs are checked against copies of their sources, not by digest.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const BIN = process.env['AZFENCE_STARTUP_BIN'] ?? join(ROOT, 'dist', 'bundle', 'cli.js');
const HEAVY = ['crypto', 'zlib', 'child_process', 'stream', 'worker_threads', 'os', 'v8', 'http', 'https', 'net'];

/**
 * The built-in modules a run of the bin loaded. The recorder is a CommonJS preload (--require): an ES module
 * preload (--import) would make Node run the bin itself through its ES module loader.
 */
function builtinsLoadedBy(args: string[], script = BIN): { code: number | null; stderr: string; loaded: string[] } {
  if (!existsSync(BIN)) throw new Error('dist/ is missing: run npm run build (npm test does)');
  const dir = tempDir('azfence-startup-');
  const preload = join(dir, 'record-modules.cjs');
  const record = join(dir, 'modules.json');
  writeFileSync(preload, `process.on('exit', () => process.getBuiltinModule('node:fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify(process.moduleLoadList)));\n`);
  const result = spawnSync(process.execPath, ['--require', preload, script, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  const list = JSON.parse(readFileSync(record, 'utf8')) as string[];
  return { code: result.status, stderr: result.stderr, loaded: list.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => entry.slice('NativeModule '.length)) };
}

describe('a small scan starts without the heavy built-in modules', () => {
  it('scans the example plan to a JSON file without loading crypto, zlib, child_process, streams, os or v8', () => {
    const out = join(tempDir('azfence-startup-out-'), 'report.json');
    const run = builtinsLoadedBy(['scan', 'fixtures/estate/plan.json', '--format', 'json', '--output', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(JSON.parse(readFileSync(out, 'utf8')).findings.length).toBeGreaterThan(10);
    expect(run.loaded.filter((name) => HEAVY.includes(name))).toEqual([]);
  });

  it('loads neither node:module nor Node\'s deep comparison module: the compile cache waits for a package, settings for a difference', () => {
    // node:module brings Node's ES module loader and source maps with it (~5M instructions); the compile cache
    // it turns on serves only packages, and this scan loads none. isDeepStrictEqual's first call loads
    // internal/util/comparisons, for rule parameters that are their defaults.
    const out = join(tempDir('azfence-startup-out-'), 'report.json');
    const run = builtinsLoadedBy(['scan', 'fixtures/estate/plan.json', '--format', 'json', '--output', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.loaded.filter((name) => name === 'module' || name === 'internal/util/comparisons')).toEqual([]);
  });

  it('runs the bin without more of Node\'s ES module loader than an empty CommonJS script loads', () => {
    // An ES module bin cost every start ~8-10 ms of CPU for the loader's resolution, translation and module
    // jobs. Node 22 loads none of those for a CommonJS script; Node 24 loads them for every script, so the
    // bin is held to what an empty CommonJS script loads on the Node running the test.
    const esmLoader = (names: string[]): string[] => names.filter((name) => /^internal\/modules\/esm\/(module_job|translators|resolve|load)$/.test(name));
    const emptyScript = join(tempDir('azfence-startup-empty-'), 'empty.cjs');
    writeFileSync(emptyScript, '');
    const out = join(tempDir('azfence-startup-out-'), 'report.json');
    const run = builtinsLoadedBy(['scan', 'fixtures/estate/plan.json', '--format', 'json', '--output', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(esmLoader(run.loaded).sort()).toEqual(esmLoader(builtinsLoadedBy([], emptyScript).loaded).sort());
  });

  it('still loads one when a report needs it: the HTML report hashes its inline code with node:crypto', () => {
    // Shows the guard above can see a module being loaded: the HTML report's Content-Security-Policy names
    // its inline script and style by SHA-256.
    const out = join(tempDir('azfence-startup-out-'), 'report.html');
    const run = builtinsLoadedBy(['scan', 'fixtures/estate/plan.json', '--format', 'html', '--output', out]);
    expect(run.stderr).toBe('');
    expect(run.loaded).toContain('crypto');
  });
});
