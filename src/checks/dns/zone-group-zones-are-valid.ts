import type { RuleFunction } from '../../engine/evaluate.js';
import { endpointInfo } from '../../graph/private-endpoints.js';
import { defineCheck } from '../check.js';
import { DNS_TYPES } from '../../graph/type-groups.js';
import { pass, fail, unknown } from '../results.js';
import { listSome, requirementsOf, regionOf, neededZones, presentZones, baseDetails, needsNoAzureZone, neededFor, undecidedDetails } from './zone-requirements.js';
import { cloudOf, knownZonePatterns, zonePattern } from './zone-table.js';

/** AZF-DNS-003: every zone in the zone groups is a real privatelink zone for the endpoint's service and cloud. */
const evaluate: RuleFunction = (context) => {
  const info = endpointInfo(context.inventory, context.resource);
  if (needsNoAzureZone(context, info)) return pass();
  const { zones, unresolved } = presentZones(info);
  if (zones.length === 0) return unresolved.length ? unknown('privateDnsZoneConfigs', unresolved.join('; '), undecidedDetails(baseDetails(info, ...neededFor(context, info)))) : pass();
  const { requirements, unknownGroupIds } = requirementsOf(context, info);
  const region = regionOf(context, info);
  // Another cloud's zone (privatelink.azurecr.io for an endpoint in usgovvirginia) is a wrong zone too.
  const cloud = cloudOf(region, context.parameters['cloud']);
  const forService = requirements.flatMap((requirement) => requirement.specs.flatMap((spec) => [...(spec.zones[cloud] ?? []), ...spec.optional]));
  const anyService = knownZonePatterns(region);
  const matches = (zone: string, templates: readonly string[]) => templates.some((template) => zonePattern(template, region).test(zone) || zonePattern(template, undefined).test(zone));
  const isKnownZone = (zone: string) => anyService.some((pattern) => pattern.test(zone));
  const wrong: string[] = [];
  let undecided = false;
  for (const zone of zones) {
    if (requirements.length && matches(zone.name, forService)) continue;
    if (!isKnownZone(zone.name)) {
      wrong.push(zone.name);
      continue;
    }
    // A real privatelink zone, but is it this service's? Only the group ids can say.
    if (unknownGroupIds || requirements.length === 0) undecided = true;
    else wrong.push(zone.name);
  }
  if (wrong.length === 0 && !undecided) return pass();
  const expected = neededZones(requirements, cloud, region);
  const details: Record<string, string> = { ...baseDetails(info, requirements, expected), wrongZones: listSome(wrong) };
  if (wrong.length) return fail('privateDnsZoneConfigs', wrong, `private DNS zones for ${details["groupIds"]}: ${listSome(expected)}`, details);
  if (undecided) return unknown('groupIds', 'the group ids (subresources) are known only after apply', undecidedDetails(details));
  return pass();
};

export default defineCheck({
  name: 'zoneGroupZonesAreValid',
  reads: DNS_TYPES,
  details: ['groupIds', 'neededZones', 'vnet', 'wrongZones'],
  evaluate,
});
