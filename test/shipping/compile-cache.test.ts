import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/run-cli.js';

/**
 * The azfence command keeps V8's compiled code in the user's cache directory, so later runs start faster:
 * the CLI's own script with a code cache made after a run (src/cli/script-loader.ts), and what it loads as
 * modules (yaml, ajv, the Azure SDK) in Node's compile cache (src/cli.ts). A cache it cannot write or read
 * must cost only that speed: the same report, nothing on stderr, the same exit code.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'dist', 'bundle', 'cli.js');
const PLAN = join(ROOT, 'fixtures', 'estate', 'plan.json');

function scan(env: Record<string, string | undefined>, args = ['scan', PLAN, '--format', 'json']): { code: number | null; stdout: string; stderr: string } {
  if (!existsSync(BIN)) throw new Error('dist/ is missing: run npm run build (npm test does)');
  const merged: Record<string, string | undefined> = { ...process.env, NODE_COMPILE_CACHE: undefined, NODE_DISABLE_COMPILE_CACHE: undefined, ...env };
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: merged as NodeJS.ProcessEnv, timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const findingsOf = (stdout: string): unknown => (JSON.parse(stdout) as { findings: unknown }).findings;
/** module.enableCompileCache came in Node 22.8; on 22.3-22.7 (engines allows them) azfence runs without a cache. */
const nodeHasCompileCache = typeof (createRequire(import.meta.url)('node:module') as { enableCompileCache?: unknown }).enableCompileCache === 'function';

describe('the compile cache', () => {
  it('keeps the CLI\'s compiled code in $XDG_CACHE_HOME/azfence/code-cache, one file per command, which later runs read and report the same with', () => {
    const cacheHome = tempDir('azfence-cache-');
    const codeCache = join(cacheHome, 'azfence', 'code-cache');
    // Help and usage errors compile too little to be worth keeping: they make no cache.
    expect(scan({ XDG_CACHE_HOME: cacheHome }, ['scan', '--help'])).toMatchObject({ code: 0, stderr: '' });
    expect(scan({ XDG_CACHE_HOME: cacheHome }, ['scan', '--formt', 'json', PLAN]).code).toBe(2);
    expect(existsSync(codeCache)).toBe(false);

    // The first run only notes that it ran (a machine that scans once should not pay for a cache); the second makes it.
    const first = scan({ XDG_CACHE_HOME: cacheHome });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(1);
    const files = readdirSync(codeCache);
    expect(files).toEqual([expect.stringMatching(/-scan\.bin$/)]);
    expect(statSync(join(codeCache, files[0]!)).size).toBe(0);
    const second = scan({ XDG_CACHE_HOME: cacheHome });
    expect(second).toMatchObject({ code: 1, stderr: '' });
    expect(readdirSync(codeCache)).toEqual(files);
    const made = statSync(join(codeCache, files[0]!));
    expect(made.size).toBeGreaterThan(100_000);

    const third = scan({ XDG_CACHE_HOME: cacheHome });
    expect(third).toMatchObject({ code: 1, stderr: '' });
    expect(findingsOf(third.stdout)).toEqual(findingsOf(first.stdout));
    expect(findingsOf(second.stdout)).toEqual(findingsOf(first.stdout));
    // V8 took the cache: one it refuses is made again, as a new file renamed into place.
    expect(readdirSync(codeCache)).toEqual(files);
    expect(statSync(join(codeCache, files[0]!)).ino).toBe(made.ino);

    // Another command keeps its own: the functions it runs are others.
    expect(scan({ XDG_CACHE_HOME: cacheHome }, ['rules']).code).toBe(0);
    expect(readdirSync(codeCache).sort()).toEqual([expect.stringMatching(/-rules\.bin$/), files[0]]);

    // Node's compile cache, for the modules the CLI loads on demand, is beside it (Node 22.8+), made by the
    // first run that loads one: a JSON report of a plan and the rule list load none, a table report loads cli-table3.
    const compileCache = join(cacheHome, 'azfence', 'compile-cache');
    expect(existsSync(compileCache)).toBe(false);
    expect(scan({ XDG_CACHE_HOME: cacheHome }, ['scan', PLAN, '--format', 'table'])).toMatchObject({ code: 1, stderr: '' });
    expect(existsSync(compileCache)).toBe(nodeHasCompileCache);
  });

  it('that is damaged is refused and made again: same findings, nothing on stderr', () => {
    const cacheHome = tempDir('azfence-cache-');
    const codeCache = join(cacheHome, 'azfence', 'code-cache');
    const reference = scan({ XDG_CACHE_HOME: cacheHome });
    scan({ XDG_CACHE_HOME: cacheHome });
    const [file] = readdirSync(codeCache);
    expect(statSync(join(codeCache, file!)).size).toBeGreaterThan(100_000);
    writeFileSync(join(codeCache, file!), 'not a V8 code cache');
    const damaged = scan({ XDG_CACHE_HOME: cacheHome });
    expect(damaged).toMatchObject({ code: 1, stderr: '' });
    expect(findingsOf(damaged.stdout)).toEqual(findingsOf(reference.stdout));
    expect(statSync(join(codeCache, file!)).size).toBeGreaterThan(100_000);
  });

  it('keeps the newest 16 files, whatever else piled up', () => {
    const cacheHome = tempDir('azfence-cache-');
    const codeCache = join(cacheHome, 'azfence', 'code-cache');
    mkdirSync(codeCache, { recursive: true });
    for (let i = 0; i < 20; i++) {
      writeFileSync(join(codeCache, `old-build-${i}-scan.bin`), 'x');
      utimesSync(join(codeCache, `old-build-${i}-scan.bin`), 1_000_000 + i, 1_000_000 + i);
    }
    expect(scan({ XDG_CACHE_HOME: cacheHome }).code).toBe(1);
    const left = readdirSync(codeCache);
    expect(left).toHaveLength(16);
    expect(left).toContainEqual(expect.stringMatching(/^[0-9a-f]{16}-.*-scan\.bin$/));
    expect(left).not.toContain('old-build-4-scan.bin');
    expect(left).toContain('old-build-5-scan.bin');
  });

  it('that cannot be written costs nothing but the speed-up: same findings, nothing on stderr', () => {
    const reference = scan({ NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(reference).toMatchObject({ code: 1, stderr: '' });

    // The cache directory would be under a regular file: it cannot be created.
    const blocked = join(tempDir('azfence-cache-'), 'not-a-directory');
    writeFileSync(blocked, '');
    const underFile = scan({ XDG_CACHE_HOME: blocked });
    expect(underFile).toMatchObject({ code: 1, stderr: '' });
    expect(findingsOf(underFile.stdout)).toEqual(findingsOf(reference.stdout));

    // A read-only cache home (root may write anyway; then this is one more run with a cache).
    const readOnly = tempDir('azfence-cache-');
    mkdirSync(join(readOnly, 'azfence'));
    chmodSync(join(readOnly, 'azfence'), 0o500);
    const denied = scan({ XDG_CACHE_HOME: readOnly });
    expect(denied).toMatchObject({ code: 1, stderr: '' });
    expect(findingsOf(denied.stdout)).toEqual(findingsOf(reference.stdout));

    // No cache home at all: no XDG_CACHE_HOME, HOME or LOCALAPPDATA.
    const homeless = scan({ XDG_CACHE_HOME: undefined, HOME: undefined, LOCALAPPDATA: undefined });
    expect(homeless).toMatchObject({ code: 1, stderr: '' });
    expect(findingsOf(homeless.stdout)).toEqual(findingsOf(reference.stdout));
  });
});
