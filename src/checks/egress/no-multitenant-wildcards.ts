import { join } from 'node:path';
import { readYamlData } from '../../engine/precompiled.js';
import type { RuleFunction } from '../../engine/evaluate.js';
import type { Evidence } from '../../engine/verdict.js';
import { BUILT_IN_POLICY_DIR } from '../../engine/policy-dir.js';
import { dataEndpointHosts, dataEndpointsEnabled } from '../../egress/data-endpoints.js';
import { isAllowAll, normalizeFqdn, wildcardTakesIn } from '../../egress/fqdn.js';
import { rulesWrittenIn } from '../../graph/firewall-rules.js';
import type { Inventory } from '../../model/inventory.js';
import { FIREWALL_TYPES } from '../../graph/type-groups.js';
import { defineCheck } from '../check.js';
import { pass, unknown } from '../results.js';
import { rulePlaceOf } from './egress-needs.js';

/**
 * AZF-EGR-006: allowlist entries that reach every tenant's storage, CDN or app hosting. The wildcards and
 * why each is a way out are data (policies/data/multitenant-wildcards.yaml); this module matches the allow
 * rules written in a firewall, policy group or classic collection against them. Azure Firewall matches a
 * leading `*` at any depth (its FAQ: "anything to the left will match, meaning multiple subdomains"), so an
 * entry broader than a listed wildcard (`*.windows.net` takes in every `*.blob.core.windows.net` account) is
 * reported too, naming the listed ones it takes in. `*` and `*.<one label>` are AZF-EGR-002's (allow-all).
 */
interface MultitenantWildcard {
  pattern: string;
  reaches: string;
  why: string;
  alternative: string;
  /** The blob wildcard: image pulls can use a registry's dedicated data endpoints instead. */
  dataEndpoints?: boolean;
}

let table: Map<string, MultitenantWildcard> | undefined;

function multitenantWildcards(): ReadonlyMap<string, MultitenantWildcard> {
  table ??= new Map(
    (readYamlData(join(BUILT_IN_POLICY_DIR, 'data', 'multitenant-wildcards.yaml')) as { wildcards: MultitenantWildcard[] }).wildcards.map((entry) => [normalizeFqdn(entry.pattern), entry]),
  );
  return table;
}

/**
 * The listed wildcards an allow entry reaches: the entry itself when listed; else, for a leading-`*` entry
 * that is not allow-all, every listed wildcard whose hosts all end with what follows the `*` (`*.windows.net`
 * and `*core.windows.net` both take in `*.blob.core.windows.net`), keeping only the broadest of them.
 */
function listedReachedBy(written: string, wildcards: ReadonlyMap<string, MultitenantWildcard>): MultitenantWildcard[] {
  const entry = normalizeFqdn(written);
  const listed = wildcards.get(entry);
  if (listed) return [listed];
  if (!entry.startsWith('*') || isAllowAll(entry)) return [];
  // The same reading AZF-EGR-001 uses for what an entry covers (egress/fqdn.ts).
  const reached = [...wildcards.keys()].filter((pattern) => wildcardTakesIn(entry, pattern));
  return reached.filter((pattern) => !reached.some((other) => other !== pattern && wildcardTakesIn(other, pattern))).map((pattern) => wildcards.get(pattern)!);
}

const REGISTRY = 'Microsoft.ContainerRegistry/registries';

/** Registries in the scan and the data endpoints that would replace the blob wildcard for their pulls. */
function registryAlternatives(inventory: Inventory, file: string): string {
  // The registries of the same input: a plan and a snapshot of the same estate are scanned together.
  const registries = inventory.ofType(REGISTRY).filter((registry) => registry.source.managed !== false && registry.source.file === file);
  if (registries.length === 0) return '';
  const hosts = registries.slice(0, 5).map((registry) => {
    const enabled = dataEndpointsEnabled(registry);
    return `${dataEndpointHosts(registry).join(', ')}${enabled ? '' : ` (turn on dataEndpointEnabled on ${registry.name} first)`}`;
  });
  return ` (for pulls from the registries in this scan: ${hosts.join('; ')}${registries.length > 5 ? `; and ${registries.length - 5} more` : ''})`;
}

const evaluate: RuleFunction = (context) => {
  const { inventory, resource } = context;
  const wildcards = multitenantWildcards();
  const rules = rulesWrittenIn(inventory, resource);
  const offenders: Array<{ text: string; path: string; written: string; entries: MultitenantWildcard[] }> = [];
  const consider = (entries: readonly string[], kind: string, collection: string, rule: string, path: string): void => {
    for (const written of entries) {
      const reached = listedReachedBy(written, wildcards);
      if (reached.length === 0) continue;
      const what = (entry: MultitenantWildcard): string => `${entry.reaches}: ${entry.why}`;
      const text =
        reached.length === 1 && reached[0]!.pattern === normalizeFqdn(written)
          ? `${kind} rule ${collection}/${rule} allows ${written} (${what(reached[0]!)})`
          : `${kind} rule ${collection}/${rule} allows ${written}, which Azure Firewall matches at any depth, so it takes in ${reached.map((entry) => `${entry.pattern} (${what(entry)})`).join(' and ')}`;
      offenders.push({ text, path, written, entries: reached });
    }
  };
  for (const rule of rules.application) if (rule.allow) consider(rule.targetFqdns, 'application', rule.origin.collection, rule.origin.rule, `${rule.origin.path}.targetFqdns`);
  for (const rule of rules.network) if (rule.allow) consider(rule.destinationFqdns, 'network', rule.origin.collection, rule.origin.rule, `${rule.origin.path}.destinationFqdns`);
  const place = rulePlaceOf(context);
  if (offenders.length === 0) return rules.gaps.length ? unknown('rules', rules.gaps.join('; '), place) : pass();
  const distinct = [...new Map(offenders.flatMap((offender) => offender.entries.map((entry) => [entry.pattern, entry] as const))).values()];
  const alternatives = distinct.map((entry) => `${entry.pattern}: ${entry.alternative}${entry.dataEndpoints ? registryAlternatives(inventory, resource.source.file) : ''}`);
  // Each offending rule is evidence of its own, at its own path, with the entries as written (as AZF-EGR-002).
  const byPath = new Map<string, string[]>();
  for (const offender of offenders) byPath.set(offender.path, [...(byPath.get(offender.path) ?? []), offender.written]);
  const evidence: Evidence[] = [...byPath].map(([path, written]) => ({ path, actual: written, expected: 'no wildcard that reaches every tenant' }));
  return {
    verdict: 'fail',
    evidence,
    details: {
      ...place,
      offenders: offenders.map((offender) => offender.text).join('; '),
      entries: [...new Set(offenders.map((offender) => offender.written))].join(', '),
      alternatives: alternatives.join('; '),
    },
  };
};

export default defineCheck({
  name: 'noMultitenantWildcards',
  reads: [...FIREWALL_TYPES, 'microsoft.containerregistry/registries'],
  details: ['alternatives', 'entries', 'firewall', 'offenders', 'ofFirewall', 'ofPolicy', 'policy', 'where'],
  evaluate,
});
