import type { FunctionContext } from '../../engine/evaluate.js';
import { parseArmId } from '../../graph/arm-id.js';
import { childrenOf, followLinks, type Link } from '../../graph/links.js';
import { SUBNET, VIRTUAL_NETWORK, vnetOfSubnet } from '../../graph/routes.js';
import type { Inventory } from '../../model/inventory.js';
import type { Resource } from '../../model/resource.js';
import { isPlaceholder, isPlainObject, isRedacted } from '../../model/values.js';
import { propertiesOf } from '../results.js';
import { notationOf, openBecause } from '../../model/notation.js';

/**
 * The agent-pool pack's evaluators: tasks on locked registries, agent pools and CI agents inside the
 * VNet, their forced egress, and peerings that name a VNet by id.
 */
const PEERING = 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings';

const JOB = 'Microsoft.App/jobs';

export function stringArg(args: Readonly<Record<string, unknown>>, name: string): string {
  const value = args[name];
  if (typeof value !== 'string') throw new Error(`function argument "${name}" must be a field path`);
  return value;
}

export function strings(value: unknown): string[] {
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
  return openBecause(registry, 'not in the input (project the properties column)');
}

/** Subnets a resource names at a field path, resolved (in the scan) or by id. */
export function subnetsAt(context: FunctionContext, path: string): { links: Link[]; unresolved: string[] } {
  return followLinks(context.inventory, context.resource, path, { targetTypes: [SUBNET] });
}

export function peeredVnetIds(inventory: Inventory, vnet: Resource): { ids: string[]; resources: Resource[] } {
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

export function registryZoneNames(cloudHint: string | undefined): string[] {
  const region = (cloudHint ?? '').toLowerCase();
  if (region.startsWith('usgov') || region.startsWith('usdod')) return ['privatelink.azurecr.us'];
  if (region.startsWith('china')) return ['privatelink.azurecr.cn'];
  return ['privatelink.azurecr.io'];
}

/** Container Apps environments that run jobs: they host CI agents. */
export function jobsByEnvironment(inventory: Inventory): Map<string, Resource[]> {
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

/**
 * The fix that gives a subnet its default route to the firewall, in the judged resource's input: add the route
 * to its route table, or, when it has none, create one, add the route and associate the table with the subnet.
 */
export function routeFix(inventory: Inventory, judged: Resource, subnet: Resource, name: string, routeTable: string | undefined): string {
  const id = subnet.source.id ?? '';
  const parsed = id ? parseArmId(id) : undefined;
  const vnetLink = vnetOfSubnet(inventory, { target: subnet });
  const vnet = vnetLink.vnet?.name ?? (vnetLink.id ? parseArmId(vnetLink.id)?.name : undefined) ?? (parsed?.parentId ? parseArmId(parsed.parentId)?.name : undefined) ?? '<vnet>';
  const bodyGroup = subnet.body['resourceGroup'];
  const resourceGroup = parsed?.resourceGroup ?? (typeof bodyGroup === 'string' ? bodyGroup : '<resource-group>');
  return notationOf(judged).phrases.defaultRouteFix({ subnet: name, place: { resourceGroup, vnet, ...(routeTable ? { routeTable } : {}) } });
}
