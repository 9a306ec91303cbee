import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanJson } from '../support/run-cli.js';
import { registry, repoWith, pool008, type Finding } from './support.js';

/**
 * Azure Pipelines templates take parameters from the pipeline that includes them: the registry a quick
 * build targets is often one. Read without its caller a template's `${{ parameters.x }}` is unknown; read
 * through each caller it is that caller's value, and each call site is judged on its own.
 */


const repo = (files: Record<string, string>): string => repoWith(files, [registry('ci', 'acrci01', true), registry('prod', 'acrprod01', true), registry('open', 'acropen01', false)]);



function where(finding: Finding): string {
  return `${finding.status} ${finding.location.file.replace(/^.*azfence-test-[^/]+\//, '')}:${finding.location.line}`;
}

const BUILD_TEMPLATE = ['parameters:', '  - name: registry', '    type: string', 'steps:', '  - bash: az acr build -r ${{ parameters.registry }} -t app:1 .', '    displayName: Build', ''].join('\n');

describe('Azure Pipelines template parameters', () => {
  it("a steps template judges the registry its caller passes, at the template's line, naming the caller", () => {
    const dir = repo({
      'azure-pipelines.yml': 'jobs:\n  - job: image\n    steps:\n      - template: templates/build.yml\n        parameters:\n          registry: acrci01\n',
      'templates/build.yml': BUILD_TEMPLATE,
    });
    const { run, report } = scanJson([dir], ['--fail-on', 'none']);
    expect(run.stderr).toBe('');
    const findings = pool008(report);
    expect(findings.map(where)).toEqual(['fail templates/build.yml:5']);
    expect(findings[0]!.message).toContain('registry acrci01 refuses public traffic');
    expect(findings[0]!.message).toContain('azure-pipelines.yml:4');
  });

  it('a template used by two callers with different values gives one finding per call site', () => {
    const dir = repo({
      'azure-pipelines.yml': [
        'jobs:',
        '  - job: image',
        '    steps:',
        '      - template: templates/build.yml',
        '        parameters: { registry: acrci01 }',
        '      - template: templates/build.yml',
        '        parameters: { registry: acropen01 }',
        '      - template: templates/build.yml',
        '        parameters:',
        '          registry: acrprod01.azurecr.io',
        '',
      ].join('\n'),
      'release/azure-pipelines.yml': 'steps:\n  - template: ../templates/build.yml\n    parameters:\n      registry: acrprod01\n',
      'templates/build.yml': BUILD_TEMPLATE,
    });
    const { run, report } = scanJson([dir], ['--fail-on', 'none']);
    expect(run.stderr).toBe('');
    const findings = pool008(report);
    expect(findings.map(where)).toEqual(['fail templates/build.yml:5', 'fail templates/build.yml:5', 'fail templates/build.yml:5']);
    const messages = findings.map((finding) => finding.message).sort();
    expect(messages.filter((message) => message.includes('acrci01') && message.includes('azure-pipelines.yml:4'))).toHaveLength(1);
    expect(messages.filter((message) => message.includes('acrprod01') && /(^|[^/])azure-pipelines\.yml:8/.test(message))).toHaveLength(1);
    expect(messages.filter((message) => message.includes('acrprod01') && message.includes('release/azure-pipelines.yml:2'))).toHaveLength(1);
    expect(new Set(findings.map((finding) => finding.fingerprint)).size).toBe(3);
  });

  it("the template's own defaults, in the list form and the old map form, when the caller passes none", () => {
    const list = 'parameters:\n  - name: registry\n    default: acrci01\nsteps:\n  - script: az acr build -r ${{ parameters.registry }} .\n';
    const map = 'parameters:\n  registry: acrci01\nsteps:\n  - script: az acr build -r ${{ parameters.registry }} .\n';
    for (const [template, line] of [[list, 5], [map, 4]] as const) {
      const dir = repo({ 'azure-pipelines.yml': 'steps:\n  - template: build.yml\n', 'build.yml': template });
      const { run, report } = scanJson([dir], ['--fail-on', 'none']);
      expect(run.stderr).toBe('');
      expect(pool008(report).map(where)).toEqual([`fail build.yml:${line}`]);
    }
    // The caller's value wins over the default.
    const dir = repo({ 'azure-pipelines.yml': 'steps:\n  - template: build.yml\n    parameters:\n      registry: acropen01\n', 'build.yml': list });
    expect(pool008(scanJson([dir], ['--fail-on', 'none']).report)).toEqual([]);
  });

  it('jobs and stages templates, and templates nested in templates, pass values down', () => {
    const dir = repo({
      'azure-pipelines.yml': 'stages:\n  - template: stages.yml\n    parameters:\n      acr: acrci01\n',
      'stages.yml': 'parameters:\n  - name: acr\nstages:\n  - stage: build\n    jobs:\n      - template: jobs.yml\n        parameters:\n          registry: ${{ parameters.acr }}\n',
      'jobs.yml': 'parameters:\n  - name: registry\njobs:\n  - job: image\n    steps:\n      - template: build.yml\n        parameters:\n          registry: ${{ parameters.registry }}\n',
      'build.yml': BUILD_TEMPLATE,
    });
    const { run, report } = scanJson([dir], ['--fail-on', 'none']);
    expect(run.stderr).toBe('');
    const findings = pool008(report);
    expect(findings.map(where)).toEqual(['fail build.yml:5']);
    expect(findings[0]!.message).toContain('acrci01');
    expect(findings[0]!.message).toContain('azure-pipelines.yml:2');
  });

  it('extends templates take parameters too', () => {
    const dir = repo({
      'azure-pipelines.yml': 'extends:\n  template: pipeline.yml\n  parameters:\n    registry: acrci01\n',
      'pipeline.yml': 'parameters:\n  - name: registry\n    type: string\nsteps:\n  - bash: az acr build -r ${{ parameters.registry }} .\n',
    });
    const { report } = scanJson([dir], ['--fail-on', 'none']);
    expect(pool008(report).map(where)).toEqual(['fail pipeline.yml:5']);
  });

  it('values the caller does not write as literals stay unknown, named', () => {
    const cases: Array<[string, string]> = [
      ['registry: $(acrName)', 'Azure Pipelines variable acrName is not defined in this file'],
      ['registry: ${{ variables.acrName }}', 'Azure Pipelines variable acrName is not defined in this file'],
      ['registry: { name: acrci01 }', 'parameter registry'],
      ['other: acrci01', 'parameter registry has no default and azure-pipelines.yml:2 passes none'],
    ];
    for (const [parameters, named] of cases) {
      const dir = repo({ 'azure-pipelines.yml': `steps:\n  - template: build.yml\n    parameters:\n      ${parameters}\n`, 'build.yml': BUILD_TEMPLATE });
      const { run, report } = scanJson([dir], ['--fail-on', 'none']);
      expect(run.stderr, parameters).toBe('');
      const findings = pool008(report);
      expect(findings.map((finding) => finding.status), parameters).toEqual(['unknown']);
      expect(findings[0]!.message, parameters).toContain(named);
    }
  });

  it('a template found on its own and not included by any pipeline of the scan is judged with its defaults, else unknown', () => {
    const dir = repo({ 'templates/build.yml': BUILD_TEMPLATE, 'templates/default.yml': 'parameters:\n  - name: registry\n    default: acrci01\nsteps:\n  - bash: az acr build -r ${{ parameters.registry }} .\n' });
    const findings = pool008(scanJson([dir], ['--fail-on', 'none']).report);
    expect(findings.map(where).sort()).toEqual(['fail templates/default.yml:5', 'unknown templates/build.yml:5']);
    expect(findings.find((finding) => finding.status === 'unknown')!.message).toContain('parameters.registry');
  });

  it('a template that includes itself, directly or through another, is an error naming it; the scan ends', () => {
    const dir = repo({
      'azure-pipelines.yml': 'steps:\n  - template: a.yml\n    parameters: { registry: acrci01 }\n',
      'a.yml': 'parameters:\n  - name: registry\nsteps:\n  - template: b.yml\n    parameters:\n      registry: ${{ parameters.registry }}\n  - bash: az acr build -r ${{ parameters.registry }} .\n',
      'b.yml': 'parameters:\n  - name: registry\nsteps:\n  - template: a.yml\n    parameters:\n      registry: ${{ parameters.registry }}\n',
    });
    const started = Date.now();
    const { run, report } = scanJson([dir], ['--fail-on', 'none']);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.code).toBe(2);
    expect(run.stderr, run.stderr).toMatch(/^azfence: error: \S*b\.yml:4: \S*a\.yml includes itself \(template cycle\)[^\n]*\n$/);
    expect(pool008(report).map(where)).toEqual(['fail a.yml:7']);
  });

  it('a template included many times over in a fan-out is cut at a bound and said so, never a hang', () => {
    const files: Record<string, string> = { 'azure-pipelines.yml': 'steps:\n  - template: t0.yml\n' };
    for (let n = 0; n < 30; n++) files[`t${n}.yml`] = `steps:\n  - template: t${n + 1}.yml\n  - template: t${n + 1}.yml\n`;
    files['t30.yml'] = 'steps:\n  - bash: az acr build -r acrci01 .\n';
    const started = Date.now();
    const { run, report } = scanJson([repo(files)], ['--fail-on', 'none']);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.stderr).toBe('');
    const unknowns = pool008(report).filter((finding) => finding.status === 'unknown');
    expect(unknowns.length).toBeGreaterThan(0);
    expect(unknowns.some((finding) => /templates/.test(finding.message))).toBe(true);
  });
});
