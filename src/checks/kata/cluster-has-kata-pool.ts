import type { RuleFunction } from '../../engine/evaluate.js';
import { defineCheck } from '../check.js';
import { pass, fail, unknown } from '../results.js';
import { kataKind, poolsOf, describePool } from './node-pools.js';
import { KATA_RUNTIME, namesOrNone } from './selectors.js';

/** AZF-KATA-001: a designated cluster has a Kata node pool (legacy runtime accepted here). */
const evaluate: RuleFunction = (context) => {
  const { pools, unknownReason } = poolsOf(context.inventory, context.resource);
  const details = { pools: namesOrNone(pools.map(describePool)) };
  const kinds = pools.map((pool) => kataKind(pool.runtime));
  if (kinds.some((kind) => kind === 'ga' || kind === 'legacy')) return pass();
  const undecided = pools.filter((pool) => kataKind(pool.runtime) === 'unknown').map((pool) => pool.name);
  if (undecided.length) return unknown('workloadRuntime', `the workload runtime of node pool ${namesOrNone(undecided)} is not known (known only after apply, or not in the input)`, details);
  if (unknownReason) return unknown('agentPoolProfiles', unknownReason, details);
  return fail('properties.agentPoolProfiles[*].workloadRuntime', pools.map((pool) => pool.runtime ?? 'OCIContainer'), `a node pool with workloadRuntime ${KATA_RUNTIME}`, details);
};

export default defineCheck({
  name: 'clusterHasKataPool',
  reads: ['microsoft.containerservice/managedclusters', 'microsoft.containerservice/managedclusters/agentpools'],
  details: ['pools'],
  evaluate,
});
