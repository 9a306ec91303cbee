import type { RuleFunction } from '../../engine/evaluate.js';
import { childrenOf } from '../../graph/links.js';
import type { Inventory } from '../../model/inventory.js';
import type { Resource } from '../../model/resource.js';
import { isPlainObject, UNKNOWN } from '../../model/values.js';
import { defineCheck } from '../check.js';
import { fail, pass, propertiesOf, unknown } from '../results.js';
import { lockUndecidedWhy, registryLocked } from './agent-network.js';

/**
 * AZF-POOL-008: an `az acr build`, `az acr run` or `az acr task run` in a CI pipeline runs on an agent pool
 * when its registry refuses public traffic. Reads one Pipeline/acrCommands resource (src/inputs/pipelines)
 * and the registries, agent pools and tasks of the same scan; `lockedRegistries` names locked registries
 * the scan does not hold.
 */
const REGISTRY = 'Microsoft.ContainerRegistry/registries';
const AGENT_POOL = 'Microsoft.ContainerRegistry/registries/agentPools';
const TASK = 'Microsoft.ContainerRegistry/registries/tasks';

/** The registry name in `--registry`: bare, or a login server of any cloud, with a domain-name-label hash stripped later. */
function registryNameOf(written: string): string {
  return written.trim().toLowerCase().replace(/\.azurecr\.(io|cn|us)$/, '');
}

function registriesNamed(inventory: Inventory, name: string): Resource[] {
  const exact = inventory.byName(REGISTRY, name);
  if (exact.length) return [...exact];
  // `<name>-<hash>.azurecr.io`: a registry created with a domain name label scope (azure-cli validate_registry_name).
  const dash = name.lastIndexOf('-');
  return dash > 0 ? [...inventory.byName(REGISTRY, name.slice(0, dash))] : [];
}

function listed(parameter: unknown, name: string): boolean {
  if (!Array.isArray(parameter)) return false;
  return parameter.some((entry) => typeof entry === 'string' && (registryNameOf(entry) === name || (name.includes('-') && registryNameOf(entry) === name.slice(0, name.lastIndexOf('-')))));
}

function reasonOf(properties: Record<string, unknown>, key: string): string | undefined {
  const unresolved = properties['unresolved'];
  const reason = isPlainObject(unresolved) ? unresolved[key] : undefined;
  return typeof reason === 'string' ? reason : undefined;
}

const evaluate: RuleFunction = (context) => {
  const properties = propertiesOf(context.resource);
  const step = typeof properties['step'] === 'string' ? properties['step'] : 'its step';
  const notScanned = properties['notScanned'];
  if (typeof notScanned === 'string') return unknown('notScanned', `${step === 'its step' ? 'the pipeline' : step} ${notScanned}`, { step });
  const pool = properties['agentPoolName'];
  if (typeof pool === 'string' && pool.trim() !== '') return pass();
  const written = properties['registry'];
  if (written === undefined) {
    return unknown('registry', `${String(properties['command'])} names no --registry, so the registry is the Azure CLI's configured default (az config set defaults.acr, or AZURE_DEFAULTS_ACR), which the pipeline file does not show`, { step });
  }
  if (written === UNKNOWN || typeof written !== 'string') return unknown('registry', `its --registry is not known before the run: ${reasonOf(properties, 'registry') ?? 'an expression'}`, { step });
  const name = registryNameOf(written);
  const registries = registriesNamed(context.inventory, name);
  const lockedByParameter = listed(context.parameters['lockedRegistries'], name);
  const states = registries.map((registry) => registryLocked(registry));
  const locked = lockedByParameter || states.includes(true);
  if (!locked) {
    if (registries.length === 0) return unknown('registry', `registry ${name} is neither in this scan nor in the lockedRegistries parameter, so whether it refuses public traffic is unknown`, { registry: name, step });
    const undecided = registries[states.indexOf(undefined)];
    if (undecided) return unknown('registry', `whether registry ${name} refuses public traffic is ${lockUndecidedWhy(undecided)}`, { registry: name, step });
    return pass();
  }
  const registry = registries[states.indexOf(true)] ?? registries[0];
  const pools = registry ? childrenOf(context.inventory, registry, AGENT_POOL).map((candidate) => candidate.name) : [];
  const registryName = registry?.name ?? name;
  const createPool = `Create one in the VNet with \`az acr agentpool create --registry ${registryName} --name <pool> --subnet-id <subnet-id>\`.`;
  const details = { registry: registryName, pools: pools.length ? pools.join(', ') : 'none in this scan', step, createPool };
  if (pool === UNKNOWN) return unknown('agentPoolName', `its --agent-pool is not known before the run (${reasonOf(properties, 'agentPoolName') ?? 'an expression'}); empty, the command runs on the shared pool`, details);
  const opaque = reasonOf(properties, 'arguments');
  if (opaque) return unknown('arguments', `an argument may expand to several words, one of them --agent-pool (${opaque})`, details);
  if (properties['command'] === 'az acr task run') {
    const task = properties['taskName'];
    if (task === UNKNOWN) return unknown('taskName', `its --name is not known before the run (${reasonOf(properties, 'taskName') ?? 'an expression'}), so the task's own agent pool is unknown`, details);
    if (typeof task !== 'string') return unknown('taskName', 'it names no task (--name)', details);
    const tasks = registry ? childrenOf(context.inventory, registry, TASK).filter((candidate) => candidate.name.toLowerCase() === task.toLowerCase()) : [];
    if (tasks.length === 0) return unknown('taskName', `task ${task} of registry ${details.registry} is not in this scan, and without --agent-pool the run uses the task's own pool`, { ...details, task });
    const taskPool = propertiesOf(tasks[0]!)['agentPoolName'];
    if (typeof taskPool === 'string' && taskPool.trim() !== '') return pass();
    if (taskPool === UNKNOWN) return unknown('taskName', `the agent pool of task ${task} is known only after apply`, { ...details, task });
    return fail('properties.agentPoolName', undefined, 'an agent pool (--agent-pool, or on the task)', { ...details, task });
  }
  return fail('properties.agentPoolName', undefined, 'an agent pool (--agent-pool)', details);
};

export default defineCheck({
  name: 'pipelineBuildUsesAgentPool',
  // Pipelines are files, never audited: an audit has no pipeline commands to judge.
  reads: [],
  details: ['createPool', 'pools', 'registry', 'step', 'task'],
  evaluate,
});
