import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan, type AzurermCase } from './support/materialize.js';
import { runCli, tempDir, type JsonReport } from './support/run-cli.js';
import { validateSarif } from './support/sarif-validator.js';

/**
 * Values Terraform marks sensitive, planted where a rule reads them: a member of a list, a member of a set, a
 * nested block (or a member inside one) and a map value. Wherever the mark sits, the value is never printed
 * (table, JSON, SARIF, Markdown, JUnit, stderr) and never decides a verdict: the check is unknown instead,
 * and says which attribute is marked. The same plan is read by each reader a plan can take: in memory, the
 * member reader (plans over 4 MB; AZFENCE_MEMBER_READ_ABOVE_BYTES=0 forces it) and the streaming reader
 * (over 256 MB; AZFENCE_STREAM_ABOVE_BYTES=1 forces it), in both plan shapes (resource_changes, and
 * planned_values alone).
 */
type Json = Record<string, any>;

const SECRET = {
  listMember: 'SECRET-203.0.113.77/32-list',
  azapiMember: 'SECRET-203.0.113.78/32-azapi',
  blockRange: 'SECRET-203.0.113.79/32-block',
  blockMember: 'SECRET-198.51.100.99/32-ip-rule',
  setMember: 'SECRET-192.0.2.10/32-set',
  failingSetMember: 'SECRET-192.0.2.11/32-set',
  wholeSet: 'SECRET-192.0.2.12/32-whole-set',
  tagValue: 'SECRET-owner-team-5d1c',
  labelValue: 'SECRET-label-team-9e0a',
  fqdn: 'secret-fqdn-7c2e.example.com',
} as const;

/**
 * A user pack whose rules read a set (key vault ip_rules) and a map (tags), and print them in templates, and
 * one that prints a whole list (an AKS cluster's authorized ranges) in the finding of a check that does not
 * read it: a sensitive member read as a value would be printed there, whatever the verdict.
 */
const USER_PACK = `pack: ACME
title: Acme house rules
rules:
  - id: ACME-KV-001
    title: Key vault allowlists no open range
    severity: high
    description: An open range in a vault's IP rules is no allowlist at all.
    remediation:
      azurerm: 'Remove the open range from {address}: it allows {field:properties.networkAcls.ipRules[*].value}.'
    checks:
      - select: { type: Microsoft.KeyVault/vaults }
        assert: { field: 'properties.networkAcls.ipRules[*].value', notEquals: 0.0.0.0/0 }
        message: 'Vault {name} allowlists {field:properties.networkAcls.ipRules[*].value}.'
  - id: ACME-TAG-001
    title: Storage accounts are owned by the platform team
    severity: low
    description: Ownership tags route incidents.
    remediation:
      azurerm: 'Set tags.owner on {address} (now {field:tags.owner}).'
    checks:
      - select: { type: Microsoft.Storage/storageAccounts }
        assert: { field: tags.owner, equals: platform-team }
        message: 'Storage account {name} is owned by {field:tags.owner}.'
  - id: ACME-AKS-001
    title: AKS API servers are private
    severity: low
    description: A public API server is reviewed by the ranges it allows.
    remediation:
      azurerm: 'Make {address} private (it allows {field:properties.apiServerAccessProfile.authorizedIPRanges}).'
      azapi: 'Make {address} private (it allows {field:properties.apiServerAccessProfile.authorizedIPRanges}).'
    checks:
      - select: { type: Microsoft.ContainerService/managedClusters }
        assert: { field: properties.apiServerAccessProfile.enablePrivateCluster, equals: true }
        message: 'Cluster {name} is public, reachable from {field:properties.apiServerAccessProfile.authorizedIPRanges}.'
`;

const aks = (name: string, profile: Json): AzurermCase => ({ type: 'azurerm_kubernetes_cluster', name, values: { name: `aks-${name}`, private_cluster_enabled: false, api_server_access_profile: [profile] } });
const vault = (name: string, ipRules: string[]): AzurermCase => ({ type: 'azurerm_key_vault', name, values: { name: `kv-${name}`, public_network_access_enabled: false, network_acls: [{ default_action: 'Deny', bypass: 'None', ip_rules: ipRules }] } });

