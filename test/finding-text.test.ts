import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan, buildSnapshot } from './support/materialize.js';
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
