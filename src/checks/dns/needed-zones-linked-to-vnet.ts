import type { RuleFunction } from '../../engine/evaluate.js';
import { dnsForwarderVnets, vnetMatches } from '../../graph/dns-resolution.js';
import { endpointInfo, PRIVATE_DNS_ZONE, vnetLabel } from '../../graph/private-endpoints.js';
import { graphWork } from '../../graph/work.js';
import type { Resource } from '../../model/resource.js';
import { defineCheck } from '../check.js';
import { DNS_TYPES } from '../../graph/type-groups.js';
import { pass, fail, unknown } from '../results.js';
import { listSome, presentZones, needsNoAzureZone, MAX_LISTED_VNETS, zoneVnetLinks, linksMatch, neededFor, undecidedDetails } from './zone-requirements.js';

/** AZF-DNS-004: each zone the endpoint needs is linked to its VNet (or a hub VNet it resolves through). */
const evaluate: RuleFunction = (context) => {
  const { inventory } = context;
  const info = endpointInfo(inventory, context.resource);
  if (needsNoAzureZone(context, info)) return pass();
  const { zones, unresolved } = presentZones(info);
  // Undecided, the zones to link are the ones the zone group holds, or else the ones the endpoint needs.
  if (zones.length === 0) {
    return unresolved.length ? unknown('privateDnsZoneConfigs', unresolved.join('; '), undecidedDetails({ vnet: vnetLabel(info), notLinkedZones: listSome(neededFor(context, info)[1]) })) : pass();
  }
  if (info.vnets.length === 0 && info.vnetIds.length === 0) {
    return unknown('subnet_id', info.vnetUnresolved.length ? info.vnetUnresolved.join('; ') : "the endpoint's subnet is not in this scan", { vnet: vnetLabel(info), notLinkedZones: listSome(zones.map((zone) => zone.name)) });
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
  const details = { vnet: vnetLabel(info), notLinkedZones: listSome(notLinked), linkedTo: listSome(elsewhere), problem };
  if (notLinked.length) return fail('virtualNetworkLinks', [...linkedElsewhere], `a link to ${details.vnet}`, details);
  // Undecided, the zones to link are the ones whose links could not be read.
  if (undecided.length) return unknown('virtualNetworkLinks', undecided.join('; '), undecidedDetails({ ...details, notLinkedZones: listSome(undecidedZones) }));
  return pass();
};

export default defineCheck({
  name: 'neededZonesLinkedToVnet',
  reads: [...DNS_TYPES, 'microsoft.network/azurefirewalls'],
  details: ['linkedTo', 'notLinkedZones', 'problem', 'vnet'],
  evaluate,
});
