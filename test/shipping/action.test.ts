import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { UserError } from '../../src/errors.js';
import { ACTION_INPUT_NAMES, inputVariable, readInputs, scanArguments } from '../../src/action/inputs.js';
import { tempDir } from '../support/run-cli.js';
import { validateSarif } from '../support/sarif-validator.js';
import { makeEstate } from '../ci-gate/fixture.js';

/**
 * The GitHub Action as GitHub runs it: action.yml's steps, with the action's checkout as GITHUB_ACTION_PATH.
 * What runs is the committed action/azfence.mjs, so these tests also keep it equal to a build of the sources.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const COMMITTED = join(ROOT, 'action', 'azfence.mjs');

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  if?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
const actionText = readFileSync(join(ROOT, 'action.yml'), 'utf8');
const action = parse(actionText) as { inputs: Record<string, { default?: string }>; runs: { using: string; steps: Step[] } };
const scanStep = action.runs.steps.find((step) => step.id === 'scan')!;
const gateStep = action.runs.steps.at(-1)!;

/**
 * The action's checkout as GitHub lays it out for a job: the repository's committed files, nothing installed
 * and nothing built (no node_modules, no dist/). Only what the program reads is copied.
 */
function actionCheckout(): string {
  const dir = tempDir('azfence-action-checkout-');
  for (const name of ['action', 'policies', 'schemas', 'package.json']) cpSync(join(ROOT, name), join(dir, name), { recursive: true });
  return dir;
}

/** A directory holding a `node` that is too old for azfence (it answers the version probe with failure). */
function oldNodeOnPath(): string {
  const dir = tempDir('azfence-old-node-');
  writeFileSync(join(dir, 'node'), '#!/bin/sh\nif [ "$1" = --version ]; then echo v20.20.2; exit 0; fi\nexit 1\n');
  chmodSync(join(dir, 'node'), 0o755);
  return dir;
}

interface StepRun {
  status: number | null;
  stdout: string;
  stderr: string;
  output: string;
  summary: string;
}

