import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildPlan, buildSnapshot, type AzapiCase, type AzurermCase, type SnapshotRow } from './support/materialize.js';
import { scanJson, tempDir, writeJson, type JsonReport } from './support/run-cli.js';

/**
 * What a finding tells the user beyond its verdict: the evidence (what the property held, what the rule
 * wanted) and the remediation with its placeholders filled in for the input kind. A user pack fixes the
 * templates, so the values under test are the ones azfence fills in.
 */
const PACK = `pack: ACME
title: Acme house rules
rules:
  - id: ACME-STG-001
    title: Storage accounts refuse shared keys
    severity: medium
    description: Shared keys bypass Entra ID auditing.
    remediation:
      azurerm: 'azurerm: address={address} name={name} id={id} rg={resourceGroup} attr={attr:properties.allowSharedKeyAccess} field={field:properties.allowSharedKeyAccess} label={label} type={type}'
      azapi: 'azapi: address={address} name={name} attr={attr:properties.allowSharedKeyAccess} field={field:properties.allowSharedKeyAccess}'
      arm: 'arm: address={address} name={name} id={id} rg={resourceGroup} attr={attr:properties.allowSharedKeyAccess} field={field:properties.allowSharedKeyAccess}'
    checks:
      - select: { type: Microsoft.Storage/storageAccounts }
        assert: { field: properties.allowSharedKeyAccess, equals: false }
        message: 'Storage account {name} allows shared key access.'
`;

const SNAPSHOT_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stsnap';

function scan(): JsonReport {
  const dir = tempDir('azfence-finding-text-');
  mkdirSync(join(dir, 'policies'));
  writeFileSync(join(dir, 'policies', 'acme.yaml'), PACK);
  writeJson(
    dir,
    'plan.json',
    buildPlan({
      azurerm: [
        { type: 'azurerm_storage_account', address: 'module.data.azurerm_storage_account.logs["eu"]', values: { name: 'stlogs', resource_group_name: 'rg-logs', public_network_access_enabled: false, shared_access_key_enabled: true } },
        { type: 'azurerm_container_registry', name: 'acr', values: { name: 'acrprod', sku: 'Premium', public_network_access_enabled: false, network_rule_bypass_option: 'AzureServices' } },
      ],
      azapi: [{ type: 'Microsoft.Storage/storageAccounts@2023-01-01', name: 'blobs', body: { properties: { publicNetworkAccess: 'Disabled', allowSharedKeyAccess: true } } }],
    }),
  );
  writeJson(dir, 'snapshot.json', buildSnapshot([{ type: 'Microsoft.Storage/storageAccounts', name: 'stsnap', id: SNAPSHOT_ID, resourceGroup: 'rg-data', properties: { publicNetworkAccess: 'Disabled', allowSharedKeyAccess: true } }]));
  const { run, report } = scanJson(['plan.json', 'snapshot.json', '--policies', 'policies'], ['--fail-on', 'none'], dir);
  expect(run.stderr).toBe('');
  return report;
}

const only = (report: JsonReport, ruleId: string, resource: string) => {
  const found = report.findings.filter((finding) => finding.ruleId === ruleId && (finding.resource.address === resource || finding.resource.name === resource));
  expect(found, `${ruleId} on ${resource}`).toHaveLength(1);
  return found[0]!;
};

