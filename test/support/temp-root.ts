import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest's fork workers are torn down without running their 'exit' handlers, so per-worker cleanup leaked
 * thousands of estates into /tmp per run. Instead the whole run gets one scratch root: TMPDIR points at it
 * before any worker (or CLI child process) starts, so every os.tmpdir() lands inside, and it is removed once
 * when the run ends, whether tests passed or not.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'azfence-tests-'));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
