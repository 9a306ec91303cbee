/**
 * Links a pack may follow by name (`follow: subnet`): for each ARM type, the property that holds the linked
 * resource's id and the types it may point at. The ARM names are the REST API's; a link the input leaves
 * open (known only after apply) is followed by the reader's notation (src/graph/links.ts).
 */
export interface NamedLink {
  /** The ARM path holding the id, in the rule field syntax. */
  field: string;
  /** The ARM types the id may name. */
  to: readonly string[];
  /** What the linked resource is called in evidence and reasons ("a subnet id"). */
  noun: string;
}

const SUBNET = 'Microsoft.Network/virtualNetworks/subnets';
const subnetAt = (field: string): NamedLink => ({ field, to: [SUBNET], noun: 'subnet' });

/** By lower-cased ARM type, then link name. */
const NAMED_LINKS: Readonly<Record<string, Readonly<Record<string, NamedLink>>>> = {
  'microsoft.containerregistry/registries/agentpools': { subnet: subnetAt('properties.virtualNetworkSubnetResourceId') },
  'microsoft.app/managedenvironments': { subnet: subnetAt('properties.vnetConfiguration.infrastructureSubnetId') },
  'microsoft.app/jobs': { environment: { field: 'properties.environmentId', to: ['Microsoft.App/managedEnvironments'], noun: 'Container Apps environment' } },
  'microsoft.devopsinfrastructure/pools': { subnet: subnetAt('properties.fabricProfile.networkProfile.subnetId') },
  'microsoft.network/privateendpoints': { subnet: subnetAt('properties.subnet.id') },
  'microsoft.network/virtualnetworks/subnets': {
    routeTable: { field: 'properties.routeTable.id', to: ['Microsoft.Network/routeTables'], noun: 'route table' },
    networkSecurityGroup: { field: 'properties.networkSecurityGroup.id', to: ['Microsoft.Network/networkSecurityGroups'], noun: 'network security group' },
  },
  'microsoft.network/virtualnetworks/virtualnetworkpeerings': { remoteVirtualNetwork: { field: 'properties.remoteVirtualNetwork.id', to: ['Microsoft.Network/virtualNetworks'], noun: 'virtual network' } },
  'microsoft.network/azurefirewalls': { firewallPolicy: { field: 'properties.firewallPolicy.id', to: ['Microsoft.Network/firewallPolicies'], noun: 'firewall policy' } },
};

/** The link `name` of resources of `type`, if the catalog declares it. */
export function namedLink(type: string, name: string): NamedLink | undefined {
  const links = NAMED_LINKS[type.toLowerCase()];
  return links && Object.hasOwn(links, name) ? links[name] : undefined;
}

/** The links resources of `type` have, for error messages. */
export function linkNames(type: string): string[] {
  return Object.keys(NAMED_LINKS[type.toLowerCase()] ?? {}).sort();
}

/** What a resource of `type` is called in evidence: its type's last segment in words, singular (`routeTables` -> route table). */
export function nounOf(type: string): string {
  const last = type.split('/').pop() ?? type;
  const words = last.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.replace(/ies$/, 'y').replace(/s$/, '');
}