/** Each resource, the mark Terraform writes in after_sensitive / sensitive_values, and what users must read. */
const CASES: Array<{ resource: AzurermCase; sensitive: Json; expect: Record<string, 'fail' | 'unknown' | 'none'>; says?: Record<string, string[]> }> = [
  // List members: one member of a list of strings (materialised per member).
  {
    resource: aks('list_secret', { authorized_ip_ranges: ['198.51.100.0/24', SECRET.listMember] }),
    sensitive: { api_server_access_profile: [{ authorized_ip_ranges: [false, true] }] },
    // Read, the secret range would let the check pass.
    expect: { 'AZF-PUB-008': 'unknown', 'ACME-AKS-001': 'fail' },
    says: {
      'AZF-PUB-008': ['api_server_access_profile[0].authorized_ip_ranges is marked sensitive and not read'],
      'ACME-AKS-001': ['reachable from ["198.51.100.0/24", (sensitive)].', 'it allows ["198.51.100.0/24", (sensitive)]'],
    },
  },
  {
    resource: aks('list_open', { authorized_ip_ranges: ['198.51.100.0/24', '0.0.0.0/0'] }),
    sensitive: { api_server_access_profile: [{ authorized_ip_ranges: [false, true] }] },
    // Read, the sensitive 0.0.0.0/0 would fail the check and be printed as evidence.
    expect: { 'AZF-PUB-008': 'unknown' },
  },
  // A nested block marked as a whole.
  {
    resource: aks('block', { authorized_ip_ranges: ['0.0.0.0/0', SECRET.blockRange] }),
    sensitive: { api_server_access_profile: true },
    expect: { 'AZF-PUB-008': 'unknown' },
  },
  // A member of a list of nested blocks (a whole ip_rule block), inside network_rule_set.
  {
    resource: {
      type: 'azurerm_container_registry',
      name: 'acr',
      values: { name: 'acrsensitive', sku: 'Premium', public_network_access_enabled: false, network_rule_bypass_option: 'None', network_rule_set: [{ default_action: 'Deny', ip_rule: [{ action: 'Allow', ip_range: '198.51.100.0/24' }, { action: 'Allow', ip_range: SECRET.blockMember }] }] },
    },
    sensitive: { network_rule_set: [{ ip_rule: [false, true] }] },
    // Two rules are listed whatever their values: the finding stands, the sensitive range shows as a placeholder.
    expect: { 'AZF-PUB-003': 'fail' },
    says: { 'AZF-PUB-003': ['"198.51.100.0/24", (sensitive)'] },
  },
  // Set members (ip_rules is a set): one member marked, the whole set marked, and a known open range beside a marked one.
  {
    resource: vault('set_member', ['198.51.100.7/32', SECRET.setMember]),
    sensitive: { network_acls: [{ ip_rules: [false, true] }] },
    expect: { 'ACME-KV-001': 'unknown' },
    says: { 'ACME-KV-001': ['network_acls[0].ip_rules is marked sensitive and not read'] },
  },
  {
    resource: vault('whole_set', ['0.0.0.0/0', SECRET.wholeSet]),
    sensitive: { network_acls: [{ ip_rules: true }] },
    expect: { 'ACME-KV-001': 'unknown' },
  },
  {
    resource: vault('open_set', ['0.0.0.0/0', SECRET.failingSetMember]),
    sensitive: { network_acls: [{ ip_rules: [false, true] }] },
    // The known member decides: fail, with the marked one shown as a placeholder.
    expect: { 'ACME-KV-001': 'fail' },
    says: { 'ACME-KV-001': ['Vault kv-open_set allowlists ["0.0.0.0/0", (sensitive)].'] },
  },
  // Map values: a tag a user rule compares, and a pod label that selects untrusted workloads (AZF-KATA-003).
  {
    resource: { type: 'azurerm_storage_account', name: 'st', values: { name: 'stsensitive', public_network_access_enabled: false, allow_nested_items_to_be_public: false, tags: { owner: SECRET.tagValue, env: 'prod' } } },
    sensitive: { tags: { owner: true } },
    expect: { 'ACME-TAG-001': 'unknown' },
    says: { 'ACME-TAG-001': ['tags is marked sensitive and not read'] },
  },
  {
    resource: {
      type: 'kubernetes_pod',
      name: 'runner',
      values: { metadata: [{ name: 'code-runner', namespace: 'agents', labels: { 'azfence.io/untrusted': 'true', team: SECRET.labelValue } }], spec: [{ container: [{ name: 'runner', image: 'myacr.azurecr.io/runner:1.4.2' }] }] },
    },
    sensitive: { metadata: [{ labels: { 'azfence.io/untrusted': true, team: true } }] },
    // Read, the label would make the pod untrusted and the check fail (it runs runc).
    expect: { 'AZF-KATA-003': 'unknown' },
    says: { 'AZF-KATA-003': ['whether the workload is untrusted (its namespace, labels or runtime class) is not known'] },
  },
  // A set member inside nested blocks: target_fqdns of a firewall rule, where `*` allows everything.
  {
    resource: {
      type: 'azurerm_firewall_application_rule_collection',
      name: 'temp',
      values: {
        name: 'arc-temp',
        azure_firewall_name: 'afw-hub',
        resource_group_name: 'rg-hub',
        priority: 100,
        action: 'Allow',
        rule: [{ name: 'web', source_addresses: ['10.1.0.0/16'], target_fqdns: ['mcr.microsoft.com', '*', SECRET.fqdn], protocol: [{ type: 'Https', port: 443 }] }],
      },
    },
    sensitive: { rule: [{ target_fqdns: [false, true, true] }] },
    expect: {},
  },
];

