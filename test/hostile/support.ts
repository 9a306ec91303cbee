import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import { sourceTreeId } from '../../src/engine/precompiled.js';

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
  // The build's precompiled packs spare each child the YAML parse and schema compile. They are used only while
  // they were compiled from these sources (the bundle carries their identity, as scripts/bundle.mjs stamps
  // it) and policies/ still hashes the same; otherwise the child compiles the packs itself.
  mkdirSync(join(root, 'dist'), { recursive: true });
  if (existsSync(join(REPO, 'dist', 'generated'))) symlinkSync(join(REPO, 'dist', 'generated'), join(root, 'dist', 'generated'));
  buildSync({
    entryPoints: [join(REPO, 'src', 'cli.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    define: { AZFENCE_BUILD_ID: JSON.stringify(sourceTreeId(REPO) ?? '') },
    outfile,
    logLevel: 'silent',
  });
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
export function runBoundedAsync(args: string[], options: { cwd?: string; timeoutMs?: number; env?: Record<string, string>; wrapper?: string[] } = {}): Promise<BoundedRun> {
  const started = performance.now();
  // A wrapper command runs node (e.g. setpriv with fewer capabilities); its own arguments come first.
  const [command, ...commandArgs] = [...(options.wrapper ?? []), process.execPath, cliBundle(), ...args];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command!, commandArgs, { cwd: options.cwd ?? REPO, env: { ...process.env, ...(options.env ?? {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
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
 * Root reads files whatever their mode (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so a chmod 000 test run as
 * root, as CI runs, proves nothing. Without those two capabilities (setpriv, util-linux) the kernel refuses
 * root as it refuses any user. Returns the wrapper that makes chmod 000 stop a child: none when it already
 * does (not root), setpriv's when that works; it throws, naming why, when neither does. Checked by trying,
 * not by uid: some containers drop the capabilities even for uid 0, others forbid dropping them.
 */
export const DROP_READ_OVERRIDES = ['setpriv', '--inh-caps=-dac_override,-dac_read_search', '--bounding-set=-dac_override,-dac_read_search', '--'];

export function wrapperThatChmodStops(dir: string): string[] {
  const probe = writeText(dir, '.probe', 'x');
  chmodSync(probe, 0o000);
  try {
    if (spawnSync('cat', [probe]).status !== 0) return [];
    const dropped = spawnSync(DROP_READ_OVERRIDES[0]!, [...DROP_READ_OVERRIDES.slice(1), 'cat', probe], { encoding: 'utf8' });
    if (dropped.status !== 0 && /permission denied/i.test(dropped.stderr)) return DROP_READ_OVERRIDES;
    throw new Error(`chmod 000 does not stop this user from reading, and setpriv could not drop CAP_DAC_OVERRIDE: ${dropped.error?.message ?? dropped.stderr.trim()}`);
  } finally {
    chmodSync(probe, 0o600);
  }
}

/**
 * Creates a FIFO at `path`. Node has no mkfifo, so coreutils' mkfifo is used, else Python's os.mkfifo; when
 * neither can, this throws: a FIFO test must fail, not pass without a FIFO.
 */
export function makeFifo(path: string): void {
  const tries: Array<[string, string[]]> = [
    ['mkfifo', [path]],
    ['python3', ['-c', 'import os, sys; os.mkfifo(sys.argv[1])', path]],
  ];
  const failures: string[] = [];
  for (const [command, args] of tries) {
    const run = spawnSync(command, args, { encoding: 'utf8' });
    if (run.status === 0 && lstatSync(path, { throwIfNoEntry: false })?.isFIFO()) return;
    failures.push(`${command}: ${run.error?.message ?? run.stderr.trim() ?? `exit ${run.status}`}`);
  }
  throw new Error(`cannot create a FIFO at ${path} (${failures.join('; ')})`);
}
