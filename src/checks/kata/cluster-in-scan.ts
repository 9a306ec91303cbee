import type { RuleFunction } from '../../engine/evaluate.js';
import { defineCheck } from '../check.js';
import { pass, fail } from '../results.js';
import { CLUSTER } from './selectors.js';

/** `where` of the pool-selection check: only a scan that holds a cluster can say which pools exist. */
const evaluate: RuleFunction = (context) =>
  context.inventory.ofType(CLUSTER).length > 0 ? pass() : fail('clusters', [], 'an AKS cluster in the scan', {});

export default defineCheck({
  name: 'clusterInScan',
  reads: ['microsoft.containerservice/managedclusters', 'microsoft.containerservice/managedclusters/agentpools'],
  details: [],
  evaluate,
});