/** The firewall the rule collection belongs to (by name). */
const FIREWALL: AzurermCase[] = [
  { type: 'azurerm_firewall', name: 'hub', values: { name: 'afw-hub', resource_group_name: 'rg-hub', location: 'westeurope', sku_name: 'AZFW_VNet', sku_tier: 'Standard', ip_configuration: [{ name: 'ipconfig1' }] } },
];

/** An AKS cluster written with azapi: its body is materialised as a whole, list members included. */
function azapiCluster(plan: Json): void {
  const address = 'azapi_resource.aks_body';
  const body = { properties: { apiServerAccessProfile: { enablePrivateCluster: false, authorizedIPRanges: ['198.51.100.0/24', SECRET.azapiMember] } } };
  const after = { type: 'Microsoft.ContainerService/managedClusters@2024-05-01', name: 'aks-body', location: 'westeurope', parent_id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg', body };
  const sensitive = { body: { properties: { apiServerAccessProfile: { authorizedIPRanges: [false, true] } } } };
  plan['resource_changes'].push({ address, mode: 'managed', type: 'azapi_resource', name: 'aks_body', provider_name: 'registry.terraform.io/azure/azapi', change: { actions: ['create'], before: null, after, after_unknown: { id: true, output: true }, before_sensitive: false, after_sensitive: sensitive } });
  plan['planned_values']['root_module']['resources'].push({ address, mode: 'managed', type: 'azapi_resource', name: 'aks_body', provider_name: 'registry.terraform.io/azure/azapi', schema_version: 0, values: after, sensitive_values: sensitive });
}

function sensitivePlan(): Json {
  const plan = buildPlan({ azurerm: [...CASES.map((c) => c.resource), ...FIREWALL] }) as Json;
  CASES.forEach((c, i) => {
    plan['resource_changes'][i]['change']['after_sensitive'] = c.sensitive;
    plan['planned_values']['root_module']['resources'][i]['sensitive_values'] = c.sensitive;
  });
  azapiCluster(plan);
  return plan;
}

/**
 * Resources only planned_values lists, marked in `sensitive_values`: resource_changes holds no entry for them.
 * (A plan with no resource_changes member at all is refused: which of its values are unknown cannot be told.)
 */
function plannedValuesOnly(plan: Json): Json {
  return { ...plan, resource_changes: [] };
}

const READERS = [
  { name: 'in memory', env: {} },
  { name: 'member reader', env: { AZFENCE_MEMBER_READ_ABOVE_BYTES: '0' } },
  { name: 'streaming reader', env: { AZFENCE_STREAM_ABOVE_BYTES: '1' } },
] as const;

function withEnv<T>(env: Record<string, string>, run: () => T): T {
  const previous = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    return run();
  } finally {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** Every format on stdout, with SARIF and Markdown files beside it; each file removed first, so none is stale. */
function everyOutput(dir: string, env: Record<string, string>): { texts: Array<{ what: string; text: string }>; json: JsonReport; sarifFile: string } {
  const texts: Array<{ what: string; text: string }> = [];
  let json: JsonReport | undefined;
  const sarifFile = join(dir, 'out.sarif');
  const markdownFile = join(dir, 'out.md');
  for (const format of ['table', 'json', 'sarif', 'markdown', 'junit', 'html']) {
    rmSync(sarifFile, { force: true });
    rmSync(markdownFile, { force: true });
    const run = withEnv(env, () => runCli(['scan', 'plan.json', '--policies', 'policies', '--format', format, '--fail-on', 'none', '--sarif', sarifFile, '--markdown', markdownFile], dir));
    expect(run.stderr, format).toBe('');
    expect(run.code, format).toBe(0);
    expect(existsSync(sarifFile) && existsSync(markdownFile), `${format}: the --sarif and --markdown files are written`).toBe(true);
    texts.push({ what: `${format} stdout`, text: run.stdout }, { what: `${format} stderr`, text: run.stderr }, { what: `--sarif with ${format}`, text: readFileSync(sarifFile, 'utf8') }, { what: `--markdown with ${format}`, text: readFileSync(markdownFile, 'utf8') });
    if (format === 'json') json = JSON.parse(run.stdout) as JsonReport;
  }
  return { texts, json: json!, sarifFile };
}

function statusesOf(report: JsonReport): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const finding of report.findings) {
    const address = finding.resource.address ?? finding.resource.name;
    // A rule's checks on one resource: their statuses, each once ("fail+unknown" when they differ).
    const before = (out[address]?.[finding.ruleId] ?? '').split('+').filter(Boolean);
    (out[address] ??= {})[finding.ruleId] = [...new Set([...before, finding.status])].sort().join('+');
  }
  return out;
}

