import type { AzurermTypeMapping } from './mapping-types.js';

/**
 * Build agents and their network path: ACR tasks and agent pools, Container Apps jobs and environments,
 * Managed DevOps Pools, route tables and routes. Names from the provider docs and AZURE-FACTS.md.
 */
const tags = { arm: 'tags', from: 'tags' };

/** What Container Apps apps and jobs share in azurerm: their environment, identity and registry pulls. */
export const CONTAINER_APP_PULL: AzurermTypeMapping['attributes'] = [
  { arm: 'properties.environmentId', from: 'container_app_environment_id' },
  { arm: 'identity.type', from: 'identity[0].type' },
  { arm: 'identity.principalId', from: 'identity[0].principal_id' },
  {
    arm: 'properties.configuration.registries',
    from: 'registry',
    items: [
      { arm: 'server', from: 'server' },
      { arm: 'identity', from: 'identity' },
      { arm: 'username', from: 'username' },
      { arm: 'passwordSecretRef', from: 'password_secret_name' },
    ],
  },
];

export const AGENT_MAPPINGS: Record<string, AzurermTypeMapping> = {
  azurerm_container_registry_task: {
    armType: 'Microsoft.ContainerRegistry/registries/tasks',
    attributes: [
      { arm: 'parentId', from: 'container_registry_id' },
      { arm: 'properties.agentPoolName', from: 'agent_pool_name' },
      { arm: 'properties.agentConfiguration.cpu', from: 'agent_setting[0].cpu' },
      { arm: 'properties.platform.os', from: 'platform[0].os' },
      { arm: 'properties.status', from: { tf: 'enabled', values: { true: 'Enabled', false: 'Disabled' } }, default: 'Enabled' },
      { arm: 'identity.type', from: 'identity[0].type' },
      { arm: 'identity.principalId', from: 'identity[0].principal_id' },
      // ARM keys customRegistries by login server; azurerm has a list of blocks: kept as a list of members
      // that name their login server (no username or password: only who pulls).
      {
        arm: 'properties.credentials.customRegistries',
        from: 'registry_credential[0].custom',
        items: [
          { arm: 'loginServer', from: 'login_server' },
          { arm: 'identity', from: 'identity' },
        ],
      },
      tags,
    ],
  },
  azurerm_container_registry_agent_pool: {
    armType: 'Microsoft.ContainerRegistry/registries/agentPools',
    attributes: [
      { arm: 'parentName', from: 'container_registry_name' },
      { arm: 'properties.virtualNetworkSubnetResourceId', from: 'virtual_network_subnet_id' },
      { arm: 'properties.tier', from: 'tier', default: 'S1' },
      { arm: 'properties.count', from: 'instance_count', default: 1 },
      tags,
    ],
  },
  azurerm_container_app_job: {
    armType: 'Microsoft.App/jobs',
    attributes: [
      ...CONTAINER_APP_PULL,
      {
        // Only names and Key Vault references: a secret's value is sensitive and never read.
        arm: 'properties.configuration.secrets',
        from: 'secret',
        items: [
          { arm: 'name', from: 'name' },
          { arm: 'keyVaultUrl', from: 'key_vault_secret_id' },
          { arm: 'identity', from: 'identity' },
        ],
      },
      {
        arm: 'properties.configuration.eventTriggerConfig.scale.rules',
        from: 'event_trigger_config[0].scale[0].rules',
        items: [
          { arm: 'name', from: 'name' },
          { arm: 'type', from: 'custom_rule_type' },
          { arm: 'metadata', from: 'metadata', redact: 'credentialKeys' },
          // The scale rule's managed identity: documented as identity_id in newer provider versions.
          { arm: 'identity', from: ['identity_id', 'identity'] },
          {
            arm: 'auth',
            from: 'authentication',
            items: [
              { arm: 'secretRef', from: 'secret_name' },
              { arm: 'triggerParameter', from: 'trigger_parameter' },
            ],
          },
        ],
      },
      {
        arm: 'properties.template.containers',
        from: 'template[0].container',
        items: [
          { arm: 'name', from: 'name' },
          { arm: 'image', from: 'image' },
          {
            arm: 'env',
            from: 'env',
            items: [
              { arm: 'name', from: 'name' },
              { arm: 'secretRef', from: 'secret_name' },
              // Whether a token is handed over as a plain value, never the value itself.
              { arm: 'value', from: 'value', redact: 'value' },
            ],
          },
        ],
      },
      tags,
    ],
  },
  azurerm_managed_devops_pool: {
    armType: 'Microsoft.DevOpsInfrastructure/pools',
    attributes: [{ arm: 'properties.fabricProfile.networkProfile.subnetId', from: 'virtual_machine_scale_set_fabric[0].subnet_id' }, tags],
  },
  azurerm_route_table: {
    armType: 'Microsoft.Network/routeTables',
    attributes: [
      {
        arm: 'properties.routes',
        from: 'route',
        items: [
          { arm: 'name', from: 'name' },
          { arm: 'properties.addressPrefix', from: 'address_prefix' },
          { arm: 'properties.nextHopType', from: 'next_hop_type' },
          { arm: 'properties.nextHopIpAddress', from: 'next_hop_in_ip_address' },
        ],
      },
      { arm: 'properties.disableBgpRoutePropagation', from: { tf: 'bgp_route_propagation_enabled', values: { true: false, false: true } } },
      tags,
    ],
  },
  azurerm_route: {
    armType: 'Microsoft.Network/routeTables/routes',
    attributes: [
      { arm: 'parentName', from: 'route_table_name' },
      { arm: 'properties.addressPrefix', from: 'address_prefix' },
      { arm: 'properties.nextHopType', from: 'next_hop_type' },
      { arm: 'properties.nextHopIpAddress', from: 'next_hop_in_ip_address' },
    ],
  },
};
