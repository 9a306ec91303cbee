import type { Inventory } from '../model/inventory.js';
import { fitted } from '../model/fitted.js';
import type { Resource } from '../model/resource.js';
import { isPlaceholder, isPlainObject, UNKNOWN } from '../model/values.js';
import { parseArmId } from './arm-id.js';
import { childrenOf, followLinks, parentOf, type Link } from './links.js';
import { SUBNET } from './routes.js';
import { notationOf } from '../model/notation.js';

/**
 * What azfence knows about one private endpoint: the services it connects to, its zone groups and the
 * zones in them, and the VNet it sits in, each with how it was resolved or why it could not be.
 * Built once per endpoint per scan and shared by the DNS rules.
 */
export const PRIVATE_ENDPOINT = 'Microsoft.Network/privateEndpoints';

export const ZONE_GROUP = 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups';

export const PRIVATE_DNS_ZONE = 'Microsoft.Network/privateDnsZones';

export const ZONE_VNET_LINK = 'Microsoft.Network/privateDnsZones/virtualNetworkLinks';

export interface Connection {
  /** Group ids (subresources), or UNKNOWN when only known after apply. */
  groupIds: string[] | typeof UNKNOWN;
  target?: Link;
  targetType?: string;
  manual: boolean;
  /** Approved / Pending / Rejected / Disconnected, where the input says. */
  status?: string;
}

export interface ZoneRef {
  /** Zone name (privatelink.azurecr.io), from the zone resource or parsed from its id. */
  name: string;
  zone?: Resource;
  link: Link;
}

export interface ZoneGroupInfo {
  name: string;
  zones: ZoneRef[];
  /** Zone ids that could not be followed (known only after apply, through a local value, ...). */
  unresolved: string[];
  /** The zone list itself is unknown. */
  unknown: boolean;
}

export interface EndpointInfo {
  endpoint: Resource;
  connections: Connection[];
  /** undefined: the input cannot say whether zone groups exist (a snapshot without zone-group rows). */
  zoneGroups: ZoneGroupInfo[] | undefined;
  zoneGroupsUnknown: boolean;
  vnets: Resource[];
  vnetIds: string[];
  vnetUnresolved: string[];
  region?: string;
}

/** Group ids as listed; a list (or a member) known only after apply or marked sensitive is not known. */
function asStrings(value: unknown): string[] | typeof UNKNOWN {
  if (isPlaceholder(value)) return UNKNOWN;
  if (!Array.isArray(value)) return typeof value === 'string' ? [value] : [];
  if (value.some(isPlaceholder)) return UNKNOWN;
  // Kept per endpoint for the scan: a copy the size of its contents where every member is a string (as
  // filter's result, which keeps spare room). A hole reads as undefined, so a holey list is filtered.
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'string') return value.filter((item): item is string => typeof item === 'string');
  return fitted(value) as string[];
}

/** The path of a connection's service id, written once per list and position rather than per endpoint. */
const serviceIdPaths: Record<string, string[]> = { privateLinkServiceConnections: [], manualPrivateLinkServiceConnections: [] };
function serviceIdPath(list: 'privateLinkServiceConnections' | 'manualPrivateLinkServiceConnections', index: number): string {
  const paths = serviceIdPaths[list]!;
  return (paths[index] ??= `properties.${list}[${index}].properties.privateLinkServiceId`);
}

function connectionsOf(inventory: Inventory, endpoint: Resource): Connection[] {
  // Properties projected away (or known only after apply): its connections, and so its group ids, are unknown.
  if (isPlaceholder(endpoint.body['properties'])) return [{ groupIds: UNKNOWN, manual: false }];
  const properties = isPlainObject(endpoint.body['properties']) ? endpoint.body['properties'] : {};
  const connections: Connection[] = [];
  for (const [list, manualList] of [
    ['privateLinkServiceConnections', false],
    ['manualPrivateLinkServiceConnections', true],
  ] as const) {
    const entries = properties[list];
    if (isPlaceholder(entries)) {
      connections.push({ groupIds: UNKNOWN, manual: manualList });
      continue;
    }
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry, index) => {
      if (isPlaceholder(entry)) {
        connections.push({ groupIds: UNKNOWN, manual: manualList });
        return;
      }
      if (!isPlainObject(entry)) return;
      const props = isPlainObject(entry['properties']) ? entry['properties'] : {};
      const targets = followLinks(inventory, endpoint, serviceIdPath(list, index), {});
      const target = targets.links[0];
      const targetType = target?.target?.armType ?? (target?.id ? parseArmId(target.id)?.type : undefined);
      const state = isPlainObject(props['privateLinkServiceConnectionState']) ? props['privateLinkServiceConnectionState']['status'] : undefined;
      // Built member by member (in this order), not spread from conditional parts: one per endpoint connection.
      const connection = { groupIds: asStrings(props['groupIds']) } as Connection;
      if (target) connection.target = target;
      if (targetType) connection.targetType = targetType;
      connection.manual = manualList || props['isManualConnection'] === true;
      if (typeof state === 'string') connection.status = state;
      connections.push(connection);
    });
  }
  // Kept for the scan, one per endpoint: a copy the size of its contents, not a list grown by push (room for 17).
  return fitted(connections);
}

