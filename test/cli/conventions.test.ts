import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../src/cli/main.js';
import { buildPlan } from '../support/materialize.js';
import { tempDir, writeJson, type CliRun } from '../support/run-cli.js';

/**
 * Issue 18 item 5: the command-line conventions users of Checkov, Trivy and tfsec expect, asserted on what a
 * user sees: exit codes, stdout and stderr, and the files written.
 */

type Extra = Partial<Pick<Io, 'env' | 'stdoutIsTTY' | 'readStdin' | 'stdinIsTTY'>>;

function cli(args: string[], cwd: string, extra: Extra = {}): CliRun {
  let stdout = '';
  let stderr = '';
  // An environment of our own: the machine's NO_COLOR, FORCE_COLOR or PATH must not decide a test.
  const env = extra.env ?? { PATH: process.env['PATH'] };
  const code = main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd, ...extra, env });
  return { code, stdout, stderr };
}

const lines = (text: string): string[] => text.split('\n').filter(Boolean);

/** A registry that fails two high checks (public access, admin user) and one medium one (an IP allowlist). */
function planValue(): object {
  return buildPlan({
    azurerm: [
      {
        type: 'azurerm_container_registry',
        name: 'acr',
        values: {
          name: 'acrci',
          sku: 'Premium',
          public_network_access_enabled: true,
          admin_enabled: true,
          network_rule_bypass_option: 'None',
          network_rule_set: [{ default_action: 'Deny', ip_rule: [{ action: 'Allow', ip_range: '203.0.113.0/24' }] }],
        },
      },
    ],
  });
}

/** A registry every PUB check passes. */
function cleanPlanValue(): object {
  return buildPlan({ azurerm: [{ type: 'azurerm_container_registry', name: 'acr', values: { name: 'acrok', sku: 'Premium', public_network_access_enabled: false, admin_enabled: false, network_rule_bypass_option: 'None' } }] });
}

function repo(plan: object = planValue()): string {
  const dir = tempDir();
  writeJson(dir, 'plan.json', plan);
  return dir;
}

function ruleIds(stdout: string): string[] {
  return [...new Set((JSON.parse(stdout) as { findings: Array<{ ruleId: string }> }).findings.map((finding) => finding.ruleId))].sort();
}

