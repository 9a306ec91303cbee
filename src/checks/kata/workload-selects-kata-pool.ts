import type { RuleFunction } from '../../engine/evaluate.js';
import { isPlaceholder, isPlainObject, UNKNOWN } from '../../model/values.js';
import { defineCheck } from '../check.js';
import { pass, fail, unknown } from '../results.js';
import { type Pool, kataKind, poolsOf, describePool, clusterDesignation } from './node-pools.js';
import { CLUSTER, namesOrNone, clusterSelectorOf } from './selectors.js';
import { valueUnder, workloadView, podMatchesPool, describeSelection } from './workloads.js';

/** AZF-KATA-003: when the scan holds the cluster, the pod's node selection lands it on Kata pools only. */
const evaluate: RuleFunction = (context) => {
  const { inventory } = context;
  const view = workloadView(context);
  if (view.spec === UNKNOWN) return unknown('properties.podSpec', 'the pod spec is not known', view.details);
  const clusters = inventory.ofType(CLUSTER);
  const selector = clusterSelectorOf(context.parameters);
  const designated = clusters.filter((cluster) => clusterDesignation(inventory, cluster, selector) === 'pass');
  const candidates = designated.length ? designated : clusters;
  const pools: Pool[] = [];
  const openReasons: string[] = [];
  for (const cluster of candidates) {
    const found = poolsOf(inventory, cluster);
    pools.push(...found.pools);
    if (found.unknownReason) openReasons.push(found.unknownReason);
  }
  const rawSelector = valueUnder(view.spec, 'nodeSelector');
  const rawTerms = valueUnder(view.spec, 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms');
  const selectorField = view.field('nodeSelector');
  if (isPlaceholder(rawSelector) || isPlaceholder(rawTerms)) return unknown('properties.podSpec.nodeSelector', `the pod's ${selectorField} or node affinity is not known`, view.details);
  const nodeSelector = isPlainObject(rawSelector) ? rawSelector : {};
  const terms = Array.isArray(rawTerms) ? rawTerms : [];
  const kataPools = pools.filter((pool) => ['ga', 'legacy'].includes(kataKind(pool.runtime))).map((pool) => pool.name);
  const details: Record<string, string> = {
    ...view.details,
    clusters: namesOrNone(candidates.map((cluster) => cluster.name)),
    kataPools: namesOrNone(kataPools),
    selection: describeSelection(nodeSelector, terms),
    suggestedSelector: kataPools.length ? `kubernetes.azure.com/agentpool: ${kataPools[0]}` : 'kubernetes.azure.com/agentpool: <kata pool>',
  };
  const matched: Pool[] = [];
  const maybe: Pool[] = [];
  for (const pool of pools) {
    const result = podMatchesPool(pool, nodeSelector, terms);
    if (result === 'pass') matched.push(pool);
    else if (result === 'unknown') maybe.push(pool);
  }
  const nonKata = matched.filter((pool) => kataKind(pool.runtime) === 'none');
  if (nonKata.length) {
    const how = Object.keys(nodeSelector).length || terms.length ? `its node selection (${details['selection']}) matches` : `it sets no ${selectorField} or required node affinity, so it can land on`;
    const problem = `${how} non-Kata node pool ${namesOrNone(nonKata.map(describePool))} of ${details['clusters']}; Kata pools: ${details['kataPools']}`;
    return fail('properties.podSpec.nodeSelector', details['selection'], `a node selection that matches only Kata pools (${details['kataPools']})`, { ...details, problem });
  }
  const undecidedRuntime = matched.filter((pool) => kataKind(pool.runtime) === 'unknown');
  if (maybe.length || undecidedRuntime.length) {
    return unknown('properties.podSpec.nodeSelector', `whether node pool ${namesOrNone([...maybe, ...undecidedRuntime].map((pool) => pool.name))} matches the pod's node selection and runs Kata is known only after apply`, details);
  }
  if (matched.length === 0) {
    if (openReasons.length) return unknown('properties.podSpec.nodeSelector', openReasons.join('; '), details);
    const problem = `its node selection (${details['selection']}) matches no node pool of ${details['clusters']} (pools: ${namesOrNone(pools.map(describePool))}), so it cannot be scheduled`;
    return fail('properties.podSpec.nodeSelector', details['selection'], `a node selection that matches a Kata pool (${details['kataPools']})`, { ...details, problem });
  }
  return pass();
};

export default defineCheck({
  name: 'workloadSelectsKataPool',
  reads: ['microsoft.containerservice/managedclusters', 'microsoft.containerservice/managedclusters/agentpools'],
  details: ['kind', 'podSpec', 'suggestedSelector', 'problem'],
  evaluate,
});
