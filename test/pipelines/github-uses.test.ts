import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanJson, type JsonReport } from '../support/run-cli.js';
import { registry, repoWith, pool008, type Finding } from './support.js';

/**
 * GitHub Actions steps that run other files: local composite actions and reusable workflows are read through
 * the step or job that uses them, with the inputs it passes; actions and workflows of other repositories
 * cannot be read and are listed once in the input's coverage note, never judged and never counted as checked.
 */


const repo = (files: Record<string, string>): string => repoWith(files, [registry('ci', 'acrci01', true), registry('prod', 'acrprod01', true), registry('open', 'acropen01', false)]);

type Report = JsonReport & { inputs: Array<{ file: string; kind: string; unread?: string[] }> };


function where(finding: Finding): string {
  return `${finding.status} ${finding.location.file.replace(/^.*azfence-test-[^/]+\//, '')}:${finding.location.line}`;
}

const ACTION = [
  'name: build image',
  'inputs:',
  '  registry:',
  '    description: registry name',
  '    required: true',
  '  tag:',
  '    default: latest',
  'runs:',
  '  using: composite',
  '  steps:',
  '    - name: Build',
  '      shell: bash',
  '      run: az acr build -r ${{ inputs.registry }} -t app:${{ inputs.tag }} .',
  '',
].join('\n');

