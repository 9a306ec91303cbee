import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Supply chain, as far as a test can check it offline: the lockfile pins every dependency by version and
 * integrity hash, nothing azfence needs at run time has an install script, and `npm run audit:deps` (which
 * CI runs) fails on a high or critical advisory and says when the registry cannot audit. The audit itself
 * needs the registry's audit endpoint: here a stand-in npm answers as a registry would.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; scripts: Record<string, string> };
type LockEntry = { version?: string; integrity?: string; link?: boolean; dev?: boolean; optional?: boolean; hasInstallScript?: boolean };
// The real npm, found before the stand-in is put first on PATH.
const REAL_NPM = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim();
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
});

describe('the dependency audit CI runs (npm run audit:deps)', () => {
  it('audit:deps runs this package\'s npm audit of runtime dependencies and fails on a high or critical advisory', () => {
    const high = { auditReportVersion: 2, vulnerabilities: { 'left-pad': { name: 'left-pad', severity: 'high', isDirect: false, via: [{ source: 1, name: 'left-pad', title: 'Prototype pollution in left-pad', url: 'https://example.test/advisory/1', severity: 'high' }], range: '<1.3.1', fixAvailable: true } }, metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 1, critical: 0, total: 1 } } };
    const run = auditWith(high, 1);
    expect(run.args).toBe('audit --json --omit=dev');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('left-pad <1.3.1: high: Prototype pollution in left-pad (https://example.test/advisory/1)');
  });

  it('audit:deps passes with only lower advisories, and says what it found', () => {
    const moderate = { auditReportVersion: 2, vulnerabilities: { yaml: { name: 'yaml', severity: 'moderate', via: [{ title: 'ReDoS' }], range: '<2.0.0' } }, metadata: { vulnerabilities: { info: 0, low: 2, moderate: 1, high: 0, critical: 0, total: 3 } } };
    const run = auditWith(moderate, 1);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('audit:deps: no high or critical advisories in the runtime dependencies (2 low, 1 moderate)');
  });

  it('audit:deps says so, and does not fail, when the registry has no audit endpoint', () => {
    const refused = { message: '405 Method Not Allowed - POST https://registry.example.test/-/npm/v1/security/advisories/bulk', method: 'POST', statusCode: 405, body: '', error: { summary: '', detail: '' } };
    const run = auditWith(refused, 1);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^audit:deps: not audited: the registry did not answer npm's audit request \(HTTP 405: 405 Method Not Allowed/);
  });

  it('audit:deps fails when npm audit answers something it cannot read', () => {
    const run = auditWith('npm ERR! something else entirely', 1);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('audit:deps: npm audit printed no JSON report (exit 1)');
  });
});

/**
 * Runs `npm run audit:deps` (the real npm, so package.json's wiring is tested) with a stand-in `npm` first on
 * PATH for the audit itself: it records its arguments and answers as a registry would.
 */
function auditWith(answer: unknown, exitCode: number): { status: number | null; stdout: string; stderr: string; args: string } {
  const dir = mkdtempSync(join(tmpdir(), 'azfence-audit-'));
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'answer.json'), typeof answer === 'string' ? answer : JSON.stringify(answer, null, 2));
  const fake = join(dir, 'bin', 'npm');
  writeFileSync(fake, `#!/bin/sh\nprintf '%s' "$*" > "${join(dir, 'args')}"\ncat "${join(dir, 'answer.json')}"\nexit ${exitCode}\n`);
  chmodSync(fake, 0o755);
  const run = spawnSync(REAL_NPM, ['run', '--silent', 'audit:deps'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PATH: `${join(dir, 'bin')}${delimiter}${process.env['PATH']}` } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, args: existsSync(join(dir, 'args')) ? readFileSync(join(dir, 'args'), 'utf8') : '(npm audit was not run)' };
}
