import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildPlan, buildSnapshot, type AzurermCase, type SnapshotRow } from '../support/materialize.js';
import { tempDir, writeJson } from '../support/run-cli.js';
import { loadRules } from '../../src/engine/load-packs.js';
import { runRules } from '../../src/engine/run-rules.js';
import { Inventory } from '../../src/model/inventory.js';
import { readPlan } from '../../src/inputs/terraform/read-plan.js';
import { documentSource } from '../../src/inputs/terraform/plan-source.js';
import { readSnapshot } from '../../src/inputs/resource-graph/read-snapshot.js';
import { scan } from '../../src/scan.js';
import type { Finding } from '../../src/findings/finding.js';

/**
 * Property-based tests for the normalizer and the engine (fast-check, ~50 runs each so the suite stays fast):
 * (a) an azurerm resource and its ARM twin get the same PUB verdicts; (b) the order of resources and of
 * files never changes the findings; (c) making a value unknown never turns a fail into a pass.
 */
const RULES = loadRules().rules;
const PUB = RULES.filter((rule) => rule.pack === 'PUB');
const RUNS = { numRuns: 50 };

/** Settings of one resource, and both ways of writing them. */
interface Twin {
  azurerm: AzurermCase;
  arm: SnapshotRow;
}

const name = fc.stringMatching(/^[a-z][a-z0-9]{3,10}$/);
const ipRanges = fc.uniqueArray(fc.constantFrom('203.0.113.0/24', '198.51.100.7/32', '192.0.2.0/28', '0.0.0.0/0'), { maxLength: 3 });
const onOff = (flag: boolean): string => (flag ? 'Enabled' : 'Disabled');

const registry: fc.Arbitrary<Twin> = fc
  .record({ name, sku: fc.constantFrom('Basic', 'Standard', 'Premium'), pna: fc.boolean(), deny: fc.boolean(), ips: ipRanges, bypass: fc.constantFrom('AzureServices', 'None'), tasks: fc.boolean(), anonymous: fc.boolean(), admin: fc.boolean(), dataEndpoint: fc.boolean() })
  .map((s) => ({
    azurerm: {
      type: 'azurerm_container_registry',
      name: s.name,
      values: {
        name: s.name,
        sku: s.sku,
        public_network_access_enabled: s.pna,
        network_rule_set: [{ default_action: s.deny ? 'Deny' : 'Allow', ip_rule: s.ips.map((ip) => ({ action: 'Allow', ip_range: ip })) }],
        network_rule_bypass_option: s.bypass,
        network_rule_bypass_for_tasks_enabled: s.tasks,
        anonymous_pull_enabled: s.anonymous,
        admin_enabled: s.admin,
        data_endpoint_enabled: s.dataEndpoint,
      },
    },
    arm: {
      type: 'Microsoft.ContainerRegistry/registries',
      name: s.name,
      sku: { name: s.sku },
      properties: {
        publicNetworkAccess: onOff(s.pna),
        networkRuleSet: { defaultAction: s.deny ? 'Deny' : 'Allow', ipRules: s.ips.map((ip) => ({ action: 'Allow', value: ip })) },
        networkRuleBypassOptions: s.bypass,
        networkRuleBypassAllowedForTasks: s.tasks,
        anonymousPullEnabled: s.anonymous,
        adminUserEnabled: s.admin,
        dataEndpointEnabled: s.dataEndpoint,
      },
    },
  }));

const keyVault: fc.Arbitrary<Twin> = fc.record({ name, pna: fc.boolean(), deny: fc.boolean(), bypass: fc.constantFrom('AzureServices', 'None'), ips: ipRanges }).map((s) => ({
  azurerm: {
    type: 'azurerm_key_vault',
    name: s.name,
    values: { name: s.name, sku_name: 'standard', public_network_access_enabled: s.pna, network_acls: [{ default_action: s.deny ? 'Deny' : 'Allow', bypass: s.bypass, ip_rules: s.ips }] },
  },
  arm: { type: 'Microsoft.KeyVault/vaults', name: s.name, properties: { sku: { name: 'standard' }, publicNetworkAccess: onOff(s.pna), networkAcls: { defaultAction: s.deny ? 'Deny' : 'Allow', bypass: s.bypass, ipRules: s.ips.map((value) => ({ value })) } } },
}));

