import type { RuleFunction } from '../../engine/evaluate.js';
import { isPlaceholder } from '../../model/values.js';
import { defineCheck } from '../check.js';
import { AZURE_LINUX, judgeKataPools } from './node-pools.js';
import { asString } from './selectors.js';

/** AZF-KATA-002: Kata node pools run Azure Linux. */
const evaluate: RuleFunction = (context) =>
  judgeKataPools(
    context,
    (pool) => {
      if (isPlaceholder(pool.osSKU)) return { verdict: 'unknown', text: 'osSKU not known' };
      const sku = asString(pool.osSKU);
      if (sku === undefined) return { verdict: 'fail', text: 'osSKU not set, so Ubuntu' };
      return AZURE_LINUX.test(sku) ? { verdict: 'pass', text: '' } : { verdict: 'fail', text: `osSKU ${sku}` };
    },
    'osSKU',
    'osSKU AzureLinux',
  );

export default defineCheck({
  name: 'kataPoolOnAzureLinux',
  reads: ['microsoft.containerservice/managedclusters', 'microsoft.containerservice/managedclusters/agentpools'],
  details: ['cluster', 'pools'],
  evaluate,
});
