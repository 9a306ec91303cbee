import { existsSync, linkSync, lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../support/materialize.js';
import { runCli, tempDir, writeJson } from '../support/run-cli.js';
import { cliBundle, makeFifo, runBoundedAsync } from './support.js';
import { spawnSync } from 'node:child_process';

/**
 * Reports are written where the command line says, into a checkout a pull request filled. `--output
 * plan.json` overwrote the plan being read, and a report path that was a committed symlink wrote the
 * report (with names the pull request chose) onto whatever file it pointed at.
 */
const PLAN_TEXT = JSON.stringify(buildPlan({ azurerm: [{ type: 'azurerm_container_registry', name: 'acr', values: { name: 'acrout', sku: 'Premium', public_network_access_enabled: true } }] }));

function checkout(): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'plan.json'), PLAN_TEXT);
  return dir;
}

describe('a report is never written over an input', () => {
  it('--output, --sarif and --markdown naming the plan, the config, the baseline or a .tf source: exit 2, nothing overwritten', () => {
    const dir = checkout();
    writeFileSync(join(dir, 'cfg.yaml'), 'failOn: high\n');
    writeFileSync(join(dir, 'main.tf'), 'resource "azurerm_container_registry" "acr" {\n  name = "acrout"\n}\n');
    writeJson(dir, 'baseline.json', { findings: [] });
    const inputs = ['plan.json', 'cfg.yaml', 'baseline.json', 'main.tf'];
    const before = new Map(inputs.map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
    for (const flag of ['--output', '--sarif', '--markdown']) {
      for (const target of inputs) {
        const run = runCli(['scan', 'plan.json', '--config', 'cfg.yaml', '--baseline', 'baseline.json', flag, target], dir);
        expect(run.code, `${flag} ${target}`).toBe(2);
        expect(run.stderr, `${flag} ${target}`).toBe(`azfence: error: ${target}: is an input of this run; ${flag} would overwrite it, so nothing was written\n`);
      }
    }
    for (const [name, text] of before) expect(readFileSync(join(dir, name), 'utf8'), name).toBe(text);
  });

  it('through another name for the same file: a hard link, ./ and ../ spellings', () => {
    const dir = checkout();
    linkSync(join(dir, 'plan.json'), join(dir, 'same-inode.json'));
    for (const target of ['same-inode.json', './plan.json', `../${dir.split('/').pop()}/plan.json`, join(dir, 'plan.json')]) {
      const run = runCli(['scan', 'plan.json', '--output', target], dir);
      expect(run.code, target).toBe(2);
      expect(run.stderr, target).toMatch(/is an input of this run; --output would overwrite it, so nothing was written\n$/);
    }
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe(PLAN_TEXT);
  });

  it('two outputs naming one file are refused before the scan', () => {
    const dir = checkout();
    const run = runCli(['scan', 'plan.json', '--output', 'report.json', '--sarif', './report.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('azfence: error: --output and --sarif name the same file (report.json); give each report its own\n');
    expect(existsSync(join(dir, 'report.json'))).toBe(false);
  });
});

describe('reports are not written through symlinks', () => {
  it('a committed symlink as --output, --sarif or --markdown is refused and its target left alone', () => {
    const dir = checkout();
    writeFileSync(join(dir, 'victim.sh'), '#!/bin/sh\necho safe\n');
    symlinkSync('victim.sh', join(dir, 'report.sarif'));
    symlinkSync(join(dir, 'missing-target.md'), join(dir, 'summary.md'));
    for (const [flag, target] of [['--sarif', 'report.sarif'], ['--output', 'report.sarif'], ['--markdown', 'summary.md']] as const) {
      const run = runCli(['scan', 'plan.json', flag, target], dir);
      expect(run.code, `${flag} ${target}`).toBe(2);
      expect(run.stderr, `${flag} ${target}`).toBe(`azfence: error: ${target}: is a symlink; ${flag} does not write through one (name the file itself)\n`);
    }
    expect(readFileSync(join(dir, 'victim.sh'), 'utf8')).toBe('#!/bin/sh\necho safe\n');
    expect(existsSync(join(dir, 'missing-target.md'))).toBe(false);
    expect(lstatSync(join(dir, 'report.sarif')).isSymbolicLink()).toBe(true);
  });

  it('a FIFO as --output is refused, not waited on; /dev/null and /dev/stdout still work', { timeout: 60_000 }, async () => {
    const dir = checkout();
    makeFifo(join(dir, 'pipe.json'));
    const fifo = await runBoundedAsync(['scan', 'plan.json', '--output', 'pipe.json'], { cwd: dir, timeoutMs: 20_000 });
    expect(fifo.timedOut).toBe(false);
    expect(fifo.code).toBe(2);
    expect(fifo.stderr).toBe('azfence: error: pipe.json: is a FIFO, not a regular file; --output writes a file\n');
    const devNull = runCli(['scan', 'plan.json', '--output', '/dev/null', '--fail-on', 'none'], dir);
    expect(devNull).toMatchObject({ code: 0, stderr: '' });
    // Through a shell, as CI runs it: Node's own child stdout is a socket, which /dev/stdout cannot open.
    const shell = spawnSync('sh', ['-c', `"${process.execPath}" "${cliBundle()}" scan plan.json --format json --output /dev/stdout --fail-on none > captured.json`], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    expect(shell.status).toBe(0);
    expect(shell.stderr).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'captured.json'), 'utf8')).findings.length).toBeGreaterThan(0);
  });

  it('audit --snapshot-out: a symlink or the config it reads is refused before Azure is asked anything', { timeout: 60_000 }, async () => {
    const dir = checkout();
    writeFileSync(join(dir, '.azfence.yaml'), 'failOn: high\n');
    writeFileSync(join(dir, 'victim.txt'), 'keep\n');
    symlinkSync('victim.txt', join(dir, 'snapshot.json'));
    // An endpoint nothing listens on: reaching it would be a sign-in or connection error, not ours.
    const azure = ['--subscription', '00000000-0000-0000-0000-000000000000', '--arm-endpoint', 'https://127.0.0.1:9', '--authority-host', 'https://127.0.0.1:9'];
    const link = await runBoundedAsync(['audit', ...azure, '--snapshot-out', 'snapshot.json'], { cwd: dir, timeoutMs: 30_000 });
    expect(link.stderr).toBe('azfence: error: snapshot.json: is a symlink; --snapshot-out does not write through one (name the file itself)\n');
    const config = await runBoundedAsync(['audit', ...azure, '--snapshot-out', '.azfence.yaml'], { cwd: dir, timeoutMs: 30_000 });
    expect(config.stderr).toBe('azfence: error: .azfence.yaml: is an input of this run; --snapshot-out would overwrite it, so nothing was written\n');
    const same = await runBoundedAsync(['audit', ...azure, '--snapshot-out', 'out.json', '--output', 'out.json'], { cwd: dir, timeoutMs: 30_000 });
    expect(same.stderr).toBe('azfence: error: --output and --snapshot-out name the same file (out.json); give each report its own\n');
    expect(readFileSync(join(dir, 'victim.txt'), 'utf8')).toBe('keep\n');
    expect(readFileSync(join(dir, '.azfence.yaml'), 'utf8')).toBe('failOn: high\n');
  });
});
