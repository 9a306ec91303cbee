import type { RuleFunction } from '../../engine/evaluate.js';
import { defineCheck } from '../check.js';
import { fail, pass } from '../results.js';
import { PULL_ROLE_READS } from './image-pulls.js';
import { pullersWithoutAssignments } from './pull-judgement.js';

/**
 * AZF-POOL-009, `where` of the once-per-input check: the first resource (in input order) that pulls images
 * with a managed identity from an input that holds no role assignments at all. The finding on it names
 * every such puller of the input, so none goes unmentioned and the input is reported once.
 */
const evaluate: RuleFunction = (context) => {
  const pullers = pullersWithoutAssignments(context.inventory).get(context.resource.source.file);
  if (!pullers || pullers[0] !== context.resource) return fail('properties', 'not the first puller of an input without role assignments', 'the first such puller', {});
  return pass();
};

export default defineCheck({
  name: 'firstPullerWithoutRoleAssignments',
  reads: PULL_ROLE_READS,
  details: [],
  evaluate,
});
