import { fqdnProblem, networkFqdnProblem, normalizeFqdn } from '../../egress/fqdn.js';
import type { RuleFunction } from '../../engine/evaluate.js';
import { ruleFamily, rulesWrittenIn } from '../../graph/firewall-rules.js';
import { defineCheck } from '../check.js';
import { FIREWALL_TYPES } from '../../graph/type-groups.js';
import type { Evidence } from '../../engine/verdict.js';
import { pass, unknown } from '../results.js';
import { rulePlaceOf } from './egress-needs.js';

const WELL_FORMED = 'a host name (no scheme, path or port; a wildcard only as a leading "*." label)';
// Network rules resolve destination FQDNs through DNS, and "FQDN filtering in network rules doesn't support
// wildcards by design" (Microsoft, "Use FQDN filtering in network rules"): a wildcard there allows nothing.
const NETWORK_WELL_FORMED = 'a host name without a wildcard (network rules resolve FQDNs through DNS; no scheme, path or port)';

type Kind = 'application' | 'network';

/**
 * AZF-EGR-003: FQDN entries are host names (no scheme, path or port; a wildcard only as a leading `*.` in
 * application rules, and none in network rules' destination FQDNs), each listed once. An entry repeated in
 * another group of the same policy (or a base policy), or another collection of the same firewall, is
 * reported where it comes later in processing order.
 */
const evaluate: RuleFunction = (context) => {
  const { inventory, resource } = context;
  const own = rulesWrittenIn(inventory, resource);
  const problems: string[] = [];
  // The evidence is each entry as written, against what it should be; the message says what is wrong.
  const evidence: Evidence[] = [];
  const seen = new Map<string, string>();
  // The same host for other sources or ports is a different grant (one rule per spoke), not a repeat.
  const check = (kind: Kind, entry: string, where: string, scope: string, mine: boolean, path: string): void => {
    // A bare `*` in an application rule is AZF-EGR-002's allow-all; in a network rule it is just a wildcard.
    if (kind === 'application' && entry === '*') return;
    const problem = mine ? (kind === 'network' ? networkFqdnProblem(entry) : fqdnProblem(entry)) : undefined;
    const note = (text: string, expected: string): void => {
      problems.push(text);
      evidence.push({ path, actual: entry, expected });
    };
    if (problem) note(`"${entry}" in ${where} ${problem}`, kind === 'network' ? NETWORK_WELL_FORMED : WELL_FORMED);
    const key = `${normalizeFqdn(entry)}|${scope}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, where);
    else if (mine) note(first === where ? `"${entry}" is listed twice in ${where}` : `"${entry}" in ${where} repeats ${first}`, 'an entry listed once');
  };
  const scopeOf = (sources: readonly string[], ports: readonly string[]) => `${[...sources].sort().join(',')}|${[...new Set(ports)].sort().join(',')}`;
  const family = ruleFamily(inventory, resource);
  for (const member of family.includes(resource) ? family : [...family, resource]) {
    const mine = member === resource;
    const rules = mine ? own : rulesWrittenIn(inventory, member);
    const label = (collection: string, rule: string) => (mine ? `${collection}/${rule}` : `${member.name} ${collection}/${rule}`);
    for (const rule of rules.application) {
      const scope = scopeOf(rule.sourceAddresses, rule.protocols.map((protocol) => String(protocol.port)));
      for (const entry of rule.targetFqdns) check('application', entry, label(rule.origin.collection, rule.origin.rule), scope, mine, `${rule.origin.path}.targetFqdns`);
    }
    for (const rule of rules.network) {
      const scope = scopeOf(rule.sourceAddresses, rule.destinationPorts);
      for (const entry of rule.destinationFqdns) check('network', entry, label(rule.origin.collection, rule.origin.rule), scope, mine, `${rule.origin.path}.destinationFqdns`);
    }
  }
  const place = rulePlaceOf(context);
  if (problems.length) return { verdict: 'fail', evidence, details: { ...place, problems: problems.slice(0, 10).join('; ') + (problems.length > 10 ? `; and ${problems.length - 10} more` : '') } };
  if (own.gaps.length) return unknown('rules', own.gaps.join('; '), place);
  return pass();
};

export default defineCheck({
  name: 'fqdnsWellFormed',
  reads: FIREWALL_TYPES,
  details: ['problems', 'firewall', 'ofFirewall', 'ofPolicy', 'policy', 'where'],
  evaluate,
});
