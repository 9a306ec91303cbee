import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/run-cli.js';

/**
 * Issue 18 item 5, `-` reads stdin, through the built command and a real pipe, as
 * `terraform show -json tfplan | azfence scan -` runs it: the writer takes its time (terraform reads the
 * plan and its providers first), so the pipe is empty when azfence starts reading. The in-process tests in
 * conventions.test.ts hand the bytes over directly and never see the pipe.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'dist', 'bundle', 'cli.js');
const PLAN = join(ROOT, 'fixtures', 'estate', 'plan.json');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `azfence <args>` with stdin a pipe that stays empty for `delayMs`, then gets `input` in two writes. */
function pipedRun(args: string[], input: Buffer, delayMs: number): Promise<Run> {
  if (!existsSync(BIN)) throw new Error('dist/bundle/cli.js is missing: run npm run build (npm test does)');
  const child = spawn(process.execPath, [BIN, ...args], { cwd: tempDir(), env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  // A reader that has gone early must not fail the test here: its exit code and stderr say what happened.
  child.stdin.on('error', () => undefined);
  const half = Math.floor(input.length / 2);
  setTimeout(() => {
    child.stdin.write(input.subarray(0, half));
    setTimeout(() => child.stdin.end(input.subarray(half)), delayMs);
  }, delayMs);
  return new Promise((resolveRun) => child.on('close', (code) => resolveRun({ code, stdout, stderr })));
}

describe('- reads a pipe whose writer is slow', { timeout: 60_000 }, () => {
  it('waits for the whole input instead of failing on an empty pipe', async () => {
    const plan = readFileSync(PLAN);
    const run = await pipedRun(['scan', '-', '--format', 'json'], plan, 400);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { inputs: Array<{ file: string; kind: string }>; findings: Array<{ ruleId: string; location: { file: string } }> };
    expect(report.inputs).toEqual([expect.objectContaining({ file: '<stdin>', kind: 'plan' })]);
    expect(report.findings.map((finding) => finding.ruleId)).toContain('AZF-POOL-001');
    expect(report.findings.every((finding) => finding.location.file === '<stdin>')).toBe(true);
  });

  it('an empty pipe that closes is an empty input, named, exit 2', async () => {
    const run = await pipedRun(['scan', '-'], Buffer.alloc(0), 200);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('<stdin>');
    expect(run.stderr).not.toMatch(/internal error|EAGAIN|\n\s+at /);
  });
});
