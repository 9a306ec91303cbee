import type { RuleFunction } from '../../engine/evaluate.js';
import { firewallRules } from '../../graph/firewall-rules.js';
import { defineCheck } from '../check.js';
import { FIREWALL_TYPES, WORKLOAD_TYPES } from '../../graph/type-groups.js';
import { pass, fail, unknown } from '../results.js';
import { egressProfiles, workloadsBehindFirewalls, expandNeed, needMet, describeNeed, configuredProfiles, registryDataMet } from './egress-needs.js';

/** AZF-EGR-001: the firewall allows every FQDN and service tag the given profile needs, for the workloads behind it. */
const evaluate: RuleFunction = (context, args) => {
  const profileId = String(args['profile']);
  const profile = egressProfiles(context.parameters['extraProfiles']).find((candidate) => candidate.id === profileId);
  if (!profile) return pass();
  const index = workloadsBehindFirewalls(context.inventory);
  const behind = (index.byFirewall.get(context.resource.key.toLowerCase()) ?? []).filter((workload) => workload.profile === profileId);
  const certain = behind.filter((workload) => !workload.uncertain);
  const maybe = [...behind.filter((workload) => workload.uncertain), ...index.anyFirewall.filter((workload) => workload.profile === profileId)];
  const configured = configuredProfiles(context).includes(profileId);
  if (certain.length === 0 && maybe.length === 0 && !configured) return pass();
  const workloads = [...certain, ...maybe];
  const rules = firewallRules(context.inventory, context.resource);
  const needs = profile.needs.flatMap((need) => expandNeed(need, workloads, context.resource.location));
  const missing = needs.filter((need) => !needMet(rules, need, profile.fqdnTags ?? []) && !(need.registryData && registryDataMet(context.inventory, rules, workloads))).map(describeNeed);
  const named = certain.length ? certain : workloads;
  const why = named.length ? `for ${[...new Set(named.map((workload) => workload.resource.name))].join(', ')}` : 'configured for this firewall';
  const details = { profile: profile.title, profileId, missing: missing.join(', '), workloads: why };
  if (missing.length === 0) return pass();
  if (rules.gaps.length) return unknown('rules', rules.gaps.join('; '), details);
  // Only workloads that may or may not use this firewall (or need the profile) miss something: undecided.
  if (certain.length === 0 && !configured) return unknown('rules', [...new Set(maybe.map((workload) => workload.uncertain!))].join('; '), details);
  // The actual is what the rules leave out; what they should allow is the expected.
  return fail('rules', `not allowed: ${missing.join(', ')}`, `rules allowing ${missing.join(', ')}`, details);
};

export default defineCheck({
  name: 'firewallAllowsProfile',
  reads: [...FIREWALL_TYPES, ...WORKLOAD_TYPES],
  details: ['missing', 'profile', 'profileId', 'workloads'],
  arguments: { profile: { type: 'string', required: true, description: 'id of the egress profile (policies/data/egress-profiles.yaml, or the egressProfiles parameter) the firewall must allow' } },
  evaluate,
});
