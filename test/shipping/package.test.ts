import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../support/arm-emulator/server.mjs';
import { privateEndpoint, registry, sub, vnet } from '../support/arm-emulator/estate.mjs';
import { tempDir } from '../support/run-cli.js';

/**
 * The package as users get it: `npm pack`, installed from the tarball into an empty project with
 * --ignore-scripts (no build, no install script of ours or of a dependency runs), then the installed
 * `azfence` binary is what runs. This lives in the vitest suite rather than only in .ci/run so that every
 * `npm test` (the README's test command) checks it, with the same assertions as the rest of the suite; .ci/run
 * runs the whole suite again on Node 24 and this file on the oldest Node allowed.
 *
 * The tarball is packed with --ignore-scripts: `npm pack` would otherwise run `prepare`, rebuilding dist/
 * under the other test files' feet. `npm test` builds first, so dist/ is this commit's build.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const PLAN = join(ROOT, 'fixtures', 'estate', 'plan.json');
// The installed bin's `#!/usr/bin/env node` must find the Node this test runs on (CI runs it on several).
const ENV = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1' };

interface Packed {
  filename: string;
  files: Array<{ path: string }>;
}

let packed: Packed;
let project: string;
let azfence: string;

function npm(args: string[], cwd: string): string {
  const run = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, env: ENV, encoding: 'utf8', timeout: 240_000 });
  if (run.status !== 0) throw new Error(`npm ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}

function installed(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(azfence, args, { cwd: options.cwd ?? project, env: { ...ENV, ...options.env }, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function findingsOf(json: string): string[] {
  return (JSON.parse(json) as { findings: Array<{ ruleId: string; status: string; resource: { address?: string; id: string } }> }).findings.map(
    (finding) => `${finding.ruleId} ${finding.status} ${finding.resource.address ?? finding.resource.id}`,
  );
}

/** Runs `body` with these packages of the project's node_modules out of reach, then puts them back. */
function without<T>(names: string[], body: () => T): T {
  const moved = names.map((name) => [join(project, 'node_modules', name), join(project, 'node_modules', `.hidden-${name.replace('/', '+')}`)] as const);
  for (const [from, to] of moved) renameSync(from, to);
  try {
    return body();
  } finally {
    for (const [from, to] of moved) renameSync(to, from);
  }
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'bundle', 'cli.js')) || !existsSync(join(ROOT, 'dist', 'generated', 'packs.json'))) {
    throw new Error('dist/ is missing: run npm run build (npm test does)');
  }
  const work = tempDir('azfence-package-');
  [packed] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], ROOT)) as Packed[];
  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'azfence-consumer', version: '1.0.0', private: true }));
  npm(['install', '--ignore-scripts', join(work, packed!.filename)], project);
  azfence = join(project, 'node_modules', '.bin', 'azfence');
}, 300_000);

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('npm pack', () => {
  it('ships the bundle, the precompiled packs (with the copies of their sources they are checked against), the packs, schemas, rule docs, README and LICENSE, and nothing else', () => {
    const paths = packed.files.map((file) => file.path).sort();
    const allowed = [/^package\.json$/, /^README\.md$/, /^LICENSE$/, /^dist\/bundle\/[\w-]+\.js$/, /^dist\/bundle\/package\.json$/, /^dist\/generated\/[\w-]+\.json$/, /^dist\/generated\/sources\/(policies\/(data\/)?[\w-]+\.yaml|schemas\/[\w.-]+\.json)$/, /^policies\/(data\/)?[\w-]+\.yaml$/, /^schemas\/[\w.-]+\.json$/, /^docs\/rules\/[\w-]+\.md$/];
    expect(paths.filter((path) => !allowed.some((pattern) => pattern.test(path)))).toEqual([]);
    // dist/bundle/package.json makes the bin CommonJS (the root package.json says "module"): without it the bin cannot start.
    for (const path of ['dist/bundle/cli.js', 'dist/bundle/package.json', 'dist/generated/packs.json', 'dist/generated/sources/policies/pub.yaml', 'LICENSE', 'docs/rules/AZF-PUB-001.md', 'docs/rules/README.md', 'policies/pub.yaml', 'policies/data/private-dns-zones.yaml', 'schemas/rule-pack.schema.json']) {
      expect(paths).toContain(path);
    }
    expect(readFileSync(join(project, 'node_modules', 'azfence', 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'azfence', 'package.json'), 'utf8')) as { bin: Record<string, string>; license: string; engines: { node: string } };
    expect(manifest.bin).toEqual({ azfence: 'dist/bundle/cli.js' });
    expect(manifest.license).toBe('MIT');
  });
});

