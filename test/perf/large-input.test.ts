import { closeSync, openSync, readFileSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBounded, tempDir } from '../hostile/support.js';

/**
 * Inputs over 256 MB are streamed, but a plan that large holds more resources than V8's default heap keeps,
 * so the CLI reruns itself with a heap sized to the machine. Shown with a heap far too small for the input.
 *
 * What fills the heap is what fills it in a real gigabyte plan: many resources, each kept once read. (One
 * huge string does not serve: Node 24's V8 lets a single large string outgrow --max-old-space-size, so a
 * plan that was only one long string no longer ran out of memory there.) Whitespace between the JSON
 * members takes the file over 256 MB without adding to what the reader keeps.
 */
const HEAP_MB = 32;
/** About 2.5 KB of heap each once read (measured on Node 22 and 24): some 50 MB, beyond a 32 MB heap. */
const RESOURCES = 20_000;
const LARGE_INPUT_BYTES = 256 * 1024 * 1024;

function storageAccount(index: number): string {
  return JSON.stringify({
    address: `azurerm_storage_account.s${index}`,
    mode: 'managed',
    type: 'azurerm_storage_account',
    name: `s${index}`,
    provider_name: 'registry.terraform.io/hashicorp/azurerm',
    change: {
      actions: ['create'],
      before: null,
      after: { name: `st${index}`, location: 'westeurope', resource_group_name: 'rg', public_network_access_enabled: false, allow_nested_items_to_be_public: false, tags: { env: 'prod', owner: `team-${index}` } },
      after_unknown: { id: true },
    },
  });
}

/** A plan of `resources` storage accounts, padded with whitespace to `padBytes` more. */
function writePlan(path: string, resources: number, padBytes: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, '{"format_version":"1.2","terraform_version":"1.9.8","resource_changes":[');
    for (let start = 0; start < resources; start += 1000) {
      const batch = [];
      for (let i = start; i < Math.min(start + 1000, resources); i++) batch.push(storageAccount(i));
      writeSync(fd, (start > 0 ? ',' : '') + batch.join(','));
    }
    writeSync(fd, ']');
    const pad = ' '.repeat(1024 * 1024);
    for (let written = 0; written < padBytes; written += pad.length) writeSync(fd, pad);
    writeSync(fd, ',"configuration":{"root_module":{}}}\n');
  } finally {
    closeSync(fd);
  }
}

type Summary = { files: number; resources: number; checksPassed: number; errors: number };
const summaryOf = (stdout: string): Summary => (JSON.parse(stdout) as { summary: Summary }).summary;

describe('inputs over 256 MB', () => {
  it('make the CLI rerun itself with a larger heap instead of running out of memory', () => {
    const dir = tempDir();
    // One rule every storage account passes: the report stays small, and each resource is still read and checked.
    const scan = (path: string): string[] => ['scan', path, '--check', 'AZF-PUB-007', '--format', 'json', '--fail-on', 'none'];
    // AZFENCE_HEAP_RAISED is how the rerun child knows it is one: set, the process scans in the heap it has.
    const noRerun = { AZFENCE_HEAP_RAISED: '1' };

    // The heap is enough for azfence itself on the streaming path: a small plan streamed (as every input over
    // 256 MB is) scans in it without a rerun. So when the large plan runs out, its resources are the cause.
    const small = join(dir, 'small.json');
    writePlan(small, 100, 0);
    const fits = runBounded(scan(small), { maxOldSpaceMb: HEAP_MB, timeoutMs: 120_000, env: { ...noRerun, AZFENCE_STREAM_ABOVE_BYTES: '0' } });
    expect(fits.stderr).toBe('');
    expect(summaryOf(fits.stdout)).toMatchObject({ files: 1, resources: 100, checksPassed: 100, errors: 0 });

    const path = join(dir, 'plan.json');
    writePlan(path, RESOURCES, LARGE_INPUT_BYTES);
    const control = runBounded(scan(path), { maxOldSpaceMb: HEAP_MB, timeoutMs: 120_000, env: noRerun });
    expect(control.code).not.toBe(0);
    expect(control.stderr).toMatch(/heap out of memory|Allocation failed/i);

    const run = runBounded(scan(path), { maxOldSpaceMb: HEAP_MB, timeoutMs: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(summaryOf(run.stdout)).toMatchObject({ files: 1, resources: RESOURCES, checksPassed: RESOURCES, errors: 0 });
  }, 300_000);

  it('rerun it with a heap collected before garbage piles up (--heap-growing-percent=100), the user\'s own options after it', () => {
    const dir = tempDir();
    // Only the size matters (a sparse file of zero bytes, no disk used): the rerun child reports it unreadable.
    const path = join(dir, 'plan.json');
    writeFileSync(path, '');
    truncateSync(path, LARGE_INPUT_BYTES + 1);
    // Loaded into every process of the run; the rerun child writes down the options it was started with.
    const seen = join(dir, 'child-options.json');
    const preload = join(dir, 'options.cjs');
    writeFileSync(preload, `if (process.env.AZFENCE_HEAP_RAISED === '1') require('node:fs').writeFileSync(${JSON.stringify(seen)}, JSON.stringify(process.execArgv));`);
    const run = runBounded(['scan', path, '--format', 'json'], { maxOldSpaceMb: HEAP_MB, timeoutMs: 120_000, env: { NODE_OPTIONS: `--require ${preload}` } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('plan.json');
    const options = JSON.parse(readFileSync(seen, 'utf8')) as string[];
    // The growing factor first, so that one the user gives (on the command line) comes later and wins.
    expect(options[0]).toBe('--heap-growing-percent=100');
    expect(options.slice(1, -1)).toEqual([`--max-old-space-size=${HEAP_MB}`]);
    expect(options.at(-1)).toMatch(/^--max-old-space-size=\d+$/);
  });
});
