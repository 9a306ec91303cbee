import type { AttributeMapping, AzurermTypeMapping } from './mapping-types.js';

/**
 * Network security groups (AZF-EGR-007). Names from the provider docs (network_security_group and
 * network_security_rule): a rule is written inline (`security_rule` blocks) or as its own resource, attached
 * by `network_security_group_name` and `resource_group_name`. Association with a subnet is a writer
 * (azurerm_subnet_network_security_group_association, mappings-writers.ts).
 */
function ruleProperties(prefix: string): AttributeMapping[] {
  const at = (arm: string, from: string, extra: Partial<AttributeMapping> = {}): AttributeMapping => ({ arm: `${prefix}${arm}`, from, ...extra });
  return [
    at('priority', 'priority'),
    at('direction', 'direction'),
    at('access', 'access'),
    at('protocol', 'protocol'),
    at('sourcePortRange', 'source_port_range'),
    at('sourcePortRanges', 'source_port_ranges'),
    at('destinationPortRange', 'destination_port_range'),
    at('destinationPortRanges', 'destination_port_ranges'),
    at('sourceAddressPrefix', 'source_address_prefix'),
    at('sourceAddressPrefixes', 'source_address_prefixes'),
    at('destinationAddressPrefix', 'destination_address_prefix'),
    at('destinationAddressPrefixes', 'destination_address_prefixes'),
    at('sourceApplicationSecurityGroups', 'source_application_security_group_ids', { items: [{ arm: 'id', from: '' }] }),
    at('destinationApplicationSecurityGroups', 'destination_application_security_group_ids', { items: [{ arm: 'id', from: '' }] }),
  ];
}

export const NSG_MAPPINGS: Record<string, AzurermTypeMapping> = {
  azurerm_network_security_group: {
    armType: 'Microsoft.Network/networkSecurityGroups',
    attributes: [
      { arm: 'properties.securityRules', from: 'security_rule', items: [{ arm: 'name', from: 'name' }, ...ruleProperties('properties.')] },
      { arm: 'tags', from: 'tags' },
    ],
  },
  azurerm_network_security_rule: {
    armType: 'Microsoft.Network/networkSecurityGroups/securityRules',
    attributes: [{ arm: 'parentName', from: 'network_security_group_name' }, ...ruleProperties('properties.')],
  },
};
