import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { buildSync } from 'esbuild';

/**
 * Hostile inputs are run in a child process with a hard kill timeout: a hang or a stack blow-up in the
 * scanner must fail the test, not stall the test runner (a synchronous loop in-process cannot be timed out).
 *
 * The child runs the current sources, not a possibly stale dist/: src/cli.ts is bundled with esbuild (a
 * fraction of a second) into <tmp>/pkg/bin/cli/cli.mjs. PACKAGE_ROOT is two directories above the module
 * (src/engine -> root), so policies/, schemas/, package.json and node_modules/ are linked into <tmp>/pkg.
 */
const REPO = resolve(import.meta.dirname, '..', '..');
let bundled: string | undefined;

export function cliBundle(): string {
  if (bundled) return bundled;
  const root = mkdtempSync(join(tmpdir(), 'azfence-hostile-pkg-'));
  for (const name of ['policies', 'schemas', 'package.json', 'node_modules']) symlinkSync(join(REPO, name), join(root, name));
  const outfile = join(root, 'bin', 'cli', 'cli.mjs');
  // The build's precompiled packs (used only while they match policies/*.yaml) spare each child the YAML parse.
  mkdirSync(join(root, 'bin'), { recursive: true });
  if (existsSync(join(REPO, 'dist', 'generated'))) symlinkSync(join(REPO, 'dist', 'generated'), join(root, 'bin', 'generated'));
  buildSync({ entryPoints: [join(REPO, 'src', 'cli.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'silent' });
  bundled = outfile;
  return outfile;
}

export interface BoundedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Killed at the time limit: a hang. */
  timedOut: boolean;
  signal: NodeJS.Signals | null;
  ms: number;
}

/** `azfence <args>` in a child, killed after `timeoutMs`. */
export function runBounded(args: string[], options: { cwd?: string; timeoutMs?: number; env?: Record<string, string>; maxOldSpaceMb?: number } = {}): BoundedRun {
  const started = performance.now();
  const nodeArgs = options.maxOldSpaceMb ? [`--max-old-space-size=${options.maxOldSpaceMb}`] : [];
  const result = spawnSync(process.execPath, [...nodeArgs, cliBundle(), ...args], {
    cwd: options.cwd ?? REPO,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 20_000,
    killSignal: 'SIGKILL',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...(options.env ?? {}) },
  });
  return {
    code: result.status,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    timedOut: (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT',
    signal: result.signal,
    ms: performance.now() - started,
  };
}

/**
 * The same, asynchronous: the test worker's event loop stays free (a long spawnSync starves vitest's own
 * RPC), and independent runs can overlap.
 */
export function runBoundedAsync(args: string[], options: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<BoundedRun> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cliBundle(), ...args], { cwd: options.cwd ?? REPO, env: { ...process.env, ...(options.env ?? {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, timedOut, signal, ms: performance.now() - started });
    });
  });
}

/** Runs tasks with at most `limit` in flight. */
export async function inBatches<T>(tasks: Array<() => Promise<T>>, limit = 4): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

export function tempDir(prefix = 'azfence-hostile-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeText(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter(Boolean);
}

/**
 * Processes running as root read files whatever their mode, so a chmod 000 test proves nothing there.
 * Checked by trying, not by uid: some containers drop CAP_DAC_OVERRIDE even for uid 0.
 */
export function chmodBlocksReads(dir: string): boolean {
  const probe = writeText(dir, '.probe', 'x');
  spawnSync('chmod', ['000', probe]);
  const read = spawnSync('cat', [probe]);
  spawnSync('chmod', ['600', probe]);
  return read.status !== 0;
}
