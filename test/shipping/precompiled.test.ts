import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInPacks, builtInPackSources } from '../../src/engine/load-packs.js';
import { readPrecompiled, sourceTreeId, type Precompiled } from '../../src/engine/precompiled.js';
import { tempDir } from '../support/run-cli.js';

/**
 * The build precompiles the built-in packs and data tables (scripts/precompile.mjs -> dist/generated/) so a
 * scan parses no YAML. That cache may serve a pack only while it is exactly what compiling the pack's
 * current text gives: an edited pack is compiled afresh, in a checkout and in an installed package alike,
 * whatever its file time says.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist', 'bundle', 'cli.js');
const GENERATED = join(ROOT, 'dist', 'generated');
const PLAN = join(ROOT, 'fixtures', 'estate', 'plan.json');

function requireBuild(): void {
  if (!existsSync(BUNDLE) || !existsSync(join(GENERATED, 'packs.json'))) throw new Error('dist/ is missing: run npm run build (npm test does)');
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
}

/**
 * A copy of the built package (what npm pack ships, plus node_modules), file times kept to the nanosecond.
 * `without` leaves packages out of its node_modules: what a run needs and cannot find, it fails on.
 */
function copyOfPackage(without: string[] = []): string {
  const root = join(tempDir('azfence-precompiled-'), 'azfence');
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (const name of ['package.json', 'policies', 'schemas', 'dist/bundle', 'dist/generated']) run('cp', ['-a', join(ROOT, name), join(root, name)]);
  mkdirSync(join(root, 'node_modules'));
  for (const name of readdirSync(join(ROOT, 'node_modules'))) if (!without.includes(name)) symlinkSync(join(ROOT, 'node_modules', name), join(root, 'node_modules', name));
  return root;
}

/**
 * Rewrites a file and puts its time back (touch -r, to the nanosecond), as a branch switch or an unpacked
 * archive can leave it: a cache keyed on file size and time cannot tell.
 */
function editKeepingTime(file: string, edit: (text: string) => string): void {
  const { mtimeNs, size } = statSync(file, { bigint: true });
  const reference = `${file}.time`;
  run('cp', ['-a', file, reference]);
  const text = readFileSync(file, 'utf8');
  const edited = edit(text);
  expect(edited).not.toBe(text);
  writeFileSync(file, edited);
  run('touch', ['-r', reference, file]);
  run('rm', [reference]);
  expect(statSync(file, { bigint: true })).toMatchObject({ mtimeNs, size });
}

function cli(packageRoot: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(packageRoot, 'dist', 'bundle', 'cli.js'), ...args], { cwd: packageRoot, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function findings(packageRoot: string): string[] {
  const result = cli(packageRoot, ['scan', PLAN, '--format', 'json', '--fail-on', 'none']);
  expect(result.stderr).toBe('');
  return (JSON.parse(result.stdout) as { findings: Array<{ ruleId: string; resource: { id: string }; message: string }> }).findings.map((finding) => `${finding.ruleId} ${finding.resource.id}: ${finding.message}`);
}

describe('precompiled built-in packs', () => {
  it('are exactly what compiling policies/*.yaml gives', () => {
    requireBuild();
    const stored = JSON.parse(readFileSync(join(GENERATED, 'packs.json'), 'utf8')) as { value: unknown };
    expect(stored.value).toEqual(JSON.parse(JSON.stringify(builtInPacks(false))));
  });

  it('are what the bundle runs when nothing changed: rules and a plan scan need neither yaml nor ajv', () => {
    requireBuild();
    const root = copyOfPackage(['yaml', 'ajv']);
    const rules = cli(root, ['rules']);
    expect(rules.stderr).toBe('');
    expect(rules.stdout).toContain('AZF-PUB-001   high      Container registry public network access is disabled\n');
    expect(findings(root).length).toBeGreaterThan(5);
  });

  it('are used from the sources only when compiled by this code', () => {
    requireBuild();
    const dir = tempDir('azfence-generated-');
    run('cp', ['-a', join(GENERATED, 'sources'), join(dir, 'sources')]);
    const sources = builtInPackSources();
    const stored = JSON.parse(readFileSync(join(GENERATED, 'packs.json'), 'utf8')) as Precompiled<Array<{ pack: string }>>;
    const marked = { ...stored, value: [{ pack: 'MARKER' }] };
    writeFileSync(join(dir, 'packs.json'), JSON.stringify({ ...marked, compiler: sourceTreeId() }));
    expect(readPrecompiled('packs', sources, dir)).toEqual([{ pack: 'MARKER' }]);
    writeFileSync(join(dir, 'packs.json'), JSON.stringify({ ...marked, compiler: 'f'.repeat(64) }));
    expect(readPrecompiled('packs', sources, dir)).toBeUndefined();
    // A source added or left out is a different set of sources.
    writeFileSync(join(dir, 'packs.json'), JSON.stringify({ ...marked, compiler: sourceTreeId() }));
    expect(readPrecompiled('packs', sources.slice(1), dir)).toBeUndefined();
  });

  it('are not used for a pack edited since the build, even with its size and file time unchanged', () => {
    requireBuild();
    const root = copyOfPackage();
    expect(cli(root, ['rules', '--pack', 'PUB']).stdout).toContain('AZF-PUB-001   high      Container registry public network access is disabled\n');
    editKeepingTime(join(root, 'policies', 'pub.yaml'), (text) =>
      text.replace('title: Container registry public network access is disabled', 'title: Container registry PUBLIC network access is disabled'),
    );
    const after = cli(root, ['rules', '--pack', 'PUB']);
    expect(after.stderr).toBe('');
    expect(after.stdout).toContain('AZF-PUB-001   high      Container registry PUBLIC network access is disabled\n');
  });

  it('are not used when an edited pack is broken: the scan stops with an error naming the file', () => {
    requireBuild();
    const root = copyOfPackage();
    editKeepingTime(join(root, 'policies', 'dns.yaml'), (text) => text.replace('severity: high', 'severity: HIGH'));
    const result = cli(root, ['scan', PLAN]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^azfence: error: policies\/dns\.yaml:\d+: /);
  });

  it('are not used when a data table the rules read was edited', () => {
    requireBuild();
    const root = copyOfPackage();
    const before = findings(root);
    // The estate's vault endpoint has a zone group with privatelink.vaultcore.azure.net; once the table wants
    // another zone name for vaults, the DNS rules report the zone as missing.
    editKeepingTime(join(root, 'policies', 'data', 'private-dns-zones.yaml'), (text) => text.replace('[privatelink.vaultcore.azure.net]', '[privatelink.vaultcore.azure.xyz]'));
    expect(findings(root)).not.toEqual(before);
  });
});
