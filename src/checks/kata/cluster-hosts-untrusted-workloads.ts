import type { RuleFunction } from '../../engine/evaluate.js';
import { defineCheck } from '../check.js';
import { pass, fail, unknown } from '../results.js';
import { clusterDesignation } from './node-pools.js';
import { clusterSelectorOf } from './selectors.js';

/** `where` of the cluster checks: the cluster is designated for untrusted workloads (clusterSelector). */
const evaluate: RuleFunction = (context) => {
  const verdict = clusterDesignation(context.inventory, context.resource, clusterSelectorOf(context.parameters));
  if (verdict === 'unknown') return unknown('tags', 'whether the cluster is designated for untrusted workloads (its tags or node pools) is known only after apply');
  return verdict === 'pass' ? pass() : fail('tags', context.resource.body['tags'], 'a cluster selected by clusterSelector', {});
};

export default defineCheck({
  name: 'clusterHostsUntrustedWorkloads',
  reads: ['microsoft.containerservice/managedclusters', 'microsoft.containerservice/managedclusters/agentpools'],
  details: [],
  evaluate,
});