describe('what a finding says', () => {
  const report = scan();

  it('evidence: the property, the Terraform attribute it came from, what it held and what the rule wanted', () => {
    expect(only(report, 'ACME-STG-001', 'module.data.azurerm_storage_account.logs["eu"]').evidence).toEqual([
      { path: 'properties.allowSharedKeyAccess', attribute: 'shared_access_key_enabled', actual: 'true', expected: 'to equal false' },
    ]);
    expect(only(report, 'ACME-STG-001', 'stsnap').evidence).toEqual([{ path: 'properties.allowSharedKeyAccess', actual: 'true', expected: 'to equal false' }]);
    // A built-in rule, a string value: shown quoted, the wanted value after it.
    expect(only(report, 'AZF-PUB-002', 'azurerm_container_registry.acr').evidence).toEqual([
      { path: 'properties.networkRuleBypassOptions', attribute: 'network_rule_bypass_option', actual: '"AzureServices"', expected: 'to equal "None"' },
    ]);
  });

  it('remediation: the template of the input kind, every placeholder filled in from the resource', () => {
    expect(only(report, 'ACME-STG-001', 'module.data.azurerm_storage_account.logs["eu"]').remediation).toBe(
      'azurerm: address=module.data.azurerm_storage_account.logs["eu"] name=stlogs id=module.data.azurerm_storage_account.logs["eu"] rg=rg-logs attr=shared_access_key_enabled field=true label=storage account type=Microsoft.Storage/storageAccounts',
    );
    expect(only(report, 'ACME-STG-001', 'azapi_resource.blobs').remediation).toBe('azapi: address=azapi_resource.blobs name=blobs attr=body.properties.allowSharedKeyAccess field=true');
    expect(only(report, 'ACME-STG-001', 'stsnap').remediation).toBe(`arm: address=${SNAPSHOT_ID} name=stsnap id=${SNAPSHOT_ID} rg=rg-data attr=properties.allowSharedKeyAccess field=true`);
    // Built-in packs name the resource by its address too.
    expect(only(report, 'AZF-PUB-002', 'azurerm_container_registry.acr').remediation).toContain(' on azurerm_container_registry.acr;');
  });
});

/**
 * An unknown finding's evidence says why the value could not be read in words true for the input: a plan's
 * value is known after apply, a snapshot's was not in the snapshot, a manifest's is filled in at deploy
 * time, a provider default that depends on the provider's version is not set. Where a rule function decided
 * the unknown (a resource not in the scan), the message gives the reason and the evidence claims none.
 */
