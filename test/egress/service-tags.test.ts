import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * Every service tag and FQDN tag the egress profiles name must exist: a misspelt tag (AzureFrontDoorFirstParty
 * for AzureFrontDoor.FirstParty) is never matched by a real firewall rule, so the rule that allows it is
 * reported as missing. policies/data/service-tags.yaml holds the published names and says where from.
 */
const DATA = join(import.meta.dirname, '..', '..', 'policies', 'data');
const known = parse(readFileSync(join(DATA, 'service-tags.yaml'), 'utf8')) as { serviceTags: string[]; fqdnTags: string[] };
const profiles = (parse(readFileSync(join(DATA, 'egress-profiles.yaml'), 'utf8')) as { profiles: Array<{ id: string; fqdnTags?: string[]; needs: Array<{ serviceTag?: string; serviceTags?: string[] }> }> }).profiles;

/** A tag as published, or its regional form (Storage.WestEurope). Case matters: the published spelling is the one to copy. */
function isRealServiceTag(tag: string): boolean {
  if (known.serviceTags.includes(tag)) return true;
  const dot = tag.lastIndexOf('.');
  return dot > 0 && known.serviceTags.includes(tag.slice(0, dot)) && /^[A-Z][A-Za-z0-9]+$/.test(tag.slice(dot + 1));
}

describe('service tags in the data tables', () => {
  it('the reference list is non-trivial and holds the tags the fact sheet corrected', () => {
    expect(known.serviceTags.length).toBeGreaterThan(50);
    expect(known.serviceTags).toContain('AzureFrontDoor.FirstParty');
    expect(known.serviceTags).not.toContain('AzureFrontDoorFirstParty');
  });

  const named = profiles.flatMap((profile) => profile.needs.flatMap((need) => [...(need.serviceTag ? [need.serviceTag] : []), ...(need.serviceTags ?? [])].map((tag) => ({ profile: profile.id, tag }))));
  it('every service tag an egress profile names is a real one', () => {
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter(({ tag }) => !isRealServiceTag(tag))).toEqual([]);
  });

  // AZF-EGR-007's NSG needs name service tags as destinations too (`AzureCloud.<region>` is filled with the
  // pool's region); a misspelt one would never match a real NSG rule, so the pool's egress would be reported.
  const nsgNeeds = parse(readFileSync(join(DATA, 'nsg-egress-needs.yaml'), 'utf8')) as {
    defaultOutboundRules: Array<{ name: string; source: string; destination: string }>;
    pools: Record<string, { needs: Array<{ destination: string }> }>;
  };
  it('every service tag an NSG egress need or default rule names is a real one', () => {
    const named = [
      ...Object.entries(nsgNeeds.pools).flatMap(([pool, { needs }]) => needs.map((need) => ({ pool, tag: need.destination }))),
      ...nsgNeeds.defaultOutboundRules.flatMap((rule) => [rule.source, rule.destination].map((tag) => ({ pool: rule.name, tag }))),
    ];
    expect(named.length).toBeGreaterThan(10);
    const tags = named.filter(({ tag }) => tag !== '*').map(({ pool, tag }) => ({ pool, tag: tag.replace('.<region>', '.WestEurope') }));
    expect(tags.filter(({ tag }) => !isRealServiceTag(tag))).toEqual([]);
  });

  it('every FQDN tag an egress profile names is a real one', () => {
    const fqdnTags = profiles.flatMap((profile) => (profile.fqdnTags ?? []).map((tag) => ({ profile: profile.id, tag })));
    expect(fqdnTags.filter(({ tag }) => !known.fqdnTags.includes(tag))).toEqual([]);
  });
});
