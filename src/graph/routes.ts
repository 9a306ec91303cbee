import type { Inventory } from '../model/inventory.js';
import type { Resource } from '../model/resource.js';
import { isPlaceholder, isPlainObject, UNKNOWN } from '../model/values.js';
import { parseArmId } from './arm-id.js';
import { childrenOf, followLinks, parentOf, type LinkResult } from './links.js';
import { openBecause } from '../model/notation.js';
import { FIREWALL } from './firewall-rules.js';

/**
 * Where a subnet's internet-bound traffic goes: the route table on the subnet, its 0.0.0.0/0 route, and
 * whether that route's next hop is a firewall's private IP.
 */
export const ROUTE_TABLE = 'Microsoft.Network/routeTables';
export const ROUTE = 'Microsoft.Network/routeTables/routes';
export const SUBNET = 'Microsoft.Network/virtualNetworks/subnets';
export const VIRTUAL_NETWORK = 'Microsoft.Network/virtualNetworks';

function propertiesOf(resource: Resource): Record<string, unknown> {
  return isPlainObject(resource.body['properties']) ? resource.body['properties'] : {};
}

/** Firewalls by private IP, for routes and DNS servers that name the firewall by address. */
export function firewallsByPrivateIp(inventory: Inventory): Map<string, Resource> {
  return inventory.cached('firewalls-by-private-ip', () => {
    const index = new Map<string, Resource>();
    for (const firewall of inventory.ofType(FIREWALL)) {
      const configurations = propertiesOf(firewall)['ipConfigurations'];
      if (!Array.isArray(configurations)) continue;
      for (const configuration of configurations) {
        const ip = isPlainObject(configuration) && isPlainObject(configuration['properties']) ? configuration['properties']['privateIPAddress'] : undefined;
        if (typeof ip === 'string') index.set(ip, firewall);
      }
    }
    return index;
  });
}

/** The route table on a subnet: its own `routeTable.id`, or the one an azurerm association wrote there (src/inputs/terraform/apply-overlays.ts). */
export function routeTablesOf(inventory: Inventory, subnet: Resource): LinkResult {
  return followLinks(inventory, subnet, 'properties.routeTable.id', { targetTypes: [ROUTE_TABLE] });
}

export type DefaultRouteStatus = 'firewall' | 'appliance' | 'internet' | 'no-default-route' | 'no-route-table' | 'unknown';

export interface DefaultRoute {
  status: DefaultRouteStatus;
  routeTable?: string;
  nextHopType?: string;
  nextHopIp?: string;
  firewall?: Resource;
  reason?: string;
}

interface RouteView {
  owner: Resource;
  /** Field path of this route's properties inside `owner`. */
  path: string;
  properties: Record<string, unknown>;
}

function routesOf(inventory: Inventory, table: Resource): RouteView[] {
  const views: RouteView[] = [];
  const inline = propertiesOf(table)['routes'];
  if (Array.isArray(inline)) {
    inline.forEach((route, index) => {
      if (isPlainObject(route) && isPlainObject(route['properties'])) views.push({ owner: table, path: `properties.routes[${index}].properties`, properties: route['properties'] });
    });
  }
  for (const route of childrenOf(inventory, table, ROUTE)) views.push({ owner: route, path: 'properties', properties: propertiesOf(route) });
  return views;
}

