import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildPlan } from '../support/materialize.js';
import { runCli, tempDir, writeJson } from '../support/run-cli.js';
import { validateSarifText } from '../support/sarif-validator.js';

/**
 * Issue 15 item 6: the `.azfence.yaml` a pull request brings can switch rules off, lower severities, set
 * parameters, add suppressions and lower the gate. Every report says what the configuration changed
 * against the defaults, and a workflow can pin a trusted configuration and a gate the pull request
 * cannot change.
 */
const WEAKENING = [
  'failOn: critical',
  'failOnUnknown: false',
  'rules:',
  '  AZF-PUB-001: { enabled: false }',
  '  AZF-PUB-004: { severity: low }',
  '  AZF-EGR-001: { parameters: { profiles: [aks] } }',
  'parameters:',
  '  dnsMode: policy',
  'suppressions:',
  '  - { rule: AZF-PUB-002, resource: "*", reason: trusted services need it }',
  '',
].join('\n');

function weakenedRepo(): string {
  const dir = tempDir();
  writeJson(
    dir,
    'plan.json',
    buildPlan({
      azurerm: [{ type: 'azurerm_container_registry', name: 'ci', values: { name: 'acrci', sku: 'Premium', public_network_access_enabled: true, anonymous_pull_enabled: true, admin_enabled: false } }],
    }),
  );
  writeFileSync(join(dir, '.azfence.yaml'), WEAKENING);
  return dir;
}

const CHANGES = ['AZF-PUB-001 disabled', 'AZF-PUB-004 severity high -> low', 'dnsMode', 'AZF-EGR-001 profiles', '1 suppression', 'failOn critical (default high)'];

