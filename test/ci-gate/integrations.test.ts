import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir } from '../support/run-cli.js';
import { validateSarif } from '../support/sarif-validator.js';
import { cliBundle } from '../hostile/support.js';
import { makeEstate, write } from './fixture.js';

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  if?: string;
  run?: string;
  bash?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

const action = parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, unknown>; runs: { using: string; steps: Step[] } };
const pipeline = parse(readFileSync('ci/azure-pipelines-template.yml', 'utf8')) as { parameters: Array<{ name: string }>; steps: Array<Step & { task?: string; inputs?: Record<string, string> }> };

describe('GitHub Action', () => {
  it('is a composite action that never splices inputs into shell scripts', () => {
    expect(action.runs.using).toBe('composite');
    for (const name of ['paths', 'format', 'fail-on', 'baseline', 'config', 'source', 'category', 'version']) expect(action.inputs).toHaveProperty(name);
    for (const step of action.runs.steps) if (step.run) expect(step.run).not.toContain('${{');
    const upload = action.runs.steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif'))!;
    expect(upload.with).toMatchObject({ sarif_file: '${{ inputs.sarif-file }}', category: '${{ inputs.category }}' });
    expect(upload.if).toContain('always()');
  });

  it('runs the scan, appends the step summary, writes SARIF and reports the exit code for the gate step', () => {
    // The current sources as a binary (a lone run of this file must not find dist/ stale).
    const cli = cliBundle();
    // A stand-in for the action's checkout: `npm install` on an empty lockfile is instant and offline, and its
    // dist/bundle/cli.js runs the current sources.
    const actionPath = tempDir('azfence-action-');
    write(actionPath, 'package.json', JSON.stringify({ name: 'azfence-action-test', version: '1.0.0', private: true, type: 'module' }));
    write(actionPath, 'package-lock.json', JSON.stringify({ name: 'azfence-action-test', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'azfence-action-test', version: '1.0.0' } } }));
    write(actionPath, 'dist/bundle/cli.js', `await import(${JSON.stringify(pathToFileURL(cli).href)});\n`);
    const workspace = makeEstate();
    const runner = tempDir('azfence-runner-');
    const files = { GITHUB_OUTPUT: join(runner, 'output'), GITHUB_STEP_SUMMARY: join(runner, 'summary.md') };
    writeFileSync(files.GITHUB_OUTPUT, '');
    writeFileSync(files.GITHUB_STEP_SUMMARY, '# Earlier step\n');
    const scanStep = action.runs.steps.find((step) => step.id === 'scan')!;
    const inputs: Record<string, string> = {
      AZFENCE_VERSION: '',
      INPUT_PATHS: 'plan.json',
      INPUT_FORMAT: 'table',
      INPUT_FAIL_ON: 'high',
      INPUT_FAIL_ON_UNKNOWN: 'false',
      INPUT_BASELINE: '',
      INPUT_CONFIG: '',
      INPUT_SOURCE: '',
      INPUT_SARIF_FILE: 'results/azfence.sarif',
      INPUT_STEP_SUMMARY: 'true',
    };
    expect(Object.keys(scanStep.env!).sort()).toEqual(Object.keys(inputs).sort());
    const run = spawnSync('bash', ['-c', scanStep.run!], { cwd: workspace, encoding: 'utf8', env: { ...process.env, ...inputs, ...files, GITHUB_ACTION_PATH: actionPath, RUNNER_TEMP: runner } });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('main.tf:');
    expect(readFileSync(files.GITHUB_OUTPUT, 'utf8')).toBe('exit-code=1\n');
    const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
    expect(summary.startsWith('# Earlier step\n## azfence\n')).toBe(true);
    expect(summary).toContain('1 suppressed');
    expect(validateSarif([join(workspace, 'results/azfence.sarif')])).toEqual([]);

    const gate = action.runs.steps.at(-1)!;
    expect(gate.if).toBe('always()');
    for (const [code, status] of [['0', 0], ['1', 1], ['2', 2], ['', 2]] as const) {
      expect(spawnSync('bash', ['-c', gate.run!], { encoding: 'utf8', env: { ...process.env, CODE: code } }).status).toBe(status);
    }
  });
});

describe('Azure Pipelines template', () => {
  it('publishes JUnit to the Tests tab and SARIF as the CodeAnalysisLogs artifact, even when the gate fails', () => {
    expect(pipeline.parameters.map((parameter) => parameter.name)).toEqual(expect.arrayContaining(['paths', 'failOn', 'baseline', 'config', 'source']));
    const scanStep = pipeline.steps.find((step) => step.bash)!;
    expect(scanStep.bash).not.toContain('${{');
    expect(scanStep.bash).toContain('--format junit');
    const junit = pipeline.steps.find((step) => step.task === 'PublishTestResults@2')!;
    expect(junit).toMatchObject({ condition: 'succeededOrFailed()', inputs: { testResultsFormat: 'JUnit' } });
    const sarif = pipeline.steps.find((step) => step.task === 'PublishBuildArtifacts@1')!;
    expect(sarif).toMatchObject({ condition: 'succeededOrFailed()', inputs: { ArtifactName: 'CodeAnalysisLogs' } });
  });
});
