import type { RuleFunction } from '../../engine/evaluate.js';
import { endpointInfo } from '../../graph/private-endpoints.js';
import { defineCheck } from '../check.js';
import { DNS_TYPES } from '../../graph/type-groups.js';
import { pass, fail, unknown } from '../results.js';
import { requirementsOf, regionOf, neededZones, baseDetails, undecidedDetails } from './zone-requirements.js';
import { cloudOf } from './zone-table.js';

/** AZF-DNS-001: the endpoint has a private DNS zone group. */
const evaluate: RuleFunction = (context) => {
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

export default defineCheck({
  name: 'privateEndpointHasZoneGroup',
  reads: DNS_TYPES,
  details: ['groupIds', 'neededZones', 'vnet'],
  evaluate,
});
