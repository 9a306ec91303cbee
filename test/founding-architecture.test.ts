import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan, type AzapiCase, type AzurermCase } from './support/materialize.js';
import { runCli, scanJson, tempDir, writeJson } from './support/run-cli.js';
import { validateSarif } from './support/sarif-validator.js';

/**
 * The architecture azfence was started for, as a create plan: Azure DevOps agents as a Container Apps job
 * (azapi, Microsoft.App/jobs@2024-02-02-preview) that pulls its image and authenticates its azure-pipelines
 * scale rule with a user-assigned identity (both known only after apply), in an internal environment whose
 * subnet routes 0.0.0.0/0 to the hub firewall, with Log Analytics behind an Azure Monitor Private Link Scope.
 * It must scan with no AZF-POOL-006 finding; with a PAT added either way it fails, naming the attribute,
 * and the PAT appears in no output.
 */
const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000';
const PAT = 'pat0founding0arch0value0do0not0print0zz';

const platform: AzurermCase[] = [
  { type: 'azurerm_virtual_network', name: 'hub', values: { name: 'vnet-hub', resource_group_name: 'rg-hub', location: 'westeurope', address_space: ['10.0.0.0/16'] } },
  { type: 'azurerm_subnet', name: 'firewall', values: { name: 'AzureFirewallSubnet', virtual_network_name: 'vnet-hub', resource_group_name: 'rg-hub', address_prefixes: ['10.0.0.0/26'] } },
  { type: 'azurerm_firewall_policy', name: 'hub', values: { name: 'afwp-hub', resource_group_name: 'rg-hub', location: 'westeurope', sku: 'Standard', dns: [{ proxy_enabled: true }] } },
  {
    type: 'azurerm_firewall',
    name: 'hub',
    values: { name: 'afw-hub', resource_group_name: 'rg-hub', location: 'westeurope', sku_name: 'AZFW_VNet', sku_tier: 'Standard', ip_configuration: [{ name: 'ipconfig1' }] },
    unknown: ['ip_configuration[0].subnet_id', 'ip_configuration[0].private_ip_address', 'firewall_policy_id'],
    references: { 'ip_configuration[0].subnet_id': ['azurerm_subnet.firewall.id', 'azurerm_subnet.firewall'], firewall_policy_id: ['azurerm_firewall_policy.hub.id', 'azurerm_firewall_policy.hub'] },
  },
  { type: 'azurerm_virtual_network', name: 'spoke', values: { name: 'vnet-spoke-ci', resource_group_name: 'rg-spoke-ci', location: 'westeurope', address_space: ['10.1.0.0/16'] } },
  {
    type: 'azurerm_subnet',
    name: 'agents',
    values: {
      name: 'snet-agents',
      virtual_network_name: 'vnet-spoke-ci',
      resource_group_name: 'rg-spoke-ci',
      address_prefixes: ['10.1.0.0/27'],
      delegation: [{ name: 'aca', service_delegation: [{ name: 'Microsoft.App/environments', actions: ['Microsoft.Network/virtualNetworks/subnets/join/action'] }] }],
    },
  },
  { type: 'azurerm_subnet', name: 'endpoints', values: { name: 'snet-endpoints', virtual_network_name: 'vnet-spoke-ci', resource_group_name: 'rg-spoke-ci', address_prefixes: ['10.1.1.0/24'] } },
  {
    type: 'azurerm_route_table',
    name: 'agents',
    values: { name: 'rt-agents', resource_group_name: 'rg-spoke-ci', location: 'westeurope', route: [{ name: 'default', address_prefix: '0.0.0.0/0', next_hop_type: 'VirtualAppliance', next_hop_in_ip_address: null }] },
    unknown: ['route[0].next_hop_in_ip_address'],
    references: { 'route[0].next_hop_in_ip_address': ['azurerm_firewall.hub.ip_configuration[0].private_ip_address', 'azurerm_firewall.hub'] },
  },
  {
    type: 'azurerm_subnet_route_table_association',
    name: 'agents',
    values: {},
    unknown: ['subnet_id', 'route_table_id'],
    references: { subnet_id: ['azurerm_subnet.agents.id', 'azurerm_subnet.agents'], route_table_id: ['azurerm_route_table.agents.id', 'azurerm_route_table.agents'] },
  },
  { type: 'azurerm_user_assigned_identity', name: 'agents', values: { name: 'id-ado-agents', resource_group_name: 'rg-spoke-ci', location: 'westeurope' }, unknown: ['principal_id', 'client_id'] },
  // The agents' identity may pull from the registry (AZF-POOL-009).
  {
    type: 'azurerm_role_assignment',
    name: 'agents_acr_pull',
    values: { role_definition_name: 'AcrPull', principal_type: 'ServicePrincipal' },
    unknown: ['scope', 'principal_id', 'role_definition_id'],
    references: { scope: ['azurerm_container_registry.ci.id', 'azurerm_container_registry.ci'], principal_id: ['azurerm_user_assigned_identity.agents.principal_id', 'azurerm_user_assigned_identity.agents'] },
  },
  {
    type: 'azurerm_container_registry',
    name: 'ci',
    values: { name: 'acrcihubwe01', resource_group_name: 'rg-spoke-ci', location: 'westeurope', sku: 'Premium', admin_enabled: false, public_network_access_enabled: false, network_rule_bypass_option: 'None' },
  },
  {
    type: 'azurerm_container_app_environment',
    name: 'ci',
    values: { name: 'cae-ci-we01', resource_group_name: 'rg-spoke-ci', location: 'westeurope', internal_load_balancer_enabled: true, workload_profile: [{ name: 'Consumption', workload_profile_type: 'Consumption' }] },
    unknown: ['infrastructure_subnet_id'],
    references: { infrastructure_subnet_id: ['azurerm_subnet.agents.id', 'azurerm_subnet.agents'] },
  },
  // Azure Monitor through AMPLS: the workspace refuses public ingestion and query, the scope is PrivateOnly.
  {
    type: 'azurerm_log_analytics_workspace',
    name: 'hub',
    values: { name: 'log-hub-we01', resource_group_name: 'rg-hub', location: 'westeurope', internet_ingestion_enabled: false, internet_query_enabled: false },
  },
  { type: 'azurerm_monitor_private_link_scope', name: 'hub', values: { name: 'ampls-hub', resource_group_name: 'rg-hub', ingestion_access_mode: 'PrivateOnly', query_access_mode: 'PrivateOnly' } },
  {
    type: 'azurerm_private_endpoint',
    name: 'ampls',
    values: {
      name: 'pe-ampls',
      resource_group_name: 'rg-spoke-ci',
      location: 'westeurope',
      private_service_connection: [{ name: 'psc-ampls', is_manual_connection: false, subresource_names: ['azuremonitor'] }],
      private_dns_zone_group: [{ name: 'default', private_dns_zone_ids: [null, null, null, null, null] }],
    },
    unknown: ['subnet_id', 'private_service_connection[0].private_connection_resource_id', 'private_dns_zone_group[0].private_dns_zone_ids'],
    references: {
      subnet_id: ['azurerm_subnet.endpoints.id', 'azurerm_subnet.endpoints'],
      'private_service_connection[0].private_connection_resource_id': ['azurerm_monitor_private_link_scope.hub.id', 'azurerm_monitor_private_link_scope.hub'],
      'private_dns_zone_group[0].private_dns_zone_ids': ['azurerm_private_dns_zone.monitor.id', 'azurerm_private_dns_zone.oms.id', 'azurerm_private_dns_zone.ods.id', 'azurerm_private_dns_zone.agentsvc.id', 'azurerm_private_dns_zone.blob.id'],
    },
  },
  ...(
    [
      ['monitor', 'privatelink.monitor.azure.com'],
      ['oms', 'privatelink.oms.opinsights.azure.com'],
      ['ods', 'privatelink.ods.opinsights.azure.com'],
      ['agentsvc', 'privatelink.agentsvc.azure-automation.net'],
      ['blob', 'privatelink.blob.core.windows.net'],
    ] as const
  ).map(([name, zone]): AzurermCase => ({ type: 'azurerm_private_dns_zone', name, values: { name: zone, resource_group_name: 'rg-hub' } })),
];