describe('sensitive values in a plan', () => {
  const plan = sensitivePlan();
  for (const shape of ['resource_changes', 'planned_values only'] as const) {
    for (const reader of READERS) {
      it(`${shape}, ${reader.name}: never printed in any format, never decide a verdict`, () => {
        const dir = tempDir('azfence-sensitive-');
        mkdirSync(join(dir, 'policies'));
        writeFileSync(join(dir, 'policies', 'acme.yaml'), USER_PACK);
        const text = JSON.stringify(shape === 'resource_changes' ? plan : plannedValuesOnly(plan), null, 2);
        for (const secret of Object.values(SECRET)) expect(text, 'the secret is planted').toContain(secret);
        writeFileSync(join(dir, 'plan.json'), text);

        const { texts, json, sarifFile } = everyOutput(dir, reader.env);
        const leaks = texts.flatMap(({ what, text: output }) => Object.values(SECRET).filter((secret) => output.includes(secret)).map((secret) => `${secret} in ${what}`));
        expect(leaks).toEqual([]);
        // The SARIF's shape does not depend on the reader: validated once per plan shape (the validator is slow).
        if (reader.name === 'in memory') expect(validateSarif([sarifFile])).toEqual([]);

        // Every resource was read and judged: the expected verdicts, and a placeholder where a marked value shows.
        const statuses = statusesOf(json);
        for (const c of CASES) {
          const address = `${c.resource.type}.${c.resource.name}`;
          for (const [ruleId, status] of Object.entries(c.expect)) expect(`${address} ${ruleId}: ${statuses[address]?.[ruleId] ?? 'pass'}`).toBe(`${address} ${ruleId}: ${status}`);
          for (const [ruleId, phrases] of Object.entries(c.says ?? {})) {
            for (const finding of json.findings.filter((candidate) => candidate.resource.address === address && candidate.ruleId === ruleId)) {
              for (const phrase of phrases) expect(`${finding.message} Fix: ${finding.remediation}`, `${address} ${ruleId}`).toContain(phrase);
              // A marked value is not one "known only after apply": the reason users read must not say so.
              if (finding.status === 'unknown') expect(finding.message, `${address} ${ruleId}`).not.toContain('known only after apply');
            }
          }
        }
        expect(`azapi_resource.aks_body AZF-PUB-008: ${statuses['azapi_resource.aks_body']?.['AZF-PUB-008'] ?? 'pass'}`).toBe('azapi_resource.aks_body AZF-PUB-008: unknown');
        // A `*` among the marked FQDNs of the firewall's rules: not "no allow-all rule" (pass), but unknown, on
        // the collection that holds the rule (rules are judged where they are written).
        const collection = 'azurerm_firewall_application_rule_collection.temp';
        expect(`${collection} AZF-EGR-002: ${statuses[collection]?.['AZF-EGR-002'] ?? 'pass'}`).toBe(`${collection} AZF-EGR-002: unknown`);
        // The evidence users read for a marked list member is the placeholder, never the value.
        for (const address of ['azurerm_kubernetes_cluster.list_secret', 'azurerm_kubernetes_cluster.list_open', 'azapi_resource.aks_body']) {
          const finding = json.findings.find((candidate) => candidate.resource.address === address && candidate.ruleId === 'AZF-PUB-008')!;
          expect(finding.evidence.map((item) => item.actual), address).toContain('(sensitive)');
          expect(finding.evidence.map((item) => item.actual), address).not.toContain('"0.0.0.0/0"');
        }
      });
    }
  }
});