const storage: fc.Arbitrary<Twin> = fc.record({ name, pna: fc.boolean(), blobPublic: fc.boolean(), sharedKey: fc.boolean(), deny: fc.boolean(), kind: fc.constantFrom('StorageV2', 'BlobStorage') }).map((s) => ({
  azurerm: {
    type: 'azurerm_storage_account',
    name: s.name,
    values: { name: s.name, account_kind: s.kind, public_network_access_enabled: s.pna, allow_nested_items_to_be_public: s.blobPublic, shared_access_key_enabled: s.sharedKey, network_rules: [{ default_action: s.deny ? 'Deny' : 'Allow' }] },
  },
  arm: { type: 'Microsoft.Storage/storageAccounts', name: s.name, kind: s.kind, properties: { publicNetworkAccess: onOff(s.pna), allowBlobPublicAccess: s.blobPublic, allowSharedKeyAccess: s.sharedKey, networkAcls: { defaultAction: s.deny ? 'Deny' : 'Allow' } } },
}));

const anyTwin = fc.oneof(registry, keyVault, storage);

function planFindings(cases: AzurermCase[], rules = RULES, file = 'plan.json', mutate?: (plan: Record<string, any>) => void): Finding[] {
  const plan = buildPlan({ azurerm: cases }) as Record<string, any>;
  mutate?.(plan);
  const inventory = new Inventory();
  const read = readPlan(documentSource(plan, JSON.stringify(plan)), file);
  for (const resource of read.resources) inventory.add(resource);
  inventory.plans.set(file, read.context);
  const result = runRules(rules, inventory);
  expect(result.failures).toEqual([]);
  return result.findings;
}

function snapshotFindings(rows: SnapshotRow[], rules = RULES): Finding[] {
  const json = buildSnapshot(rows);
  const inventory = new Inventory();
  for (const resource of readSnapshot(json, 'snapshot.json', JSON.stringify(json)).resources) inventory.add(resource);
  const result = runRules(rules, inventory);
  expect(result.failures).toEqual([]);
  return result.findings;
}

/** `rule#check status` per finding, sorted: what a verdict comparison needs (names and files differ by design). */
const verdicts = (findings: Finding[]): string[] => findings.map((finding) => `${finding.ruleId}#${finding.checkIndex} ${finding.status}`).sort();

describe('(a) an azurerm resource and its ARM twin get the same verdicts', () => {
  it('registries, key vaults and storage accounts: PUB rule ids, checks and statuses match', () => {
    let compared = 0;
    fc.assert(
      fc.property(anyTwin, (twin) => {
        const plan = verdicts(planFindings([twin.azurerm], PUB));
        expect(plan).toEqual(verdicts(snapshotFindings([twin.arm], PUB)));
        compared += plan.length;
      }),
      RUNS,
    );
    // Not vacuous: the generated settings do produce findings to compare.
    expect(compared).toBeGreaterThan(50);
  });
});

/** A random permutation of a list, chosen by fast-check (so failures shrink and replay). */
const permutationOf = <T>(items: T[]): fc.Arbitrary<T[]> => fc.array(fc.nat(), { minLength: items.length, maxLength: items.length }).map((keys) => items.map((item, i) => ({ item, key: keys[i]! })).sort((a, b) => a.key - b.key).map(({ item }) => item));

const estate = fc.uniqueArray(anyTwin, { minLength: 2, maxLength: 6, selector: (twin) => twin.azurerm.name });
const fingerprints = (findings: Array<{ fingerprint: string; status: string }>): string[] => findings.map((finding) => `${finding.fingerprint} ${finding.status}`).sort();