const workflow = (steps: string) => `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;

describe('local composite actions', () => {
  it("a composite action's steps are judged with the inputs the using step passes, at the action's line, naming the step", () => {
    const dir = repo({
      '.github/workflows/a.yml': workflow('      - uses: actions/checkout@v4\n      - uses: ./.github/actions/build\n        with:\n          registry: acrci01\n'),
      '.github/actions/build/action.yml': ACTION,
    });
    const { run, report } = scanJson([dir], ['--fail-on', 'none']);
    expect(run.stderr).toBe('');
    const findings = pool008(report);
    expect(findings.map(where)).toEqual(['fail .github/actions/build/action.yml:13']);
    expect(findings[0]!.message).toContain('registry acrci01 refuses public traffic');
    expect(findings[0]!.message).toContain('.github/workflows/a.yml:7');
  });

  it("two uses with different inputs are judged apart; the step's env reaches the action's scripts", () => {
    const dir = repo({
      '.github/workflows/a.yml': workflow(
        [
          '      - uses: ./.github/actions/build',
          '        with: { registry: acrci01 }',
          '      - uses: ./.github/actions/build',
          '        with: { registry: acropen01 }',
          '      - uses: ./.github/actions/env',
          '        env: { ACR: acrprod01 }',
          '',
        ].join('\n'),
      ),
      '.github/actions/build/action.yml': ACTION,
      '.github/actions/env/action.yaml': 'runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: az acr build -r "$ACR" .\n',
    });
    const { run, report } = scanJson([dir], ['--fail-on', 'none']);
    expect(run.stderr).toBe('');
    const findings = pool008(report);
    expect(findings.map(where).sort()).toEqual(['fail .github/actions/build/action.yml:13', 'fail .github/actions/env/action.yaml:5']);
    expect(findings.find((finding) => finding.location.file.endsWith('action.yml'))!.message).toContain('.github/workflows/a.yml:6');
  });

  it('inputs the step does not write as literals, and required inputs it does not pass, stay unknown, named', () => {
    const cases: Array<[string, string]> = [
      ['        with:\n          registry: ${{ vars.ACR }}\n', 'vars.ACR'],
      ['        with:\n          tag: v1\n', 'input registry has no default and .github/workflows/a.yml:6 passes none'],
    ];
    for (const [use, named] of cases) {
      const dir = repo({ '.github/workflows/a.yml': workflow(`      - uses: ./.github/actions/build\n${use}`), '.github/actions/build/action.yml': ACTION });
      const { run, report } = scanJson([dir], ['--fail-on', 'none']);
      expect(run.stderr).toBe('');
      const findings = pool008(report);
      expect(findings.map((finding) => finding.status), named).toEqual(['unknown']);
      expect(findings[0]!.message).toContain(named);
    }
  });

  it('a local reusable workflow is judged with the inputs its caller passes', () => {
    const dir = repo({
      '.github/workflows/ci.yml': 'on: push\njobs:\n  image:\n    uses: ./.github/workflows/build.yml\n    with:\n      registry: acrci01\n',
      '.github/workflows/build.yml': 'on:\n  workflow_call:\n    inputs:\n      registry: { type: string, required: true }\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: az acr build -r ${{ inputs.registry }} .\n',
    });
    const { run, report } = scanJson([dir], ['--fail-on', 'none']);
    expect(run.stderr).toBe('');
    const findings = pool008(report);
    expect(findings.map(where)).toEqual(['fail .github/workflows/build.yml:9']);
    expect(findings[0]!.message).toContain('.github/workflows/ci.yml:4');
  });
});

describe('actions and workflows of other repositories', () => {
  it('azure/powershell runs its inline script like azure/cli: read as a step', () => {
    const dir = repo({ '.github/workflows/a.yml': workflow('      - uses: Azure/powershell@v2\n        with:\n          azPSVersion: latest\n          inlineScript: |\n            az acr build -r acrci01 .\n') });
    expect(pool008(scanJson([dir], ['--fail-on', 'none']).report).map(where)).toEqual(['fail .github/workflows/a.yml:10']);
  });

  it('a remote reusable workflow is a job azfence cannot read: unknown per job, at its uses: line, naming the workflow', () => {
    const dir = repo({
      '.github/workflows/a.yml': [
        'on: push',
        'jobs:',
        '  image:',
        '    uses: contoso/pipelines/.github/workflows/build.yml@main',
        '  again:',
        '    uses: contoso/pipelines/.github/workflows/build.yml@main',
        '    with: { registry: acrci01 }',
        '  local:',
        '    uses: ./.github/workflows/inner.yml',
        '',
      ].join('\n'),
      '.github/workflows/inner.yml': 'on: workflow_call\njobs:\n  deep:\n    uses: contoso/other/.github/workflows/x.yml@v1\n',
    });
    const { run, report } = scanJson([dir], ['--fail-on', 'none']);
    expect(run.stderr).toBe('');
    const findings = pool008(report);
    expect(findings.map(where).sort()).toEqual(['unknown .github/workflows/a.yml:4', 'unknown .github/workflows/a.yml:6', 'unknown .github/workflows/inner.yml:4']);
    expect(findings.map((finding) => finding.resource.address).sort()).toEqual(['jobs.again', 'jobs.image', 'jobs.local > .github/workflows/inner.yml > jobs.deep']);
    const image = findings.find((finding) => finding.resource.address! === 'jobs.image')!;
    expect(image.message).toContain('job image uses the reusable workflow contoso/pipelines/.github/workflows/build.yml@main from another repository, which this scan does not read');
    const deep = findings.find((finding) => finding.resource.address!.endsWith('jobs.deep'))!;
    expect(deep.message).toContain('contoso/other/.github/workflows/x.yml@v1');
    expect(deep.message).toContain('.github/workflows/a.yml:9');
    // The finding says it; the coverage note does not repeat it.
    expect((report as Report).inputs.find((candidate) => candidate.file.endsWith('a.yml'))!.unread).toBeUndefined();
    // An unknown fails the gate with --fail-on-unknown: the job is never a silent pass.
    expect(scanJson([dir], ['--fail-on', 'low', '--fail-on-unknown']).run.code).toBe(1);
  });

  it('are not judged and not counted as checked: listed once per file in its coverage note', () => {
    const dir = repo({
      '.github/workflows/a.yml': [
        'on: push',
        'jobs:',
        '  image:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/checkout@v4',
        '      - uses: docker/build-push-action@v6',
        '      - uses: docker/build-push-action@v6',
        '      - uses: docker://alpine:3.20',
        '  shared:',
        '    uses: contoso/pipelines/.github/workflows/build.yml@main',
        '  other:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/checkout@v4',
        '',
      ].join('\n'),
    });
    const { run, report } = scanJson([dir], ['--fail-on', 'none']);
    expect(run.stderr).toBe('');
    // The remote reusable workflow is a job of its own: an unknown (above), not a note.
    expect(pool008(report).map(where)).toEqual(['unknown .github/workflows/a.yml:11']);
    const input = (report as Report).inputs.find((candidate) => candidate.file.endsWith('a.yml'))!;
    expect(input.unread).toEqual([
      'action actions/checkout@v4: not in this repository, so az acr commands in it are not checked',
      'action docker/build-push-action@v6: not in this repository, so az acr commands in it are not checked',
      'container action docker://alpine:3.20: not in this repository, so az acr commands in it are not checked',
    ]);
  });
});
