import type { FunctionContext } from '../../engine/evaluate.js';
import { fitted } from '../../model/fitted.js';
import { parseArmId } from '../../graph/arm-id.js';
import { childrenOf, followLinks } from '../../graph/links.js';
import { groupIdsOf, vnetLabel, ZONE_VNET_LINK, type EndpointInfo, type ZoneRef } from '../../graph/private-endpoints.js';
import { VIRTUAL_NETWORK } from '../../graph/routes.js';
import type { Inventory } from '../../model/inventory.js';
import type { Resource } from '../../model/resource.js';
import { UNKNOWN } from '../../model/values.js';
import { cloudOf, showZone, specsFor, specsForType, zonePattern, type ZoneGroupSpec } from './zone-table.js';

/**
 * The DNS pack's evaluators. Each reads one private endpoint (or, for AZF-DNS-005, a locked resource) and
 * answers pass / fail / unknown with the facts its message needs.
 */
/** A readable list for messages: long ones (every endpoint of a large plan) are cut, not joined whole per resource. */
const NONE = 'none';

export function listSome(items: readonly string[], most = 10): string {
  if (items.length === 0) return NONE;
  if (items.length <= most) return items.join(', ');
  return `${items.slice(0, most).join(', ')} and ${items.length - most} more`;
}

/**
 * An unknown's facts for its remediation: an empty list there is one the evaluation could not establish
 * (zones needed by group ids not yet known), so it is left out and the template shows a placeholder to fill
 * in, instead of stating "none" as a fact.
 */
export function undecidedDetails(details: Record<string, string>): Record<string, string> {
  // A loop, not fromEntries(entries().filter()): an unknown finding per endpoint of a snapshot makes one each.
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(details)) if (value !== NONE) kept[key] = value;
  return kept;
}

/** `registry_data_westeurope` shares the registry zone; `sites-staging` the sites zone. */
function canonicalGroupId(groupId: string): string | undefined {
  if (/^registry_data_/i.test(groupId)) return undefined;
  if (/^sites-/i.test(groupId)) return 'sites';
  return groupId;
}

interface Requirement {
  groupId: string;
  specs: ZoneGroupSpec[];
}

type Requirements = { requirements: Requirement[]; unknownGroupIds: boolean };

/**
 * What an endpoint's group ids need, worked out once per endpoint for each `extraZones` value (the rules
 * that take it share their pack's): four DNS rules ask it of every endpoint. Callers only read the result.
 */
export function requirementsOf(context: FunctionContext, info: EndpointInfo): Requirements {
  const extra = context.parameters['extraZones'];
  // Each rule has its own copy of the parameter: none, or one that maps nothing, adds nothing (specsFor).
  // That common case is kept per endpoint as it is, not in a map of its own per endpoint.
  if (!(extra && typeof extra === 'object' && Object.keys(extra).length > 0)) return context.inventory.cachedFor('dns-requirements', info.endpoint, () => requirementsFor(info, extra));
  const byExtra = context.inventory.cachedFor('dns-requirements-extra', info.endpoint, () => new Map<unknown, Requirements>());
  let found = byExtra.get(extra);
  if (!found) byExtra.set(extra, (found = requirementsFor(info, extra)));
  return found;
}

function requirementsFor(info: EndpointInfo, extra: unknown): Requirements {
  const requirements: Requirement[] = [];
  let unknownGroupIds = false;
  for (const connection of info.connections) {
    if (connection.groupIds === UNKNOWN) {
      unknownGroupIds = true;
      continue;
    }
    // No subresource named: a service with a single group (SQL server: sqlServer) implies it.
    const typeGroups = connection.groupIds.length === 0 && connection.targetType ? specsForType(connection.targetType) : [];
    if (typeGroups.length === 1) requirements.push({ groupId: typeGroups[0]!.groupId, specs: typeGroups });
    for (const raw of connection.groupIds) {
      const groupId = canonicalGroupId(raw);
      if (!groupId) continue;
      const specs = specsFor(groupId, connection.targetType, extra);
      if (specs.length) requirements.push({ groupId: raw, specs });
    }
  }
  // Kept for the scan, one per endpoint: a copy the size of its contents, not a list grown by push (room for 17).
  return { requirements: fitted(requirements), unknownGroupIds };
}

export function regionOf(context: FunctionContext, info: EndpointInfo): string | undefined {
  return info.region ?? context.resource.location;
}

/** Zones a requirement still misses given the zones present; the candidate service with the fewest gaps wins. */
export function missingZones(requirement: Requirement, cloud: ReturnType<typeof cloudOf>, region: string | undefined, present: readonly string[]): string[] {
  let best: string[] | undefined;
  for (const spec of requirement.specs) {
    const templates = spec.zones[cloud] ?? [];
    if (templates.length === 0) continue;
    const has = (template: string) => present.some((zone) => zonePattern(template, region).test(zone));
    const missing = spec.match === 'any' ? (templates.some(has) ? [] : [templates.map((t) => showZone(t, region)).join(' or ')]) : templates.filter((t) => !has(t)).map((t) => showZone(t, region));
    if (!best || missing.length < best.length) best = missing;
  }
  return best ?? [];
}

export function neededZones(requirements: readonly Requirement[], cloud: ReturnType<typeof cloudOf>, region: string | undefined): string[] {
  if (requirements.length === 1 && requirements[0]!.specs.length === 1) return neededForSpec(requirements[0]!, cloud, region);
  return [...new Set(requirements.flatMap((requirement) => missingZones(requirement, cloud, region, [])))];
}