describe('what an unknown finding says about the value it could not read', () => {
  const KUBE_PACK = `pack: ACMEK
title: Acme workload rules
rules:
  - id: ACME-K8S-001
    title: Workloads name their runtime class
    severity: medium
    description: Pods pick their runtime explicitly.
    remediation:
      kubernetes: 'Set runtimeClassName in {name}.'
      azurerm: 'Set runtime_class_name in {address}.'
    checks:
      - select: { type: Kubernetes/Workload }
        assert: { field: properties.podSpec.runtimeClassName, equals: kata-vm-isolation }
        message: 'Workload {name} runs with runtime class {field:properties.podSpec.runtimeClassName}.'
`;

  function actualOf(report: JsonReport, ruleId: string, resource: string): string[] {
    const found = report.findings.filter((finding) => finding.ruleId === ruleId && (finding.resource.address === resource || finding.resource.name === resource));
    expect(found, `${ruleId} on ${resource}`).toHaveLength(1);
    expect(found[0]!.status).toBe('unknown');
    return found[0]!.evidence.map((item) => item.actual);
  }

  function scanDir(setup: (dir: string) => void, extra: string[] = []): JsonReport {
    const dir = tempDir('azfence-unknown-evidence-');
    setup(dir);
    const { run, report } = scanJson(['.', ...extra], ['--fail-on', 'none'], dir);
    expect(run.stderr).toBe('');
    return report;
  }

  it('a plan value from a variable is known after apply', () => {
    const report = scanDir((dir) => writeJson(dir, 'plan.json', buildPlan({ azurerm: [{ type: 'azurerm_container_registry', name: 'acr', values: { name: 'acrvar', sku: 'Premium' }, unknown: ['public_network_access_enabled'] }] })));
    expect(actualOf(report, 'AZF-PUB-001', 'azurerm_container_registry.acr')).toEqual(['(known after apply)']);
  });

  it('a property a snapshot query projected away is not in the snapshot', () => {
    const report = scanDir((dir) => writeJson(dir, 'snapshot.json', buildSnapshot([{ type: 'Microsoft.ContainerRegistry/registries', name: 'acrprojected', omit: ['properties', 'sku'] }])));
    expect(actualOf(report, 'AZF-PUB-001', 'acrprojected')).toEqual(['(not in the snapshot)']);
  });

  it('a manifest placeholder is set at deploy time', () => {
    const report = scanDir(
      (dir) => {
        mkdirSync(join(dir, 'policies'));
        writeFileSync(join(dir, 'policies', 'acme.yaml'), KUBE_PACK);
        writeFileSync(join(dir, 'app.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: { name: runner }\nspec:\n  runtimeClassName: ${RUNTIME_CLASS}\n  containers: [{ name: run, image: "myacr.azurecr.io/run:1.0" }]\n');
      },
      ['--policies', 'policies'],
    );
    expect(actualOf(report, 'ACME-K8S-001', 'runner')).toEqual(['(set at deploy time)']);
  });

  it('an attribute left out whose provider default depends on the provider version is not set, its default undecided', () => {
    const report = scanDir((dir) =>
      writeJson(dir, 'plan.json', buildPlan({ azurerm: [{ type: 'azurerm_storage_account', name: 'st', values: { name: 'stany', account_kind: 'StorageV2', public_network_access_enabled: false } }], providers: { azurerm: '>= 3.0' } })),
    );
    expect([...new Set(actualOf(report, 'AZF-PUB-007', 'azurerm_storage_account.st'))]).toEqual(['(not set; its default depends on the provider version)']);
  });

  it('a resource not in the scan is not "known after apply": the message says why, the evidence claims no reason', () => {
    const registry = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared/providers/Microsoft.ContainerRegistry/registries/acrshared';
    const report = scanDir((dir) =>
      writeJson(dir, 'plan.json', buildPlan({ azurerm: [{ type: 'azurerm_container_registry_task', name: 'build', values: { name: 'build-app', container_registry_id: registry, platform: [{ os: 'Linux' }] } }] })),
    );
    expect(actualOf(report, 'AZF-POOL-001', 'azurerm_container_registry_task.build')).toEqual(['(not known)']);
  });
});

/** A case of fixtures/rules/<rule>.yaml, scanned as the fixture harness writes it (plan or snapshot). */
function scanFixtureCase(ruleId: string, caseName: string): JsonReport {
  const file = parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'rules', `${ruleId}.yaml`), 'utf8')) as { cases: Array<Record<string, unknown> & { name: string }> };
  const fixture = file.cases.find((candidate) => candidate.name === caseName)!;
  const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
  const dir = tempDir('azfence-fixture-case-');
  if (fixture['azurerm'] || fixture['azapi']) writeJson(dir, 'plan.json', buildPlan({ azurerm: list(fixture['azurerm'] as AzurermCase[]), azapi: list(fixture['azapi'] as AzapiCase[]) }));
  else writeJson(dir, 'snapshot.json', buildSnapshot(list(fixture['snapshot'] as SnapshotRow[])));
  const { run, report } = scanJson([dir], ['--fail-on', 'none']);
  expect(run.stderr).toBe('');
  return report;
}

/**
 * The remediation of an unknown finding is filled in with what the evaluation established; what it could
 * not establish shows as a placeholder to fill in, never as a fact ("with the zones none").
 */
describe('the remediation of an unknown private endpoint finding', () => {
  const remediationOf = (report: JsonReport, ruleId: string, resource: string) => {
    const found = report.findings.filter((finding) => finding.ruleId === ruleId && (finding.resource.address === resource || finding.resource.name === resource));
    expect(found, `${ruleId} on ${resource}`).toHaveLength(1);
    expect(found[0]!.status).toBe('unknown');
    return found[0]!.remediation;
  };

  it('names no zones when the group ids, and so the zones needed, are known only after apply', () => {
    const report = scanFixtureCase('AZF-DNS-001', 'no zone group and subresource_names known only after apply');
    expect(remediationOf(report, 'AZF-DNS-001', 'azurerm_private_endpoint.any')).toBe(
      // No zone is guessed, and no `<neededZones>` is left for the user to fill: the template's words for the unknown case.
      'Add a `private_dns_zone_group { name = "default", private_dns_zone_ids = [...] }` block to azurerm_private_endpoint.any with the zones its group ids need (privatelink.*; see the rule\'s zone table).',
    );
  });

  it('names the zone whose VNet links could not be read, not "none"', () => {
    const report = scanFixtureCase('AZF-DNS-004', 'zone of the zone group not in the snapshot');
    expect(remediationOf(report, 'AZF-DNS-004', 'pe-acr')).toBe(
      '`az network private-dns link vnet create --zone-name <zone> --resource-group <zone-rg> --name link-vnet-spoke --virtual-network <vnet-id> --registration-enabled false` for privatelink.azurecr.io.',
    );
  });
});

