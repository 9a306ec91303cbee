import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBounded, tempDir } from '../hostile/support.js';

/**
 * Inputs over 256 MB are streamed, but a plan that large holds more than V8's default heap keeps, so the CLI
 * reruns itself with a heap sized to the machine. Shown with a heap far too small for the input: the plan's
 * configuration holds one 260 MB string, which the streaming reader's first pass must parse.
 */
function writeLargePlan(path: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, '{"format_version":"1.2","terraform_version":"1.9.8","resource_changes":[],"configuration":{"root_module":{},"note":"');
    const chunk = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 260; i++) writeSync(fd, chunk);
    writeSync(fd, '"}}\n');
  } finally {
    closeSync(fd);
  }
}

describe('inputs over 256 MB', () => {
  it('make the CLI rerun itself with a larger heap instead of running out of memory', () => {
    const path = join(tempDir(), 'plan.json');
    writeLargePlan(path);
    const args = ['scan', path, '--format', 'json', '--fail-on', 'none'];

    const run = runBounded(args, { maxOldSpaceMb: 96, timeoutMs: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { summary: { files: number; errors: number } };
    expect(report.summary).toMatchObject({ files: 1, errors: 0 });

    // The same heap without the rerun (AZFENCE_HEAP_RAISED is how the rerun child knows it is one) runs out.
    const control = runBounded(args, { maxOldSpaceMb: 96, timeoutMs: 120_000, env: { AZFENCE_HEAP_RAISED: '1' } });
    expect(control.code).not.toBe(0);
    expect(control.stderr).toMatch(/heap out of memory|Allocation failed/i);
  });
});
