import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/run-cli.js';

/**
 * The azfence command turns on Node's compile cache in the user's cache directory before it loads the CLI
 * (src/cli.ts), so later runs start faster. A cache it cannot write must cost only that speed: the same
 * report, nothing on stderr, the same exit code.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'dist', 'bundle', 'cli.js');
const PLAN = join(ROOT, 'fixtures', 'estate', 'plan.json');

function scan(env: Record<string, string | undefined>): { code: number | null; stdout: string; stderr: string } {
  if (!existsSync(BIN)) throw new Error('dist/ is missing: run npm run build (npm test does)');
  const merged: Record<string, string | undefined> = { ...process.env, NODE_COMPILE_CACHE: undefined, NODE_DISABLE_COMPILE_CACHE: undefined, ...env };
  const result = spawnSync(process.execPath, [BIN, 'scan', PLAN, '--format', 'json'], { cwd: ROOT, encoding: 'utf8', env: merged as NodeJS.ProcessEnv, timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const findingsOf = (stdout: string): unknown => (JSON.parse(stdout) as { findings: unknown }).findings;
/** module.enableCompileCache came in Node 22.8; on 22.3-22.7 (engines allows them) azfence runs without a cache. */
const nodeHasCompileCache = typeof (createRequire(import.meta.url)('node:module') as { enableCompileCache?: unknown }).enableCompileCache === 'function';

describe('the compile cache', () => {
  it('is kept in $XDG_CACHE_HOME/azfence/compile-cache (Node 22.8+), and a run that reads it reports the same', () => {
    const cacheHome = tempDir('azfence-cache-');
    const first = scan({ XDG_CACHE_HOME: cacheHome });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(1);
    const cacheDir = join(cacheHome, 'azfence', 'compile-cache');
    if (nodeHasCompileCache) {
      // Node keeps one directory per Node version and V8 flags, holding one entry per module compiled.
      const versions = readdirSync(cacheDir);
      expect(versions).toHaveLength(1);
      expect(readdirSync(join(cacheDir, versions[0]!)).length).toBeGreaterThan(1);
    } else {
      expect(existsSync(cacheDir)).toBe(false);
    }

    const second = scan({ XDG_CACHE_HOME: cacheHome });
    expect(second).toMatchObject({ code: 1, stderr: '' });
    expect(findingsOf(second.stdout)).toEqual(findingsOf(first.stdout));
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
