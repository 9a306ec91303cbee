import { chmodSync, lstatSync, mkdirSync, symlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPlan } from '../support/materialize.js';
import { errorLines, inBatches, runBoundedAsync, tempDir, wrapperThatChmodStops, writeText, type BoundedRun } from './support.js';

/** YAML bombs and tags in every YAML azfence reads, and hostile directory trees. */
function expectOneLineError(run: BoundedRun, says: RegExp, label: string): void {
  expect(run.timedOut, label).toBe(false);
  expect(run.code, `${label}: ${run.stderr}`).toBe(2);
  expect(errorLines(run.stderr), label).toHaveLength(1);
  expect(run.stderr, label).not.toMatch(/internal error|\n\s+at /);
  expect(run.stderr, label).toMatch(says);
}

function plan(dir: string, name = 'plan.json'): string {
  return writeText(dir, name, JSON.stringify(buildPlan({ azurerm: [{ type: 'azurerm_container_registry', name: 'acr', values: { name: 'acryaml', sku: 'Premium', public_network_access_enabled: true } }] })));
}

const BOMB = `a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [${Array(10).fill('*a').join(',')}]\nc: &c [${Array(10).fill('*b').join(',')}]\nd: &d [${Array(10).fill('*c').join(',')}]\ne: [${Array(100).fill('*d').join(',')}]\n`;
const PACK_HEAD = 'pack: ACME\ntitle: Acme\n';
const RULE = (description: string, equals = 'Disabled') =>
  `rules:\n  - id: ACME-T-001\n    title: t\n    severity: high\n    description: ${description}\n    remediation: { arm: r }\n    checks:\n      - select: { type: Microsoft.ContainerRegistry/registries }\n        assert: { field: properties.publicNetworkAccess, equals: ${equals} }\n        message: m\n`;
const MANIFEST = (image: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: { azfence.io/untrusted: "true" }\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`;
const TAGS = [
  { tag: '!!js/function', value: '!!js/function "function () { return process.exit(0) }"', shown: /!!js\/function/ },
  { tag: '!!python/object', value: '!!python/object:os.system "id"', shown: /!!python\/object/ },
  { tag: '!!binary', value: '!!binary aGVsbG8=', shown: /!!binary/ },
  { tag: '!custom', value: '!custom "x"', shown: /!custom/ },
];

describe('YAML alias bombs', () => {
  it('in a rule pack, an .azfence.yaml and a manifest: one-line error naming the file and line, fast', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const target = plan(dir);
    writeText(dir, 'packs/bomb.yaml', `${PACK_HEAD}${BOMB}${RULE('d')}`);
    writeText(dir, 'cfg/.azfence.yaml', BOMB);
    writeText(dir, 'bomb-manifest.yaml', `${MANIFEST('nginx:1.27')}${BOMB}`);
    const runs = await inBatches(
      [
        () => runBoundedAsync(['scan', target, '--policies', 'packs'], { cwd: dir, timeoutMs: 15_000 }),
        () => runBoundedAsync(['scan', target, '--config', 'cfg/.azfence.yaml'], { cwd: dir, timeoutMs: 15_000 }),
        () => runBoundedAsync(['scan', 'bomb-manifest.yaml'], { cwd: dir, timeoutMs: 15_000 }),
      ],
      3,
    );
    expectOneLineError(runs[0]!, /packs\/bomb\.yaml:\d+: YAML aliases expand too much/, 'pack');
    expectOneLineError(runs[1]!, /cfg\/\.azfence\.yaml:\d+: YAML aliases expand too much/, 'config');
    expectOneLineError(runs[2]!, /bomb-manifest\.yaml:\d+: YAML aliases expand too much/, 'manifest');
  });

  it('deeply nested YAML (100k flow levels) is a one-line error too', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    writeText(dir, 'deep.yaml', `${MANIFEST('nginx:1.27')}    args: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    expectOneLineError(await runBoundedAsync(['scan', 'deep.yaml'], { cwd: dir }), /deep\.yaml:\d+: invalid YAML/, 'deep manifest');
  });
});