describe('the installed azfence, installed with --ignore-scripts', () => {
  it('scans a plan: the same findings as the checkout, exit 1 when they fail the gate, 0 with --fail-on none', () => {
    const scan = installed(['scan', PLAN, '--format', 'json']);
    expect(scan.stderr).toBe('');
    expect(scan.code).toBe(1);
    const found = findingsOf(scan.stdout);
    expect(found).toContain('AZF-POOL-001 fail azurerm_container_registry_task.agent_image');
    expect(found).toContain('AZF-DNS-001 fail azurerm_private_endpoint.vault');
    const checkout = spawnSync(process.execPath, [join(ROOT, 'dist', 'bundle', 'cli.js'), 'scan', PLAN, '--format', 'json'], { cwd: project, encoding: 'utf8' });
    expect(found).toEqual(findingsOf(checkout.stdout));

    const table = installed(['scan', PLAN, '--fail-on', 'none']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('AZF-POOL-001');
    const { resourcesRead } = (JSON.parse(checkout.stdout) as { summary: { resourcesRead: number } }).summary;
    expect(table.stdout).toMatch(new RegExp(`1 input file; ${resourcesRead} resources read, \\d+ checked by a rule; \\d+ checks passed, \\d+ failed`));
  });

  it('explains a rule, and names the rule page it ships', () => {
    const explain = installed(['explain', 'AZF-PUB-001']);
    expect(explain.code).toBe(0);
    expect(explain.stderr).toBe('');
    expect(explain.stdout).toMatch(/^AZF-PUB-001: Container registry public network access is disabled\nSeverity: high {4}Pack: PUB/);
    expect(explain.stdout).toContain('\nRemediation:\n  Terraform (azurerm): ');
    expect(explain.stdout).toContain('\nDocs: node_modules/azfence/docs/rules/AZF-PUB-001.md\n');
    expect(readFileSync(join(project, 'node_modules', 'azfence', 'docs', 'rules', 'AZF-PUB-001.md'), 'utf8')).toContain('# AZF-PUB-001: Container registry public network access is disabled');
  });

  it('scans, lists and explains without the Azure SDK, YAML parser, schema validator or table renderer: it loads them only when needed', () => {
    const heavy = ['@azure', 'yaml', 'ajv', 'cli-table3'];
    for (const name of heavy) expect(existsSync(join(project, 'node_modules', name)), name).toBe(true);
    without(heavy, () => {
      const scan = installed(['scan', PLAN, '--format', 'json']);
      expect(scan.stderr).toBe('');
      expect(scan.code).toBe(1);
      expect(findingsOf(scan.stdout).length).toBeGreaterThan(5);
      expect(installed(['rules']).stdout).toContain('AZF-KATA-001');
      expect(installed(['explain', 'AZF-DNS-001']).code).toBe(0);
    });
  });

  it('audits through the Azure SDK it installed with it', async () => {
    const s = sub(1);
    const hub = vnet(s, 'vnet-hub');
    const open = registry(s, 'acropen1', { publicNetworkAccess: 'Enabled' });
    emulator = await startEmulator({ estate: { subscriptions: [{ id: s }], rows: [hub, open, privateEndpoint(s, 'pe-open1', open, 'registry', hub.properties.subnets[0].id)], children: {} } });
    const env = Object.fromEntries(Object.entries(ENV).filter(([key]) => !/^(AZURE_|IDENTITY_|MSI_|IMDS_)/.test(key)));
    const child = spawn(azfence, ['audit', '--arm-endpoint', emulator.url, '--format', 'json'], { cwd: project, env: { ...env, ...emulator.env() } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const code = await new Promise<number | null>((resolveCode) => child.on('close', resolveCode));
    expect(stderr).not.toContain('error');
    expect(code).toBe(1);
    const found = (JSON.parse(stdout) as { findings: Array<{ ruleId: string; resource: { name: string } }> }).findings.map((finding) => `${finding.ruleId} ${finding.resource.name}`);
    expect(found).toContain('AZF-PUB-001 acropen1');
  });
});
