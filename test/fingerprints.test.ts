import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan, buildSnapshot } from './support/materialize.js';
import { runCli, scanJson, tempDir, writeJson, type JsonReport } from './support/run-cli.js';

/**
 * A fingerprint is the identity GitHub code scanning and `--baseline` key a finding on: the rule, the check
 * and the resource (plan file + address, or ARM id), never where the resource sits in the file nor the value
 * that failed. Each promise is tested by changing one thing and reading the fingerprints users get (JSON
 * `fingerprint`, SARIF `partialFingerprints`) from separate runs.
 */
type Json = Record<string, any>;
type Finding = JsonReport['findings'][number];

const ESTATE = join(import.meta.dirname, '..', 'fixtures', 'estate');
const estatePlan = (): Json => JSON.parse(readFileSync(join(ESTATE, 'plan.json'), 'utf8')) as Json;
const estateSnapshot = (): Json => JSON.parse(readFileSync(join(ESTATE, 'snapshot.json'), 'utf8')) as Json;

/** What a finding is about, as users read it: rule, check (message), and the resource's address or id. */
function about(finding: Finding): string {
  return `${finding.ruleId} ${finding.resource.address ?? finding.resource.id.toLowerCase()} ${finding.status} ${finding.message}`;
}

function fingerprintsByFinding(report: JsonReport): Map<string, string> {
  const map = new Map<string, string>();
  for (const finding of report.findings) {
    expect(map.has(about(finding)), `two findings read the same: ${about(finding)}`).toBe(false);
    map.set(about(finding), finding.fingerprint);
  }
  return map;
}

/** Scans `name` inside its own directory, so the file is shown by the same relative name in every run. */
function scanAs(name: string, content: string): { report: JsonReport; sarif: Json } {
  const dir = tempDir('azfence-fingerprint-');
  const file = join(dir, name);
  mkdirSync(dirname(file), { recursive: true });
  // Byte for byte as the test laid it out (writeJson would pretty-print).
  writeFileSync(file, content);
  const sarifPath = join(dir, 'out.sarif');
  const { run, report } = scanJson([name], ['--fail-on', 'none', '--sarif', sarifPath], dir);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return { report, sarif: JSON.parse(readFileSync(sarifPath, 'utf8')) as Json };
}

function sarifFingerprints(sarif: Json): string[] {
  return (sarif['runs'][0]['results'] as Json[]).map((result) => result['partialFingerprints']['azfenceFinding/v1'] as string).sort();
}

function reversedResources(plan: Json): Json {
  const copy = structuredClone(plan);
  copy['resource_changes'] = [...(copy['resource_changes'] as unknown[])].reverse();
  const walk = (module: Json | undefined): void => {
    if (!module) return;
    if (Array.isArray(module['resources'])) module['resources'] = [...module['resources']].reverse();
    for (const child of (module['child_modules'] as Json[] | undefined) ?? []) walk(child);
  };
  walk(copy['planned_values']?.['root_module']);
  // Members in another order too: `planned_values` after `resource_changes`, as some tools write them.
  const { planned_values: plannedValues, ...rest } = copy;
  return { ...rest, planned_values: plannedValues };
}