describe('YAML tags outside the core schema are refused, never executed or read as strings', () => {
  it.each(TAGS)('$tag in a rule pack, an .azfence.yaml and a manifest', { timeout: 60_000 }, async ({ value, shown }) => {
    const dir = tempDir();
    const target = plan(dir);
    writeText(dir, 'packs/tagged.yaml', `${PACK_HEAD}${RULE(value)}`);
    writeText(dir, 'cfg/.azfence.yaml', `failOn: high\nparameters:\n  note: ${value}\n`);
    writeText(dir, 'tagged-manifest.yaml', MANIFEST(value));
    const [pack, config, manifest] = await inBatches(
      [
        () => runBoundedAsync(['scan', target, '--policies', 'packs'], { cwd: dir }),
        () => runBoundedAsync(['scan', target, '--config', 'cfg/.azfence.yaml'], { cwd: dir }),
        () => runBoundedAsync(['scan', 'tagged-manifest.yaml'], { cwd: dir }),
      ],
      3,
    );
    for (const [label, run, file] of [['pack', pack!, 'packs/tagged.yaml'], ['config', config!, 'cfg/.azfence.yaml'], ['manifest', manifest!, 'tagged-manifest.yaml']] as const) {
      // A manifest may hold secrets, and an unquoted value starting with `!` is a local tag: it is not named (issue 17).
      const says = label === 'manifest' && shown.source.startsWith('!custom') ? 'uses a local YAML tag \\(!…\\)' : `uses the YAML tag ${shown.source}`;
      expectOneLineError(run, new RegExp(`${file.replace(/[./]/g, '\\$&')}:\\d+: ${says}`), label);
    }
  });

  it('a tag that only looks like a value (`failOn: !custom high`) does not quietly set the gate', async () => {
    const dir = tempDir();
    const target = plan(dir);
    writeText(dir, '.azfence.yaml', 'failOn: !custom none\n');
    expectOneLineError(await runBoundedAsync(['scan', target], { cwd: dir }), /\.azfence\.yaml:1: uses the YAML tag !custom/, 'config');
  });
});

describe('hostile directory trees', () => {
  const cleanups: Array<() => void> = [];
  afterAll(() => cleanups.forEach((cleanup) => cleanup()));

  it('symlink loops (self, mutual, to an ancestor) and broken links: no hang, each file read once', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    plan(dir, 'tree/a/plan.json');
    mkdirSync(join(dir, 'tree', 'b'));
    symlinkSync(join(dir, 'tree'), join(dir, 'tree', 'a', 'up'));
    symlinkSync(join(dir, 'tree', 'b'), join(dir, 'tree', 'a', 'to-b'));
    symlinkSync(join(dir, 'tree', 'a'), join(dir, 'tree', 'b', 'to-a'));
    symlinkSync(join(dir, 'tree', 'b', 'self'), join(dir, 'tree', 'b', 'self'));
    const run = await runBoundedAsync(['scan', 'tree', '--format', 'json'], { cwd: dir, timeoutMs: 15_000 });
    expect(run.timedOut).toBe(false);
    // The self-referencing link cannot be resolved: reported (exit 2), the plan still scanned once.
    expect(run.code).toBe(2);
    expect(errorLines(run.stderr)).toEqual([expect.stringMatching(/tree\/(a\/to-)?b\/self: is a broken symlink/)]);
    const report = JSON.parse(run.stdout) as { summary: { files: number }; findings: Array<{ ruleId: string }> };
    expect(report.summary.files).toBe(1);
    expect(report.findings.filter((finding) => finding.ruleId === 'AZF-PUB-001')).toHaveLength(1);
  });

  it('a FIFO and a link to /dev/zero named *.json in a walked directory are skipped, not read forever', { timeout: 30_000 }, async () => {
    const dir = tempDir();
    plan(dir, 'tree/plan.json');
    // mkfifo is coreutils: without it the test cannot plant its FIFO, and must say so rather than pass.
    const fifo = spawnSync('mkfifo', [join(dir, 'tree', 'pipe.json')], { encoding: 'utf8' });
    expect(fifo.error, 'mkfifo could not be run').toBeUndefined();
    expect(fifo.status, fifo.stderr).toBe(0);
    expect(lstatSync(join(dir, 'tree', 'pipe.json')).isFIFO()).toBe(true);
    symlinkSync('/dev/zero', join(dir, 'tree', 'zero.json'));
    const run = await runBoundedAsync(['scan', 'tree', '--format', 'json'], { cwd: dir, timeoutMs: 15_000 });
    expect(run.timedOut).toBe(false);
    expect(run.stderr).toBe('');
    expect((JSON.parse(run.stdout) as { summary: { files: number } }).summary.files).toBe(1);
  });

  it('an unreadable file and an unreadable directory are reported (exit 2), the rest scanned (as root too: the scan runs without the capabilities that let root read anything)', { timeout: 30_000 }, async () => {
    const dir = tempDir();
    const wrapper = wrapperThatChmodStops(dir);
    plan(dir, 'tree/ok/plan.json');
    const locked = plan(dir, 'tree/locked.json');
    plan(dir, 'tree/closed/plan.json');
    chmodSync(locked, 0o000);
    chmodSync(join(dir, 'tree', 'closed'), 0o000);
    cleanups.push(() => {
      chmodSync(locked, 0o600);
      chmodSync(join(dir, 'tree', 'closed'), 0o700);
    });
    const run = await runBoundedAsync(['scan', 'tree', '--format', 'json'], { cwd: dir, wrapper });
    expect(run.code, run.stderr).toBe(2);
    expect(errorLines(run.stderr).sort()).toEqual([expect.stringMatching(/tree\/closed: cannot be listed \(EACCES\)/), expect.stringMatching(/tree\/locked\.json: permission denied/)]);
    expect((JSON.parse(run.stdout) as { summary: { files: number } }).summary.files).toBe(1);
  });
});