describe('what the configuration changed is in every report', () => {
  it('table: a line under the summary', () => {
    const dir = weakenedRepo();
    const run = runCli(['scan', 'plan.json'], dir);
    expect(run.code).toBe(0);
    const line = run.stdout.split('\n').find((text) => text.startsWith('Configuration .azfence.yaml changes the defaults:'));
    expect(line, run.stdout).toBeDefined();
    for (const change of CHANGES) expect(line).toContain(change);
  });

  it('Markdown: a line under the summary line', () => {
    const dir = weakenedRepo();
    const run = runCli(['scan', 'plan.json', '--format', 'markdown'], dir);
    const line = run.stdout.split('\n').find((text) => text.includes('changes the defaults'));
    expect(line, run.stdout).toBeDefined();
    expect(line).toContain('**Configuration**');
    for (const change of CHANGES) expect(line).toContain(change);
  });

  it('HTML: a paragraph in the page header', () => {
    const dir = weakenedRepo();
    const html = runCli(['scan', 'plan.json', '--format', 'html'], dir).stdout;
    const header = /<header[^>]*>([\s\S]*?)<\/header>/.exec(html)?.[1] ?? '';
    const line = header.split('\n').find((text) => text.includes('changes the defaults'));
    expect(line, header).toBeDefined();
    for (const change of CHANGES) expect(line).toContain(change.replace('->', '-&gt;'));
  });

  it('JSON: a configuration object, valid under schemas/report.schema.json', async () => {
    const dir = weakenedRepo();
    const run = runCli(['scan', 'plan.json', '--format', 'json'], dir);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report['configuration']).toEqual({
      file: '.azfence.yaml',
      rulesDisabled: ['AZF-PUB-001'],
      severities: [{ rule: 'AZF-PUB-004', from: 'high', to: 'low' }],
      parameters: expect.arrayContaining([
        { rule: 'AZF-DNS-001', name: 'dnsMode' },
        { rule: 'AZF-EGR-001', name: 'profiles' },
      ]),
      suppressions: 1,
      policies: [],
      failOn: 'critical',
      gate: { failOn: 'critical', failOnUnknown: false, from: { failOn: 'config', failOnUnknown: 'config' } },
    });
    const { Ajv } = await import('ajv');
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemas', 'report.schema.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  it('SARIF: run properties, rule configuration overrides and a configuration notification, valid for GitHub', () => {
    const dir = weakenedRepo();
    const text = runCli(['scan', 'plan.json', '--format', 'sarif'], dir).stdout;
    const run = (JSON.parse(text) as { runs: Array<Record<string, any>> }).runs[0]!;
    expect(run['properties'].azfenceConfiguration).toMatchObject({ file: '.azfence.yaml', rulesDisabled: ['AZF-PUB-001'], failOn: 'critical' });
    const invocation = run['invocations'][0];
    expect(invocation.ruleConfigurationOverrides).toEqual(
      expect.arrayContaining([
        { descriptor: { id: 'AZF-PUB-001' }, configuration: { enabled: false } },
        { descriptor: { id: 'AZF-PUB-004', index: expect.any(Number) }, configuration: { level: 'note' } },
      ]),
    );
    const note = invocation.toolConfigurationNotifications.map((notification: { message: { text: string } }) => notification.message.text).join('\n');
    for (const change of CHANGES) expect(note).toContain(change);
    expect(validateSarifText(text)).toEqual([]);
  });

  it('JUnit: properties on every suite', () => {
    const dir = weakenedRepo();
    const xml = runCli(['scan', 'plan.json', '--format', 'junit'], dir).stdout;
    expect(xml).toContain('<property name="azfence.configuration.file" value=".azfence.yaml"/>');
    expect(xml).toContain('<property name="azfence.configuration.rulesDisabled" value="AZF-PUB-001"/>');
    expect(xml).toContain('<property name="azfence.configuration.failOn" value="critical"/>');
    expect(xml).toMatch(/<property name="azfence\.configuration\.changes" value="[^"]*AZF-PUB-004 severity high -&gt; low/);
  });

  it('a --fail-on flag wins over the configuration, and the report says it did', () => {
    const dir = weakenedRepo();
    const run = runCli(['scan', 'plan.json', '--fail-on', 'low'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('failOn critical in the configuration, overridden by --fail-on low');
  });

  it('pack paths a configuration adds are named, with no terminal control characters', () => {
    const dir = weakenedRepo();
    const packDir = join(dir, 'packs\u001b[2J');
    mkdirSync(packDir);
    writeFileSync(
      join(packDir, 'acme.yaml'),
      [
        'pack: ACME',
        'title: House rules',
        'rules:',
        '  - id: ACME-STG-001',
        '    title: Storage accounts refuse shared keys',
        '    severity: medium',
        '    description: Shared keys bypass Entra ID auditing.',
        '    remediation: { azurerm: "Set shared_access_key_enabled = false on {address}." }',
        '    checks:',
        '      - select: { type: Microsoft.Storage/storageAccounts }',
        '        assert: { field: properties.allowSharedKeyAccess, equals: false }',
        '        message: Storage account {name} allows shared key access.',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, '.azfence.yaml'), 'policies: ["./packs\u001b[2J"]\n');
    const run = runCli(['scan', 'plan.json'], dir);
    expect(run.stdout).toContain('Configuration .azfence.yaml changes the defaults: rule packs added: packs?[2J');
    expect(run.stdout).not.toContain('\u001b');
  });

  it('a scan without a configuration file says nothing about one', () => {
    const dir = weakenedRepo();
    writeFileSync(join(dir, '.azfence.yaml'), '# nothing set\n');
    const run = runCli(['scan', 'plan.json'], dir);
    expect(run.stdout).not.toContain('Configuration');
    const report = JSON.parse(runCli(['scan', 'plan.json', '--format', 'json'], dir).stdout) as Record<string, unknown>;
    expect(report['configuration']).toMatchObject({ file: '.azfence.yaml', rulesDisabled: [], severities: [], parameters: [], suppressions: 0 });
  });
});

interface Step {
  id?: string;
  run?: string;
  bash?: string;
  env?: Record<string, string>;
}

describe('a workflow pins the configuration and the gate', () => {
  const action = parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, { description: string }>; runs: { steps: Step[] } };

  function runAction(workspace: string, inputs: Record<string, string>): { code: string; stdout: string } {
    // The action's checkout as a job gets it: its committed files (action/azfence.mjs runs), nothing installed.
    const actionPath = tempDir('azfence-action-');
    for (const name of ['action', 'policies', 'schemas', 'package.json']) cpSync(resolve(name), join(actionPath, name), { recursive: true });
    const runner = tempDir('azfence-runner-');
    const output = join(runner, 'output');
    writeFileSync(output, '');
    const step = action.runs.steps.find((candidate) => candidate.id === 'scan')!;
    const env = {
      INPUT_PATHS: 'plan.json',
      INPUT_FORMAT: 'table',
      INPUT_FAIL_ON: '',
      INPUT_FAIL_ON_UNKNOWN: 'false',
      INPUT_BASELINE: '',
      INPUT_CONFIG: '',
      INPUT_SOURCE: '',
      INPUT_SARIF_FILE: 'azfence.sarif',
      INPUT_STEP_SUMMARY: 'false',
      ...inputs,
    };
    // The Node running this test (22 or later) first on PATH, as a runner has it.
    const path = `${dirname(process.execPath)}${delimiter}${process.env['PATH'] ?? ''}`;
    const run = spawnSync('bash', ['-c', step.run!], { cwd: workspace, encoding: 'utf8', env: { ...process.env, ...env, PATH: path, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: join(runner, 'summary.md'), GITHUB_ACTION_PATH: actionPath, RUNNER_TEMP: runner } });
    return { code: readFileSync(output, 'utf8').trim(), stdout: run.stdout };
  }

  it('the pull request config alone lowers the gate (what the recipe guards against)', () => {
    expect(runAction(weakenedRepo(), {}).code).toBe('exit-code=0');
  });

  it('`config` pins a trusted file: the pull request .azfence.yaml is not read', () => {
    const dir = weakenedRepo();
    writeFileSync(join(dir, '.azfence.base.yaml'), 'rules:\n  AZF-PUB-003: { severity: low }\n');
    const { code, stdout } = runAction(dir, { INPUT_CONFIG: '.azfence.base.yaml' });
    expect(code).toBe('exit-code=1');
    expect(stdout).toContain('AZF-PUB-001');
    expect(stdout).toContain('Configuration .azfence.base.yaml changes the defaults: AZF-PUB-003 severity medium -> low');
  });

  it('`fail-on`, when given, wins over the configuration', () => {
    expect(runAction(weakenedRepo(), { INPUT_FAIL_ON: 'low' }).code).toBe('exit-code=1');
    expect(action.inputs['config']!.description).toMatch(/pin/i);
  });

  it('the Azure Pipelines template takes the same `config` parameter', () => {
    const pipeline = parse(readFileSync('ci/azure-pipelines-template.yml', 'utf8')) as { parameters: Array<{ name: string; displayName?: string }>; steps: Step[] };
    const config = pipeline.parameters.find((parameter) => parameter.name === 'config');
    expect(config?.displayName).toMatch(/pin/i);
    const scan = pipeline.steps.find((step) => step.bash)!;
    expect(scan.env?.['AZFENCE_CONFIG']).toBe('${{ parameters.config }}');
    expect(scan.bash).toContain('"--config=$AZFENCE_CONFIG"');
  });
});
