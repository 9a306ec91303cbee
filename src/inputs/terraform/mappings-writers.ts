import type { AttributeMapping } from './mapping-types.js';

/**
 * azurerm resources that manage part of another resource: which ARM properties each writes, and on which
 * target, named by which attribute. Names from the provider's website/docs/r/*.html.markdown. The overlay
 * step (src/inputs/terraform/apply-overlays.ts) applies them to the target before any rule runs, whichever rule reads them.
 */
export interface WriterMapping {
  /** ARM type of the resource written to. */
  targetType: string;
  /** The attribute holding the target's id. */
  targetId: string;
  /** What it writes, as ARM paths on the target. */
  attributes: AttributeMapping[];
}

const SUBNET = 'Microsoft.Network/virtualNetworks/subnets';

export const AZURERM_WRITERS: Record<string, WriterMapping> = {
  // "Network Rules can be defined either directly on the azurerm_storage_account resource, or using the
  // azurerm_storage_account_network_rules resource - but the two cannot be used together."
  azurerm_storage_account_network_rules: {
    targetType: 'Microsoft.Storage/storageAccounts',
    targetId: 'storage_account_id',
    attributes: [
      { arm: 'properties.networkAcls.defaultAction', from: 'default_action' },
      { arm: 'properties.networkAcls.ipRules', from: 'ip_rules', items: [{ arm: 'value', from: '' }], default: [] },
      { arm: 'properties.networkAcls.virtualNetworkRules', from: 'virtual_network_subnet_ids', items: [{ arm: 'id', from: '' }], default: [] },
    ],
  },
  // Conflicts with dns_servers on azurerm_virtual_network; absent means Azure-provided DNS.
  azurerm_virtual_network_dns_servers: {
    targetType: 'Microsoft.Network/virtualNetworks',
    targetId: 'virtual_network_id',
    attributes: [{ arm: 'properties.dhcpOptions.dnsServers', from: 'dns_servers', default: [] }],
  },
  azurerm_subnet_route_table_association: {
    targetType: SUBNET,
    targetId: 'subnet_id',
    attributes: [{ arm: 'properties.routeTable.id', from: 'route_table_id' }],
  },
  azurerm_subnet_network_security_group_association: {
    targetType: SUBNET,
    targetId: 'subnet_id',
    attributes: [{ arm: 'properties.networkSecurityGroup.id', from: 'network_security_group_id' }],
  },
  azurerm_subnet_nat_gateway_association: {
    targetType: SUBNET,
    targetId: 'subnet_id',
    attributes: [{ arm: 'properties.natGateway.id', from: 'nat_gateway_id' }],
  },
};

/** azapi resources that write to an existing resource instead of declaring one. */
export const AZAPI_WRITERS = new Set(['azapi_update_resource', 'azapi_resource_action']);

export function isWriterType(terraformType: string): boolean {
  return AZAPI_WRITERS.has(terraformType) || Object.prototype.hasOwnProperty.call(AZURERM_WRITERS, terraformType);
}
