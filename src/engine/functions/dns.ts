import type { FunctionContext, RuleFunction } from '../evaluate.js';
import { childrenOf, followLinks } from '../../graph/links.js';
import { FIREWALL, firewallsByPrivateIp, SUBNET, VIRTUAL_NETWORK, vnetOfSubnet } from '../../graph/routes.js';
import { parseArmId, sameId } from '../../graph/arm-id.js';
import { graphWork } from '../../graph/work.js';
import type { Inventory } from '../../model/inventory.js';
import type { Resource } from '../../model/resource.js';
import { UNKNOWN } from '../../model/values.js';
import { allKnownZoneTemplates, cloudOf, showZone, specsFor, specsForType, zonePattern, type ZoneGroupSpec } from './dns-zones.js';
import {
  endpointInfo,
  groupIdsOf,
  PRIVATE_DNS_ZONE,
  PRIVATE_ENDPOINT,
  vnetLabel,
  ZONE_VNET_LINK,
  type EndpointInfo,
  type ZoneRef,
} from './private-endpoints.js';
import { pass, fail, unknown } from './results.js';

/**
 * The DNS pack's evaluators. Each reads one private endpoint (or, for AZF-DNS-005, a locked resource) and
 * answers pass / fail / unknown with the facts its message needs.
 */
/** A readable list for messages: long ones (every endpoint of a large plan) are cut, not joined whole per resource. */
const NONE = 'none';

function list(items: readonly string[], most = 10): string {
  if (items.length === 0) return NONE;
  if (items.length <= most) return items.join(', ');
  return `${items.slice(0, most).join(', ')} and ${items.length - most} more`;
}

/**
 * An unknown's facts for its remediation: an empty list there is one the evaluation could not establish
 * (zones needed by group ids not yet known), so it is left out and the template shows a placeholder to fill
 * in, instead of stating "none" as a fact.
 */
function undecidedDetails(details: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== NONE));
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

function requirementsOf(context: FunctionContext, info: EndpointInfo): { requirements: Requirement[]; unknownGroupIds: boolean } {
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
      const specs = specsFor(groupId, connection.targetType, context.parameters['extraZones']);
      if (specs.length) requirements.push({ groupId: raw, specs });
    }
  }
  return { requirements, unknownGroupIds };
}

function regionOf(context: FunctionContext, info: EndpointInfo): string | undefined {
  return info.region ?? context.resource.location;
}