/** Follows a subnet's 0.0.0.0/0 route to its next hop, naming the firewall when the hop is one. */
export function defaultRouteOf(inventory: Inventory, subnet: Resource, extraFirewallIps: readonly string[] = []): DefaultRoute {
  const tables = routeTablesOf(inventory, subnet);
  const table = tables.links[0]?.target;
  if (!table) {
    if (tables.unresolved.length) return { status: 'unknown', reason: tables.unresolved.join('; ') };
    if (tables.links[0]) return { status: 'unknown', reason: `route table ${tables.links[0].name ?? tables.links[0].id} is not in this scan` };
    return { status: 'no-route-table' };
  }
  const routes = routesOf(inventory, table);
  if (isPlaceholder(table.body['properties'])) return { status: 'unknown', routeTable: table.name, reason: `the routes of ${table.name} are ${openBecause(table, 'not in the snapshot (project the properties column)')}` };
  const listed = propertiesOf(table)['routes'];
  // Known only after apply or marked sensitive: the default route may be among them.
  if (isPlaceholder(listed)) return { status: 'unknown', routeTable: table.name, reason: `the routes of ${table.name} are ${listed === UNKNOWN ? 'known only after apply' : 'marked sensitive'}` };
  const defaults = routes.filter((route) => route.properties['addressPrefix'] === '0.0.0.0/0');
  const pending = routes.filter((route) => isPlaceholder(route.properties['addressPrefix']));
  const route = defaults[0];
  if (!route) {
    if (pending.length) return { status: 'unknown', routeTable: table.name, reason: `a route prefix in ${table.name} is known only after apply` };
    // A route known only after apply as a whole may be the default route.
    const inline = propertiesOf(table)['routes'];
    const wholeUnknown = (Array.isArray(inline) && inline.some((member) => isPlaceholder(member) || (isPlainObject(member) && isPlaceholder(member['properties'])))) || childrenOf(inventory, table, ROUTE).some((child) => isPlaceholder(child.body['properties']));
    if (wholeUnknown) {
      return { status: 'unknown', routeTable: table.name, reason: `a route of ${table.name} is known only after apply` };
    }
    return { status: 'no-default-route', routeTable: table.name };
  }
  const hopType = route.properties['nextHopType'];
  if (typeof hopType === 'string' && hopType.toLowerCase() !== 'virtualappliance') return { status: hopType.toLowerCase() === 'internet' ? 'internet' : 'appliance', routeTable: table.name, nextHopType: hopType };
  const ip = route.properties['nextHopIpAddress'];
  if (typeof ip === 'string') {
    const firewall = firewallsByPrivateIp(inventory).get(ip);
    if (firewall) return { status: 'firewall', routeTable: table.name, nextHopType: 'VirtualAppliance', nextHopIp: ip, firewall };
    if (extraFirewallIps.includes(ip)) return { status: 'firewall', routeTable: table.name, nextHopType: 'VirtualAppliance', nextHopIp: ip };
    return { status: 'appliance', routeTable: table.name, nextHopType: 'VirtualAppliance', nextHopIp: ip };
  }
  if (ip === UNKNOWN) {
    // Known only after apply: on a plan, a reference to the firewall's ip_configuration settles it.
    const hop = followLinks(inventory, route.owner, `${route.path}.nextHopIpAddress`, { targetTypes: [FIREWALL] });
    const firewall = hop.links.find((link) => link.target)?.target;
    if (firewall) return { status: 'firewall', routeTable: table.name, nextHopType: 'VirtualAppliance', firewall };
    return { status: 'unknown', routeTable: table.name, reason: hop.unresolved.join('; ') || `the next hop of ${table.name}'s default route is known only after apply` };
  }
  return { status: 'unknown', routeTable: table.name, reason: `the next hop of ${table.name}'s default route is not set` };
}

/** The VNet a subnet (in the scan or named by id) belongs to. */
export function vnetOfSubnet(inventory: Inventory, subnet: { target?: Resource; id?: string }): { vnet?: Resource; id?: string } {
  if (subnet.target) {
    const parent = parentOf(inventory, subnet.target).links[0];
    return { ...(parent?.target ? { vnet: parent.target } : {}), ...(parent?.id ? { id: parent.id } : {}) };
  }
  const id = subnet.id ? parseArmId(subnet.id)?.parentId : undefined;
  const vnet = id ? inventory.getById(id) : undefined;
  return { ...(vnet ? { vnet } : {}), ...(id ? { id } : {}) };
}
