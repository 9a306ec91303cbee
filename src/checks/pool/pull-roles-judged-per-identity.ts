import type { RuleFunction } from '../../engine/evaluate.js';
import { defineCheck } from '../check.js';
import { fail, pass } from '../results.js';
import { PULL_ROLE_READS, pullsOf } from './image-pulls.js';
import { assignmentsInScope, pullsImages } from './pull-judgement.js';

/**
 * AZF-POOL-009, `where` of the per-identity check: the resource pulls images with a managed identity, and the
 * scan holds role assignments to judge it by (in its own input, or in the input of a registry it pulls from).
 * A resource whose inputs hold none is covered by the once-per-input check instead.
 */
const evaluate: RuleFunction = (context) => {
  const found = pullsOf(context.inventory, context.resource);
  if (!pullsImages(context.resource, found)) return fail('properties', 'no image pull with a managed identity', 'an image pull with a managed identity', {});
  if (!assignmentsInScope(context.inventory, context.resource, found)) return fail('properties', 'no role assignments in its input', 'role assignments to judge by', {});
  return pass();
};

export default defineCheck({
  name: 'pullRolesJudgedPerIdentity',
  reads: PULL_ROLE_READS,
  details: [],
  evaluate,
});
