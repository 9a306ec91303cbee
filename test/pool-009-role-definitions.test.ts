import { describe, expect, it } from 'vitest';
import { buildPlan, type AzurermCase } from './support/materialize.js';
import { scanJson, tempDir, writeJson } from './support/run-cli.js';

/**
 * AZF-POOL-009 reads role definitions to judge custom roles by their permissions. A built-in role read as a
 * definition (`data "azurerm_role_definition"` the assignment refers to while its id is not yet known) keeps
 * the grants Microsoft documents for it: AcrPull's own permission (registries/pull/read) is not honoured by a
 * registry in ABAC mode, whatever a permission-by-permission reading would say.
 */

const registry = (mode: string): AzurermCase => ({ type: 'azurerm_container_registry', name: 'acr', values: { name: 'acrbuildwe01', resource_group_name: 'rg-build', location: 'westeurope', sku: 'Premium', public_network_access_enabled: false, role_assignment_mode: mode } });
const identity: AzurermCase = { type: 'azurerm_user_assigned_identity', name: 'pull', values: { name: 'id-agents-pull', resource_group_name: 'rg-build', location: 'westeurope' }, unknown: ['principal_id', 'client_id'] };
const definition: AzurermCase = {
  type: 'azurerm_role_definition',
  name: 'acrpull',
  values: { name: 'AcrPull', role_definition_id: '7f951dda-4ed3-4680-a7ca-43fe172d538d', scope: '/', permissions: [{ actions: ['Microsoft.ContainerRegistry/registries/pull/read'], not_actions: [], data_actions: [], not_data_actions: [] }] },
};
const assignment: AzurermCase = {
  type: 'azurerm_role_assignment',
  name: 'pull',
  values: {},
  unknown: ['scope', 'principal_id', 'role_definition_id'],
  references: {
    scope: ['azurerm_container_registry.acr.id', 'azurerm_container_registry.acr'],
    principal_id: ['azurerm_user_assigned_identity.pull.principal_id', 'azurerm_user_assigned_identity.pull'],
    role_definition_id: ['data.azurerm_role_definition.acrpull.id', 'data.azurerm_role_definition.acrpull'],
  },
};
const job: AzurermCase = {
  type: 'azurerm_container_app_job',
  name: 'agents',
  values: { name: 'caj-agents', resource_group_name: 'rg-build', location: 'westeurope', identity: [{ type: 'UserAssigned' }], registry: [{ server: 'acrbuildwe01.azurecr.io' }], template: [{ container: [{ name: 'agent', image: 'acrbuildwe01.azurecr.io/agents/azp:1.0' }] }] },
  unknown: ['registry[0].identity', 'container_app_environment_id'],
  references: { 'registry[0].identity': ['azurerm_user_assigned_identity.pull.id', 'azurerm_user_assigned_identity.pull'] },
};

/** The plan with the role definition as a data source (buildPlan writes managed resources only). */
function planWithDataSource(mode: string): Record<string, unknown> {
  const plan = buildPlan({ azurerm: [registry(mode), identity, definition, assignment, job] }) as {
    planned_values: { root_module: { resources: Array<Record<string, unknown>> } };
    resource_changes: Array<Record<string, unknown>>;
    configuration: { root_module: { resources: Array<Record<string, unknown>> } };
  };
  const asData = (entry: Record<string, unknown>) => {
    if (entry['type'] !== 'azurerm_role_definition') return;
    entry['mode'] = 'data';
    entry['address'] = 'data.azurerm_role_definition.acrpull';
  };
  plan.planned_values.root_module.resources.forEach(asData);
  plan.configuration.root_module.resources.forEach(asData);
  plan.resource_changes = plan.resource_changes.filter((change) => change['type'] !== 'azurerm_role_definition');
  return plan;
}

function verdict(mode: string): string[] {
  const dir = tempDir();
  const { run, report } = scanJson([writeJson(dir, 'plan.json', planWithDataSource(mode))], ['--fail-on', 'none']);
  expect(run.stderr).toBe('');
  return report.findings.filter((finding) => finding.ruleId === 'AZF-POOL-009').map((finding) => `${finding.status}: ${finding.message}`);
}

describe('AZF-POOL-009: a built-in role read through a role definition data source', () => {
  it('grants pulls in legacy mode', () => {
    expect(verdict('LegacyRegistryPermissions')).toEqual([]);
  });

  it('is not honoured in ABAC mode (AcrPull), as the built-in table says: a failure, not an unknown', () => {
    const findings = verdict('AbacRepositoryPermissions');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(/^fail: .*holds no role that grants pulls on registry acrbuildwe01/);
  });
});