/**
 * neededZones of an endpoint with one group id that one service uses (almost every endpoint), by that
 * service's table entry, cloud and region: the same list for every endpoint to such a service in the region,
 * worked out once, not once per endpoint per DNS rule. Callers only read it.
 */
const neededBySpec = new WeakMap<ZoneGroupSpec, Map<string, string[]>>();

function neededForSpec(requirement: Requirement, cloud: ReturnType<typeof cloudOf>, region: string | undefined): string[] {
  const spec = requirement.specs[0]!;
  let byPlace = neededBySpec.get(spec);
  if (!byPlace) neededBySpec.set(spec, (byPlace = new Map()));
  // `|` cannot be in a cloud's name: the key tells a region from no region ('' is a region, if an odd one).
  const key = region === undefined ? cloud : `${cloud}|${region}`;
  let needed = byPlace.get(key);
  if (!needed) {
    needed = [...new Set(missingZones(requirement, cloud, region, []))];
    // Regions come from the scanned input: keep the table bounded whatever it holds.
    if (byPlace.size < 1_000) byPlace.set(key, needed);
  }
  return needed;
}

/** No zone group, no zones: one answer for every such endpoint (callers only read it). */
const NO_ZONES: { zones: ZoneRef[]; unresolved: string[] } = Object.freeze({ zones: Object.freeze([]) as unknown as ZoneRef[], unresolved: Object.freeze([]) as unknown as string[] });

export function presentZones(info: EndpointInfo): { zones: ZoneRef[]; unresolved: string[] } {
  const groups = info.zoneGroups ?? [];
  if (groups.length === 0) return NO_ZONES;
  return { zones: groups.flatMap((group) => group.zones), unresolved: groups.flatMap((group) => group.unresolved) };
}

/** The requirements of an endpoint's group ids and the zones they need, in its region's cloud. */
export function neededFor(context: FunctionContext, info: EndpointInfo): [Requirement[], string[]] {
  const { requirements } = requirementsOf(context, info);
  const region = regionOf(context, info);
  return [requirements, neededZones(requirements, cloudOf(region, context.parameters['cloud']), region)];
}

export function baseDetails(info: EndpointInfo, requirements: readonly Requirement[], needed: readonly string[]): Record<string, string> {
  return {
    groupIds: listSome([...new Set(requirements.map((requirement) => requirement.groupId))]) || listSome(groupIdsOf(info).ids),
    neededZones: listSome(needed),
    vnet: vnetLabel(info),
  };
}

/**
 * No Azure privatelink zone applies to the endpoint: every connection's group ids are known and name no
 * subresource (a customer Private Link Service), or its target is a type with no documented zone (an
 * Application Gateway). Its zone groups, if any, hold its owner's own zones, which nothing here can judge.
 */
export function needsNoAzureZone(context: FunctionContext, info: EndpointInfo): boolean {
  const { requirements, unknownGroupIds } = requirementsOf(context, info);
  if (requirements.length > 0 || unknownGroupIds || info.connections.length === 0) return false;
  return info.connections.every((connection) => connection.groupIds !== UNKNOWN && (connection.groupIds.length === 0 || (connection.targetType !== undefined && specsForType(connection.targetType).length === 0)));
}

/** A message names at most this many other VNets a zone is linked to (a hub zone may have thousands). */
export const MAX_LISTED_VNETS = 20;

type VnetCandidate = { resource?: Resource; id?: string; name?: string };

interface ZoneVnetLinks {
  /** Each link target in link order, with the label a message shows for it. */
  entries: Array<{ candidate: VnetCandidate; label: string }>;
  resources: Set<Resource>;
  /** Lower-cased ids (the link's and its target's) and names, for vnetMatches by set lookup. */
  ids: Set<string>;
  names: Set<string>;
  /** A link whose VNet is known only after apply. */
  unknown: boolean;
}

/** The VNets a zone is linked to, built once per zone per scan. */
export function zoneVnetLinks(inventory: Inventory, zone: Resource): ZoneVnetLinks {
  return inventory.cachedFor('zone-vnet-links', zone, () => {
    const result: ZoneVnetLinks = { entries: [], resources: new Set(), ids: new Set(), names: new Set(), unknown: false };
    for (const link of childrenOf(inventory, zone, ZONE_VNET_LINK)) {
      const target = followLinks(inventory, link, 'properties.virtualNetwork.id', { targetTypes: [VIRTUAL_NETWORK] });
      if (target.unresolved.length && target.links.length === 0) result.unknown = true;
      for (const vnet of target.links) {
        const candidate: VnetCandidate = { ...(vnet.target ? { resource: vnet.target } : {}), ...(vnet.id ? { id: vnet.id } : {}), ...(vnet.name ? { name: vnet.name } : {}) };
        result.entries.push({ candidate, label: vnet.target?.name ?? vnet.name ?? vnet.id ?? '?' });
        if (candidate.resource) result.resources.add(candidate.resource);
        const id = candidate.id ?? candidate.resource?.source.id;
        if (id) result.ids.add(id.toLowerCase());
        const name = (candidate.name ?? candidate.resource?.name ?? (id ? parseArmId(id)?.name : undefined))?.toLowerCase();
        if (name !== undefined) result.names.add(name);
      }
    }
    return result;
  });
}

/** vnetMatches over all of a zone's links at once: the same three tests, from the accepted side. */
export function linksMatch(links: ZoneVnetLinks, accepted: { resources: Set<Resource>; ids: string[]; names: string[] }): boolean {
  for (const resource of accepted.resources) if (links.resources.has(resource)) return true;
  for (const id of accepted.ids) if (links.ids.has(id.toLowerCase())) return true;
  for (const name of accepted.names) if (links.names.has(name)) return true;
  return false;
}
