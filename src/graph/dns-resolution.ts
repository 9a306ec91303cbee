import type { Inventory } from '../model/inventory.js';
import type { Resource } from '../model/resource.js';
import { parseArmId, sameId } from './arm-id.js';
import { followLinks } from './links.js';
import { firewallsByPrivateIp, SUBNET, vnetOfSubnet } from './routes.js';
import { FIREWALL } from './firewall-rules.js';

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
