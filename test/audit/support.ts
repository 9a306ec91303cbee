import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { RunningEmulator as Emulator } from '../support/arm-emulator/server.mjs';
import { cliBundle } from '../hostile/support.js';

export const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The audit runs as a subprocess (the real SDK, real TLS, a real credential chain). It runs the current
 * sources, bundled with esbuild for this test run (test/hostile/support.ts), never a dist/ build that a lone
 * `npx vitest run test/audit` would find stale.
 */
export function ensureBuilt(): void {
  cliBundle();
}

export interface AuditRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `azfence audit --arm-endpoint <emulator>` with the emulator's managed identity and CA. */
export function runAudit(emulator: Emulator, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<AuditRun> {
  // The developer's own Azure login must not leak in: only the emulator's managed identity is offered.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(AZURE_|IDENTITY_|MSI_|IMDS_)/.test(key)));
  const child = spawn(process.execPath, [cliBundle(), 'audit', '--arm-endpoint', emulator.url, ...args], { cwd: options.cwd ?? ROOT, env: { ...env, ...emulator.env() } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
  return new Promise((resolveRun) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

export interface AuditFinding {
  ruleId: string;
  status: 'fail' | 'unknown';
  message: string;
  resource: { id: string; name: string };
  location: { file: string; line?: number };
}

export interface AuditJson {
  summary: { resourcesRead: number; failed: number; unknown: number; errors: number; files: number };
  inputs: Array<{ file: string; kind: string; resources: number }>;
  errors: Array<{ file?: string; message: string }>;
  findings: AuditFinding[];
}

/** Resource Graph requests for the Resources table (the estate's resources). */
export function graphRequests(emulator: Emulator) {
  return emulator.requests.filter((request) => request.kind === 'graph' && !/^AuthorizationResources\b/.test(request.query ?? ''));
}

/** Resource Graph requests for the AuthorizationResources table (role assignments, AZF-POOL-009). */
export function authorizationRequests(emulator: Emulator) {
  return emulator.requests.filter((request) => request.kind === 'graph' && /^AuthorizationResources\b/.test(request.query ?? ''));
}