describe('a config reaching outside the repository', () => {
  function repo(): { dir: string; target: string; outside: string } {
    const dir = tempDir();
    mkdirSync(join(dir, 'repo', '.git'), { recursive: true });
    const target = plan(join(dir, 'repo'));
    const outside = join(dir, 'outside-policies');
    writeText(outside, 'evil.yaml', `${PACK_HEAD}${RULE('planted outside the checkout')}`);
    return { dir, target, outside };
  }

  it('relative (../), absolute and symlinked-directory escapes are refused with the config line', { timeout: 60_000 }, async () => {
    const { dir, target, outside } = repo();
    symlinkSync(outside, join(dir, 'repo', 'linked-policies'));
    mkdirSync(join(dir, 'repo', 'sub'));
    symlinkSync(dir, join(dir, 'repo', 'sub', 'parent'));
    const cases: Array<[string, RegExp]> = [
      ['policies: ["../outside-policies"]\n', /repo\/\.azfence\.yaml:1: policies entry "\.\.\/outside-policies" is outside the repository/],
      [`policies:\n  - ${outside}\n`, /repo\/\.azfence\.yaml:2: policies entry ".*outside-policies" is outside the repository/],
      ['policies: [linked-policies]\n', /repo\/\.azfence\.yaml:1: policies entry "linked-policies" is outside the repository/],
      ['policies: [sub/parent/outside-policies/evil.yaml]\n', /policies entry "sub\/parent\/outside-policies\/evil\.yaml" is outside the repository/],
      ['policies: [sub/parent/not-yet-there]\n', /policies entry "sub\/parent\/not-yet-there" is outside the repository/],
    ];
    for (const [config, says] of cases) {
      writeText(join(dir, 'repo'), '.azfence.yaml', config);
      expectOneLineError(await runBoundedAsync(['scan', target], { cwd: dir }), says, config);
    }
  });

  it('--policies on the command line is the operator\'s choice and is allowed (only the config file is untrusted)', { timeout: 30_000 }, async () => {
    const { dir, target, outside } = repo();
    const run = await runBoundedAsync(['scan', target, '--policies', outside, '--format', 'json', '--fail-on', 'none'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect((JSON.parse(run.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((finding) => finding.ruleId)).toContain('ACME-T-001');
  });
});
