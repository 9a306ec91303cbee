import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, scanJson, type JsonReport } from '../support/run-cli.js';
import { validateSarif } from '../support/sarif-validator.js';
import { MODULE_TF, ROOT_TF, lineOf, makeEstate, write } from './fixture.js';

type Finding = JsonReport['findings'][number] & {
  planLocation?: { file: string; line?: number };
  suppression?: { kind: string; reason: string; expires?: string };
  baseline?: 'new' | 'existing';
};

function findings(report: JsonReport): Finding[] {
  return report.findings as Finding[];
}

function byAddress(report: JsonReport, address: string): Finding {
  const found = findings(report).find((finding) => finding.resource.address === address);
  if (!found) throw new Error(`no finding for ${address}: ${findings(report).map((f) => f.resource.address).join(', ')}`);
  return found;
}

interface SarifLog {
  runs: Array<{
    results: Array<{
      ruleId: string;
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }>;
      relatedLocations?: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }>;
      suppressions?: Array<{ kind: string; justification?: string }>;
      baselineState?: string;
      properties: { terraformAddress?: string };
    }>;
    tool: { driver: { rules: Array<{ id: string; helpUri?: string; properties: Record<string, unknown> }> } };
    invocations: Array<{ toolExecutionNotifications: Array<{ level: string; message: { text: string } }> }>;
  }>;
}

