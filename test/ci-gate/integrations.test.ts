import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

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

const pipeline = parse(readFileSync('ci/azure-pipelines-template.yml', 'utf8')) as { parameters: Array<{ name: string }>; steps: Array<Step & { task?: string; inputs?: Record<string, string> }> };

// The GitHub Action's tests are in test/shipping/action.test.ts.
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
