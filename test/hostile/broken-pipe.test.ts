import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../support/materialize.js';
import { cliBundle, tempDir } from './support.js';
import { writeJson } from '../support/run-cli.js';

/**
 * `azfence scan ... | head -1`: the reader closes the pipe after one line, and the next write fails with
 * EPIPE. That ended in an unhandled 'error' event and a stack trace. These run the real CLI with its stdout
 * on a real pipe whose reading end is closed: before anything is written, and after the first line.
 */
function estate(rows: number): string {
  const dir = tempDir();
  const registries = Array.from({ length: rows }, (_, i) => ({ type: 'Microsoft.ContainerRegistry/registries', name: `acr${i}`, sku: { name: 'Premium' }, properties: { publicNetworkAccess: 'Enabled' } }));
  writeJson(dir, 'snapshot.json', buildSnapshot(registries));
  return join(dir, 'snapshot.json');
}

interface Closed {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  firstLine: string;
}

/** Runs the CLI; closes its stdout right away (`when: 'start'`) or once a first line has arrived. */
function runClosingStdout(args: string[], when: 'start' | 'first-line'): Promise<Closed> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cliBundle(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let firstLine = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    if (when === 'start') child.stdout.destroy();
    else
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        if (firstLine) return;
        firstLine = chunk.split('\n')[0]!;
        child.stdout.destroy();
      });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stderr, firstLine });
    });
  });
}

describe('a closed stdout ends the run quietly', () => {
  it('closed before the report is written: no stack trace, the gate decides the exit code', { timeout: 60_000 }, async () => {
    const snapshot = estate(3);
    for (const format of ['table', 'json']) {
      const run = await runClosingStdout(['scan', snapshot, '--format', format], 'start');
      expect(run.stderr, format).toBe('');
      expect(run.signal, format).toBeNull();
      // Three public registries fail the default gate.
      expect(run.code, format).toBe(1);
    }
  });

  it('closed after the first line of a report larger than the pipe holds (`| head -1`)', { timeout: 60_000 }, async () => {
    const run = await runClosingStdout(['scan', estate(2000), '--format', 'json', '--fail-on', 'none'], 'first-line');
    expect(run.firstLine).toBe('{');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
