import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, exactly as `azfence <args>` would, capturing what a user sees. */
export function runCli(args: string[], cwd = process.cwd()): CliRun {
  let stdout = '';
  let stderr = '';
  const code = main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  return { code, stdout, stderr };
}

// Every run's temporary files live under one root that test/support/temp-root.ts removes at the end.
export function tempDir(prefix = 'azfence-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
}

export interface JsonReport {
  version: string;
  summary: { failed: number; unknown: number; errors: number; resources: number; files: number };
  errors: Array<{ file?: string; line?: number; message: string }>;
  findings: Array<{
    ruleId: string;
    severity: string;
    status: 'fail' | 'unknown';
    message: string;
    resource: { id: string; type: string; name: string; address?: string };
    location: { file: string; line?: number; column?: number };
    remediation: string;
    evidence: Array<{ path: string; attribute?: string; actual: string; expected: string }>;
    fingerprint: string;
  }>;
}

export function scanJson(paths: string[], extra: string[] = [], cwd = process.cwd()): { run: CliRun; report: JsonReport } {
  const run = runCli(['scan', ...paths, '--format', 'json', ...extra], cwd);
  return { run, report: JSON.parse(run.stdout) as JsonReport };
}
