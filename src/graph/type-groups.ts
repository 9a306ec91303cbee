/**
 * Sets of ARM types (lower-case) that cross-resource checks read together: an endpoint's DNS, a firewall and
 * its rules, routing to it, and the workloads whose egress it carries. Check modules name them in `reads`.
 */
export const VNET_TYPES = ['microsoft.network/virtualnetworks'];
export const DNS_TYPES = ['microsoft.network/privateendpoints/privatednszonegroups', 'microsoft.network/privateendpoints', 'microsoft.network/privatednszones', 'microsoft.network/privatednszones/virtualnetworklinks', ...VNET_TYPES];
export const FIREWALL_TYPES = ['microsoft.network/azurefirewalls', 'microsoft.network/firewallpolicies', 'microsoft.network/firewallpolicies/rulecollectiongroups', ...VNET_TYPES];
export const ROUTING_TYPES = [...FIREWALL_TYPES, 'microsoft.network/routetables'];
export const WORKLOAD_TYPES = ['microsoft.app/jobs', 'microsoft.app/managedenvironments', 'microsoft.containerservice/managedclusters', 'microsoft.devopsinfrastructure/pools'];
