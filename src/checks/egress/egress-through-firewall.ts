import type { RuleFunction } from '../../engine/evaluate.js';
import { childrenOf, followLinks } from '../../graph/links.js';
import { defaultRouteOf, SUBNET } from '../../graph/routes.js';
import { UNKNOWN } from '../../model/values.js';
import { defineCheck } from '../check.js';
import { ROUTING_TYPES, WORKLOAD_TYPES } from '../../graph/type-groups.js';
import { pass, fail, unknown } from '../results.js';
import { NO_EGRESS_OUTBOUND_TYPES } from './egress-needs.js';

/** AZF-EGR-005: a workload whose subnet routes to the firewall (or that must) really egresses through it. */
const evaluate: RuleFunction = (context) => {
  const { inventory, resource } = context;
  const type = resource.armType.toLowerCase();
  const required = (context.parameters['requireFirewallEgress'] as unknown[] | undefined)?.some((entry) => entry === '*' || (typeof entry === 'string' && entry.toLowerCase() === resource.name.toLowerCase())) ?? false;
  if (type === 'microsoft.containerservice/managedclusters') {
    // Node subnets of the cluster's inline pools and of node pools written as their own resources.
    const pools = childrenOf(inventory, resource, 'Microsoft.ContainerService/managedClusters/agentPools');
    const subnetLinks = [
      ...followLinks(inventory, resource, 'properties.agentPoolProfiles[*].vnetSubnetID', { targetTypes: [SUBNET] }).links,
      ...pools.flatMap((pool) => followLinks(inventory, pool, 'properties.vnetSubnetID', { targetTypes: [SUBNET] }).links),
    ];
    const outbound = context.field('properties.networkProfile.outboundType');
    // none and block (network-isolated clusters) give the nodes no egress path at all: nothing can bypass
    // the firewall. Whether such a cluster can still bootstrap is AZF-EGR-008's question, not this rule's.
    if (typeof outbound === 'string' && NO_EGRESS_OUTBOUND_TYPES.has(outbound.toLowerCase())) return pass();
    const routes = subnetLinks.map((subnet) => (subnet.target ? defaultRouteOf(inventory, subnet.target) : undefined));
    const toFirewall = routes.some((route) => route?.status === 'firewall');
    if (!toFirewall && !required) {
      // A route known only after apply may still lead to the firewall: no pass can rest on it.
      const pending = routes.find((route) => route?.status === 'unknown');
      const loadBalancer = typeof outbound === 'string' && outbound.toLowerCase() !== 'userdefinedrouting';
      if (pending && loadBalancer) return unknown('routeTable', pending.reason ?? "the node subnet's default route is known only after apply");
      return pass();
    }
    if (outbound === UNKNOWN) return unknown('networkProfile.outboundType', 'the outbound type is known only after apply');
    if (typeof outbound === 'string' && outbound.toLowerCase() === 'userdefinedrouting') {
      if (toFirewall) return pass();
      if (routes.some((route) => route === undefined || route.status === 'unknown')) return unknown('routeTable', "the node subnet's route is known only after apply or not in this scan");
      return fail('routeTable', 'no route to a firewall', 'a 0.0.0.0/0 route to the firewall', { problem: 'its node subnet has no 0.0.0.0/0 route to a firewall' });
    }
    const shown = String(outbound ?? 'loadBalancer');
    return fail('networkProfile.outboundType', shown, 'userDefinedRouting', {
      problem: `its outbound type is ${shown}, so nodes egress through ${/natgateway$/i.test(shown) ? "the NAT gateway's" : "the load balancer's"} public IP${toFirewall ? ' although their subnet routes to the firewall' : ''}`,
    });
  }
  // Container Apps: egress through a firewall (UDR) works only on environments with workload profiles.
  const subnets = followLinks(inventory, resource, 'properties.vnetConfiguration.infrastructureSubnetId', { targetTypes: [SUBNET] }).links;
  const toFirewall = subnets.some((subnet) => subnet.target && defaultRouteOf(inventory, subnet.target).status === 'firewall');
  if (!toFirewall && !required) return pass();
  if (subnets.length === 0) {
    const subnetValue = context.field('properties.vnetConfiguration.infrastructureSubnetId');
    if (subnetValue === UNKNOWN) return unknown('infrastructureSubnetId', 'the infrastructure subnet is known only after apply');
    return fail('vnetConfiguration.infrastructureSubnetId', subnetValue, 'an infrastructure subnet routed to the firewall', { problem: 'it has no infrastructure subnet, so its egress cannot be routed through the firewall' });
  }
  const profiles = context.field('properties.workloadProfiles');
  if (profiles === UNKNOWN) return unknown('workloadProfiles', 'the workload profiles are known only after apply');
  if (Array.isArray(profiles) && profiles.length > 0) return toFirewall ? pass() : fail('routeTable', 'no route', 'a 0.0.0.0/0 route to the firewall', { problem: 'its infrastructure subnet has no 0.0.0.0/0 route to a firewall' });
  return fail('workloadProfiles', [], 'workload profiles', { problem: 'it is a Consumption-only environment, which cannot send egress through a user-defined route' });
};

export default defineCheck({
  name: 'egressThroughFirewall',
  reads: [...ROUTING_TYPES, ...WORKLOAD_TYPES],
  details: ['problem'],
  evaluate,
});