describe('source mapping', () => {
  it('maps a for_each instance to its block and the attribute line, past a heredoc and a comment that look like blocks', () => {
    const dir = makeEstate();
    const { report } = scanJson(['plan.json', '--fail-on', 'none'], [], dir);
    const attributeLine = lineOf(ROOT_TF, 'public_network_access_enabled   = true');
    for (const key of ['a', 'b']) {
      const finding = byAddress(report, `azurerm_storage_account.logs["${key}"]`);
      expect(finding.ruleId).toBe('AZF-PUB-005');
      expect(finding.location).toEqual({ file: 'main.tf', line: attributeLine, column: 3 });
      expect(finding.planLocation?.file).toBe('plan.json');
    }
  });

  it('maps a module resource into the module directory (from the call source, then from modules.json)', () => {
    const dir = makeEstate();
    let { report } = scanJson(['plan.json', '--fail-on', 'none'], [], dir);
    expect(byAddress(report, 'module.spoke.azurerm_key_vault.this').location).toMatchObject({ file: 'modules/spoke/main.tf', line: lineOf(MODULE_TF, 'public_network_access_enabled') });

    // After `terraform init`, modules.json names the directory; it wins over the call's source.
    const moved = `# fetched copy\n\n${MODULE_TF}`;
    write(dir, '.terraform/modules/spoke/main.tf', moved);
    write(dir, '.terraform/modules/modules.json', JSON.stringify({ Modules: [{ Key: '', Source: '', Dir: '.' }, { Key: 'spoke', Source: './modules/spoke', Dir: '.terraform/modules/spoke' }] }));
    ({ report } = scanJson(['plan.json', '--fail-on', 'none'], [], dir));
    expect(byAddress(report, 'module.spoke.azurerm_key_vault.this').location).toMatchObject({ file: '.terraform/modules/spoke/main.tf', line: lineOf(moved, 'public_network_access_enabled') });
  });

  it('uses --source when the plan lives elsewhere, and the block line when the attribute is not written', () => {
    const dir = makeEstate();
    mkdirSync(join(dir, 'out'));
    cpSync(join(dir, 'plan.json'), join(dir, 'out', 'plan.json'));
    // Without .tf files beside the plan, and no --source, findings stay on the plan.
    let { report } = scanJson(['out/plan.json', '--fail-on', 'none'], [], dir);
    expect(byAddress(report, 'azurerm_key_vault.audit').location.file).toBe('out/plan.json');
    ({ report } = scanJson(['out/plan.json', '--fail-on', 'none', '--source', '.'], [], dir));
    expect(byAddress(report, 'azurerm_key_vault.audit').location).toMatchObject({ file: 'main.tf', line: lineOf(ROOT_TF, 'public_network_access_enabled = true', 'kv-audit') });

    // The estate's registry leaves network_rule_bypass_option unset: the finding points at the block.
    const estate = scanJson(['fixtures/estate/plan.json', '--fail-on', 'none', '--source', 'fixtures/estate/terraform']).report;
    const registry = byAddress(estate, 'azurerm_container_registry.ci');
    const registryTf = readFileSync('fixtures/estate/terraform/registry.tf', 'utf8');
    expect(registry.location).toMatchObject({ file: 'fixtures/estate/terraform/registry.tf', line: lineOf(registryTf, 'resource "azurerm_container_registry" "ci"') });
    const workspace = byAddress(estate, 'azurerm_log_analytics_workspace.hub');
    expect(workspace.location).toMatchObject({ file: 'fixtures/estate/terraform/main.tf', line: lineOf(readFileSync('fixtures/estate/terraform/main.tf', 'utf8'), 'internet_query_enabled') });
  });

  it('rejects a --source that is not a directory', () => {
    const dir = makeEstate();
    const run = runCli(['scan', 'plan.json', '--source', 'nope'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nope: no such directory');
  });
});

describe('suppressions', () => {
  it('an inline suppression with a reason suppresses; one without a reason warns and does not', () => {
    const dir = makeEstate();
    const { run, report } = scanJson(['plan.json'], [], dir);
    const audit = byAddress(report, 'azurerm_key_vault.audit');
    expect(audit.suppression).toEqual({ kind: 'inSource', reason: 'SIEM ingestion needs public access until the private link lands (INC-42)', file: 'main.tf', line: lineOf(ROOT_TF, 'azfence:ignore AZF-PUB-005 SIEM') });
    const noReason = byAddress(report, 'azurerm_key_vault.noreason');
    expect(noReason.suppression).toBeUndefined();
    expect(run.stderr).toContain(`azfence: warning: main.tf:${lineOf(ROOT_TF, '# azfence:ignore AZF-PUB-005', 'kv-noreason')}: azfence:ignore AZF-PUB-005 gives no reason, so it does not suppress`);
    expect(report.summary).toMatchObject({ failed: 4, suppressed: 1 });
    expect(run.code).toBe(1);
  });

  it('an expired config suppression stops suppressing and says so; a current one suppresses', () => {
    const config = [
      'suppressions:',
      '  - rule: AZF-PUB-005',
      "    resource: 'module.spoke.*'",
      '    reason: spoke vault was to be locked down by Q4',
      '    expires: 2020-01-31',
      '  - rule: AZF-PUB-*',
      '    resource: azurerm_storage_account.logs[*]',
      '    reason: log shipping from on-premises, tracked in PLAT-7',
      '    expires: 2999-12-31',
      '',
    ].join('\n');
    const dir = makeEstate({ config });
    const { run, report } = scanJson(['plan.json', '--fail-on', 'none'], [], dir);
    const spoke = byAddress(report, 'module.spoke.azurerm_key_vault.this');
    expect(spoke.suppression).toBeUndefined();
    expect(spoke.message).toContain('(A suppression expired on 2020-01-31: spoke vault was to be locked down by Q4)');
    expect(run.stderr).toContain('azfence: warning: .azfence.yaml:2: suppression of AZF-PUB-005 on module.spoke.* expired on 2020-01-31; it no longer suppresses (1 finding affected)');
    for (const key of ['a', 'b']) {
      expect(byAddress(report, `azurerm_storage_account.logs["${key}"]`).suppression).toEqual({ kind: 'external', reason: 'log shipping from on-premises, tracked in PLAT-7', expires: '2999-12-31', file: '.azfence.yaml', line: 6 });
    }
    // Suppressed findings never fail the gate: only the spoke vault and the vault without a reason remain.
    expect(runCli(['scan', 'plan.json'], dir).code).toBe(1);
    expect(report.summary).toMatchObject({ failed: 2, suppressed: 3 });
  });

  it('a config suppression without a reason is a config error', () => {
    const dir = makeEstate({ config: 'suppressions:\n  - rule: AZF-PUB-005\n    resource: "*"\n' });
    const run = runCli(['scan', 'plan.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\.azfence\.yaml:2: .*reason/);
  });
});

describe('baseline', () => {
  it('only findings not in the baseline fail the gate; all are reported, marked new or existing', () => {
    const dir = makeEstate();
    const first = runCli(['scan', 'plan.json', '--format', 'json', '--output', 'baseline.json', '--sarif', 'baseline.sarif'], dir);
    expect(first.code).toBe(1);
    // Same plan against its own baseline: nothing new, the gate passes.
    expect(runCli(['scan', 'plan.json', '--baseline', 'baseline.json'], dir).code).toBe(0);

    // One more public vault: the only new finding.
    const grown = makeEstate({ extra: [{ type: 'azurerm_key_vault', address: 'azurerm_key_vault.new', values: { name: 'kv-new', sku_name: 'standard', public_network_access_enabled: true } }] });
    for (const baseline of ['baseline.json', 'baseline.sarif']) {
      cpSync(join(dir, baseline), join(grown, baseline));
      const { run, report } = scanJson(['plan.json', '--baseline', baseline], [], grown);
      expect(run.code).toBe(1);
      const fresh = findings(report).filter((finding) => finding.baseline === 'new');
      expect(fresh.map((finding) => finding.resource.address)).toEqual(['azurerm_key_vault.new']);
      expect(findings(report).filter((finding) => finding.baseline === 'existing')).toHaveLength(report.findings.length - 1);
      expect((report.summary as unknown as { baseline: unknown }).baseline).toEqual({ new: 1, existing: 4, absent: 0 });
    }
    // With --fail-on none nothing fails, new or not; a broken baseline is an input error.
    writeFileSync(join(grown, 'broken.json'), '{"hello": 1}');
    const broken = runCli(['scan', 'plan.json', '--baseline', 'broken.json'], grown);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('broken.json: is neither an azfence JSON report');
  });
});

describe('a pull-request run', () => {
  it('writes the table, SARIF and the Markdown summary in one call; the SARIF is valid', () => {
    const dir = makeEstate({ config: 'suppressions:\n  - rule: AZF-PUB-005\n    resource: azurerm_storage_account.logs["b"]\n    reason: decommissioned next sprint\n' });
    runCli(['scan', 'plan.json', '--format', 'json', '--output', 'base.json', '--fail-on', 'none'], dir);
    const grown = makeEstate({
      config: 'suppressions:\n  - rule: AZF-PUB-005\n    resource: azurerm_storage_account.logs["b"]\n    reason: decommissioned next sprint\n',
      extra: [{ type: 'azurerm_key_vault', address: 'azurerm_key_vault.new', values: { name: 'kv-new', sku_name: 'standard', public_network_access_enabled: true } }],
    });
    cpSync(join(dir, 'base.json'), join(grown, 'base.json'));
    const run = runCli(['scan', 'plan.json', '--sarif', 'out/azfence.sarif', '--markdown', 'out/summary.md', '--baseline', 'base.json'], grown);
    expect(run.code).toBe(1);

    // Table: findings on .tf lines, suppressed ones apart.
    expect(run.stdout).toContain(`main.tf:${lineOf(ROOT_TF, 'public_network_access_enabled   = true')}`);
    expect(run.stdout).toContain('modules/spoke/main.tf:');
    expect(run.stdout).toContain('Suppressed (2):\n');
    expect(run.stdout).toMatch(/\n {2}AZF-PUB-005 azurerm_key_vault\.audit \(main\.tf:\d+\): SIEM ingestion/);
    expect(run.stdout).toMatch(/\n {2}AZF-PUB-005 azurerm_storage_account\.logs\["b"\] \(main\.tf:\d+\): decommissioned next sprint/);
    expect(run.stdout).toContain('2 findings suppressed; 1 new since the baseline (3 already in it, 0 fixed)');

    // Summary: counts, new and suppressed.
    const summary = readFileSync(join(grown, 'out/summary.md'), 'utf8');
    expect(summary).toContain('**1 new** since the baseline · 3 already in it · 0 fixed · 2 suppressed');
    expect(summary).toContain('| high (**new**) | AZF-PUB-005 | `azurerm_key_vault.new`<br>plan.json:');
    expect(summary).toContain('<summary>Suppressed (2)</summary>');
    expect(summary).toContain('| AZF-PUB-005 | `azurerm_storage_account.logs["b"]`<br>main.tf:');

    // SARIF: .tf locations with the plan as related location, suppressions, baseline states; valid for GitHub.
    const sarifPath = join(grown, 'out/azfence.sarif');
    expect(validateSarif([sarifPath])).toEqual([]);
    const log = JSON.parse(readFileSync(sarifPath, 'utf8')) as SarifLog;
    const results = log.runs[0]!.results;
    const storage = results.find((result) => result.properties.terraformAddress === 'azurerm_storage_account.logs["a"]')!;
    expect(storage.locations[0]!.physicalLocation.artifactLocation.uri).toBe('main.tf');
    expect(storage.locations[0]!.physicalLocation.region?.startLine).toBe(lineOf(ROOT_TF, 'public_network_access_enabled   = true'));
    expect(storage.relatedLocations?.[0]?.physicalLocation.artifactLocation.uri).toBe('plan.json');
    expect(storage.baselineState).toBe('unchanged');
    expect(results.find((result) => result.properties.terraformAddress === 'azurerm_key_vault.new')!.baselineState).toBe('new');
    const suppressed = results.filter((result) => result.suppressions);
    expect(suppressed.map((result) => result.suppressions![0]!.kind).sort()).toEqual(['external', 'inSource']);
    // The warning about the reasonless directive is a tool notification too.
    expect(log.runs[0]!.invocations[0]!.toolExecutionNotifications.some((note) => note.level === 'warning' && note.message.text.includes('gives no reason'))).toBe(true);
    // No repository in package.json: no invented helpUri, the docs path in properties instead.
    const rule = log.runs[0]!.tool.driver.rules.find((candidate) => candidate.id === 'AZF-PUB-005')!;
    expect(rule.helpUri).toBeUndefined();
    expect(rule.properties['docs']).toBe('docs/rules/AZF-PUB-005.md');
  });
});
