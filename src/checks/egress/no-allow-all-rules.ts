import { isAllowAll } from '../../egress/fqdn.js';
import type { RuleFunction } from '../../engine/evaluate.js';
import { rulesWrittenIn } from '../../graph/firewall-rules.js';
import { defineCheck } from '../check.js';
import { FIREWALL_TYPES } from '../../graph/type-groups.js';
import type { Evidence } from '../../engine/verdict.js';
import { pass, unknown } from '../results.js';
import { rulePlaceOf } from './egress-needs.js';

/** AZF-EGR-002: no allow rule opens everything, judged where each rule is written. */
const evaluate: RuleFunction = (context) => {
  const rules = rulesWrittenIn(context.inventory, context.resource);
  // Each offending rule is evidence of its own: its path, and the values that open everything.
  const offenders: Array<{ text: string; evidence: Evidence }> = [];
  for (const rule of rules.application) {
    if (!rule.allow) continue;
    const wide = rule.targetFqdns.filter(isAllowAll);
    if (wide.length) offenders.push({ text: `application rule ${rule.origin.collection}/${rule.origin.rule} allows ${wide.join(', ')}`, evidence: { path: `${rule.origin.path}.targetFqdns`, actual: wide, expected: 'no allow-all rule' } });
  }
  for (const rule of rules.network) {
    if (!rule.allow) continue;
    const anyDestinations = rule.destinationAddresses.filter((address) => ['*', '0.0.0.0/0', 'internet', 'any'].includes(address.toLowerCase()));
    const anyPort = rule.destinationPorts.some((port) => port === '*' || /^0?-65535$|^1-65535$/.test(port));
    if (anyDestinations.length && anyPort) {
      offenders.push({ text: `network rule ${rule.origin.collection}/${rule.origin.rule} allows any destination on any port`, evidence: { path: `${rule.origin.path}.destinationAddresses`, actual: anyDestinations, expected: 'no allow-all rule' } });
    }
  }
  const place = rulePlaceOf(context);
  if (offenders.length) return { verdict: 'fail', evidence: offenders.map((offender) => offender.evidence), details: { ...place, offenders: offenders.map((offender) => offender.text).join('; ') } };
  if (rules.gaps.length) return unknown('rules', rules.gaps.join('; '), place);
  return pass();
};

export default defineCheck({
  name: 'noAllowAllRules',
  reads: FIREWALL_TYPES,
  details: ['offenders', 'firewall', 'ofFirewall', 'ofPolicy', 'policy', 'where'],
  evaluate,
});
