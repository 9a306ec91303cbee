import type { RuleFunction } from '../../engine/evaluate.js';
import { parseArmId } from '../../graph/arm-id.js';
import { dnsForwarderVnets, vnetMatches } from '../../graph/dns-resolution.js';
import { endpointIndex } from '../../graph/endpoint-index.js';
import { childrenOf, followLinks, parentOf } from '../../graph/links.js';
import { endpointInfo, PRIVATE_DNS_ZONE, ZONE_VNET_LINK } from '../../graph/private-endpoints.js';
import { VIRTUAL_NETWORK, vnetOfSubnet } from '../../graph/routes.js';
import type { Resource } from '../../model/resource.js';
import { defineCheck } from '../check.js';
import { DNS_TYPES } from '../../graph/type-groups.js';
import { pass, fail, unknown } from '../results.js';
import { subnetsAt, peeredVnetIds, registryZoneNames } from './agent-network.js';

/** AZF-POOL-003: the pool's VNet is the registry endpoint's VNet or peered with it, and resolves the registry's privatelink zone. */
const evaluate: RuleFunction = (context) => {
  const { inventory, resource } = context;
  const subnets = subnetsAt(context, 'properties.virtualNetworkSubnetResourceId');
  if (subnets.links.length === 0) return subnets.unresolved.length ? unknown('virtualNetworkSubnetResourceId', subnets.unresolved.join('; ')) : pass();
  const poolVnet = vnetOfSubnet(inventory, subnets.links[0]!);
  const poolVnetName = poolVnet.vnet?.name ?? (poolVnet.id ? parseArmId(poolVnet.id)?.name : undefined) ?? 'its VNet';
  const registry = parentOf(inventory, resource).links.find((link) => link.target)?.target;
  if (!registry) return unknown('parentId', "the pool's registry is not in this scan", { vnet: poolVnetName });
  const index = endpointIndex(inventory);
  const endpoints = [...new Set([...(index.byTarget.get(registry.key.toLowerCase()) ?? []), ...(registry.source.id ? index.byTarget.get(`id:${registry.source.id.toLowerCase()}`) ?? [] : [])].map((entry) => entry.endpoint))];
  const details = { vnet: poolVnetName, registry: registry.name };
  if (endpoints.length === 0) {
    const pending = index.unresolvedByFile.get(registry.source.file) ?? [];
    if (pending.length) return unknown('privateEndpoints', `private endpoint ${pending.join(', ')} connects to a resource known only after apply`, details);
    return fail('privateEndpoints', [], 'a private endpoint for the registry', { ...details, problem: `registry ${registry.name} has no private endpoint, so the pool reaches it over its public endpoint` });
  }
  // Same or peered VNet as one of the registry's endpoints.
  const endpointVnets = endpoints.flatMap((endpoint): Array<{ resource?: Resource; id?: string }> => {
    const info = endpointInfo(inventory, endpoint);
    return [...info.vnets.map((vnet) => ({ resource: vnet })), ...info.vnetIds.map((id) => ({ id }))];
  });
  if (!poolVnet.vnet && !poolVnet.id) return unknown('virtualNetworkSubnetResourceId', "the pool subnet's VNet is not in this scan", details);
  const accepted = { resources: new Set<Resource>(poolVnet.vnet ? [poolVnet.vnet] : []), ids: poolVnet.id ? [poolVnet.id] : [], names: [] as string[] };
  if (poolVnet.vnet) {
    const peers = peeredVnetIds(inventory, poolVnet.vnet);
    for (const peer of peers.resources) accepted.resources.add(peer);
    accepted.ids.push(...peers.ids);
  }
  const reachable = endpointVnets.some((vnet) => vnetMatches(vnet, accepted));
  if (!reachable) {
    const names = endpointVnets.map((vnet) => vnet.resource?.name ?? (vnet.id ? parseArmId(vnet.id)?.name : undefined) ?? '?');
    return fail('virtualNetworkSubnetResourceId', poolVnetName, `a VNet peered with ${names.join(', ')}`, { ...details, problem: `the registry's private endpoint is in ${names.join(', ')}, which is neither ${poolVnetName} nor peered with it` });
  }
  // The pool must also resolve the registry's name to the endpoint: privatelink.azurecr.io linked to its VNet.
  if (!poolVnet.vnet) return pass();
  const zoneAccepted = { resources: new Set<Resource>([poolVnet.vnet]), ids: [] as string[], names: [] as string[] };
  const forwarders = dnsForwarderVnets(inventory, poolVnet.vnet);
  for (const vnet of forwarders.vnets) zoneAccepted.resources.add(vnet);
  zoneAccepted.ids.push(...forwarders.ids);
  const zones = registryZoneNames(registry.location).flatMap((name) => inventory.byName(PRIVATE_DNS_ZONE, name));
  if (zones.length === 0) return unknown('privateDnsZones', `no ${registryZoneNames(registry.location)[0]} zone is in this scan, so name resolution from ${poolVnetName} cannot be checked`, details);
  for (const zone of zones) {
    for (const link of childrenOf(inventory, zone, ZONE_VNET_LINK)) {
      for (const vnet of followLinks(inventory, link, 'properties.virtualNetwork.id', { targetTypes: [VIRTUAL_NETWORK] }).links) {
        if (vnetMatches({ ...(vnet.target ? { resource: vnet.target } : {}), ...(vnet.id ? { id: vnet.id } : {}) }, zoneAccepted)) return pass();
      }
    }
  }
  return fail('privateDnsZones', poolVnetName, `${zones[0]!.name} linked to ${poolVnetName}`, { ...details, problem: `${zones[0]!.name} is not linked to ${poolVnetName} (nor to a VNet whose DNS proxy it uses), so the pool resolves the registry's public address` });
};

export default defineCheck({
  name: 'agentPoolReachesRegistryPrivately',
  reads: [...DNS_TYPES, 'microsoft.containerregistry/registries'],
  details: ['problem', 'registry', 'vnet'],
  evaluate,
});