/**
 * A rule that checks several resource types fixes each in its own terms: the remediation names the
 * property, attribute and command of the type the finding is about, not those of the rule's first type.
 */
describe('the remediation of a rule that checks several types', () => {
  const remediationOf = (report: JsonReport, ruleId: string, resource: string) => {
    const found = report.findings.filter((finding) => finding.ruleId === ruleId && (finding.resource.address === resource || finding.resource.name === resource));
    expect(found, `${ruleId} on ${resource}`).toHaveLength(1);
    return found[0]!.remediation;
  };
  it("a check's own remediation replaces the rule's for its findings, dialect by dialect", () => {
    const pack = `pack: ACMEM
title: Acme multi-type rule
rules:
  - id: ACME-MUL-001
    title: Vaults and registries refuse public access
    severity: high
    description: Both are reached privately.
    remediation:
      azurerm: 'rule azurerm fix for {address}'
      arm: 'rule arm fix for {name}'
    checks:
      - select: { type: Microsoft.KeyVault/vaults }
        assert: { field: properties.publicNetworkAccess, equals: Disabled }
        message: 'Vault {name} is public.'
      - select: { type: Microsoft.ContainerRegistry/registries }
        assert: { field: properties.publicNetworkAccess, equals: Disabled }
        message: 'Registry {name} is public.'
        remediation:
          arm: 'registry arm fix for {name}'
`;
    const dir = tempDir('azfence-check-remediation-');
    mkdirSync(join(dir, 'policies'));
    writeFileSync(join(dir, 'policies', 'acme.yaml'), pack);
    writeJson(dir, 'snapshot.json', buildSnapshot([{ type: 'Microsoft.KeyVault/vaults', name: 'kv1', properties: { publicNetworkAccess: 'Enabled' } }, { type: 'Microsoft.ContainerRegistry/registries', name: 'acr1', properties: { publicNetworkAccess: 'Enabled' } }]));
    writeJson(dir, 'plan.json', buildPlan({ azurerm: [{ type: 'azurerm_container_registry', name: 'acr', values: { name: 'acr2', sku: 'Premium', public_network_access_enabled: true } }] }));
    const { run, report } = scanJson(['snapshot.json', 'plan.json', '--policies', 'policies'], ['--fail-on', 'none'], dir);
    expect(run.stderr).toBe('');
    expect(remediationOf(report, 'ACME-MUL-001', 'kv1')).toBe('rule arm fix for kv1');
    expect(remediationOf(report, 'ACME-MUL-001', 'acr1')).toBe('registry arm fix for acr1');
    expect(remediationOf(report, 'ACME-MUL-001', 'azurerm_container_registry.acr')).toBe('rule azurerm fix for azurerm_container_registry.acr');
  });

  const PSQL_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-fixture/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-prod';

  it('a PostgreSQL flexible server is told about properties.network.publicNetworkAccess (AZF-PUB-005)', () => {
    expect(remediationOf(scanFixtureCase('AZF-PUB-005', 'PostgreSQL flexible server with public access left on'), 'AZF-PUB-005', 'azurerm_postgresql_flexible_server.r0')).toBe(
      'Turn public network access off on azurerm_postgresql_flexible_server.r0 (`public_network_access_enabled` = false, or "Disabled" where the attribute takes a string) and add a private endpoint.',
    );
    expect(remediationOf(scanFixtureCase('AZF-PUB-005', 'azapi PostgreSQL flexible server with network.publicNetworkAccess Enabled'), 'AZF-PUB-005', 'azapi_resource.r0')).toBe(
      'Set `properties.network.publicNetworkAccess = "Disabled"` in the body of azapi_resource.r0.',
    );
    expect(remediationOf(scanFixtureCase('AZF-PUB-005', 'Resource Graph PostgreSQL flexible server with public access enabled'), 'AZF-PUB-005', 'psql-prod')).toBe(
      `Set properties.network.publicNetworkAccess to Disabled: \`az resource update --ids ${PSQL_ID} --set properties.network.publicNetworkAccess=Disabled\`.`,
    );
  });

  it('an Azure Monitor Private Link Scope is not given a workspace command (AZF-PUB-006)', () => {
    const AMPLS_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-fixture/providers/Microsoft.Insights/privateLinkScopes/ampls-prod';
    expect(remediationOf(scanFixtureCase('AZF-PUB-006', 'Resource Graph AMPLS in Open ingestion mode'), 'AZF-PUB-006', 'ampls-prod')).toBe(
      `\`az resource update --ids ${AMPLS_ID} --set properties.accessModeSettings.ingestionAccessMode=PrivateOnly properties.accessModeSettings.queryAccessMode=PrivateOnly\``,
    );
    expect(remediationOf(scanFixtureCase('AZF-PUB-006', 'AMPLS left in Open ingestion mode'), 'AZF-PUB-006', 'azurerm_monitor_private_link_scope.r0')).toBe(
      'Set `ingestion_access_mode = "PrivateOnly"` and `query_access_mode = "PrivateOnly"` on azurerm_monitor_private_link_scope.r0.',
    );
    expect(remediationOf(scanFixtureCase('AZF-PUB-006', 'workspace on azurerm v4 accepting public ingestion'), 'AZF-PUB-006', 'azurerm_log_analytics_workspace.law')).toContain(' on azurerm_log_analytics_workspace.law ');
  });

  it('a classic firewall turns DNS proxy on itself, not on a firewall policy (AZF-EGR-004)', () => {
    expect(remediationOf(scanFixtureCase('AZF-EGR-004', 'classic firewall row with an inline FQDN network rule and no DNS proxy'), 'AZF-EGR-004', 'afw-legacy')).toBe(
      '`az network firewall update --name afw-legacy --resource-group rg-fixture --enable-dns-proxy true`',
    );
    expect(
      remediationOf(scanFixtureCase('AZF-EGR-004', 'classic azurerm_firewall_network_rule_collection with destination_fqdns, firewall without dns_proxy_enabled'), 'AZF-EGR-004', 'azurerm_firewall_network_rule_collection.legacy'),
    ).toBe('Set `dns_proxy_enabled = true` on the azurerm_firewall afw-legacy (for azurerm_firewall_network_rule_collection.legacy).');
  });

  it('a Container Apps environment is not given an AKS command (AZF-EGR-005)', () => {
    const remediation = remediationOf(scanFixtureCase('AZF-EGR-005', 'Consumption-only environment row (no workloadProfiles) routed to the firewall row'), 'AZF-EGR-005', 'cae-ci-we01');
    expect(remediation).not.toContain('az aks');
    expect(remediation).toContain('az containerapp env create --name cae-ci-we01 --resource-group rg-fixture --enable-workload-profiles');
    expect(remediationOf(scanFixtureCase('AZF-EGR-005', 'Consumption-only Container Apps environment (no workload_profile) routed to the firewall'), 'AZF-EGR-005', 'azurerm_container_app_environment.ci')).not.toContain('outbound_type');
  });

  it('a Managed DevOps Pool is not told to recreate an environment (AZF-POOL-004)', () => {
    const MDP_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-fixture/providers/Microsoft.DevOpsInfrastructure/pools/mdp-ci';
    expect(remediationOf(scanFixtureCase('AZF-POOL-004', 'Managed DevOps Pool row without networkProfile'), 'AZF-POOL-004', 'mdp-ci')).toBe(
      `Set properties.fabricProfile.networkProfile.subnetId to a subnet delegated to Microsoft.DevOpsInfrastructure/pools: \`az resource update --ids ${MDP_ID} --set properties.fabricProfile.networkProfile.subnetId=<subnet-id>\`.`,
    );
    expect(remediationOf(scanFixtureCase('AZF-POOL-004', 'Managed DevOps Pool without a VM scale set fabric subnet'), 'AZF-POOL-004', 'azurerm_managed_devops_pool.ci')).toBe(
      'Set `virtual_machine_scale_set_fabric[0].subnet_id` on azurerm_managed_devops_pool.ci to a subnet delegated to Microsoft.DevOpsInfrastructure/pools.',
    );
  });
});

