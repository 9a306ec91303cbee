import type { RuleFunction } from '../../engine/evaluate.js';
import { defineCheck } from '../check.js';
import { unknown } from '../results.js';
import { PULL_ROLE_READS, pullsOf } from './image-pulls.js';
import { describe, listed, pullersWithoutAssignments } from './pull-judgement.js';

/**
 * AZF-POOL-009, the once-per-input unknown: no role assignment was read with these pullers (their input holds
 * none, nor do their registries' inputs), so none of them can be judged. The rule selects only an input's
 * first puller for it, and the finding lists them all.
 */
const evaluate: RuleFunction = (context) => {
  const pullers = pullersWithoutAssignments(context.inventory).get(context.resource.source.file) ?? [context.resource];
  // The finding's location names the file; the message says which kind of input it is.
  const kind = context.resource.source.kind;
  const input = kind === 'audit' ? `audited subscription ${context.resource.source.file.replace(/^azure:\/\//, '')}` : `this ${kind}`;
  const first = pullsOf(context.inventory, context.resource).pulls[0];
  const names = pullers.map(describe);
  const which = pullers.length === 1 ? 'the one workload that pulls' : `any of the ${pullers.length} workloads that pull`;
  return unknown(first?.path ?? 'properties', `${input} holds no role assignments at all (and neither do the inputs of the registries pulled from), so whether the identities that pull images hold a pull role cannot be checked for ${which}: ${listed(names)}`, {
    input,
    pullers: listed(names),
  });
};

export default defineCheck({
  name: 'roleAssignmentsInInput',
  reads: PULL_ROLE_READS,
  details: ['input', 'pullers'],
  evaluate,
});
