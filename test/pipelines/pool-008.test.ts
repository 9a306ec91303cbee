import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildPlan, buildSnapshot } from '../support/materialize.js';
import { runCli, scanJson, tempDir, writeJson, type JsonReport } from '../support/run-cli.js';
import { validateSarif } from '../support/sarif-validator.js';

/**
 * AZF-POOL-008 through the CLI: CI pipeline files found in a directory walk, next to the plan or snapshot
 * that holds the registry, judged as a user sees it (findings, lines, exit codes, every report format).
 */

const LOCKED_ACR = { type: 'azurerm_container_registry', name: 'ci', values: { name: 'acrci01', resource_group_name: 'rg-ci', location: 'westeurope', sku: 'Premium', public_network_access_enabled: false, network_rule_bypass_option: 'None' } };
const OPEN_ACR = { type: 'azurerm_container_registry', name: 'open', values: { name: 'acropen01', resource_group_name: 'rg-ci', location: 'westeurope', sku: 'Premium', public_network_access_enabled: true } };
const POOL = { type: 'azurerm_container_registry_agent_pool', name: 'ci', values: { name: 'pool-ci', container_registry_name: 'acrci01', resource_group_name: 'rg-ci', location: 'westeurope', tier: 'S2' } };

function repo(files: Record<string, string>, plan: boolean | 'snapshot' = true): string {
  const dir = tempDir();
  mkdirSync(join(dir, '.git'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  if (plan === true) writeJson(dir, 'infra/plan.json', buildPlan({ azurerm: [LOCKED_ACR, OPEN_ACR, POOL] }));
  if (plan === 'snapshot') {
    writeJson(dir, 'infra/snapshot.json', buildSnapshot([{ type: 'Microsoft.ContainerRegistry/registries', name: 'acrci01', sku: { name: 'Premium' }, properties: { publicNetworkAccess: 'Disabled' } }]));
  }
  return dir;
}

function workflow(run: string, extra = ''): string {
  return `on: push\n${extra}jobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Build\n        run: |\n${run
    .split('\n')
    .map((line) => `          ${line}`)
    .join('\n')}\n`;
}

function pool008(report: JsonReport) {
  return report.findings.filter((finding) => finding.ruleId === 'AZF-POOL-008');
}

describe('AZF-POOL-008: quick builds in CI pipelines', () => {
  it('a directory holding a plan and a workflow gives the finding on the workflow line of the command', () => {
    const dir = repo({ '.github/workflows/build.yml': workflow('echo building\naz acr build \\\n  --registry acrci01 \\\n  --image app:1 .') });
    const { run, report } = scanJson([dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const [finding, ...rest] = pool008(report);
    expect(rest).toEqual([]);
    expect(finding!.status).toBe('fail');
    expect(finding!.severity).toBe('critical');
    expect(finding!.location.file).toMatch(/\.github\/workflows\/build\.yml$/);
    // Line 9 is `echo building`; the command starts on line 10 and continues over two more.
    expect(finding!.location.line).toBe(10);
    expect(finding!.message).toContain('registry acrci01 refuses public traffic');
    expect(finding!.remediation).toContain('agent pools of acrci01: pool-ci');
  });

  it('passes with --agent-pool in any spelling argparse accepts, and on a registry open to the public', () => {
    for (const command of ['az acr build -r acrci01 --agent-pool pool-ci .', 'az acr build -racrci01 --agent-pool=pool-ci .', 'az acr run --registry acrci01.azurecr.io --agent pool-ci --cmd x /dev/null', 'az acr build -r acropen01 .']) {
      const { report } = scanJson([repo({ '.github/workflows/build.yml': workflow(command) })], ['--fail-on', 'none']);
      expect(pool008(report), command).toEqual([]);
    }
  });

  it('matches the registry by login server and by a domain-name-label login server', () => {
    for (const registry of ['ACRCI01.azurecr.io', 'acrci01-abc123.azurecr.io', 'acrci01.azurecr.cn']) {
      const { report } = scanJson([repo({ '.github/workflows/build.yml': workflow(`az acr build -r ${registry} .`) })], ['--fail-on', 'none']);
      expect(pool008(report).map((finding) => finding.status), registry).toEqual(['fail']);
    }
  });

  it('resolves literal env at workflow, job and step level; names what it cannot resolve', () => {
    const literal = workflow('az acr build -r "$ACR" .', 'env:\n  ACR: acrci01\n');
    expect(pool008(scanJson([repo({ '.github/workflows/a.yml': literal })], ['--fail-on', 'none']).report).map((f) => f.status)).toEqual(['fail']);
    const cases: Array<[string, string]> = [
      [workflow('az acr build -r ${{ secrets.ACR }} .'), 'secrets.ACR'],
      [workflow('az acr build -r "$ACR" .', 'env:\n  ACR: ${{ vars.ACR }}\n'), 'vars.ACR'],
      [workflow('az acr build -r "$UNSET" .'), '$UNSET is not set in this file'],
      [workflow('az acr build -r "$(cat acr.txt)" .'), 'the output of cat ($(...)) is known only when the script runs'],
      [workflow('az acr build -r @acr.txt .'), 'read from a file'],
      [workflow('az acr build --image app:1 .'), 'defaults.acr'],
      [workflow('az acr build -r acrci01 --agent-pool "$POOL" .'), '$POOL is not set in this file'],
      [workflow('az acr build -r acrci01 $EXTRA_ARGS .'), 'one of them --agent-pool'],
      [workflow('az acr build -r acrelsewhere01 .'), 'neither in this scan nor in the lockedRegistries parameter'],
    ];
    for (const [text, named] of cases) {
      const { run, report } = scanJson([repo({ '.github/workflows/a.yml': text })], ['--fail-on', 'none']);
      expect(run.stderr).toBe('');
      const findings = pool008(report);
      expect(findings.map((finding) => finding.status), named).toEqual(['unknown']);
      expect(findings[0]!.message).toContain(named);
    }
  });

  it('never prints a credential written on the command line, in any format', () => {
    const dir = repo({ '.github/workflows/a.yml': workflow('az acr build -r "$(curl -u admin:hunter2-secret https://x)" --secret-build-arg TOKEN=hunter2-secret .\naz acr build -r acrci01 --secret-build-arg TOKEN=hunter2-secret .') });
    const sarif = join(tempDir(), 'out.sarif');
    for (const format of ['table', 'json', 'markdown', 'junit', 'html']) {
      const run = runCli(['scan', dir, '--format', format, '--sarif', sarif]);
      expect(run.stdout + run.stderr + readFileSync(sarif, 'utf8')).not.toContain('hunter2');
      expect(run.stdout).toContain('AZF-POOL-008');
    }
  });

  it('fails unknowns with --fail-on-unknown, and never counts --help as a build', () => {
    const unknown = repo({ '.github/workflows/a.yml': workflow('az acr build -r "$X" .') }, false);
    expect(runCli(['scan', unknown]).code).toBe(0);
    expect(runCli(['scan', unknown, '--fail-on-unknown']).code).toBe(1);
    const help = repo({ '.github/workflows/a.yml': workflow('az acr build --help\naz acr build -h') });
    expect(pool008(scanJson([help]).report)).toEqual([]);
  });

  it('lockedRegistries names registries the scan does not hold', () => {
    const dir = repo({ '.github/workflows/a.yml': workflow('az acr run -r acrshared01.azurecr.io --cmd "echo" /dev/null'), '.azfence.yaml': stringify({ parameters: { lockedRegistries: ['acrshared01'] } }) }, false);
    const { report } = scanJson([dir], ['--fail-on', 'none']);
    expect(pool008(report).map((finding) => [finding.status, finding.message.includes('acrshared01')])).toEqual([['fail', true]]);
  });

  it('reads the registry from a snapshot too', () => {
    const { report } = scanJson([repo({ '.github/workflows/a.yml': workflow('az acr build -r acrci01 .') }, 'snapshot')], ['--fail-on', 'none']);
    expect(pool008(report).map((finding) => finding.status)).toEqual(['fail']);
  });

  it('az acr task run: the task pool counts, a task outside the scan is unknown', () => {
    const task = (pool?: string) => ({ type: 'azurerm_container_registry_task', name: 't', values: { name: 'build-app', platform: [{ os: 'Linux' }], ...(pool ? { agent_pool_name: pool } : {}) }, unknown: ['container_registry_id'], references: { container_registry_id: ['azurerm_container_registry.ci.id', 'azurerm_container_registry.ci'] } });
    const run = (pool: string | undefined, command: string) => {
      const dir = repo({ '.github/workflows/a.yml': workflow(command) }, false);
      writeJson(dir, 'plan.json', buildPlan({ azurerm: [LOCKED_ACR, POOL, task(pool)] }));
      return pool008(scanJson([dir], ['--fail-on', 'none']).report);
    };
    expect(run('pool-ci', 'az acr task run -r acrci01 -n build-app')).toEqual([]);
    const failed = run(undefined, 'az acr task run -r acrci01 -n build-app');
    expect(failed.map((finding) => finding.status)).toEqual(['fail']);
    expect(failed[0]!.message).toContain('task build-app has none either');
    expect(run(undefined, 'az acr task run -r acrci01 -n build-app --agent-pool pool-ci')).toEqual([]);
    expect(run(undefined, 'az acr task run -r acrci01 -n other-task').map((finding) => finding.status)).toEqual(['unknown']);
  });

  it('Azure Pipelines: stages, deployment hooks, script/bash/pwsh steps, AzureCLI inline and by path, templates', () => {
    const dir = repo({
      'azure-pipelines.yml': [
        'variables:',
        '  acr.name: acrci01',
        'stages:',
        '  - stage: build',
        '    jobs:',
        '      - job: image',
        '        steps:',
        '          - bash: az acr build -r $(acr.name) .', // line 8
        '          - script: az acr build -r "$ACR_NAME" .', // line 9: variables reach scripts as env
        '          - pwsh: |',
        '              az acr build `',
        '                -r acrci01 .', // command on line 11
        '          - task: AzureCLI@2',
        '            displayName: inline',
        '            inputs:',
        '              scriptType: bash',
        '              scriptLocation: inlineScript',
        '              inlineScript: az acr run -r acrci01 --cmd x /dev/null', // line 18
        '          - template: templates/steps.yml',
        '      - deployment: release',
        '        environment: prod',
        '        strategy:',
        '          runOnce:',
        '            deploy:',
        '              steps:',
        '                - script: az acr build -r acrci01 .', // line 26
        '',
      ].join('\n'),
      'templates/steps.yml': 'parameters:\n  - name: acr\n    default: acrci01\nsteps:\n  - bash: az acr build -r acrci01 .\n  - bash: az acr build -r ${{ parameters.acr }} .\n',
    });
    const { run, report } = scanJson([dir], ['--fail-on', 'none']);
    expect(run.stderr).toBe('');
    const where = pool008(report).map((finding) => `${finding.status} ${finding.location.file.replace(/^.*azfence-test-[^/]+\//, '')}:${finding.location.line}`).sort();
    // The template is found on its own in the walk and through the pipeline: each command is counted once, read
    // through the pipeline (its parameter's default names the locked registry).
    expect(where).toEqual(['fail azure-pipelines.yml:11', 'fail azure-pipelines.yml:18', 'fail azure-pipelines.yml:26', 'fail azure-pipelines.yml:8', 'fail azure-pipelines.yml:9', 'fail templates/steps.yml:5', 'fail templates/steps.yml:6'].sort());
  });

  it('a template or script in another repository or at a computed path is unknown, never a silent pass', () => {
    const dir = repo({
      'azure-pipelines.yml': 'resources:\n  repositories:\n    - repository: tpl\n      type: git\n      name: shared/templates\nextends:\n  template: build.yml@tpl\n',
      '.github/workflows/a.yml': workflow('bash "$SCRIPT_DIR/build.sh"\n./scripts/missing.sh'),
    });
    const { run, report } = scanJson([dir], ['--fail-on', 'none']);
    expect(run.stderr).toBe('');
    const messages = pool008(report).map((finding) => `${finding.status}: ${finding.message}`);
    expect(messages).toHaveLength(3);
    expect(messages.every((message) => message.startsWith('unknown'))).toBe(true);
    expect(messages.join('\n')).toContain('build.yml@tpl from another repository');
    expect(messages.join('\n')).toContain('$SCRIPT_DIR is not set in this file');
    expect(messages.join('\n')).toContain('scripts/missing.sh does not exist');
  });

  it('an unreadable pipeline file is an input error naming the file and line, and the other files still report', () => {
    const dir = repo({ '.github/workflows/broken.yml': 'on: push\njobs:\n  a: [unclosed\n', '.github/workflows/ok.yml': workflow('az acr build -r acrci01 .'), 'azure-pipelines.yml': 'steps:\n  - template: nowhere.yml\n' });
    const { run, report } = scanJson([dir], ['--fail-on', 'none']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/broken\.yml:\d+: /);
    expect(run.stderr).toMatch(/azure-pipelines\.yml:2: includes template nowhere\.yml does not exist/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(pool008(report).map((finding) => finding.status)).toEqual(['fail']);
  });

  it('an alias bomb or a million broken steps is a short error, read fast', () => {
    const bomb = `on: push\nx: &a [1,1,1,1,1,1,1,1,1,1]\ny: &b [${Array(10).fill('*a').join(',')}]\nz: &c [${Array(10).fill('*b').join(',')}]\nw: &d [${Array(10).fill('*c').join(',')}]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [${Array(100).fill('*d').join(',')}]\n`;
    const started = Date.now();
    const { run } = scanJson([repo({ '.github/workflows/bomb.yml': bomb }, false)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bomb\.yml:\d+: /);
    expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(25);
    const broken = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n${'      - 1\n'.repeat(5000)}`;
    const many = scanJson([repo({ '.github/workflows/many.yml': broken }, false)]);
    expect(many.run.code).toBe(2);
    expect(many.run.stderr.trim().split('\n').length).toBeLessThanOrEqual(25);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('Kubernetes manifests stay manifests, and a workflow holding a manifest in a heredoc stays a workflow', () => {
    const manifest = 'apiVersion: batch/v1\nkind: Job\nmetadata: { name: build }\nspec:\n  template:\n    spec:\n      containers:\n        - name: az\n          image: mcr.microsoft.com/azure-cli\n          command: [az, acr, build, -r, acrci01, .]\n      restartPolicy: Never\n';
    const heredoc = workflow('kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nEOF\naz acr build -r acrci01 .');
    const { run, report } = scanJson([repo({ 'k8s/job.yaml': manifest, '.github/workflows/deploy.yml': heredoc })], ['--fail-on', 'none']);
    expect(run.stderr).toBe('');
    expect(pool008(report).map((finding) => `${finding.location.file.split('/').pop()}:${finding.location.line}`)).toEqual(['deploy.yml:13']);
  });

  it('workflows outside .github are found by shape; other YAML is left alone', () => {
    const dir = repo({ 'ci/pipeline.yaml': 'trigger: none\npool: { vmImage: ubuntu-latest }\nsteps:\n  - script: az acr build -r acrci01 .\n', 'config/values.yaml': 'steps: 3\nimage: x\n', 'gitlab/.gitlab-ci.yml': 'stages: [build]\nbuild:\n  script: az acr build -r acrci01 .\n' });
    const { run, report } = scanJson([dir], ['--fail-on', 'none']);
    expect(run.stderr).toBe('');
    expect(pool008(report).map((finding) => finding.location.file.split('/').slice(-2).join('/'))).toEqual(['ci/pipeline.yaml']);
  });

  it('suppressions: # azfence:ignore in YAML above the step and in the shell script, a reason required', () => {
    const dir = repo({
      '.github/workflows/a.yml': [
        'on: push',
        'jobs:',
        '  image:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      # azfence:ignore AZF-POOL-008 the registry opens for this job through a temporary IP rule',
        '      - name: Build',
        '        run: az acr build -r acrci01 .',
        '      - name: Script',
        '        run: ./build.sh',
        '      - name: No reason',
        '        run: az acr build -r acrci01 . # azfence:ignore AZF-POOL-008',
        '',
      ].join('\n'),
      'build.sh': '# azfence:ignore AZF-POOL-008: mirrored registry, see ADR 12\naz acr build -r acrci01 .\n',
    });
    const { run, report } = scanJson([dir]);
    const findings = pool008(report) as Array<JsonReport['findings'][number] & { suppression?: { reason: string; line?: number } }>;
    expect(findings.map((finding) => [finding.location.line, finding.suppression?.reason ?? null]).sort()).toEqual(
      [
        [2, 'mirrored registry, see ADR 12'],
        [8, 'the registry opens for this job through a temporary IP rule'],
        [12, null],
      ].sort(),
    );
    expect(run.stderr).toContain('gives no reason');
    expect(run.code).toBe(1);
  });

  it('every report format carries the finding; SARIF is valid and points at the workflow line; a baseline accepts it', () => {
    const dir = repo({ '.github/workflows/build.yml': workflow('az acr build -r acrci01 .') });
    const sarif = join(tempDir(), 'out.sarif');
    const table = runCli(['scan', dir, '--sarif', sarif]);
    expect(table.stdout).toContain('AZF-POOL-008');
    expect(validateSarif([sarif])).toEqual([]);
    const log = JSON.parse(readFileSync(sarif, 'utf8')) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }> };
    const result = log.runs[0]!.results.find((candidate) => candidate.ruleId === 'AZF-POOL-008')!;
    expect(result.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(/\.github\/workflows\/build\.yml$/);
    expect(result.locations[0]!.physicalLocation.region.startLine).toBe(9);
    for (const format of ['markdown', 'junit']) expect(runCli(['scan', dir, '--format', format]).stdout).toContain('AZF-POOL-008');
    // The HTML report shows the command's file:line under its address, as the table and Markdown do, and the
    // rule's help names the fix's input kind in words.
    const html = runCli(['scan', dir, '--format', 'html']).stdout;
    expect(html).toMatch(/<code>jobs\.image\.steps\[(&quot;|&#34;|")Build(&quot;|&#34;|")\]\[0\]<\/code><br><span class="where">[^<]*\.github\/workflows\/build\.yml:9<\/span>/);
    expect(html).toContain('<dt>CI pipelines (GitHub Actions, Azure Pipelines, scripts)</dt>');
    const baseline = join(tempDir(), 'baseline.json');
    runCli(['scan', dir, '--format', 'json', '--output', baseline]);
    // The same finding after lines were added above it: the fingerprint holds, the baseline accepts it.
    writeFileSync(join(dir, '.github/workflows/build.yml'), `# a comment\n# another\n${readFileSync(join(dir, '.github/workflows/build.yml'), 'utf8')}`);
    const again = scanJson([dir], ['--baseline', baseline]);
    expect(pool008(again.report)).toHaveLength(1);
    expect(again.run.code).toBe(0);
  });
});
