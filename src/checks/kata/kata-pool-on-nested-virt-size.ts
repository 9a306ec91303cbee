import type { RuleFunction } from '../../engine/evaluate.js';
import { isPlaceholder } from '../../model/values.js';
import { defineCheck } from '../check.js';
import { vmFamily, judgeKataPools } from './node-pools.js';
import { namesOrNone, asString, stringList } from './selectors.js';

/** AZF-KATA-002: Kata node pools use a Generation 2 VM size with nested virtualization (kataVmFamilies). */
const evaluate: RuleFunction = (context) => {
  const configured = stringList(context.parameters['kataVmFamilies'], 'kataVmFamilies');
  const families = new Set(configured.map((family) => family.toLowerCase()));
  const result = judgeKataPools(
    context,
    (pool) => {
      if (isPlaceholder(pool.vmSize)) return { verdict: 'unknown', text: 'vmSize not known' };
      const size = asString(pool.vmSize);
      if (size === undefined) return { verdict: 'fail', text: 'vmSize not set' };
      const family = vmFamily(size);
      return family && families.has(family.toLowerCase()) ? { verdict: 'pass', text: '' } : { verdict: 'fail', text: `${size}${family ? `, family ${family}` : ''}` };
    },
    'vmSize',
    'a Generation 2 VM size with nested virtualization',
  );
  return result.details ? { ...result, details: { ...result.details, families: namesOrNone(configured) } } : result;
};

export default defineCheck({
  name: 'kataPoolOnNestedVirtSize',
  reads: ['microsoft.containerservice/managedclusters', 'microsoft.containerservice/managedclusters/agentpools'],
  details: ['cluster', 'families', 'pools'],
  evaluate,
});
