import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunningEmulator as Emulator } from '../support/arm-emulator/server.mjs';

export const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/bundle/cli.js'); // the package's bin

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : entry.name.endsWith('.ts') ? statSync(path).mtimeMs : 0);
  }
  return newest;
}

/**
 * The audit runs as a subprocess (the real SDK, real TLS, a real credential chain), so it needs dist/.
 * `npm test` builds first; a lone `npx vitest run test/audit` rebuilds only when a source is newer.
 */
export function ensureBuilt(): void {
  const built = existsSync(CLI) ? statSync(CLI).mtimeMs : 0;
  const auditBuilt = existsSync(join(ROOT, 'dist/audit/audit.js'));
  if (auditBuilt && built >= newestSource(join(ROOT, 'src'))) return;
  // tsc still emits when another part of the tree has a type error: the audit's own modules are what matter.
  spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.json')], { stdio: 'ignore' });
  if (!existsSync(join(ROOT, 'dist/cli/audit-command.js'))) throw new Error('dist/ could not be built');
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
  const child = spawn(process.execPath, [CLI, 'audit', '--arm-endpoint', emulator.url, ...args], { cwd: options.cwd ?? ROOT, env: { ...env, ...emulator.env() } });
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

export function graphRequests(emulator: Emulator) {
  return emulator.requests.filter((request) => request.kind === 'graph');
}