describe('(b) reordering never changes the findings', () => {
  it('resources within a plan (resource_changes and planned_values) and rows within a snapshot', () => {
    fc.assert(
      fc.property(
        estate.chain((twins) => fc.tuple(fc.constant(twins), permutationOf(twins.map((_twin, i) => i)))),
        ([twins, order]) => {
          const reordered = order.map((i) => twins[i]!);
          expect(fingerprints(planFindings(reordered.map((twin) => twin.azurerm)))).toEqual(fingerprints(planFindings(twins.map((twin) => twin.azurerm))));
          expect(fingerprints(snapshotFindings(reordered.map((twin) => twin.arm)))).toEqual(fingerprints(snapshotFindings(twins.map((twin) => twin.arm))));
          // planned_values in a different order from resource_changes.
          const shuffledPlannedValues = planFindings(twins.map((twin) => twin.azurerm), RULES, 'plan.json', (plan) => {
            const resources = plan['planned_values']['root_module']['resources'] as unknown[];
            plan['planned_values']['root_module']['resources'] = order.map((i) => resources[i]);
          });
          expect(fingerprints(shuffledPlannedValues)).toEqual(fingerprints(planFindings(twins.map((twin) => twin.azurerm))));
        },
      ),
      RUNS,
    );
  });

  it('files: the same files named in any order give the same findings', () => {
    fc.assert(
      fc.property(
        estate.chain((twins) => fc.tuple(fc.constant(twins), permutationOf([0, 1, 2]))),
        ([twins, order]) => {
          const dir = tempDir();
          const half = Math.ceil(twins.length / 2);
          const files = [
            writeJson(dir, 'a/plan.json', buildPlan({ azurerm: twins.slice(0, half).map((twin) => twin.azurerm) })),
            writeJson(dir, 'b/plan.json', buildPlan({ azurerm: twins.slice(half).map((twin) => twin.azurerm) })),
            writeJson(dir, 'c/snapshot.json', buildSnapshot(twins.map((twin) => twin.arm))),
          ];
          const baseline = scan({ paths: files, cwd: dir });
          const reordered = scan({ paths: order.map((i) => files[i]!), cwd: dir });
          expect(reordered.errors).toEqual([]);
          expect(fingerprints(reordered.findings)).toEqual(fingerprints(baseline.findings));
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('(c) a value made unknown never turns a fail into a pass', () => {
  /** Attribute paths a twin's azurerm case can make unknown, one at a time. */
  function unknownablePaths(values: Record<string, unknown>): string[] {
    const paths: string[] = [];
    for (const [key, value] of Object.entries(values)) {
      if (key === 'name') continue;
      paths.push(key);
      if (Array.isArray(value) && value[0] && typeof value[0] === 'object') for (const inner of Object.keys(value[0] as object)) paths.push(`${key}[0].${inner}`);
    }
    return paths;
  }
  const failing = (findings: Finding[]): Map<string, string> => new Map(findings.map((finding) => [`${finding.ruleId}#${finding.checkIndex}`, finding.status]));

  it('plans: each attribute made unknown in turn; every failed check stays fail or becomes unknown', () => {
    fc.assert(
      fc.property(anyTwin, (twin) => {
        const before = failing(planFindings([twin.azurerm]));
        const failed = [...before].filter(([, status]) => status === 'fail').map(([key]) => key);
        fc.pre(failed.length > 0);
        for (const path of unknownablePaths(twin.azurerm.values)) {
          const after = failing(planFindings([{ ...twin.azurerm, unknown: [path] }]));
          for (const key of failed) expect([`${key} after ${path}: fail`, `${key} after ${path}: unknown`]).toContain(`${key} after ${path}: ${after.get(key) ?? 'pass'}`);
        }
      }),
      RUNS,
    );
  });

  it('snapshots: a property deleted or a column projected away; every failed check stays fail or becomes unknown', () => {
    fc.assert(
      fc.property(anyTwin, (twin) => {
        const before = failing(snapshotFindings([twin.arm]));
        const failed = [...before].filter(([, status]) => status === 'fail').map(([key]) => key);
        fc.pre(failed.length > 0);
        for (const column of ['properties', 'sku']) {
          const after = failing(snapshotFindings([{ ...twin.arm, omit: [column] }]));
          for (const key of failed) expect([`${key} without ${column}: fail`, `${key} without ${column}: unknown`]).toContain(`${key} without ${column}: ${after.get(key) ?? 'pass'}`);
        }
      }),
      RUNS,
    );
  });
});
