import type { RuleFunction } from '../../engine/evaluate.js';
import { dnsProxyFor, rulesWrittenIn } from '../../graph/firewall-rules.js';
import { defineCheck } from '../check.js';
import { FIREWALL_TYPES } from '../../graph/type-groups.js';
import { pass, fail, unknown } from '../results.js';
import { rulePlaceOf } from './egress-needs.js';

/** AZF-EGR-004: network rules with destination FQDNs need DNS proxy on the firewall or policy they run on. */
const evaluate: RuleFunction = (context) => {
  const rules = rulesWrittenIn(context.inventory, context.resource);
  const place = rulePlaceOf(context);
  // Each rule with the FQDNs it resolves: the names whose answers would differ between firewall and client.
  const using = rules.network
    .filter((rule) => rule.destinationFqdns.length > 0)
    .map((rule) => `${rule.origin.collection}/${rule.origin.rule} to ${rule.destinationFqdns.slice(0, 5).join(', ')}${rule.destinationFqdns.length > 5 ? ` and ${rule.destinationFqdns.length - 5} more` : ''}`);
  if (using.length === 0) return rules.gaps.length ? unknown('rules', rules.gaps.join('; '), place) : pass();
  const proxy = dnsProxyFor(context.inventory, context.resource);
  if (proxy.enabled === true) return pass();
  if (proxy.enabled === undefined) return unknown('dnsSettings.enableProxy', proxy.reason ?? 'whether DNS proxy is on is known only after apply', { ...place, rules: using.join(', '), policy: proxy.where });
  return fail('dnsSettings.enableProxy', false, 'DNS proxy enabled', { ...place, rules: using.join(', '), policy: proxy.where });
};

export default defineCheck({
  name: 'fqdnNetworkRulesHaveDnsProxy',
  reads: FIREWALL_TYPES,
  details: ['rules', 'firewall', 'ofFirewall', 'ofPolicy', 'policy', 'where'],
  evaluate,
});
