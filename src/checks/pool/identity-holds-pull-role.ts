import type { RuleFunction } from '../../engine/evaluate.js';
import { defineCheck } from '../check.js';
import { fail, pass, unknown } from '../results.js';
import { PULL_ROLE_READS, pullsOf, type Pull } from './image-pulls.js';
import { describe, detailsFor, judge } from './pull-judgement.js';
import { suggestedRole } from './registry-roles.js';

/**
 * AZF-POOL-009, the assertion: every identity this resource pulls images with holds a role that grants pulls
 * on the registry, at the registry or a parent scope, in the registry's role assignment mode.
 */
const evaluate: RuleFunction = (context) => {
  const { inventory, resource } = context;
  const found = pullsOf(inventory, resource);
  const failures: Array<{ pull: Pull; why: string }> = [];
  const undecided: Array<{ pull?: Pull; why: string }> = found.undecided.map((why) => ({ why }));
  for (const pull of found.pulls) {
    const judgement = judge(inventory, pull);
    if (judgement.verdict === 'fail') failures.push({ pull, why: judgement.why });
    else if (judgement.verdict === 'unknown') undecided.push({ pull, why: judgement.why });
  }
  if (failures.length) {
    const first = failures[0]!;
    return fail(first.pull.path, 'label' in first.pull.identity ? first.pull.identity.label : 'no identity', 'an identity with a pull role on the registry', {
      ...detailsFor(first.pull, resource),
      problem: failures.map((failure) => failure.why).join('; '),
    });
  }
  if (undecided.length) {
    const first = undecided.find((entry) => entry.pull)?.pull;
    return unknown(first?.path ?? 'properties.configuration.registries', undecided.map((entry) => entry.why).join('; '), first ? detailsFor(first, resource) : {
      puller: describe(resource),
      registry: 'the registry it pulls from',
      identity: 'its pull identity',
      role: suggestedRole(undefined),
      principal: 'the object id of the identity it pulls with',
      registryScope: 'the id of the registry it pulls from',
    });
  }
  return pass();
};


export default defineCheck({
  name: 'identityHoldsPullRole',
  reads: PULL_ROLE_READS,
  details: ['puller', 'registry', 'identity', 'role', 'principal', 'registryScope', 'problem'],
  evaluate,
});