describe('the remediation names the attribute the resource is written with', () => {
  it('an azurerm 2.x storage account is told allow_blob_public_access, the attribute it has (AZF-PUB-007)', () => {
    const fix = (caseName: string, address: string) => {
      const found = scanFixtureCase('AZF-PUB-007', caseName).findings.filter((finding) => finding.ruleId === 'AZF-PUB-007' && finding.resource.address === address);
      expect(found).toHaveLength(1);
      return found[0]!.remediation;
    };
    expect(fix('storage account on azurerm 2.x with allow_blob_public_access true', 'azurerm_storage_account.r0')).toBe('Set `allow_blob_public_access = false` on azurerm_storage_account.r0.');
    expect(fix('storage account allowing nested items to be public (azurerm 3.x/4.x)', 'azurerm_storage_account.st')).toBe('Set `allow_nested_items_to_be_public = false` on azurerm_storage_account.st.');
  });
});

describe('AZF-EGR-001: what a firewall lacks', () => {
  const only = (report: JsonReport, resource: string) => {
    const found = report.findings.filter((finding) => finding.ruleId === 'AZF-EGR-001' && (finding.resource.address === resource || finding.resource.name === resource));
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it("the evidence's actual is what the rules leave out, not the expected list again", () => {
    const finding = only(scanFixtureCase('AZF-EGR-001', "*.agent.dev.azure.com in place of *.dev.azure.com: a subdomain's wildcard does not cover the parent's *.dev.azure.com need"), 'azurerm_firewall.hub');
    expect(finding.evidence).toEqual([{ path: 'rules', actual: '"not allowed: *.dev.azure.com"', expected: 'rules allowing *.dev.azure.com' }]);
  });

  it('missing service tags are fixed with a network rule, never as --target-fqdns of an application rule', () => {
    const finding = only(scanFixtureCase('AZF-EGR-001', 'ACR agent pool row behind the firewall, rules for the registry and images only (service tags missing)'), 'afw-hub');
    expect(finding.message).toContain('service tag AzureKeyVault');
    expect(finding.remediation).not.toMatch(/--target-fqdns [^`]*service tag/);
    expect(finding.remediation).toContain('--rule-type NetworkRule --ip-protocols TCP --destination-addresses <tag>');
  });
});

describe('an azurerm finding speaks azurerm, an ARM one ARM', () => {
  function scanOne(write: (dir: string) => void): JsonReport {
    const dir = tempDir('azfence-dialect-words-');
    write(dir);
    const { run, report } = scanJson(['.'], ['--fail-on', 'none'], dir);
    expect(run.stderr).toBe('');
    return report;
  }

  it('a default the provider applies is shown as the attribute value (true), not the ARM word (Enabled)', () => {
    const report = scanOne((dir) => writeJson(dir, 'plan.json', buildPlan({ azurerm: [{ type: 'azurerm_key_vault', name: 'kv', values: { name: 'kv-default', sku_name: 'standard', tenant_id: '00000000-0000-0000-0000-000000000000' } }] })));
    const finding = report.findings.find((f) => f.resource.address === 'azurerm_key_vault.kv' && /public network access/.test(f.message));
    expect(finding?.message).toContain('public_network_access_enabled is true (not set; the default)');
    expect(finding?.message).not.toMatch(/Enabled \(not set/);
  });

  it('the same default in a snapshot row stays in ARM words', () => {
    const report = scanOne((dir) => writeJson(dir, 'snapshot.json', buildSnapshot([{ type: 'Microsoft.KeyVault/vaults', name: 'kv-row', properties: { publicNetworkAccess: 'Enabled' } }])));
    const finding = report.findings.find((f) => f.resource.name === 'kv-row' && /public network access/.test(f.message));
    expect(finding?.message).toContain('properties.publicNetworkAccess is Enabled');
  });
});