/** Runs the scan step's script as the runner does: inputs in its env, the runner's files, bash. */
function runScanStep(workspace: string, inputs: Record<string, string>, options: { path: string; toolCache?: string; actionPath?: string }): StepRun {
  const runner = tempDir('azfence-runner-');
  const files = { GITHUB_OUTPUT: join(runner, 'output'), GITHUB_STEP_SUMMARY: join(runner, 'summary.md') };
  writeFileSync(files.GITHUB_OUTPUT, '');
  writeFileSync(files.GITHUB_STEP_SUMMARY, '# Earlier step\n');
  const env: Record<string, string> = { HOME: process.env['HOME'] ?? '/tmp', NO_COLOR: '1', PATH: options.path, ...files, GITHUB_ACTION_PATH: options.actionPath ?? actionCheckout(), RUNNER_TEMP: runner };
  if (options.toolCache) env['RUNNER_TOOL_CACHE'] = options.toolCache;
  // Every input is set, as GitHub sets each mapped variable (to the default when the workflow omits it).
  for (const name of ACTION_INPUT_NAMES) env[inputVariable(name)] = action.inputs[name]?.default ?? '';
  Object.assign(env, inputs);
  const run = spawnSync('bash', ['-c', scanStep.run!], { cwd: workspace, encoding: 'utf8', env, timeout: 180_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, output: readFileSync(files.GITHUB_OUTPUT, 'utf8'), summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8') };
}

const nodeDir = dirname(process.execPath);
const systemPath = '/usr/local/bin:/usr/bin:/bin';

describe('action/azfence.mjs', () => {
  it('is the bundle of the current sources (after changing src/, run npm run build:action and commit it)', async () => {
    const { bundleAction } = (await import('../../scripts/bundle-action.mjs')) as { bundleAction: () => Promise<string> };
    const built = await bundleAction();
    const committed = readFileSync(COMMITTED, 'utf8');
    // Not toEqual: a megabyte of diff helps nobody; the message says what to do.
    expect(committed === built, 'action/azfence.mjs differs from a build of src/: run `npm run build:action` and commit action/azfence.mjs').toBe(true);
  }, 120_000);

  it('imports nothing but Node built-ins: it runs from a checkout with no node_modules', () => {
    // Static imports, dynamic imports, and the requires of the CommonJS packages bundled in.
    const loads = [...readFileSync(COMMITTED, 'utf8').matchAll(/^import .* from ["']([^"']+)["'];$|\bimport\(["']([^"']+)["']\)|\b__require\(["']([^"']+)["']\)/gm)].map((match) => match[1] ?? match[2] ?? match[3]!);
    expect(loads).toContain('node:fs');
    expect(loads.filter((name) => !isBuiltin(name))).toEqual([]);
  });
});

describe('action.yml', () => {
  it('installs and builds nothing at run time and leaves the job\'s Node.js alone', () => {
    expect(action.runs.using).toBe('composite');
    for (const step of action.runs.steps) {
      expect(step.uses ?? '', step.name).not.toMatch(/setup-node/);
      // Inputs reach scripts only through env, never spliced into the script.
      if (step.run) {
        expect(step.run, step.name).not.toContain('${{');
        expect(step.run, step.name).not.toMatch(/\b(npm|npx|yarn|pnpm|tsc|esbuild)\b|GITHUB_PATH/);
      }
    }
    expect(scanStep.run).toContain('"$GITHUB_ACTION_PATH/action/azfence.mjs"');
    expect(action.inputs).not.toHaveProperty('version');
    expect(action.inputs).not.toHaveProperty('node-version');
  });

  it('pins every action it uses by commit SHA', () => {
    const uses = action.runs.steps.filter((step) => step.uses).map((step) => step.uses!);
    expect(uses.length).toBeGreaterThan(0);
    for (const use of uses) expect(use).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    // The tag beside the SHA says which release it is, for the reader and for Dependabot.
    expect(actionText).toMatch(/upload-sarif@[0-9a-f]{40} # v\d+\.\d+\.\d+\n/);
  });

  it('maps every input the program reads, and only those, into the scan step', () => {
    for (const name of ['config', 'policies', 'check', 'skip-check']) expect(action.inputs).toHaveProperty(name);
    const expected = Object.fromEntries(ACTION_INPUT_NAMES.map((name) => [inputVariable(name), `\${{ inputs.${name} }}`]));
    expect(scanStep.env).toEqual(expected);
    for (const name of ACTION_INPUT_NAMES) expect(action.inputs, name).toHaveProperty(name);
    const upload = action.runs.steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.with).toEqual({ sarif_file: '${{ inputs.sarif-file }}', category: '${{ inputs.category }}' });
    expect(upload.if).toContain('always()');
  });
});

describe("the action's command line", () => {
  const env = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).map(([name, value]) => [inputVariable(name), value]));

  it('is one scan: the chosen format to the log, SARIF to its file, Markdown to the summary', () => {
    const args = scanArguments(readInputs(env({ paths: 'plan.json', format: 'table', 'fail-on-unknown': 'false', 'sarif-file': 'azfence.sarif', 'step-summary': 'true' })), '/tmp/s.md');
    expect(args).toEqual(['scan', '--format=table', '--sarif=azfence.sarif', '--markdown=/tmp/s.md', '--', 'plan.json']);
  });

  it('passes every input on: config, policies, check and skip-check included', () => {
    const inputs = readInputs(
      env({
        paths: 'infra/tfplan.json\n  k8s/ ',
        format: 'json',
        'fail-on': 'medium',
        'fail-on-unknown': 'True',
        baseline: 'base.sarif',
        config: 'trusted/.azfence.yaml',
        policies: 'policies/acme\npolicies/shared',
        check: 'AZF-PUB-001, AZF-KATA-*\nEGR',
        'skip-check': 'AZF-DNS-005',
        source: 'infra',
        'sarif-file': 'out/azfence.sarif',
      }),
    );
    expect(scanArguments(inputs, 'summary.md')).toEqual([
      'scan',
      '--format=json',
      '--sarif=out/azfence.sarif',
      '--markdown=summary.md',
      '--fail-on=medium',
      '--fail-on-unknown',
      '--baseline=base.sarif',
      '--config=trusted/.azfence.yaml',
      '--policies=policies/acme',
      '--policies=policies/shared',
      '--check=AZF-PUB-001,AZF-KATA-*,EGR',
      '--skip-check=AZF-DNS-005',
      '--source=infra',
      '--',
      'infra/tfplan.json',
      'k8s/',
    ]);
  });

  it('keeps a value that starts with - a value, and a path that starts with - a path', () => {
    const args = scanArguments(readInputs(env({ paths: '--policies=/etc', config: '--fail-on=none' })), 's.md');
    expect(args).toContain('--config=--fail-on=none');
    expect(args.slice(args.indexOf('--'))).toEqual(['--', '--policies=/etc']);
  });

  it('scans the workspace when paths is empty, and rejects a boolean input that is neither true nor false', () => {
    expect(readInputs(env({ paths: '  ' })).paths).toEqual(['.']);
    expect(() => readInputs(env({ 'fail-on-unknown': 'yes' }))).toThrow(new UserError('input fail-on-unknown must be true or false, not yes'));
  });
});

