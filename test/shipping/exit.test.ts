import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/run-cli.js';

/**
 * The bin ends its process as soon as the command has run and its output has reached the OS, rather than
 * waiting for Node to tear down its heap (src/cli.ts). Output that a full pipe has not taken yet must still
 * arrive whole: a reader that is slow to start (`| (sleep 1; cat)`) gets the same bytes as a file.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'dist', 'bundle', 'cli.js');

describe('the bin exits once its output is out', () => {
  it('still writes a report larger than a pipe\'s buffer whole to a reader that starts late, with the gate\'s exit code', () => {
    if (!existsSync(BIN)) throw new Error('dist/ is missing: run npm run build (npm test does)');
    const dir = tempDir('azfence-exit-');
    const file = join(dir, 'report.sarif');
    const piped = join(dir, 'piped.sarif');
    const direct = spawnSync(process.execPath, [BIN, 'scan', 'fixtures/estate', '--format', 'sarif', '--output', file], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(direct.status).toBe(1);
    const expected = readFileSync(file, 'utf8');
    // Well past the 64 KiB a Linux pipe holds, so most of it waits in the stream when the bin's run ends.
    expect(expected.length).toBeGreaterThan(150_000);
    // pipefail: the pipeline's status is the bin's exit code.
    const script = 'set -o pipefail; "$0" "$1" scan fixtures/estate --format sarif | (sleep 1; cat) > "$2"';
    const run = spawnSync('bash', ['-c', script, process.execPath, BIN, piped], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(readFileSync(piped, 'utf8')).toBe(expected);
  });
});
