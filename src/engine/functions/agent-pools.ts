import type { FunctionContext, RuleFunction } from '../evaluate.js';
import { isArmId, parseArmId } from '../../graph/arm-id.js';
import { childrenOf, followLinks, parentOf, type Link } from '../../graph/links.js';
import { mostSpecific } from '../../graph/resolve-reference.js';
import { defaultRouteOf, SUBNET, VIRTUAL_NETWORK, vnetOfSubnet } from '../../graph/routes.js';
import type { Inventory } from '../../model/inventory.js';
import type { Resource } from '../../model/resource.js';
import { isPlaceholder, isPlainObject, isRedacted, UNKNOWN } from '../../model/values.js';
import { dnsForwarderVnets, endpointIndex, vnetMatches } from './dns.js';
import { endpointInfo, PRIVATE_DNS_ZONE, ZONE_VNET_LINK } from './private-endpoints.js';
import { pass, fail, unknown, propertiesOf } from './results.js';

/**
 * The agent-pool pack's evaluators: tasks on locked registries, agent pools and CI agents inside the
 * VNet, their forced egress, and peerings that name a VNet by id.
 */
const PEERING = 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings';
const JOB = 'Microsoft.App/jobs';

function stringArg(args: Readonly<Record<string, unknown>>, name: string): string {
  const value = args[name];
  if (typeof value !== 'string') throw new Error(`function argument "${name}" must be a field path`);
  return value;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Whether a registry refuses the shared, public-side task pool: public access off or default action Deny, without the tasks bypass. */
export function registryLocked(registry: Resource): boolean | undefined {
  // A snapshot row whose properties were projected away (or a value known only after apply, or marked
  // sensitive) says nothing about the registry's network rules: undecided, never "open".
  if (isPlaceholder(registry.body['properties'])) return undefined;
  const properties = propertiesOf(registry);
  const access = properties['publicNetworkAccess'];
  const ruleSet = properties['networkRuleSet'];
  const defaultAction = isPlainObject(ruleSet) ? ruleSet['defaultAction'] : isPlaceholder(ruleSet) ? ruleSet : undefined;
  const bypass = properties['networkRuleBypassAllowedForTasks'];
  if (bypass === true) return false;
  if ((typeof access === 'string' && access.toLowerCase() === 'disabled') || (typeof defaultAction === 'string' && defaultAction.toLowerCase() === 'deny')) {
    return isPlaceholder(bypass) ? undefined : true;
  }
  if (isPlaceholder(access) || isPlaceholder(defaultAction)) return undefined;
  return false;
}

/** Why registryLocked could not decide, in the words a user acts on. */
export function lockUndecidedWhy(registry: Resource): string {
  const properties = propertiesOf(registry);
  const ruleSet = properties['networkRuleSet'];
  const values = [registry.body['properties'], properties['publicNetworkAccess'], ruleSet, isPlainObject(ruleSet) ? ruleSet['defaultAction'] : undefined, properties['networkRuleBypassAllowedForTasks']];
  if (values.some(isRedacted)) return 'marked sensitive and not read';
  return registry.source.kind === 'plan' ? 'known only after apply' : 'not in the input (project the properties column)';
}

/** AZF-POOL-001: a task on a locked registry names an agent pool (the shared pool gets 403). */
export const taskUsesAgentPool: RuleFunction = (context, args) => {
  const pool = context.field(stringArg(args, 'agentPool'));
  if (typeof pool === 'string' && pool.trim() !== '') return pass();
  if (isPlaceholder(pool)) return unknown('agentPoolName', pool === UNKNOWN ? 'the agent pool name is known only after apply' : 'the agent pool name is marked sensitive');
  const parent = parentOf(context.inventory, context.resource);
  const registry = parent.links.find((link) => link.target)?.target;
  const registryName = registry?.name ?? parent.links[0]?.name ?? 'its registry';
  if (!registry) return unknown('parentId', parent.unresolved.length ? parent.unresolved.join('; ') : `registry ${registryName} is not in this scan, so whether it is locked is unknown`, { registry: registryName });
  const locked = registryLocked(registry);
  if (locked === undefined) return unknown('publicNetworkAccess', `whether registry ${registry.name} is locked cannot be told: its network settings are ${lockUndecidedWhy(registry)}`, { registry: registry.name });
  if (!locked) return pass();
  const pools = childrenOf(context.inventory, registry, 'Microsoft.ContainerRegistry/registries/agentPools').map((candidate) => candidate.name);
  return fail('properties.agentPoolName', pool, 'an agent pool name', { registry: registry.name, pools: pools.length ? pools.join(', ') : 'none yet' });
};

/** Subnets a resource names at a field path, resolved (in the scan) or by id. */
function subnetsAt(context: FunctionContext, path: string): { links: Link[]; unresolved: string[] } {
  return followLinks(context.inventory, context.resource, path, { targetTypes: [SUBNET] });
}

function peeredVnetIds(inventory: Inventory, vnet: Resource): { ids: string[]; resources: Resource[] } {
  const ids: string[] = [];
  const resources: Resource[] = [];
  for (const peering of childrenOf(inventory, vnet, PEERING)) {
    for (const link of followLinks(inventory, peering, 'properties.remoteVirtualNetwork.id', { targetTypes: [VIRTUAL_NETWORK] }).links) {
      if (link.target) resources.push(link.target);
      else if (link.id) ids.push(link.id);
    }
  }
  return { ids, resources };
}

function registryZoneNames(cloudHint: string | undefined): string[] {
  const region = (cloudHint ?? '').toLowerCase();
  if (region.startsWith('usgov') || region.startsWith('usdod')) return ['privatelink.azurecr.us'];
  if (region.startsWith('china')) return ['privatelink.azurecr.cn'];
  return ['privatelink.azurecr.io'];
}

/** AZF-POOL-003: the pool's VNet is the registry endpoint's VNet or peered with it, and resolves the registry's privatelink zone. */
export const agentPoolReachesRegistryPrivately: RuleFunction = (context) => {
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

/** Container Apps environments that run jobs: they host CI agents. */
function jobsByEnvironment(inventory: Inventory): Map<string, Resource[]> {
  return inventory.cached('jobs-by-environment', () => {
    const index = new Map<string, Resource[]>();
    for (const job of inventory.ofType(JOB)) {
      for (const link of followLinks(inventory, job, 'properties.environmentId', { targetTypes: ['Microsoft.App/managedEnvironments'] }).links) {
        const key = link.target ? link.target.key.toLowerCase() : `id:${(link.id ?? '').toLowerCase()}`;
        index.set(key, [...(index.get(key) ?? []), job]);
      }
    }
    return index;
  });
}

/** True when the Container Apps environment runs jobs (where-clause of AZF-POOL-004/005). */
export const environmentRunsJobs: RuleFunction = (context) => {
  const index = jobsByEnvironment(context.inventory);
  const { resource } = context;
  const jobs = [...(index.get(resource.key.toLowerCase()) ?? []), ...(resource.source.id ? index.get(`id:${resource.source.id.toLowerCase()}`) ?? [] : [])];
  return jobs.length ? { verdict: 'pass', evidence: [], details: { jobs: jobs.map((job) => job.name).join(', ') } } : { verdict: 'fail', evidence: [] };
};

/**
 * The commands that give a subnet its default route to the firewall: add the route to its route table, or,
 * when it has none, create one, add the route and associate the table with the subnet.
 */
function routeFixes(inventory: Inventory, subnet: Resource, name: string, routeTable: string | undefined): { routeCommands: string; terraformChange: string } {
  const id = subnet.source.id ?? '';
  const parsed = id ? parseArmId(id) : undefined;
  const vnetLink = vnetOfSubnet(inventory, { target: subnet });
  const vnet = vnetLink.vnet?.name ?? (vnetLink.id ? parseArmId(vnetLink.id)?.name : undefined) ?? (parsed?.parentId ? parseArmId(parsed.parentId)?.name : undefined) ?? '<vnet>';
  const bodyGroup = subnet.body['resourceGroup'];
  const group = parsed?.resourceGroup ?? (typeof bodyGroup === 'string' ? bodyGroup : '<resource-group>');
  const route = (table: string) =>
    `\`az network route-table route create --resource-group ${group} --route-table-name ${table} --name default --address-prefix 0.0.0.0/0 --next-hop-type VirtualAppliance --next-hop-ip-address <firewall-ip>\``;
  const hcl = 'route { name = "default", address_prefix = "0.0.0.0/0", next_hop_type = "VirtualAppliance", next_hop_in_ip_address = azurerm_firewall.<hub>.ip_configuration[0].private_ip_address }';
  if (routeTable) {
    return { routeCommands: `${route(routeTable)}`, terraformChange: `Add \`${hcl}\` to the azurerm_route_table ${routeTable} of subnet ${name}` };
  }
  const table = `rt-${name}`;
  return {
    routeCommands: `\`az network route-table create --resource-group ${group} --name ${table}\` then ${route(table)} and associate it: \`az network vnet subnet update --resource-group ${group} --vnet-name ${vnet} --name ${name} --route-table ${table}\``,
    terraformChange: `Create an azurerm_route_table with \`${hcl}\` and associate it with subnet ${name} through an azurerm_subnet_route_table_association`,
  };
}

/** AZF-POOL-005: the agent subnet sends 0.0.0.0/0 to a VirtualAppliance that is a firewall's private IP. */
export const subnetRoutesToFirewall: RuleFunction = (context, args) => {
  const path = args['subnet'];
  const firewallIps = strings(context.parameters['firewallIps']);
  let subnets: Array<{ target?: Resource; id?: string; name?: string }>;
  let unresolved: string[] = [];
  if (typeof path === 'string') {
    const found = subnetsAt(context, path);
    subnets = found.links;
    unresolved = found.unresolved;
  } else subnets = [{ target: context.resource, name: context.resource.name }];
  // Where the subnet cannot be read, the fix says what to check rather than which command to run.
  const unread = (subnet: string) => ({
    subnet,
    routeCommands: `Check that ${subnet} has a route table whose 0.0.0.0/0 route goes to VirtualAppliance at the firewall's private IP`,
    terraformChange: `Check that ${subnet} has an azurerm_route_table, associated through an azurerm_subnet_route_table_association, whose 0.0.0.0/0 route goes to VirtualAppliance at the firewall's private IP`,
    problem: 'the subnet could not be read',
  });
  if (subnets.length === 0) return unresolved.length ? unknown('subnet', unresolved.join('; '), unread('the agent subnet')) : pass();
  for (const subnet of subnets) {
    const name = subnet.target?.name ?? subnet.name ?? (subnet.id ? parseArmId(subnet.id)?.name : undefined) ?? 'the subnet';
    if (!subnet.target) return unknown('subnet', `subnet ${name} is not in this scan, so its routes cannot be read`, unread(`subnet ${name}`));
    const route = defaultRouteOf(context.inventory, subnet.target, firewallIps);
    const details: Record<string, string> = { subnet: name, routeTable: route.routeTable ?? 'none', ...routeFixes(context.inventory, subnet.target, name, route.routeTable) };
    switch (route.status) {
      case 'firewall':
        continue;
      case 'unknown':
        return unknown('routeTable', route.reason ?? 'the route is known only after apply', details);
      case 'no-route-table':
        return fail('routeTable', undefined, 'a route table', { ...details, problem: `subnet ${name} has no route table, so agents egress straight to the internet` });
      case 'no-default-route':
        return fail('routes', [], 'a 0.0.0.0/0 route', { ...details, problem: `route table ${route.routeTable} on subnet ${name} has no 0.0.0.0/0 route, so agents egress straight to the internet` });
      case 'internet':
      case 'appliance':
        return fail('nextHop', route.nextHopIp ?? route.nextHopType, 'a firewall private IP', {
          ...details,
          problem: route.nextHopIp
            ? `the default route of ${name} goes to ${route.nextHopIp}, which is not the private IP of a firewall in this scan (list it in firewallIps if it is one)`
            : `the default route of ${name} goes to ${route.nextHopType}, not to a firewall`,
        });
    }
  }
  return pass();
};

/** AZF-POOL-007: a peering's remote VNet is a resource id (a name makes a broken peering). */
export const peeringNamesVnetById: RuleFunction = (context) => {
  const value = context.field('properties.remoteVirtualNetwork.id');
  if (typeof value === 'string') return isArmId(value) && /\/virtualNetworks\//i.test(value) ? pass() : fail('properties.remoteVirtualNetwork.id', value, 'a VNet resource id', { value: `"${value}"` });
  if (value === undefined || value === null) return fail('properties.remoteVirtualNetwork.id', value, 'a VNet resource id', { value: 'nothing' });
  // Known only after apply: the reference (followed through modules) says whether it is the VNet's id or its name.
  const links = followLinks(context.inventory, context.resource, 'properties.remoteVirtualNetwork.id', { targetTypes: [VIRTUAL_NETWORK] });
  const own = mostSpecific([...(context.resource.references?.get('remote_virtual_network_id') ?? [])]);
  const steps = [...own, ...links.links.flatMap((link) => link.via ?? [])];
  const byName = steps.find((step) => /\.name$/.test(step));
  // The evidence names the ARM property, so each dialect shows it in its own terms (the azurerm attribute).
  if (byName) return fail('properties.remoteVirtualNetwork.id', byName, 'a VNet resource id', { value: byName });
  // A reference to an `id` attribute (of a VNet, a data source, a module output's VNet) is an id.
  if (links.links.length || steps.some((step) => /\.id$/.test(step))) return pass();
  return unknown('properties.remoteVirtualNetwork.id', links.unresolved.join('; ') || 'the remote VNet id is known only after apply');
};

/** AZF-POOL-002/004: the resource is attached to a subnet: a literal id, or a reference that leads to a subnet. */
export const attachedToSubnet: RuleFunction = (context, args) => {
  const path = stringArg(args, 'subnet');
  const value = context.field(path);
  if (value === undefined || value === null || value === '') return fail(path, value, 'a subnet id', {});
  if (typeof value === 'string') return pass();
  const subnets = subnetsAt(context, path);
  if (subnets.links.length) return pass();
  return unknown(path, subnets.unresolved.join('; ') || `${path} is known only after apply`);
};

export const AGENT_POOL_FUNCTIONS: ReadonlyMap<string, RuleFunction> = new Map<string, RuleFunction>([
  ['taskUsesAgentPool', taskUsesAgentPool],
  ['agentPoolReachesRegistryPrivately', agentPoolReachesRegistryPrivately],
  ['environmentRunsJobs', environmentRunsJobs],
  ['subnetRoutesToFirewall', subnetRoutesToFirewall],
  ['peeringNamesVnetById', peeringNamesVnetById],
  ['attachedToSubnet', attachedToSubnet],
]);

