import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `npm ci` refuses a lockfile that does not list every package npm would install on *some* platform: the
 * optional platform builds (rollup's, esbuild's, the SARIF multitool's) must all be there, or `npm ci` fails
 * on a fresh clone with "Missing: @rollup/rollup-darwin-arm64 from lock file". These checks are what npm ci
 * checks, offline: every dependency a locked package declares resolves to a locked package, the way Node's
 * node_modules lookup would find it.
 */
const ROOT = join(import.meta.dirname, '..', '..');
type LockEntry = {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  engines?: Record<string, string>;
  bin?: Record<string, string>;
  link?: boolean;
};
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { lockfileVersion: number; packages: Record<string, LockEntry> };
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as LockEntry;

/** Where `name`, required from the package at `from`, is found: its own node_modules, then each parent's. */
function resolveFrom(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (dir === '') return undefined;
    const parent = dir.lastIndexOf('/node_modules/');
    dir = parent === -1 ? '' : dir.slice(0, parent);
  }
}

describe('package-lock.json installs with npm ci on every platform', () => {
  it('lists every dependency and optional (platform) dependency of every locked package', () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (entry.link) continue;
      const wanted = { ...entry.dependencies, ...entry.optionalDependencies, ...(path === '' ? entry.devDependencies : {}) };
      for (const name of Object.keys(wanted)) if (!resolveFrom(path, name)) missing.push(`${name} (for ${path || 'the root'})`);
      for (const name of Object.keys(entry.peerDependencies ?? {})) {
        if (!entry.peerDependenciesMeta?.[name]?.optional && !resolveFrom(path, name)) missing.push(`${name} (peer of ${path})`);
      }
    }
    expect(missing).toEqual([]);
    // The rollup and esbuild platform builds, by name: the entries `npm install` on one platform used to leave out.
    for (const name of ['@rollup/rollup-darwin-arm64', '@rollup/rollup-win32-x64-msvc', '@esbuild/darwin-arm64', '@esbuild/win32-x64', '@microsoft/sarif-multitool-win32']) {
      expect(lock.packages[`node_modules/${name}`]?.version, name).toMatch(/^\d+\.\d+\.\d+/);
    }
  });

  it("records the root manifest as package.json has it (npm ci rejects a lockfile out of sync with it)", () => {
    const root = lock.packages['']!;
    expect(root.dependencies).toEqual(pkg.dependencies);
    expect(root.devDependencies).toEqual(pkg.devDependencies);
    expect(root.engines).toEqual(pkg.engines);
    expect(root.bin).toEqual(pkg.bin);
  });
});