// Each test starts the action (which compiles the packs: its checkout has no precompiled ones) and some the
// SARIF validator: minutes on a runner shared with other jobs.
describe('the action run as GitHub runs it', { timeout: 300_000 }, () => {
  it('scans from a checkout with nothing installed: table in the log, step summary appended, SARIF written, exit code for the gate', () => {
    const workspace = makeEstate();
    const step = runScanStep(workspace, { INPUT_PATHS: 'plan.json', INPUT_FAIL_ON: 'high', INPUT_SARIF_FILE: 'results/azfence.sarif' }, { path: `${nodeDir}${delimiter}${systemPath}` });
    // The fixture's suppression without a reason is warned about; nothing else is said.
    expect(step.stderr).toMatch(/^azfence: warning: main\.tf:\d+: azfence:ignore AZF-PUB-005 gives no reason[^\n]*\n$/);
    expect(step.status).toBe(0);
    expect(step.stdout).toContain('AZF-PUB-005');
    expect(step.stdout).toContain('main.tf:');
    expect(step.output).toBe('exit-code=1\n');
    expect(step.summary.startsWith('# Earlier step\n## azfence\n')).toBe(true);
    expect(step.summary).toContain('1 suppressed');
    expect(validateSarif([join(workspace, 'results/azfence.sarif')])).toEqual([]);
  });

  it('reports exit code 0 when nothing fails the gate, and 2 with a one-line error for a bad input', () => {
    const workspace = makeEstate();
    const passed = runScanStep(workspace, { INPUT_PATHS: 'plan.json', INPUT_FAIL_ON: 'none', INPUT_STEP_SUMMARY: 'false' }, { path: `${nodeDir}${delimiter}${systemPath}` });
    expect(passed.output).toBe('exit-code=0\n');
    expect(passed.summary).toBe('# Earlier step\n');
    const bad = runScanStep(workspace, { INPUT_PATHS: 'plan.json', INPUT_FAIL_ON_UNKNOWN: 'maybe' }, { path: `${nodeDir}${delimiter}${systemPath}` });
    expect(bad.output).toBe('exit-code=2\n');
    expect(bad.stderr).toBe('::error::azfence: input fail-on-unknown must be true or false, not maybe\n');
    const missing = runScanStep(workspace, { INPUT_PATHS: 'no-such-plan.json' }, { path: `${nodeDir}${delimiter}${systemPath}` });
    expect(missing.output).toBe('exit-code=2\n');
    expect(missing.stderr).toMatch(/^azfence: error: no-such-plan\.json: /);
  });

  it("runs on the tool cache's Node when PATH has an older one, without changing PATH", () => {
    const toolCache = tempDir('azfence-toolcache-');
    const version = process.versions.node;
    mkdirSync(join(toolCache, 'node', version, 'x64', 'bin'), { recursive: true });
    symlinkSync(process.execPath, join(toolCache, 'node', version, 'x64', 'bin', 'node'));
    const workspace = makeEstate();
    const step = runScanStep(workspace, { INPUT_PATHS: 'plan.json', INPUT_FORMAT: 'json' }, { path: `${oldNodeOnPath()}${delimiter}${systemPath}`, toolCache });
    expect(step.stderr).not.toContain('error');
    expect(step.output).toBe('exit-code=1\n');
    expect((JSON.parse(step.stdout) as { findings: unknown[] }).findings.length).toBeGreaterThan(0);
  });

  it('says what to do when the runner has no Node.js 22.3 or later', () => {
    const step = runScanStep(makeEstate(), { INPUT_PATHS: 'plan.json' }, { path: `${oldNodeOnPath()}${delimiter}${systemPath}`, toolCache: tempDir('azfence-empty-toolcache-') });
    expect(step.status).toBe(0);
    expect(step.output).toBe('exit-code=2\n');
    expect(step.stdout).toBe('::error::azfence needs Node.js 22.3 or later; this runner has v20.20.2. Run actions/setup-node (node-version: 22) before azfence.\n');
  });

  it('fails the job in its last step on findings or errors, and passes it on 0', () => {
    expect(gateStep.if).toBe('always()');
    for (const [code, status] of [['0', 0], ['1', 1], ['2', 2], ['', 2]] as const) {
      expect(spawnSync('bash', ['-c', gateStep.run!], { encoding: 'utf8', env: { PATH: systemPath, CODE: code } }).status).toBe(status);
    }
  });
});
