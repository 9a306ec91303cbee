import type { RuleFunction } from '../../engine/evaluate.js';
import { childrenOf, parentOf } from '../../graph/links.js';
import { isPlaceholder, UNKNOWN } from '../../model/values.js';
import { defineCheck } from '../check.js';
import { pass, fail, unknown } from '../results.js';
import { stringArg, registryLocked, lockUndecidedWhy } from './agent-network.js';

/** AZF-POOL-001: a task on a locked registry names an agent pool (the shared pool gets 403). */
const evaluate: RuleFunction = (context, args) => {
  const pool = context.field(stringArg(args, 'agentPool'));
  if (typeof pool === 'string' && pool.trim() !== '') return pass();
  const parent = parentOf(context.inventory, context.resource);
  const registry = parent.links.find((link) => link.target)?.target;
  const registryName = registry?.name ?? parent.links[0]?.name ?? 'its registry';
  if (isPlaceholder(pool)) return unknown('agentPoolName', pool === UNKNOWN ? 'the agent pool name is known only after apply' : 'the agent pool name is marked sensitive', { registry: registryName });
  if (!registry) return unknown('parentId', parent.unresolved.length ? parent.unresolved.join('; ') : `registry ${registryName} is not in this scan, so whether it is locked is unknown`, { registry: registryName });
  const locked = registryLocked(registry);
  if (locked === undefined) return unknown('publicNetworkAccess', `whether registry ${registry.name} is locked cannot be told: its network settings are ${lockUndecidedWhy(registry)}`, { registry: registry.name });
  if (!locked) return pass();
  const pools = childrenOf(context.inventory, registry, 'Microsoft.ContainerRegistry/registries/agentPools').map((candidate) => candidate.name);
  return fail('properties.agentPoolName', pool, 'an agent pool name', { registry: registry.name, pools: pools.length ? pools.join(', ') : 'none yet' });
};

export default defineCheck({
  name: 'taskUsesAgentPool',
  reads: ['microsoft.containerregistry/registries', 'microsoft.containerregistry/registries/agentpools'],
  details: ['pools', 'registry'],
  arguments: { agentPool: { type: 'string', required: true, description: 'field path of the agent pool the task or run names' } },
  evaluate,
});
