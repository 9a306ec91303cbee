import type { RuleFunction } from '../../engine/evaluate.js';
import { endpointInfo } from '../../graph/private-endpoints.js';
import { defineCheck } from '../check.js';
import { DNS_TYPES } from '../../graph/type-groups.js';
import { pass, fail, unknown } from '../results.js';
import { listSome, requirementsOf, regionOf, missingZones, neededZones, presentZones, baseDetails, undecidedDetails } from './zone-requirements.js';
import { cloudOf } from './zone-table.js';

/** AZF-DNS-002: the zone groups hold every zone the endpoint's group ids need. */
const evaluate: RuleFunction = (context) => {
  const info = endpointInfo(context.inventory, context.resource);
  if (!info.zoneGroups || info.zoneGroups.length === 0) return pass();
  const { requirements, unknownGroupIds } = requirementsOf(context, info);
  const region = regionOf(context, info);
  const cloud = cloudOf(region, context.parameters['cloud']);
  const { zones, unresolved } = presentZones(info);
  const present = zones.map((zone) => zone.name);
  const missing = [...new Set(requirements.flatMap((requirement) => missingZones(requirement, cloud, region, present)))];
  if (missing.length === 0 && !unknownGroupIds) return pass();
  const details = { ...baseDetails(info, requirements, neededZones(requirements, cloud, region)), missingZones: listSome(missing), presentZones: listSome(present) };
  if (missing.length === 0) return unknown('groupIds', 'the group ids (subresources) are known only after apply', undecidedDetails(details));
  if (unresolved.length) return unknown('privateDnsZoneConfigs', unresolved.join('; '), undecidedDetails(details));
  return fail('privateDnsZoneConfigs', present, `zones ${listSome(missing)}`, details);
};

export default defineCheck({
  name: 'zoneGroupHasNeededZones',
  reads: DNS_TYPES,
  details: ['groupIds', 'missingZones', 'neededZones', 'presentZones', 'vnet'],
  evaluate,
});