describe('help', () => {
  it('every command has its own help, on stdout, exit 0', () => {
    const dir = tempDir();
    for (const [args, says] of [
      [['scan', '--help'], ['Usage: azfence scan', '-f, --format FORMAT', '-o, --output FILE', '--skip-check RULES', '--junit FILE', '--quiet']],
      [['scan', '-h'], ['Usage: azfence scan']],
      [['rules', '--help'], ['Usage: azfence rules', '--pack PACK']],
      [['explain', '--help'], ['Usage: azfence explain']],
      [['audit', '--help'], ['Usage: azfence audit', '--management-group ID']],
      [['help', 'scan'], ['Usage: azfence scan']],
      [['--help'], ['scan', 'audit', 'rules', 'explain', 'Exit codes: 0']],
      [[], ['Usage: azfence']],
    ] as const) {
      const run = cli([...args], dir);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stderr, args.join(' ')).toBe('');
      for (const text of says) expect(run.stdout, args.join(' ')).toContain(text);
    }
    expect(cli(['--version'], dir).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('usage errors are one line, exit 2, and suggest what was meant', () => {
  it.each([
    [['scan', 'plan.json', '--formt', 'json'], "unknown option '--formt' (did you mean --format?)"],
    [['scna', 'plan.json'], "unknown command 'scna' (did you mean scan?)"],
    [['scan', 'plan.json', '--skip-chek', 'PUB'], '(did you mean --skip-check?)'],
    [['scan', 'plan.json', '--format', 'json', '-f', 'sarif'], '--format given twice ("json" and "sarif"); give it once'],
    [['scan', 'plan.json', '-f', 'xml'], '--format must be one of table, json, sarif, markdown, junit'],
    [['scan', 'plan.json', '--fail-on', 'severe'], '--fail-on must be one of critical, high, medium, low, none'],
    [['scan', 'plan.json', '--sarif', 'out.sarif', '--json', './out.sarif'], '--sarif and --json name the same file'],
    [['scan', 'plan.json', '-o', 'r.txt', '--junit', 'r.txt'], '--output and --junit name the same file'],
    [['scan', 'plan.json', '--markdown', 'a.md', '--summary', 'b.md'], 'give --markdown or --summary, not both'],
    [['rules', '--pack', 'NOPE'], '--pack NOPE is not a rule pack (packs: DNS, EGR, KATA, POOL, PUB)'],
    [['rules', '--severity', 'urgent'], '--severity must be one of critical, high, medium, low'],
    [['scan', 'plan.json', '--check', 'AZF-PUB-999'], '--check entry "AZF-PUB-999" matches no rule id or pack'],
    [['scan', 'plan.json', '--skip-check', 'NOPE-*'], '--skip-check entry "NOPE-*" matches no rule id or pack'],
    [['scan', 'plan.json', '--check', 'PUB', '--skip-check', 'AZF-PUB-*'], '--check and --skip-check leave no rule to run'],
  ])('%j', (args, message) => {
    const dir = repo();
    const run = cli(args, dir);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/^azfence: error: /);
    expect(run.stderr).toContain(message);
    // Nothing was written by a run that stopped at its flags.
    for (const name of ['out.sarif', 'r.txt', 'a.md', 'b.md']) expect(existsSync(join(dir, name))).toBe(false);
  });

  it('rules --pack takes a pack in any case and lists only it', () => {
    const run = cli(['rules', '--pack', 'kata'], tempDir());
    expect(run.code).toBe(0);
    expect(lines(run.stdout).every((line) => line.startsWith('AZF-KATA-'))).toBe(true);
    expect(lines(run.stdout).length).toBeGreaterThanOrEqual(5);
  });
});

describe('short flags and several report files from one run', () => {
  it('-f json -o FILE writes the JSON report and prints nothing', () => {
    const dir = repo();
    const run = cli(['scan', 'plan.json', '-f', 'json', '-o', 'report.json'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(ruleIds(readFileSync(join(dir, 'report.json'), 'utf8'))).toEqual(['AZF-PUB-001', 'AZF-PUB-003', 'AZF-PUB-004']);
  });

  it('--json, --junit, --sarif and --markdown beside the table on stdout, all from one scan', () => {
    const dir = repo();
    const run = cli(['scan', 'plan.json', '--json', 'out/r.json', '--junit', 'out/r.xml', '--sarif', 'out/r.sarif', '--markdown', 'out/r.md'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('AZF-PUB-001');
    expect(ruleIds(readFileSync(join(dir, 'out/r.json'), 'utf8'))).toEqual(['AZF-PUB-001', 'AZF-PUB-003', 'AZF-PUB-004']);
    expect(readFileSync(join(dir, 'out/r.xml'), 'utf8')).toMatch(/^<\?xml[^>]*>\n<testsuites [^>]*failures="2"/);
    expect(JSON.parse(readFileSync(join(dir, 'out/r.sarif'), 'utf8')).runs[0].results).toHaveLength(3);
    expect(readFileSync(join(dir, 'out/r.md'), 'utf8')).toContain('## azfence');
  });
});

describe('--check and --skip-check', () => {
  it('take rule ids, globs and pack names, comma-separated or repeated, in any case', () => {
    const dir = repo();
    const json = (extra: string[]) => ruleIds(cli(['scan', 'plan.json', '-f', 'json', ...extra], dir).stdout);
    expect(json(['--check', 'AZF-PUB-001'])).toEqual(['AZF-PUB-001']);
    expect(json(['--check', 'AZF-PUB-00?', '--skip-check', 'AZF-PUB-004'])).toEqual(['AZF-PUB-001', 'AZF-PUB-003']);
    expect(json(['--skip-check', 'AZF-PUB-001,AZF-PUB-003'])).toEqual(['AZF-PUB-004']);
    expect(json(['--skip-check', 'AZF-PUB-001', '--skip-check', 'azf-pub-004'])).toEqual(['AZF-PUB-003']);
    expect(json(['--check', 'DNS'])).toEqual([]);
  });

  it('a rule left out by a flag is named in the table, with the flag', () => {
    const dir = repo();
    const run = cli(['scan', 'plan.json', '--skip-check', 'AZF-PUB-001'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('The command line changes the defaults: AZF-PUB-001 skipped (--skip-check), 1 rule not run: AZF-PUB-001');
  });

  it('check: and skipCheck: in .azfence.yaml narrow the run, and every report says so', () => {
    const dir = repo();
    writeFileSync(join(dir, '.azfence.yaml'), 'skipCheck:\n  - AZF-PUB-001\n  - AZF-PUB-004\n');
    const run = cli(['scan', 'plan.json', '--json', 'r.json', '--junit', 'r.xml', '--sarif', 'r.sarif', '--markdown', 'r.md'], dir);
    // Only the medium allowlist finding is left: below the gate.
    expect(run.code).toBe(0);
    const said = 'AZF-PUB-001, AZF-PUB-004 skipped (skipCheck in the configuration), 2 rules not run: AZF-PUB-001, AZF-PUB-004';
    expect(run.stdout).toContain(`Configuration .azfence.yaml changes the defaults: ${said}`);
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toContain(said);
    expect(readFileSync(join(dir, 'r.xml'), 'utf8')).toContain(said);
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(json.configuration.rulesNotRun).toEqual([{ by: 'skipCheck', from: 'config', patterns: ['AZF-PUB-001', 'AZF-PUB-004'], rules: ['AZF-PUB-001', 'AZF-PUB-004'] }]);
    const sarif = JSON.parse(readFileSync(join(dir, 'r.sarif'), 'utf8'));
    const notification = sarif.runs[0].invocations[0].toolConfigurationNotifications[0];
    expect(notification.level).toBe('warning');
    expect(notification.message.text).toContain(said);
    expect(sarif.runs[0].invocations[0].ruleConfigurationOverrides).toEqual(
      expect.arrayContaining([{ descriptor: { id: 'AZF-PUB-001' }, configuration: { enabled: false } }, { descriptor: { id: 'AZF-PUB-004' }, configuration: { enabled: false } }]),
    );
  });

  it('a flag replaces the configuration list, and the report says which applied', () => {
    const dir = repo();
    writeFileSync(join(dir, '.azfence.yaml'), 'check: [DNS]\n');
    const fromConfig = cli(['scan', 'plan.json', '-f', 'json'], dir);
    expect(ruleIds(fromConfig.stdout)).toEqual([]);
    expect(fromConfig.code).toBe(0);
    expect(JSON.parse(fromConfig.stdout).configuration.rulesNotRun[0]).toMatchObject({ by: 'check', from: 'config', patterns: ['DNS'] });
    const fromFlag = cli(['scan', 'plan.json', '-f', 'json', '--check', 'PUB'], dir);
    expect(ruleIds(fromFlag.stdout)).toEqual(['AZF-PUB-001', 'AZF-PUB-003', 'AZF-PUB-004']);
    expect(JSON.parse(fromFlag.stdout).configuration.rulesNotRun[0]).toMatchObject({ by: 'check', from: 'flag', patterns: ['PUB'] });
  });

  it('a config entry that matches nothing is an error at its line', () => {
    const dir = repo();
    writeFileSync(join(dir, '.azfence.yaml'), 'failOn: high\nskipCheck:\n  - AZF-PUB-001\n  - AZF-PBU-*\n');
    const run = cli(['scan', 'plan.json'], dir);
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual(['azfence: error: .azfence.yaml:4: skipCheck entry "AZF-PBU-*" matches no rule id or pack (azfence rules lists them)']);
  });

  it('the config schema documents both keys and refuses other shapes', () => {
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemas', 'config.schema.json'), 'utf8'));
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['check', 'skipCheck']));
    const dir = repo();
    writeFileSync(join(dir, '.azfence.yaml'), 'skipCheck: AZF-PUB-001\n');
    const run = cli(['scan', 'plan.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^azfence: error: \.azfence\.yaml:1: .*skipCheck/);
  });
});

describe('- reads stdin', () => {
  it('a plan piped in is scanned and named <stdin>', () => {
    const dir = tempDir();
    const run = cli(['scan', '-', '-f', 'json'], dir, { readStdin: () => Buffer.from(JSON.stringify(planValue())) });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.inputs).toEqual([expect.objectContaining({ file: '<stdin>', kind: 'plan' })]);
    expect(report.findings.every((finding: { location: { file: string } }) => finding.location.file === '<stdin>')).toBe(true);
  });

  it('Kubernetes manifests piped in are read as YAML', () => {
    const manifest = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: untrusted\n  labels: { azfence.io/untrusted: "true" }\nspec:\n  containers:\n    - name: app\n      image: mcr.microsoft.com/busybox:1.0\n';
    const run = cli(['scan', '-', '-f', 'json', '--fail-on', 'none'], tempDir(), { readStdin: () => Buffer.from(manifest) });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).inputs).toEqual([expect.objectContaining({ file: '<stdin>', kind: 'manifest' })]);
  });

  it('beside files, and refused from a terminal or twice', () => {
    const dir = repo(cleanPlanValue());
    const both = cli(['scan', 'plan.json', '-', '-f', 'json'], dir, { readStdin: () => Buffer.from(JSON.stringify(planValue())) });
    expect(JSON.parse(both.stdout).inputs.map((input: { file: string }) => input.file)).toEqual(['plan.json', '<stdin>']);
    const tty = cli(['scan', '-'], dir, { stdinIsTTY: true, readStdin: () => Buffer.from('') });
    expect(tty.code).toBe(2);
    expect(lines(tty.stderr)).toEqual(['azfence: error: - reads the input from stdin, but stdin is a terminal (pipe a plan in: terraform show -json tfplan | azfence scan -)']);
    const twice = cli(['scan', '-', '-'], dir, { readStdin: () => Buffer.from('{}') });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('- (stdin) is named twice');
  });
});

describe('a saved binary plan (terraform plan -out tfplan)', () => {
  /** A zip header is all azfence looks at; terraform does the reading. */
  const TFPLAN = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(60, 1)]);

  function fakeTerraform(script: string): string {
    const bin = tempDir('azfence-bin-');
    writeFileSync(join(bin, 'terraform'), `#!/bin/sh\n${script}\n`);
    chmodSync(join(bin, 'terraform'), 0o755);
    return bin;
  }

  it('is converted with terraform show -json, run beside the plan, and findings name the plan', () => {
    const dir = repo();
    mkdirSync(join(dir, 'infra'));
    writeFileSync(join(dir, 'infra', 'tfplan'), TFPLAN);
    const bin = fakeTerraform(`echo "$PWD $*" > "${join(dir, 'called')}"\ncat "${join(dir, 'plan.json')}"`);
    const run = cli(['scan', 'infra/tfplan', '-f', 'json'], dir, { env: { PATH: `${bin}:/usr/bin:/bin` } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.inputs).toEqual([expect.objectContaining({ file: 'infra/tfplan', kind: 'plan' })]);
    expect(ruleIds(run.stdout)).toEqual(['AZF-PUB-001', 'AZF-PUB-003', 'AZF-PUB-004']);
    expect(readFileSync(join(dir, 'called'), 'utf8').trim()).toBe(`${join(dir, 'infra')} show -json -no-color ${join(dir, 'infra', 'tfplan')}`);
    // The plan is an input: no report may be written over it.
    const over = cli(['scan', 'infra/tfplan', '-o', 'infra/tfplan'], dir, { env: { PATH: `${bin}:/usr/bin:/bin` } });
    expect(over.code).toBe(2);
    expect(readFileSync(join(dir, 'infra', 'tfplan'))).toEqual(TFPLAN);
  });

  it('without terraform on PATH is a one-line error naming the command, and other inputs are still scanned', () => {
    const dir = repo();
    writeFileSync(join(dir, 'tfplan'), TFPLAN);
    const run = cli(['scan', 'tfplan', 'plan.json', '-f', 'json'], dir, { env: { PATH: tempDir('azfence-empty-path-') } });
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([
      'azfence: error: tfplan: is a binary file (a saved Terraform plan); converting it needs "terraform show -json", and terraform is not on PATH (run: terraform show -json tfplan > plan.json, then scan plan.json)',
    ]);
    expect(ruleIds(run.stdout)).toEqual(['AZF-PUB-001', 'AZF-PUB-003', 'AZF-PUB-004']);
  });

  it("terraform's own error, one line, when it cannot read the plan", () => {
    const dir = repo();
    writeFileSync(join(dir, 'tfplan'), TFPLAN);
    const bin = fakeTerraform('printf "\\n\\033[31mError: \\033[0mFailed to read the given file as a state or plan file\\n\\nState read error: ...\\n" >&2\nexit 1');
    const run = cli(['scan', 'tfplan'], dir, { env: { PATH: bin } });
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual(['azfence: error: tfplan: is a binary file (a saved Terraform plan) that "terraform show -json" could not read: Failed to read the given file as a state or plan file']);
  });

  it('a binary file in a scanned directory is not run through terraform', () => {
    const dir = repo();
    writeFileSync(join(dir, 'tfplan'), TFPLAN);
    const bin = fakeTerraform(`touch "${join(dir, 'called')}"`);
    const run = cli(['scan', '.', '-f', 'json'], dir, { env: { PATH: bin } });
    expect(run.code).toBe(1);
    expect(existsSync(join(dir, 'called'))).toBe(false);
  });
});

describe('--quiet', () => {
  it('prints nothing when the gate passes', () => {
    const dir = repo(cleanPlanValue());
    const run = cli(['scan', 'plan.json', '--quiet', '--markdown', 'summary.md'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('');
    // Report files are written in full.
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('gate passed');
  });

  it('prints only what fails the gate, and the verdict', () => {
    const dir = repo();
    const run = cli(['scan', 'plan.json', '-q'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('AZF-PUB-001');
    expect(run.stdout).toContain('AZF-PUB-004');
    expect(run.stdout).not.toContain('AZF-PUB-003');
    expect(run.stdout).toMatch(/^gate failed: 2 findings at or above high$/m);
  });
});

describe('severity colours', () => {
  const ESC = '\u001b[';
  it('on a terminal, unless NO_COLOR; FORCE_COLOR turns them on anywhere; never in a file', () => {
    const dir = repo();
    const tty = cli(['scan', 'plan.json'], dir, { stdoutIsTTY: true });
    expect(tty.stdout).toContain(`${ESC}31mhigh${ESC}0m`);
    expect(tty.stdout).toContain(`${ESC}33mmedium${ESC}0m`);
    expect(tty.stdout).toContain(`${ESC}1;31mgate failed: 2 findings at or above high${ESC}0m`);
    expect(cli(['scan', 'plan.json'], dir).stdout).not.toContain(ESC);
    expect(cli(['scan', 'plan.json'], dir, { stdoutIsTTY: true, env: { NO_COLOR: '1' } }).stdout).not.toContain(ESC);
    expect(cli(['scan', 'plan.json'], dir, { env: { FORCE_COLOR: '1' } }).stdout).toContain(`${ESC}31mhigh`);
    expect(cli(['scan', 'plan.json'], dir, { stdoutIsTTY: true, env: { FORCE_COLOR: '0' } }).stdout).not.toContain(ESC);
    cli(['scan', 'plan.json', '-o', 'table.txt'], dir, { stdoutIsTTY: true, env: { FORCE_COLOR: '1' } });
    expect(readFileSync(join(dir, 'table.txt'), 'utf8')).not.toContain(ESC);
    // Machine formats are never coloured.
    expect(cli(['scan', 'plan.json', '-f', 'json'], dir, { stdoutIsTTY: true, env: { FORCE_COLOR: '1' } }).stdout).not.toContain(ESC);
  });
});

describe('the gate verdict and the summary', () => {
  it('the table and the Markdown say whether the gate failed and why', () => {
    const dir = repo();
    const table = cli(['scan', 'plan.json'], dir);
    expect(table.stdout).toMatch(/^gate failed: 2 findings at or above high$/m);
    expect(cli(['scan', 'plan.json', '--fail-on', 'medium'], dir).stdout).toMatch(/^gate failed: 3 findings at or above medium$/m);
    expect(cli(['scan', 'plan.json', '--fail-on', 'critical'], dir).stdout).toMatch(/^gate passed: no findings at or above critical$/m);
    expect(cli(['scan', 'plan.json', '--fail-on', 'none'], dir).stdout).toMatch(/^gate passed: findings never fail this run \(--fail-on none\)$/m);
    const markdown = cli(['scan', 'plan.json', '-f', 'markdown'], dir);
    expect(markdown.stdout.split('\n')[2]).toBe('**:x: gate failed: 2 findings at or above high**');
  });

  it('unknowns: counted apart, failing only with --fail-on-unknown', () => {
    const plan = buildPlan({ azurerm: [{ type: 'azurerm_container_registry', name: 'acr', values: { name: 'acrvar', sku: 'Premium', admin_enabled: false }, unknown: ['public_network_access_enabled'] }] });
    const dir = repo(plan);
    const run = cli(['scan', 'plan.json', '--check', 'AZF-PUB-001'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^gate passed: no findings at or above high; 1 check at or above high unknown until apply \(they fail only with --fail-on-unknown\)$/m);
    const strict = cli(['scan', 'plan.json', '--check', 'AZF-PUB-001', '--fail-on-unknown'], dir);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/^gate failed: 1 finding at or above high \(1 unknown until apply, --fail-on-unknown\)$/m);
  });

  it('an input error fails the run whatever the findings', () => {
    const dir = repo(cleanPlanValue());
    writeFileSync(join(dir, 'broken.json'), '{"format_version": ');
    const run = cli(['scan', 'plan.json', 'broken.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^gate failed: 1 error \(not everything could be read and checked\)$/m);
  });

  it('the summary line names what each count counts', () => {
    const run = cli(['scan', 'plan.json'], repo());
    expect(run.stdout).toMatch(/^1 input file; 1 resource read, 1 checked by a rule; \d+ checks passed, 3 failed, 0 unknown until apply$/m);
  });
});

describe('check and skipCheck together', () => {
  it('in one configuration, beside the other settings', () => {
    const dir = repo();
    writeFileSync(join(dir, '.azfence.yaml'), 'failOn: high\ncheck: [PUB, AZF-DNS-*]\nskipCheck: [AZF-PUB-003]\nrules:\n  AZF-PUB-004: { severity: medium }\n');
    const run = cli(['scan', 'plan.json', '-f', 'json'], dir);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout);
    expect(report.configuration.rulesNotRun.map((entry: { by: string }) => entry.by)).toEqual(['check', 'skipCheck']);
    expect(ruleIds(run.stdout)).toEqual(['AZF-PUB-001', 'AZF-PUB-004']);
  });
});