interface JobOptions {
  /** Extra env variables of the agent container. */
  env?: Array<Record<string, unknown>>;
  /** Extra metadata of the azure-pipelines scale rule. */
  metadata?: Record<string, unknown>;
}

/** The job as the founding Terraform wrote it: identities from azurerm_user_assigned_identity.agents, unknown at plan time. */
function job(options: JobOptions = {}): AzapiCase {
  return {
    type: 'Microsoft.App/jobs@2024-02-02-preview',
    name: 'caj-ado-agent',
    parentId: `${SUB}/resourceGroups/rg-spoke-ci`,
    body: {
      identity: { type: 'UserAssigned', userAssignedIdentities: {} },
      properties: {
        environmentId: null,
        configuration: {
          triggerType: 'Event',
          replicaTimeout: 1800,
          registries: [{ server: 'acrcihubwe01.azurecr.io', identity: null, username: '', passwordSecretRef: '' }],
          secrets: [],
          eventTriggerConfig: {
            parallelism: 1,
            replicaCompletionCount: 1,
            scale: {
              minExecutions: 0,
              maxExecutions: 10,
              pollingInterval: 30,
              rules: [
                {
                  name: 'azure-pipelines',
                  type: 'azure-pipelines',
                  metadata: { poolName: 'ado-pool-ci', organizationURL: 'https://dev.azure.com/contoso', targetPipelinesQueueLength: '1', ...(options.metadata ?? {}) },
                  auth: [],
                  identity: null,
                },
              ],
            },
          },
        },
        template: {
          containers: [
            {
              name: 'ado-agent',
              image: 'acrcihubwe01.azurecr.io/ado-agent:1.4.0',
              resources: { cpu: 1, memory: '2Gi' },
              env: [{ name: 'AZP_URL', value: 'https://dev.azure.com/contoso' }, { name: 'AZP_POOL', value: 'ado-pool-ci' }, { name: 'AZP_CLIENTID', value: null }, ...(options.env ?? [])],
            },
          ],
        },
      },
    },
    unknown: [
      'identity.userAssignedIdentities',
      'properties.environmentId',
      'properties.configuration.registries[0].identity',
      'properties.configuration.eventTriggerConfig.scale.rules[0].identity',
      'properties.template.containers[0].env[2].value',
    ],
    bodyReferences: [
      'azurerm_user_assigned_identity.agents.id',
      'azurerm_user_assigned_identity.agents.client_id',
      'azurerm_user_assigned_identity.agents',
      'azurerm_container_app_environment.ci.id',
      'azurerm_container_app_environment.ci',
    ],
  };
}

