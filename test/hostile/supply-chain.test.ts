import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Supply chain, as far as a test can check it offline: the lockfile pins every dependency by version and
 * integrity hash, nothing azfence needs at run time has an install script, and CI has an audit script.
 * (`npm audit` itself needs the registry's audit endpoint; it runs in CI as `npm run audit:deps`.)
 */
const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; scripts: Record<string, string> };
type LockEntry = { version?: string; integrity?: string; link?: boolean; dev?: boolean; optional?: boolean; hasInstallScript?: boolean };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { lockfileVersion: number; packages: Record<string, LockEntry> };

describe('dependencies are pinned by the lockfile', () => {
  it('lockfile v2+ lists every installed package with a version and an sha512 integrity hash', () => {
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2);
    const unpinned = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && !entry.link)
      .filter(([, entry]) => !entry.version || !/^sha512-/.test(entry.integrity ?? ''))
      .map(([path]) => path);
    expect(unpinned).toEqual([]);
  });

  it('every direct dependency in package.json is in the lockfile, at a version its range allows', () => {
    for (const [name] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      expect(lock.packages[`node_modules/${name}`]?.version, name).toMatch(/^\d+\.\d+\.\d+/);
    }
    // The lockfile's own copy of the root manifest matches (a stale lockfile would make `npm ci` fail).
    const root = lock.packages[''] as { dependencies?: Record<string, string> };
    expect(root.dependencies).toEqual(pkg.dependencies);
  });
});

describe('no install scripts are needed to run azfence', () => {
  it('no runtime (non-dev) package has an install script', () => {
    const runtimeWithScripts = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.hasInstallScript && !entry.dev)
      .map(([path]) => path);
    expect(runtimeWithScripts).toEqual([]);
  });

  it('azfence itself declares no install-time lifecycle script for its users (prepare runs only in a git checkout)', () => {
    for (const hook of ['preinstall', 'install', 'postinstall']) expect(pkg.scripts[hook], hook).toBeUndefined();
  });

  it('CI has `npm run audit:deps` (npm audit of runtime dependencies, failing at high)', () => {
    expect(pkg.scripts['audit:deps']).toBe('npm audit --omit=dev --audit-level=high');
  });
});
