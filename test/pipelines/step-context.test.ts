import { describe, expect, it } from 'vitest';
import { scanJson, type JsonReport } from '../support/run-cli.js';
import { registry, repoWith } from './support.js';

/**
 * What a step runs depends on more than its script: the directory it runs in, the interpreter, whether it
 * runs at all. A pipeline read without them can judge the wrong script (a pass the author arranged) or flag
 * a step that never runs.
 */

const LOCKED_ACR = registry('ci', 'acrci01', true);

const repo = (files: Record<string, string>): string => repoWith(files, [LOCKED_ACR]);

function pool008(report: JsonReport): string[] {
  return report.findings.filter((finding) => finding.ruleId === 'AZF-POOL-008').map((finding) => `${finding.status} ${finding.location.file.replace(/^.*?(\.github|scripts|infra|azure-pipelines)/, '$1')}:${finding.location.line}`);
}

const BENIGN = 'echo nothing to build here\n';
const QUICK_BUILD = 'az acr build -r acrci01 -t app:1 .\n';

describe('the directory a step runs in', () => {
  const workflow = (stepExtra: string, jobExtra = '') => `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n${jobExtra}    steps:\n      - name: Build\n${stepExtra}        run: ./build.sh\n`;

  it('GitHub: a script run by a relative path is the one in working-directory, not the one at the root', () => {
    const files = { 'build.sh': BENIGN, 'scripts/build.sh': QUICK_BUILD };
    const step = scanJson([repo({ ...files, '.github/workflows/a.yml': workflow('        working-directory: scripts\n') })], ['--fail-on', 'none']);
    expect(pool008(step.report)).toEqual(['fail scripts/build.sh:1']);
    const job = scanJson([repo({ ...files, '.github/workflows/a.yml': workflow('', '    defaults:\n      run:\n        working-directory: ./scripts\n') })], ['--fail-on', 'none']);
    expect(pool008(job.report)).toEqual(['fail scripts/build.sh:1']);
  });

  it('GitHub: a working directory known only at run time makes a relative script unknown, named', () => {
    const { report } = scanJson([repo({ 'build.sh': BENIGN, '.github/workflows/a.yml': workflow('        working-directory: ${{ matrix.dir }}\n') })], ['--fail-on', 'none']);
    const findings = report.findings.filter((finding) => finding.ruleId === 'AZF-POOL-008');
    expect(findings.map((finding) => finding.status)).toEqual(['unknown']);
    expect(findings[0]!.message).toContain('matrix.dir');
  });

  it('Azure Pipelines: workingDirectory of a script step and of a task', () => {
    const files = { 'build.sh': BENIGN, 'scripts/build.sh': QUICK_BUILD };
    const script = 'steps:\n  - script: ./build.sh\n    workingDirectory: $(System.DefaultWorkingDirectory)/scripts\n';
    expect(pool008(scanJson([repo({ ...files, 'azure-pipelines.yml': script })], ['--fail-on', 'none']).report)).toEqual(['fail scripts/build.sh:1']);
    const task = 'steps:\n  - task: AzureCLI@2\n    inputs:\n      azureSubscription: sc\n      scriptType: bash\n      scriptLocation: inlineScript\n      workingDirectory: scripts\n      inlineScript: ./build.sh\n';
    expect(pool008(scanJson([repo({ ...files, 'azure-pipelines.yml': task })], ['--fail-on', 'none']).report)).toEqual(['fail scripts/build.sh:1']);
  });
});

describe('steps that are not shell scripts', () => {
  it('a python step that calls az acr build is unknown, never skipped', () => {
    const python = 'on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - shell: python\n        run: |\n          import subprocess\n          subprocess.run(["az", "acr", "build", "-r", "acrci01", "."])\n';
    const { report } = scanJson([repo({ '.github/workflows/a.yml': python })], ['--fail-on', 'none']);
    const findings = report.findings.filter((finding) => finding.ruleId === 'AZF-POOL-008');
    expect(findings.map((finding) => finding.status)).toEqual(['unknown']);
    expect(findings[0]!.message).toMatch(/python/);
  });

  it('a python step that does not mention az acr is nothing to check', () => {
    const python = 'on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - shell: python\n        run: print("hello")\n';
    expect(pool008(scanJson([repo({ '.github/workflows/a.yml': python })], ['--fail-on', 'none']).report)).toEqual([]);
  });
});

describe('steps that never run', () => {
  it('GitHub `if: false` and Azure Pipelines `enabled: false` / `condition: false` are not judged', () => {
    const github = `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - if: false\n        run: ${QUICK_BUILD}      - if: \${{ false }}\n        run: ${QUICK_BUILD}`;
    expect(pool008(scanJson([repo({ '.github/workflows/a.yml': github })], ['--fail-on', 'none']).report)).toEqual([]);
    const ado = `steps:\n  - script: ${QUICK_BUILD}    enabled: false\n  - bash: ${QUICK_BUILD}    condition: false\n  - script: ${QUICK_BUILD}`;
    expect(pool008(scanJson([repo({ 'azure-pipelines.yml': ado })], ['--fail-on', 'none']).report)).toEqual(['fail azure-pipelines.yml:6']);
  });

  it('a condition that is an expression still runs as far as the scan can tell', () => {
    const github = `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - if: github.ref == 'refs/heads/main'\n        run: ${QUICK_BUILD}`;
    expect(pool008(scanJson([repo({ '.github/workflows/a.yml': github })], ['--fail-on', 'none']).report)).toEqual(['fail .github/workflows/a.yml:7']);
  });
});
