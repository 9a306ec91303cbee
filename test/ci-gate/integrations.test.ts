import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

const pipeline = parse(readFileSync('ci/azure-pipelines-template.yml', 'utf8')) as { parameters: Array<{ name: string; default?: unknown }>; steps: Array<Step & { task?: string; inputs?: Record<string, string> }> };

// The GitHub Action's tests are in test/shipping/action.test.ts.
describe('Azure Pipelines template', () => {
  it('publishes JUnit to the Tests tab and SARIF as the CodeAnalysisLogs artifact, even when the gate fails', () => {
    expect(pipeline.parameters.map((parameter) => parameter.name)).toEqual(expect.arrayContaining(['paths', 'failOn', 'baseline', 'config', 'policies', 'check', 'skipCheck', 'source']));
    const scanStep = pipeline.steps.find((step) => step.bash)!;
    expect(scanStep.bash).not.toContain('${{');
    const junit = pipeline.steps.find((step) => step.task === 'PublishTestResults@2')!;
    expect(junit).toMatchObject({ condition: 'succeededOrFailed()', inputs: { testResultsFormat: 'JUnit' } });
    const sarif = pipeline.steps.find((step) => step.task === 'PublishBuildArtifacts@1')!;
    expect(sarif).toMatchObject({ condition: 'succeededOrFailed()', inputs: { ArtifactName: 'CodeAnalysisLogs' } });
  });

  it('scans once and writes every report from that run: JUnit, SARIF, the Markdown summary, and the findings in the log', () => {
    const scanStep = pipeline.steps.find((step) => step.bash)!;
    // npx as the agent would run it, recording each call: `npx --yes azfence@<version> <args>` runs the current sources.
    const bin = tempDir('azfence-ado-bin-');
    const calls = join(bin, 'calls');
    write(bin, 'npx', `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >> ${JSON.stringify(calls)}\nshift 2\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cliBundle())} "$@"\n`);
    chmodSync(join(bin, 'npx'), 0o755);
    const workspace = makeEstate();
    const out = join(tempDir('azfence-ado-out-'), 'azfence');
    const parameter = (name: string) => String(pipeline.parameters.find((entry) => entry.name === name)?.default ?? '');
    const env = {
      PATH: `${bin}:/usr/bin:/bin`,
      NO_COLOR: '1',
      OUT: out,
      AZFENCE_VERSION: parameter('azfenceVersion'),
      AZFENCE_PATHS: 'plan.json',
      AZFENCE_FAIL_ON: 'high',
      AZFENCE_FAIL_ON_UNKNOWN: 'False',
      AZFENCE_BASELINE: '',
      AZFENCE_CONFIG: '',
      AZFENCE_POLICIES: '',
      AZFENCE_CHECK: '',
      AZFENCE_SKIP_CHECK: '',
      AZFENCE_SOURCE: '',
    };
    expect(Object.keys(scanStep.env!).sort()).toEqual(Object.keys(env).filter((name) => !['PATH', 'NO_COLOR'].includes(name)).sort());
    const run = spawnSync('bash', ['-c', scanStep.bash!], { cwd: workspace, encoding: 'utf8', env });
    expect(run.status, run.stderr).toBe(1);
    expect(readFileSync(calls, 'utf8')).toBe(`--yes azfence@latest scan --format=junit --output=${out}/azfence.xml --sarif=${out}/CodeAnalysisLogs/azfence.sarif --markdown=${out}/azfence.md --fail-on=high -- plan.json\n`);
    const junit = readFileSync(join(out, 'azfence.xml'), 'utf8');
    expect(junit).toMatch(/^<\?xml/);
    expect(junit).toContain('AZF-PUB-005');
    expect(validateSarif([join(out, 'CodeAnalysisLogs', 'azfence.sarif')])).toEqual([]);
    const markdown = readFileSync(join(out, 'azfence.md'), 'utf8');
    expect(markdown).toContain('AZF-PUB-005');
    expect(run.stdout).toContain(`##vso[task.uploadsummary]${out}/azfence.md\n`);
    expect(run.stdout).toContain(markdown);
  });

  it('passes policies, check and skip-check on, and cannot be steered by a value that starts with -', () => {
    const scanStep = pipeline.steps.find((step) => step.bash)!;
    const bin = tempDir('azfence-ado-bin-');
    const calls = join(bin, 'calls');
    write(bin, 'npx', `#!/usr/bin/env bash\nfor arg in "$@"; do printf '%s\\n' "$arg"; done >> ${JSON.stringify(calls)}\nexit 0\n`);
    chmodSync(join(bin, 'npx'), 0o755);
    const out = join(tempDir('azfence-ado-out-'), 'azfence');
    const env = { PATH: `${bin}:/usr/bin:/bin`, OUT: out, AZFENCE_VERSION: '0.1.0', AZFENCE_PATHS: 'plan.json --fail-on=none', AZFENCE_FAIL_ON: '', AZFENCE_FAIL_ON_UNKNOWN: 'True', AZFENCE_BASELINE: '', AZFENCE_CONFIG: '--fail-on=none', AZFENCE_POLICIES: 'policies/acme policies/shared', AZFENCE_CHECK: 'AZF-PUB-*,KATA', AZFENCE_SKIP_CHECK: 'AZF-DNS-005', AZFENCE_SOURCE: 'infra' };
    const run = spawnSync('bash', ['-c', scanStep.bash!], { cwd: tempDir(), encoding: 'utf8', env });
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(calls, 'utf8').split('\n').slice(0, -1)).toEqual([
      '--yes',
      'azfence@0.1.0',
      'scan',
      '--format=junit',
      `--output=${out}/azfence.xml`,
      `--sarif=${out}/CodeAnalysisLogs/azfence.sarif`,
      `--markdown=${out}/azfence.md`,
      '--fail-on-unknown',
      '--config=--fail-on=none',
      '--policies=policies/acme',
      '--policies=policies/shared',
      '--check=AZF-PUB-*,KATA',
      '--skip-check=AZF-DNS-005',
      '--source=infra',
      '--',
      'plan.json',
      '--fail-on=none',
    ]);
  });
});