describe('fingerprints do not depend on where a resource sits in its file', () => {
  it('the same plan compact, 2-space, 4-space, tab-indented and with its resources reordered keeps every fingerprint', () => {
    const plan = estatePlan();
    const layouts: Record<string, string> = {
      '2-space': JSON.stringify(plan, null, 2),
      compact: JSON.stringify(plan),
      '4-space': JSON.stringify(plan, null, 4),
      tab: JSON.stringify(plan, null, '\t'),
      'reordered, 2-space': JSON.stringify(reversedResources(plan), null, 2),
    };
    const base = scanAs('plan.json', layouts['2-space']!);
    const baseFingerprints = fingerprintsByFinding(base.report);
    // Not vacuous: the estate has fail and unknown findings on many resources.
    expect(base.report.findings.length).toBeGreaterThan(8);
    expect(sarifFingerprints(base.sarif)).toEqual([...baseFingerprints.values()].sort());
    const basePositions = new Map(base.report.findings.map((finding) => [about(finding), `${finding.location.line}:${finding.location.column}`]));
    for (const [layout, text] of Object.entries(layouts)) {
      if (layout === '2-space') continue;
      const { report, sarif } = scanAs('plan.json', text);
      expect(fingerprintsByFinding(report), layout).toEqual(baseFingerprints);
      expect(sarifFingerprints(sarif), `${layout}: SARIF partialFingerprints`).toEqual([...baseFingerprints.values()].sort());
      // Every finding really moved (line or column), so a position in the identity would have shown.
      if (layout !== 'reordered, 2-space') {
        const unmoved = report.findings.filter((finding) => basePositions.get(about(finding)) === `${finding.location.line}:${finding.location.column}`).map(about);
        expect(unmoved, layout).toEqual([]);
      } else {
        const moved = report.findings.filter((finding) => basePositions.get(about(finding)) !== `${finding.location.line}:${finding.location.column}`);
        expect(moved.length, layout).toBeGreaterThan(report.findings.length / 2);
      }
    }
  });

  it('the in-memory, member and streaming plan readers give the same fingerprints', () => {
    const text = JSON.stringify(estatePlan(), null, 2);
    const expected = fingerprintsByFinding(scanAs('plan.json', text).report);
    for (const [name, value] of [
      ['AZFENCE_MEMBER_READ_ABOVE_BYTES', '0'],
      ['AZFENCE_STREAM_ABOVE_BYTES', '1'],
    ] as const) {
      const previous = process.env[name];
      process.env[name] = value;
      try {
        expect(fingerprintsByFinding(scanAs('plan.json', text).report), name).toEqual(expected);
      } finally {
        if (previous === undefined) delete process.env[name];
        else process.env[name] = previous;
      }
    }
  });

  it('the same snapshot under two file names, indented differently and with its rows reordered, keeps every fingerprint', () => {
    const snapshot = estateSnapshot();
    const reordered = { ...snapshot, data: [...(snapshot['data'] as unknown[])].reverse() };
    const first = scanAs('exports/estate-2026-01-01.json', JSON.stringify(snapshot, null, 2));
    const second = scanAs('renamed/prod.json', JSON.stringify(reordered));
    expect(first.report.findings.length).toBeGreaterThan(8);
    expect(second.report.findings.every((finding) => finding.location.file === 'renamed/prod.json')).toBe(true);
    expect(fingerprintsByFinding(second.report)).toEqual(fingerprintsByFinding(first.report));
    expect(sarifFingerprints(second.sarif)).toEqual(sarifFingerprints(first.sarif));
  });

  it('a baseline from a snapshot matches the same estate exported under another name: nothing is new', () => {
    const dir = tempDir('azfence-fingerprint-');
    const snapshot = estateSnapshot();
    writeJson(dir, 'monday.json', snapshot);
    writeJson(dir, 'tuesday.json', { ...snapshot, data: [...(snapshot['data'] as unknown[])].reverse() });
    const baseline = runCli(['scan', 'monday.json', '--format', 'json', '--output', 'baseline.json', '--fail-on', 'none'], dir);
    expect(baseline.code).toBe(0);
    const { run, report } = scanJson(['tuesday.json', '--baseline', 'baseline.json'], [], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((report.summary as unknown as { baseline: unknown }).baseline).toEqual({ new: 0, existing: report.findings.length, absent: 0 });
  });
});

describe('fingerprints change with the facts that identify a finding', () => {
  const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
  const registryRow = (name: string, extra: Json = {}) => ({
    type: 'Microsoft.ContainerRegistry/registries',
    name,
    sku: { name: 'Premium' },
    properties: { publicNetworkAccess: 'Enabled', networkRuleBypassOptions: 'None', anonymousPullEnabled: true, adminUserEnabled: true },
    ...extra,
  });
  const snapshotFindings = (rows: Json[], name = 'snapshot.json'): Finding[] => scanAs(name, JSON.stringify(buildSnapshot(rows))).report.findings;
  const print = (findings: Finding[], ruleId: string, resource: string, message?: RegExp): string => {
    const found = findings.filter((finding) => finding.ruleId === ruleId && (finding.resource.address === resource || finding.resource.name === resource) && (!message || message.test(finding.message)));
    expect(found, `${ruleId} on ${resource}`).toHaveLength(1);
    return found[0]!.fingerprint;
  };

  it('another resource id, another rule, another check of the same rule: another fingerprint', () => {
    const findings = snapshotFindings([registryRow('acrone'), registryRow('acrtwo')]);
    const one = print(findings, 'AZF-PUB-001', 'acrone');
    // The same rule on another resource.
    expect(print(findings, 'AZF-PUB-001', 'acrtwo')).not.toBe(one);
    // Another rule on the same resource.
    expect(print(findings, 'AZF-PUB-004', 'acrone', /anonymous pull/)).not.toBe(one);
    // The two checks of AZF-PUB-004 (anonymous pull, admin user) on one registry.
    expect(print(findings, 'AZF-PUB-004', 'acrone', /anonymous pull/)).not.toBe(print(findings, 'AZF-PUB-004', 'acrone', /admin user/));
    expect(new Set(findings.map((finding) => finding.fingerprint)).size).toBe(findings.length);
  });

  it('the same name in another resource group or subscription is another resource', () => {
    const id = (subscription: string, group: string) => `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.ContainerRegistry/registries/acrsame`;
    const base = print(snapshotFindings([registryRow('acrsame', { id: id(SUBSCRIPTION, 'rg-a') })]), 'AZF-PUB-001', 'acrsame');
    expect(print(snapshotFindings([registryRow('acrsame', { id: id(SUBSCRIPTION, 'rg-b') })]), 'AZF-PUB-001', 'acrsame')).not.toBe(base);
    expect(print(snapshotFindings([registryRow('acrsame', { id: id('11111111-1111-1111-1111-111111111111', 'rg-a') })]), 'AZF-PUB-001', 'acrsame')).not.toBe(base);
    // ARM ids are case-insensitive: Resource Graph and ARM spell the same id in different cases.
    expect(print(snapshotFindings([registryRow('acrsame', { id: id(SUBSCRIPTION, 'rg-a').toUpperCase() })]), 'AZF-PUB-001', 'acrsame')).toBe(base);
  });

  it('a changed failing value keeps the fingerprint: it is the same finding on the same resource', () => {
    const vault = (properties: Json) => ({ type: 'Microsoft.KeyVault/vaults', name: 'kvvalue', properties });
    const open = snapshotFindings([vault({ publicNetworkAccess: 'Enabled' })]).find((finding) => finding.ruleId === 'AZF-PUB-005')!;
    // Still public, for another reason: the property is not set, so the default (Enabled) applies.
    const unset = snapshotFindings([vault({})]).find((finding) => finding.ruleId === 'AZF-PUB-005')!;
    expect(open.message).toContain('allows public network access (properties.publicNetworkAccess is Enabled)');
    expect(unset.message).toContain('does not set public network access');
    expect(unset.fingerprint).toBe(open.fingerprint);
  });

  it('plans: another address, or the same address in another root module\'s plan, is another finding', () => {
    const vault = (address: string) => ({ type: 'azurerm_key_vault', address, values: { name: 'kv', public_network_access_enabled: true } });
    const findings = scanAs('plan.json', JSON.stringify(buildPlan({ azurerm: [vault('azurerm_key_vault.a'), vault('azurerm_key_vault.b'), vault('module.spoke.azurerm_key_vault.a')] }))).report.findings;
    const a = print(findings, 'AZF-PUB-005', 'azurerm_key_vault.a');
    expect(print(findings, 'AZF-PUB-005', 'azurerm_key_vault.b')).not.toBe(a);
    expect(print(findings, 'AZF-PUB-005', 'module.spoke.azurerm_key_vault.a')).not.toBe(a);
    // Addresses are unique only within one plan: the same address planned by another root module differs.
    const elsewhere = scanAs('network/plan.json', JSON.stringify(buildPlan({ azurerm: [vault('azurerm_key_vault.a')] }))).report.findings;
    expect(print(elsewhere, 'AZF-PUB-005', 'azurerm_key_vault.a')).not.toBe(a);
  });

  it('plans: the value that fails, and the resource\'s name, are not part of the identity', () => {
    const vault = (values: Json) => JSON.stringify(buildPlan({ azurerm: [{ type: 'azurerm_key_vault', address: 'azurerm_key_vault.main', values: { name: 'kv-main', ...values } }] }));
    const open = print(scanAs('plan.json', vault({ public_network_access_enabled: true })).report.findings, 'AZF-PUB-005', 'azurerm_key_vault.main');
    const renamed = print(scanAs('plan.json', vault({ name: 'kv-renamed', public_network_access_enabled: true })).report.findings, 'AZF-PUB-005', 'azurerm_key_vault.main');
    expect(renamed).toBe(open);
    // Not set: public by default, the same finding for another reason.
    const unset = scanAs('plan.json', vault({})).report.findings.find((finding) => finding.ruleId === 'AZF-PUB-005')!;
    expect(unset.message).toContain('(not set; the default)');
    expect(unset.fingerprint).toBe(open);
  });
});