/** Zones a requirement still misses given the zones present; the candidate service with the fewest gaps wins. */
function missingZones(requirement: Requirement, cloud: ReturnType<typeof cloudOf>, region: string | undefined, present: readonly string[]): string[] {
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

function neededZones(requirements: readonly Requirement[], cloud: ReturnType<typeof cloudOf>, region: string | undefined): string[] {
  return [...new Set(requirements.flatMap((requirement) => missingZones(requirement, cloud, region, [])))];
}

function presentZones(info: EndpointInfo): { zones: ZoneRef[]; unresolved: string[] } {
  const groups = info.zoneGroups ?? [];
  return { zones: groups.flatMap((group) => group.zones), unresolved: groups.flatMap((group) => group.unresolved) };
}

/** The requirements of an endpoint's group ids and the zones they need, in its region's cloud. */
function neededFor(context: FunctionContext, info: EndpointInfo): [Requirement[], string[]] {
  const { requirements } = requirementsOf(context, info);
  const region = regionOf(context, info);
  return [requirements, neededZones(requirements, cloudOf(region, context.parameters['cloud']), region)];
}

function baseDetails(info: EndpointInfo, requirements: readonly Requirement[], needed: readonly string[]): Record<string, string> {
  return {
    groupIds: list([...new Set(requirements.map((requirement) => requirement.groupId))]) || list(groupIdsOf(info).ids),
    neededZones: list(needed),
    vnet: vnetLabel(info),
  };
}

/** AZF-DNS-001: the endpoint has a private DNS zone group. */
export const privateEndpointHasZoneGroup: RuleFunction = (context) => {
  const info = endpointInfo(context.inventory, context.resource);
  // The common case, decided before any message detail is worked out.
  if (info.zoneGroups !== undefined && info.zoneGroups.length > 0) return pass();
  // The zones the endpoint needs are decided first, from its group ids alone: a Private Link service with no
  // documented privatelink zone (a customer's own service, an Application Gateway) resolves through DNS its
  // owner manages, so it needs no zone group whatever the input says (or cannot say) about zone groups.
  const { requirements, unknownGroupIds } = requirementsOf(context, info);
  if (requirements.length === 0 && !unknownGroupIds) return pass();
  const needed = neededZones(requirements, cloudOf(regionOf(context, info), context.parameters['cloud']), regionOf(context, info));
  const details = baseDetails(info, requirements, needed);
  if (info.zoneGroups === undefined) {
    return unknown('privateDnsZoneGroups', 'the snapshot has no privateDnsZoneGroups rows (Resource Graph does not index them; azfence audit reads them through ARM)', undecidedDetails(details));
  }
  if (info.zoneGroupsUnknown) return unknown('private_dns_zone_group', 'private_dns_zone_group is known only after apply', undecidedDetails(details));
  if (requirements.length === 0) return unknown('groupIds', 'the group ids (subresources) are known only after apply', undecidedDetails(details));
  return fail('properties.privateDnsZoneGroups', [], 'a private DNS zone group', details);
};

/**
 * No Azure privatelink zone applies to the endpoint: every connection's group ids are known and name no
 * subresource (a customer Private Link Service), or its target is a type with no documented zone (an
 * Application Gateway). Its zone groups, if any, hold its owner's own zones, which nothing here can judge.
 */
function needsNoAzureZone(context: FunctionContext, info: EndpointInfo): boolean {
  const { requirements, unknownGroupIds } = requirementsOf(context, info);
  if (requirements.length > 0 || unknownGroupIds || info.connections.length === 0) return false;
  return info.connections.every((connection) => connection.groupIds !== UNKNOWN && (connection.groupIds.length === 0 || (connection.targetType !== undefined && specsForType(connection.targetType).length === 0)));
}

/** AZF-DNS-002: the zone groups hold every zone the endpoint's group ids need. */
export const zoneGroupHasNeededZones: RuleFunction = (context) => {
  const info = endpointInfo(context.inventory, context.resource);
  if (!info.zoneGroups || info.zoneGroups.length === 0) return pass();
  const { requirements, unknownGroupIds } = requirementsOf(context, info);
  const region = regionOf(context, info);
  const cloud = cloudOf(region, context.parameters['cloud']);
  const { zones, unresolved } = presentZones(info);
  const present = zones.map((zone) => zone.name);
  const missing = [...new Set(requirements.flatMap((requirement) => missingZones(requirement, cloud, region, present)))];
  if (missing.length === 0 && !unknownGroupIds) return pass();
  const details = { ...baseDetails(info, requirements, neededZones(requirements, cloud, region)), missingZones: list(missing), presentZones: list(present) };
  if (missing.length === 0) return unknown('groupIds', 'the group ids (subresources) are known only after apply', undecidedDetails(details));
  if (unresolved.length) return unknown('privateDnsZoneConfigs', unresolved.join('; '), undecidedDetails(details));
  return fail('privateDnsZoneConfigs', present, `zones ${list(missing)}`, details);
};

/** AZF-DNS-003: every zone in the zone groups is a real privatelink zone for the endpoint's service and cloud. */
export const zoneGroupZonesAreValid: RuleFunction = (context) => {
  const info = endpointInfo(context.inventory, context.resource);
  if (needsNoAzureZone(context, info)) return pass();
  const { zones, unresolved } = presentZones(info);
  if (zones.length === 0) return unresolved.length ? unknown('privateDnsZoneConfigs', unresolved.join('; '), undecidedDetails(baseDetails(info, ...neededFor(context, info)))) : pass();
  const { requirements, unknownGroupIds } = requirementsOf(context, info);
  const region = regionOf(context, info);
  // Another cloud's zone (privatelink.azurecr.io for an endpoint in usgovvirginia) is a wrong zone too.
  const cloud = cloudOf(region, context.parameters['cloud']);
  const forService = requirements.flatMap((requirement) => requirement.specs.flatMap((spec) => [...(spec.zones[cloud] ?? []), ...spec.optional]));
  const anyService = allKnownZoneTemplates();
  const matches = (zone: string, templates: readonly string[]) => templates.some((template) => zonePattern(template, region).test(zone) || zonePattern(template, undefined).test(zone));
  const wrong: string[] = [];
  let undecided = false;
  for (const zone of zones) {
    if (requirements.length && matches(zone.name, forService)) continue;
    if (!matches(zone.name, anyService)) {
      wrong.push(zone.name);
      continue;
    }
    // A real privatelink zone, but is it this service's? Only the group ids can say.
    if (unknownGroupIds || requirements.length === 0) undecided = true;
    else wrong.push(zone.name);
  }
  if (wrong.length === 0 && !undecided) return pass();
  const expected = neededZones(requirements, cloud, region);
  const details: Record<string, string> = { ...baseDetails(info, requirements, expected), wrongZones: list(wrong) };
  if (wrong.length) return fail('privateDnsZoneConfigs', wrong, `private DNS zones for ${details["groupIds"]}: ${list(expected)}`, details);
  if (undecided) return unknown('groupIds', 'the group ids (subresources) are known only after apply', undecidedDetails(details));
  return pass();
};

/** Firewalls (DNS proxy) a VNet sends its queries to, found by their private IPs or by reference. */
export function dnsForwarderVnets(inventory: Inventory, vnet: Resource): { vnets: Resource[]; ids: string[] } {
  // Asked once per endpoint; thousands of endpoints share a VNet.
  return inventory.cachedFor('dns-forwarder-vnets', vnet, () => findDnsForwarderVnets(inventory, vnet));
}

function findDnsForwarderVnets(inventory: Inventory, vnet: Resource): { vnets: Resource[]; ids: string[] } {
  const servers = followLinks(inventory, vnet, 'properties.dhcpOptions.dnsServers[*]', { targetTypes: [FIREWALL] });
  const byIp = firewallsByPrivateIp(inventory);
  const firewalls = servers.links.map((link) => link.target ?? (link.id ? byIp.get(link.id) : undefined)).filter((firewall): firewall is Resource => firewall !== undefined);
  const vnets: Resource[] = [];
  const ids: string[] = [];
  for (const firewall of firewalls) {
    const found = firewallVnets(inventory, firewall);
    vnets.push(...found.vnets);
    ids.push(...found.ids);
  }
  return { vnets, ids };
}

/** The VNets a firewall sits in: asked once per spoke that uses its DNS proxy, so found once per firewall. */
function firewallVnets(inventory: Inventory, firewall: Resource): { vnets: Resource[]; ids: string[] } {
  return inventory.cachedFor('firewall-vnets', firewall, () => {
    const vnets: Resource[] = [];
    const ids: string[] = [];
    for (const subnetLink of followLinks(inventory, firewall, 'properties.ipConfigurations[*].properties.subnet.id', { targetTypes: [SUBNET] }).links) {
      const found = vnetOfSubnet(inventory, subnetLink);
      if (found.vnet) vnets.push(found.vnet);
      else if (found.id) ids.push(found.id);
    }
    return { vnets, ids };
  });
}

export function vnetMatches(vnet: { resource?: Resource; id?: string; name?: string }, accepted: { resources: Set<Resource>; ids: string[]; names: string[] }): boolean {
  if (vnet.resource && accepted.resources.has(vnet.resource)) return true;
  const id = vnet.id ?? vnet.resource?.source.id;
  if (id && accepted.ids.some((candidate) => sameId(candidate, id))) return true;
  const name = (vnet.name ?? vnet.resource?.name ?? (id ? parseArmId(id)?.name : undefined))?.toLowerCase();
  return name !== undefined && accepted.names.includes(name);
}

/** A message names at most this many other VNets a zone is linked to (a hub zone may have thousands). */
const MAX_LISTED_VNETS = 20;

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
function zoneVnetLinks(inventory: Inventory, zone: Resource): ZoneVnetLinks {
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
function linksMatch(links: ZoneVnetLinks, accepted: { resources: Set<Resource>; ids: string[]; names: string[] }): boolean {
  for (const resource of accepted.resources) if (links.resources.has(resource)) return true;
  for (const id of accepted.ids) if (links.ids.has(id.toLowerCase())) return true;
  for (const name of accepted.names) if (links.names.has(name)) return true;
  return false;
}

/** AZF-DNS-004: each zone the endpoint needs is linked to its VNet (or a hub VNet it resolves through). */
export const neededZonesLinkedToVnet: RuleFunction = (context) => {
  const { inventory } = context;
  const info = endpointInfo(inventory, context.resource);
  if (needsNoAzureZone(context, info)) return pass();
  const { zones, unresolved } = presentZones(info);
  // Undecided, the zones to link are the ones the zone group holds, or else the ones the endpoint needs.
  if (zones.length === 0) {
    return unresolved.length ? unknown('privateDnsZoneConfigs', unresolved.join('; '), undecidedDetails({ vnet: vnetLabel(info), notLinkedZones: list(neededFor(context, info)[1]) })) : pass();
  }
  if (info.vnets.length === 0 && info.vnetIds.length === 0) {
    return unknown('subnet_id', info.vnetUnresolved.length ? info.vnetUnresolved.join('; ') : "the endpoint's subnet is not in this scan", { vnet: vnetLabel(info), notLinkedZones: list(zones.map((zone) => zone.name)) });
  }
  const hubs = Array.isArray(context.parameters['hubVirtualNetworks']) ? (context.parameters['hubVirtualNetworks'] as unknown[]).filter((hub): hub is string => typeof hub === 'string') : [];
  const accepted = {
    resources: new Set<Resource>(info.vnets),
    ids: [...info.vnetIds, ...hubs.filter((hub) => hub.startsWith('/'))],
    names: hubs.filter((hub) => !hub.startsWith('/')).map((hub) => hub.toLowerCase()),
  };
  // A spoke whose DNS servers are the hub firewall's proxy resolves through the zones linked to the hub.
  for (const vnet of info.vnets) {
    const forwarders = dnsForwarderVnets(inventory, vnet);
    for (const forwarder of forwarders.vnets) accepted.resources.add(forwarder);
    accepted.ids.push(...forwarders.ids);
  }
  const notLinked: string[] = [];
  const linkedElsewhere = new Set<string>();
  let moreElsewhere = false;
  const undecided: string[] = [];
  const undecidedZones: string[] = [];
  for (const zoneRef of zones) {
    const zonesInScan = zoneRef.zone ? [zoneRef.zone] : inventory.byName(PRIVATE_DNS_ZONE, zoneRef.name);
    if (zonesInScan.length === 0) {
      undecided.push(`zone ${zoneRef.name} is not in this scan, so its VNet links cannot be read`);
      undecidedZones.push(zoneRef.name);
      continue;
    }
    let linked = false;
    let linkUnknown = false;
    // A hub zone is linked to every spoke: its links are read once per scan and matched by set lookups,
    // not walked per endpoint (that was quadratic in the number of spokes).
    const zoneLinks = zonesInScan.map((zone) => zoneVnetLinks(inventory, zone));
    for (const links of zoneLinks) {
      if (links.unknown) linkUnknown = true;
      if (linksMatch(links, accepted)) linked = true;
    }
    if (linked) continue;
    // Only a zone that is not linked names where it is linked instead.
    for (const links of zoneLinks) {
      for (const entry of links.entries) {
        graphWork.steps++;
        if (vnetMatches(entry.candidate, accepted)) continue;
        if (linkedElsewhere.size >= MAX_LISTED_VNETS && !linkedElsewhere.has(entry.label)) {
          moreElsewhere = true;
          break;
        }
        linkedElsewhere.add(entry.label);
      }
    }
    if (linkUnknown) {
      undecided.push(`a VNet link of zone ${zoneRef.name} points at a VNet known only after apply`);
      undecidedZones.push(zoneRef.name);
    } else notLinked.push(zoneRef.name);
  }
  const elsewhere = [...linkedElsewhere, ...(moreElsewhere ? ['others'] : [])];
  const subject = notLinked.length === 1 ? `its zone ${notLinked[0]} is` : `its zones ${notLinked.join(', ')} are`;
  const problem = elsewhere.length ? `${subject} linked only to ${elsewhere.join(', ')}` : `${subject} not linked to any VNet`;
  const details = { vnet: vnetLabel(info), notLinkedZones: list(notLinked), linkedTo: list(elsewhere), problem };
  if (notLinked.length) return fail('virtualNetworkLinks', [...linkedElsewhere], `a link to ${details.vnet}`, details);
  // Undecided, the zones to link are the ones whose links could not be read.
  if (undecided.length) return unknown('virtualNetworkLinks', undecided.join('; '), undecidedDetails({ ...details, notLinkedZones: list(undecidedZones) }));
  return pass();
};

export interface EndpointIndex {
  byTarget: Map<string, Array<{ endpoint: Resource; status?: string; manual: boolean }>>;
  /** Endpoints whose target could not be resolved, per file: any of them might be the missing one. */
  unresolvedByFile: Map<string, string[]>;
}

export function endpointIndex(inventory: Inventory): EndpointIndex {
  return inventory.cached('endpoints-by-target', () => {
    const byTarget: EndpointIndex['byTarget'] = new Map();
    const unresolvedByFile = new Map<string, string[]>();
    for (const endpoint of inventory.ofType(PRIVATE_ENDPOINT)) {
      for (const connection of endpointInfo(inventory, endpoint).connections) {
        const keys: string[] = [];
        if (connection.target?.target) keys.push(connection.target.target.key.toLowerCase());
        if (connection.target?.id) keys.push(`id:${connection.target.id.toLowerCase()}`);
        if (keys.length === 0) {
          const list = unresolvedByFile.get(endpoint.source.file) ?? [];
          list.push(endpoint.name);
          unresolvedByFile.set(endpoint.source.file, list);
        }
        for (const key of keys) {
          const entries = byTarget.get(key) ?? [];
          entries.push({ endpoint, manual: connection.manual, ...(connection.status ? { status: connection.status } : {}) });
          byTarget.set(key, entries);
        }
      }
    }
    return { byTarget, unresolvedByFile };
  });
}

/** AZF-DNS-005: a resource with public access disabled has at least one (approved) private endpoint. */
export const hasPrivateEndpoint: RuleFunction = (context) => {
  const { inventory, resource } = context;
  const index = endpointIndex(inventory);
  // A connection is indexed under its target's key and its id: count each once.
  const byEndpoint = new Map<Resource, { endpoint: Resource; status?: string }>();
  for (const entry of [...(index.byTarget.get(resource.key.toLowerCase()) ?? []), ...(resource.source.id ? index.byTarget.get(`id:${resource.source.id.toLowerCase()}`) ?? [] : [])]) byEndpoint.set(entry.endpoint, entry);
  const found = [...byEndpoint.values()];
  // Resource Graph rows list their own private endpoint connections, with their approval state.
  const own = context.field('properties.privateEndpointConnections[*].properties.privateLinkServiceConnectionState.status');
  const ownStates = Array.isArray(own) ? own.filter((state): state is string => typeof state === 'string') : [];
  const states = [...found.map((entry) => entry.status), ...ownStates];
  if (states.some((state) => state === undefined || /^approved$/i.test(state))) return pass();
  if (states.length > 0) {
    const shown = list(states.filter((state): state is string => !!state));
    return fail('properties.privateEndpointConnections', states, 'an approved private endpoint connection', { states: shown, problem: `its private endpoint connections are not approved (${shown})` });
  }
  const pending = index.unresolvedByFile.get(resource.source.file) ?? [];
  if (pending.length) return unknown('privateEndpoints', `private endpoint ${list(pending)} connects to a resource known only after apply`);
  return fail('privateEndpoints', [], 'a private endpoint', { problem: 'has no private endpoint' });
};

export const DNS_FUNCTIONS: ReadonlyMap<string, RuleFunction> = new Map<string, RuleFunction>([
  ['privateEndpointHasZoneGroup', privateEndpointHasZoneGroup],
  ['zoneGroupHasNeededZones', zoneGroupHasNeededZones],
  ['zoneGroupZonesAreValid', zoneGroupZonesAreValid],
  ['neededZonesLinkedToVnet', neededZonesLinkedToVnet],
  ['hasPrivateEndpoint', hasPrivateEndpoint],
]);
