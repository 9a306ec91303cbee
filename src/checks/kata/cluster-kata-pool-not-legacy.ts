import type { RuleFunction } from '../../engine/evaluate.js';
import { defineCheck } from '../check.js';
import { pass, fail } from '../results.js';
import { kataKind, poolsOf } from './node-pools.js';
import { KATA_RUNTIME, LEGACY_KATA_RUNTIME, namesOrNone } from './selectors.js';

/** AZF-KATA-001 (low): Kata pools use the GA runtime, not the preview KataMshvVmIsolation. */
const evaluate: RuleFunction = (context) => {
  const { pools } = poolsOf(context.inventory, context.resource);
  const legacy = pools.filter((pool) => kataKind(pool.runtime) === 'legacy').map((pool) => pool.name);
  // A runtime not yet known is reported once, by the first check of AZF-KATA-001, not twice.
  if (legacy.length) return fail('properties.agentPoolProfiles[*].workloadRuntime', LEGACY_KATA_RUNTIME, KATA_RUNTIME, { legacyPools: namesOrNone(legacy) });
  return pass();
};

export default defineCheck({
  name: 'clusterKataPoolNotLegacy',
  reads: ['microsoft.containerservice/managedclusters', 'microsoft.containerservice/managedclusters/agentpools'],
  details: ['legacyPools'],
  evaluate,
});
