import type { AttributeMapping, AzurermTypeMapping } from './mapping-types.js';

/**
 * Firewall rules from every place azurerm writes them: classic rule collections (own resources, linked to
 * the firewall by name), Firewall Policy rule collection groups, and the policy itself (DNS proxy, base
 * policy). ARM keeps a group's collections in one `ruleCollections` array with a type per collection;
 * azurerm splits them by kind, so they map to `applicationRuleCollections` / `networkRuleCollections`.
 */
const tags = { arm: 'tags', from: 'tags' };

const protocolItems: AttributeMapping[] = [
  { arm: 'protocolType', from: 'type' },
  { arm: 'port', from: 'port' },
];

/** A policy rule collection: its name, priority and action, and its rules mapped by `rules`. */
function policyCollections(arm: string, from: string, rules: AttributeMapping[]): AttributeMapping {
  return {
    arm,
    from,
    items: [
      { arm: 'name', from: 'name' },
      { arm: 'priority', from: 'priority' },
      { arm: 'action.type', from: 'action' },
      { arm: 'rules', from: 'rule', items: [{ arm: 'name', from: 'name' }, ...rules, { arm: 'sourceAddresses', from: 'source_addresses' }] },
    ],
  };
}

const policyApplicationCollections = policyCollections('properties.applicationRuleCollections', 'application_rule_collection', [
  { arm: 'protocols', from: 'protocols', items: protocolItems },
  { arm: 'targetFqdns', from: 'destination_fqdns' },
  { arm: 'fqdnTags', from: 'destination_fqdn_tags' },
  { arm: 'targetUrls', from: 'destination_urls' },
]);

const policyNetworkCollections = policyCollections('properties.networkRuleCollections', 'network_rule_collection', [
  { arm: 'ipProtocols', from: 'protocols' },
  { arm: 'destinationAddresses', from: 'destination_addresses' },
  { arm: 'destinationFqdns', from: 'destination_fqdns' },
  { arm: 'destinationPorts', from: 'destination_ports' },
]);

export const FIREWALL_MAPPINGS: Record<string, AzurermTypeMapping> = {
  azurerm_firewall_policy: {
    armType: 'Microsoft.Network/firewallPolicies',
    attributes: [
      { arm: 'properties.dnsSettings.enableProxy', from: 'dns[0].proxy_enabled', default: false },
      { arm: 'properties.basePolicy.id', from: 'base_policy_id' },
      { arm: 'properties.sku.tier', from: 'sku' },
      tags,
    ],
  },
  azurerm_firewall_policy_rule_collection_group: {
    armType: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups',
    attributes: [{ arm: 'parentId', from: 'firewall_policy_id' }, { arm: 'properties.priority', from: 'priority' }, policyApplicationCollections, policyNetworkCollections],
  },
  // Classic rules: collections are resources of their own, named after the firewall they belong to.
  azurerm_firewall_application_rule_collection: {
    armType: 'Microsoft.Network/azureFirewalls/applicationRuleCollections',
    attributes: [
      { arm: 'parentName', from: 'azure_firewall_name' },
      { arm: 'properties.priority', from: 'priority' },
      { arm: 'properties.action.type', from: 'action' },
      {
        arm: 'properties.rules',
        from: 'rule',
        items: [
          { arm: 'name', from: 'name' },
          { arm: 'protocols', from: 'protocol', items: protocolItems },
          { arm: 'targetFqdns', from: 'target_fqdns' },
          { arm: 'fqdnTags', from: 'fqdn_tags' },
          { arm: 'sourceAddresses', from: 'source_addresses' },
        ],
      },
    ],
  },
  azurerm_firewall_network_rule_collection: {
    armType: 'Microsoft.Network/azureFirewalls/networkRuleCollections',
    attributes: [
      { arm: 'parentName', from: 'azure_firewall_name' },
      { arm: 'properties.priority', from: 'priority' },
      { arm: 'properties.action.type', from: 'action' },
      {
        arm: 'properties.rules',
        from: 'rule',
        items: [
          { arm: 'name', from: 'name' },
          { arm: 'protocols', from: 'protocols' },
          { arm: 'destinationAddresses', from: 'destination_addresses' },
          { arm: 'destinationFqdns', from: 'destination_fqdns' },
          { arm: 'destinationPorts', from: 'destination_ports' },
          { arm: 'sourceAddresses', from: 'source_addresses' },
        ],
      },
    ],
  },
};
