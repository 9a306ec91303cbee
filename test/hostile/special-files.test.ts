import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../support/materialize.js';
import { runCli } from '../support/run-cli.js';
import { errorLines, inBatches, makeFifo, runBoundedAsync, tempDir, writeText, type BoundedRun } from './support.js';

/**
 * A FIFO blocks the reader until someone writes to it, and a device such as /dev/zero never ends. Named on
 * the command line, or reached through a symlink a pull request committed (git stores symlinks), azfence
 * used to hang or grow until it ran out of memory. Every file it reads must be a regular file.
 */
function plan(dir: string, name = 'plan.json'): string {
  return writeText(dir, name, JSON.stringify(buildPlan({ azurerm: [{ type: 'azurerm_container_registry', name: 'acr', values: { name: 'acrspecial', sku: 'Premium', public_network_access_enabled: true } }] })));
}

function expectRefused(run: BoundedRun, file: string, what: RegExp, label: string): void {
  expect(run.timedOut, `${label}: hung`).toBe(false);
  expect(run.code, label).toBe(2);
  expect(run.stderr, label).not.toMatch(/internal error|\n\s+at /);
  expect(errorLines(run.stderr), label).toContainEqual(expect.stringMatching(new RegExp(`^azfence: error: ${file.replace(/[./]/g, '\\$&')}: is ${what.source}, not a regular file$`)));
}

describe('FIFOs and devices are refused, never read', () => {
  it('named as scan inputs, directly or through a symlink: one-line error each, the plan beside them still scanned', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    plan(dir);
    makeFifo(join(dir, 'pipe.json'));
    symlinkSync('/dev/zero', join(dir, 'zero.json'));
    symlinkSync(join(dir, 'pipe.json'), join(dir, 'to-pipe.yaml'));
    const run = await runBoundedAsync(['scan', 'plan.json', 'pipe.json', 'zero.json', 'to-pipe.yaml', '/dev/zero', '--format', 'json', '--fail-on', 'none'], { cwd: dir, timeoutMs: 20_000 });
    expectRefused(run, 'pipe.json', /a FIFO/, 'fifo');
    expectRefused(run, 'zero.json', /a character device/, 'symlink to /dev/zero');
    expectRefused(run, 'to-pipe.yaml', /a FIFO/, 'symlink to a fifo');
    expectRefused(run, '/dev/zero', /a character device/, '/dev/zero');
    expect(errorLines(run.stderr)).toHaveLength(4);
    const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string }> };
    expect(report.findings.map((finding) => finding.ruleId)).toContain('AZF-PUB-001');
  });

  it('a config, a rule pack, a baseline and a module manifest that are FIFOs or links to /dev/zero', { timeout: 90_000 }, async () => {
    const dir = tempDir();
    plan(dir);
    writeText(dir, 'main.tf', 'resource "azurerm_container_registry" "acr" {\n}\n');
    makeFifo(join(dir, 'config-pipe.yaml'));
    makeFifo(join(dir, 'pack-pipe.yaml'));
    symlinkSync('/dev/zero', join(dir, 'baseline.json'));
    // Committed in a pull request: the config beside the plan and terraform init's module manifest.
    const linked = join(dir, 'linked');
    mkdirSync(join(linked, '.terraform', 'modules'), { recursive: true });
    plan(linked);
    writeText(linked, 'main.tf', 'resource "azurerm_container_registry" "acr" {\n}\n');
    symlinkSync('/dev/zero', join(linked, '.azfence.yaml'));
    const manifestDir = join(dir, 'manifest');
    mkdirSync(join(manifestDir, '.terraform', 'modules'), { recursive: true });
    plan(manifestDir);
    writeText(manifestDir, 'main.tf', 'resource "azurerm_container_registry" "acr" {\n}\n');
    symlinkSync('/dev/zero', join(manifestDir, '.terraform', 'modules', 'modules.json'));
    const [config, pack, baseline, implicitConfig, modules] = await inBatches(
      [
        () => runBoundedAsync(['scan', 'plan.json', '--config', 'config-pipe.yaml'], { cwd: dir, timeoutMs: 20_000 }),
        () => runBoundedAsync(['scan', 'plan.json', '--policies', 'pack-pipe.yaml'], { cwd: dir, timeoutMs: 20_000 }),
        () => runBoundedAsync(['scan', 'plan.json', '--baseline', 'baseline.json'], { cwd: dir, timeoutMs: 20_000 }),
        () => runBoundedAsync(['scan', 'linked/plan.json'], { cwd: dir, timeoutMs: 20_000 }),
        () => runBoundedAsync(['scan', 'plan.json', '--format', 'json', '--fail-on', 'none'], { cwd: manifestDir, timeoutMs: 20_000 }),
      ],
      3,
    );
    expectRefused(config!, 'config-pipe.yaml', /a FIFO/, 'config');
    expectRefused(pack!, 'pack-pipe.yaml', /a FIFO/, 'pack');
    expectRefused(baseline!, 'baseline.json', /a character device/, 'baseline');
    expectRefused(implicitConfig!, 'linked/.azfence.yaml', /a character device/, 'config found beside the plan');
    // The module manifest only helps map findings to .tf lines: without it the scan goes on, and says why.
    expect(modules!.timedOut, 'modules.json').toBe(false);
    expect(modules!.code).toBe(0);
    expect(JSON.parse(modules!.stdout).findings.find((finding: { ruleId: string }) => finding.ruleId === 'AZF-PUB-001').location.file).toBe('main.tf');
  });

  it('a .azfence.yaml that is a broken symlink is an error, not a config quietly dropped', () => {
    const dir = tempDir();
    plan(dir);
    symlinkSync(join(dir, 'nowhere.yaml'), join(dir, '.azfence.yaml'));
    const run = runCli(['scan', 'plan.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('azfence: error: .azfence.yaml: cannot read config file (ENOENT)\n');
  });
});