function zoneGroupFrom(inventory: Inventory, owner: Resource, path: string, name: string): ZoneGroupInfo {
  const result = followLinks(inventory, owner, path, { targetTypes: [PRIVATE_DNS_ZONE] });
  const zones: ZoneRef[] = result.links.map((link) => ({ name: (link.target?.name ?? link.name ?? '').toLowerCase(), ...(link.target ? { zone: link.target } : {}), link }));
  // Kept per endpoint for the scan: map's list is the size of its contents; filter's keeps spare room.
  return { name, zones: zones.every((zone) => zone.name) ? zones : fitted(zones.filter((zone) => zone.name)), unresolved: result.unresolved, unknown: false };
}

function zoneGroupsOf(inventory: Inventory, endpoint: Resource): { groups: ZoneGroupInfo[] | undefined; unknown: boolean } {
  const groups: ZoneGroupInfo[] = [];
  let unknown = false;
  // azurerm writes the zone group inside the endpoint.
  const properties = isPlainObject(endpoint.body['properties']) ? endpoint.body['properties'] : {};
  const inline = properties['privateDnsZoneGroups'];
  if (inline === UNKNOWN) unknown = true;
  else if (Array.isArray(inline)) {
    inline.forEach((group, index) => {
      if (group === UNKNOWN) {
        unknown = true;
        return;
      }
      const name = isPlainObject(group) && typeof group['name'] === 'string' ? group['name'] : `zone group ${index + 1}`;
      groups.push(zoneGroupFrom(inventory, endpoint, `properties.privateDnsZoneGroups[${index}].properties.privateDnsZoneConfigs[*].properties.privateDnsZoneId`, name));
    });
  }
  // ARM, azapi and audits keep zone groups as child resources.
  for (const child of childrenOf(inventory, endpoint, ZONE_GROUP)) {
    groups.push(zoneGroupFrom(inventory, child, 'properties.privateDnsZoneConfigs[*].properties.privateDnsZoneId', child.name));
  }
  // Resource Graph does not index zone groups: a snapshot without any zone-group row cannot tell "none" from "not read".
  if (groups.length === 0 && notationOf(endpoint).mayLackChildren(ZONE_GROUP) && !inventory.fileHasType(endpoint.source.file, ZONE_GROUP)) {
    return { groups: undefined, unknown: false };
  }
  // Kept per endpoint for the scan: a copy the size of its contents, not a list grown by push (room for 17).
  return { groups: fitted(groups), unknown };
}

function vnetsOf(inventory: Inventory, endpoint: Resource): { vnets: Resource[]; ids: string[]; unresolved: string[] } {
  const subnets = followLinks(inventory, endpoint, 'properties.subnet.id', { targetTypes: [SUBNET] });
  const vnets: Resource[] = [];
  const ids: string[] = [];
  const unresolved = subnets.unresolved.slice();
  for (const link of subnets.links) {
    if (link.target) {
      const parent = parentOf(inventory, link.target);
      for (const vnetLink of parent.links) {
        if (vnetLink.target) vnets.push(vnetLink.target);
        else if (vnetLink.id || vnetLink.name) ids.push(vnetLink.id ?? vnetLink.name!);
      }
      for (const reason of parent.unresolved) unresolved.push(reason);
    } else if (link.id) {
      // A subnet outside the scan: its id still names the VNet.
      const vnetId = parseArmId(link.id)?.parentId;
      const vnet = vnetId ? inventory.getById(vnetId) : undefined;
      if (vnet) vnets.push(vnet);
      else if (vnetId) ids.push(vnetId);
    }
  }
  return { vnets: distinct(vnets), ids: distinct(ids), unresolved };
}

/**
 * The list without repeats, the size of its contents: it is kept for the scan, one per endpoint, and a list
 * grown by push keeps room for 17 members.
 */
function distinct<T>(items: T[]): T[] {
  return items.length < 2 ? fitted(items) : [...new Set(items)];
}

export function endpointInfo(inventory: Inventory, endpoint: Resource): EndpointInfo {
  return inventory.cachedFor('endpoint', endpoint, () => {
    const { groups, unknown } = zoneGroupsOf(inventory, endpoint);
    const { vnets, ids, unresolved } = vnetsOf(inventory, endpoint);
    const info: EndpointInfo = {
      endpoint,
      connections: connectionsOf(inventory, endpoint),
      zoneGroups: groups,
      zoneGroupsUnknown: unknown,
      vnets,
      vnetIds: ids,
      vnetUnresolved: unresolved,
    };
    if (endpoint.location) info.region = endpoint.location;
    return info;
  });
}

export function vnetLabel(info: EndpointInfo): string {
  const names = [...info.vnets.map((vnet) => vnet.name), ...info.vnetIds.map((id) => parseArmId(id)?.name ?? id)];
  return names.length ? names.join(', ') : "the endpoint's VNet";
}

export function groupIdsOf(info: EndpointInfo): { ids: string[]; unknown: boolean } {
  const ids = new Set<string>();
  let unknown = false;
  for (const connection of info.connections) {
    if (connection.groupIds === UNKNOWN) unknown = true;
    else for (const id of connection.groupIds) ids.add(id);
  }
  return { ids: [...ids], unknown };
}