function scanFounding(options?: JobOptions) {
  const dir = tempDir();
  const plan = writeJson(dir, 'plan.json', buildPlan({ azurerm: platform, azapi: [job(options)] }));
  const { run, report } = scanJson([plan], ['--fail-on', 'none']);
  expect(run.stderr).toBe('');
  return { dir, plan, report, pool006: report.findings.filter((finding) => finding.ruleId === 'AZF-POOL-006') };
}

describe('the founding architecture (Container Apps agents with managed identity, behind a firewall, with AMPLS)', () => {
  it('scans with no AZF-POOL-006 finding: empty username and passwordSecretRef, identities known only after apply', () => {
    const { report, pool006 } = scanFounding();
    expect(report.summary.resources).toBeGreaterThan(5);
    // Nor does any other rule fail the job. Terraform records the azapi body's references as one list, not per
    // property; the only identity among them is id-ado-agents (named for the registry, the identity map and
    // AZP_CLIENTID), so AZF-POOL-009 knows the registry entry names it, and it holds AcrPull on the registry.
    const onJob = report.findings.filter((finding) => finding.resource.name === 'caj-ado-agent');
    expect(onJob.map((finding) => `${finding.ruleId} ${finding.status}`)).toEqual([]);
    expect(pool006).toEqual([]);
  });

  it("AZF-POOL-009 names the agents' identity when its AcrPull assignment is missing (read from the azapi body)", () => {
    const dir = tempDir();
    // The plan still holds a role assignment (another identity's), so the verdict is the identity's, not the input's.
    const others = platform.map((resource) => (resource.name === 'agents_acr_pull' ? { ...resource, references: { ...resource.references, principal_id: ['azurerm_user_assigned_identity.other.principal_id', 'azurerm_user_assigned_identity.other'] } } : resource));
    const other = { type: 'azurerm_user_assigned_identity', name: 'other', values: { name: 'id-other', resource_group_name: 'rg-spoke-ci', location: 'westeurope' }, unknown: ['principal_id', 'client_id'] };
    const plan = writeJson(dir, 'plan.json', buildPlan({ azurerm: [...others, other], azapi: [job()] }));
    const { report } = scanJson([plan], ['--fail-on', 'none']);
    const onJob = report.findings.filter((finding) => finding.resource.name === 'caj-ado-agent');
    expect(onJob.map((finding) => `${finding.ruleId} ${finding.status}`)).toEqual(['AZF-POOL-009 fail']);
    expect(onJob[0]!.message).toContain('user-assigned identity id-ado-agents holds no role that grants pulls on registry acrcihubwe01');
  });

  for (const [way, options, attribute] of [
    ['as the agent\'s AZP_TOKEN value', { env: [{ name: 'AZP_TOKEN', value: PAT }] }, 'body.properties.template.containers[0].env[3].value (AZP_TOKEN as a plain value)'],
    ['in the scale rule\'s metadata', { metadata: { personalAccessToken: PAT } }, 'body.properties.configuration.eventTriggerConfig.scale.rules[0].metadata.personalAccessToken (a PAT as a plain value)'],
  ] as const) {
    it(`with a PAT ${way} it fails, naming the attribute, and no output format prints the PAT`, () => {
      const { dir, plan, pool006 } = scanFounding(options);
      expect(readFileSync(plan, 'utf8')).toContain(PAT);
      expect(pool006.map((finding) => finding.status)).toEqual(['fail']);
      expect(pool006[0]!.message).toContain(attribute);
      const sarif = join(dir, 'out.sarif');
      const outputs = ['table', 'json', 'markdown', 'junit', 'sarif'].map((format) => {
        const run = runCli(['scan', plan, '--format', format, '--fail-on', 'none', '--sarif', sarif, '--markdown', join(dir, 'out.md')]);
        return `${run.stdout}${run.stderr}`;
      });
      outputs.push(readFileSync(sarif, 'utf8'), readFileSync(join(dir, 'out.md'), 'utf8'));
      for (const output of outputs) {
        expect(output).toContain('AZF-POOL-006');
        expect(output).not.toContain(PAT);
      }
      expect(validateSarif([sarif])).toEqual([]);
    });
  }
});
