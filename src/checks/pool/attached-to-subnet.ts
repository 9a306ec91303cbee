import type { RuleFunction } from '../../engine/evaluate.js';
import { defineCheck } from '../check.js';
import { VNET_TYPES } from '../../graph/type-groups.js';
import { pass, fail, unknown } from '../results.js';
import { stringArg, subnetsAt } from './agent-network.js';

/** AZF-POOL-002/004: the resource is attached to a subnet: a literal id, or a reference that leads to a subnet. */
const evaluate: RuleFunction = (context, args) => {
  const path = stringArg(args, 'subnet');
  const value = context.field(path);
  if (value === undefined || value === null || value === '') return fail(path, value, 'a subnet id', {});
  if (typeof value === 'string') return pass();
  const subnets = subnetsAt(context, path);
  if (subnets.links.length) return pass();
  return unknown(path, subnets.unresolved.join('; ') || `${path} is known only after apply`);
};

export default defineCheck({
  name: 'attachedToSubnet',
  reads: VNET_TYPES,
  details: [],
  arguments: { subnet: { type: 'string', required: true, description: 'field path of the subnet id the resource is attached to' } },
  evaluate,
});
