import type { LinkMethod, Resource } from '../../model/resource.js';
import { graphWork } from '../../graph/work.js';
import { moduleCallPath, moduleConfigAt, moduleInstanceOf, moduleInstancesOf, splitKey, splitSteps, type PlanContext } from './plan-context.js';


export interface Resolution {
  targets: Resource[];
  /** The steps taken, e.g. ['module.network.subnet_ids', 'azurerm_subnet.this["snet-endpoints"]']. */
  via: string[];
  method: LinkMethod;
  /** Set when the reference leads nowhere the plan can show (a local value, a root variable). */
  unresolved?: string;
}

const MAX_DEPTH = 20;

/**
 * Terraform lists a reference together with its prefixes (`a.b[0].c`, `a.b[0]`, `a.b`); only the most
 * specific of each chain says what the expression used.
 */
export function mostSpecificReferences(references: readonly string[]): string[] {
  return references.filter((ref) => !references.some((other) => other !== ref && (other.startsWith(`${ref}.`) || other.startsWith(`${ref}[`))));
}

function withinInstance(address: string, moduleInstance: string): boolean {
  return moduleInstanceOf(address) === moduleInstance;
}

/**
 * Configuration block instances per module instance: `module.spoke["a"]|module.spoke.azurerm_subnet.this`.
 * byConfigAddress alone holds a block's instances across every module instance, so filtering it per
 * lookup made a reference inside a for_each'd module cost O(module instances): quadratic over an estate.
 */
const instanceIndexes = new WeakMap<PlanContext, Map<string, Resource[]>>();
function instanceIndex(context: PlanContext): Map<string, Resource[]> {
  let index = instanceIndexes.get(context);
  if (index) return index;
  index = new Map();
  for (const [configAddress, resources] of context.byConfigAddress) {
    for (const resource of resources) {
      const key = `${moduleInstanceOf(resource.source.address!)}|${configAddress}`;
      const list = index.get(key);
      if (list) list.push(resource);
      else index.set(key, [resource]);
    }
  }
  instanceIndexes.set(context, index);
  return index;
}

/** Resources of a configuration block inside one module instance (or all instances of a module call). */
function resourcesAt(context: PlanContext, moduleInstances: readonly string[], configAddress: string, key: string | undefined): Resource[] {
  const out: Resource[] = [];
  const index = instanceIndex(context);
  const keyedName = key !== undefined ? `${configAddress.slice(configAddress.lastIndexOf('.') + 1)}${key}` : undefined;
  for (const moduleInstance of moduleInstances) {
    const configPrefix = moduleCallPath(moduleInstance).map((name) => `module.${name}.`).join('');
    for (const resource of index.get(`${moduleInstance}|${configPrefix}${configAddress}`) ?? []) {
      graphWork.steps++;
      if (!withinInstance(resource.source.address!, moduleInstance)) continue;
      if (keyedName !== undefined && !resource.source.address!.endsWith(keyedName)) continue;
      out.push(resource);
    }
  }
  return out;
}

/**
 * resourcesAt for one module instance, by the address the reference spells when a resource has it
 * (`module.spoke["a"].azurerm_subnet.this["snet-pe"]`, or an unkeyed block's only instance): one lookup
 * instead of a walk over the block's instances.
 */
function resourcesIn(context: PlanContext, moduleInstance: string, configAddress: string, key: string | undefined): Resource[] {
  graphWork.steps++;
  const exact = context.byAddress.get(`${moduleInstance ? `${moduleInstance}.` : ''}${configAddress}${key ?? ''}`);
  return exact ? [exact] : resourcesAt(context, [moduleInstance], configAddress, key);
}

/** All instances of a module call below a module instance: `module.net` and `module.net["a"]`. */
function callInstances(context: PlanContext, parentInstance: string, call: string, key: string | undefined): readonly string[] {
  const prefix = parentInstance ? `${parentInstance}.module.` : 'module.';
  if (key !== undefined) return [`${prefix}${call}${key}`];
  return moduleInstancesOf(context, parentInstance, call) ?? [`${prefix}${call}`];
}

/**
 * Resolves one configuration reference made by the resource at `fromAddress` to the planned resources it
 * names, following module outputs (into a module) and input variables (out of one).
 */
export function resolveReference(context: PlanContext, fromAddress: string, reference: string): Resolution {
  return resolveIn(context, moduleInstanceOf(fromAddress), reference, 0, fromAddress);
}

/**
 * each.* and count.* depend on the referring resource; any other reference only on the module instance it
 * is made in. Thousands of resources ask the same questions (every endpoint of a spoke names the spoke's
 * subnet; every spoke's module input names the same hub zone), so answers are kept per module instance, at
 * every step of a chain, not only the first.
 */
const resolutions = new WeakMap<PlanContext, Map<string, Resolution>>();
/** Chains cut at MAX_DEPTH: an answer that met the cut depends on where the chain started, so it is not kept. */
let chainsCut = 0;

function resolveIn(context: PlanContext, moduleInstance: string, reference: string, depth: number, fromAddress?: string): Resolution {
  if (reference.startsWith('each.') || reference.startsWith('count.')) return resolveStep(context, moduleInstance, reference, depth, fromAddress);
  let cache = resolutions.get(context);
  if (!cache) resolutions.set(context, (cache = new Map()));
  const key = `${moduleInstance}|${reference}`;
  const kept = cache.get(key);
  if (kept) return kept;
  const cutBefore = chainsCut;
  const resolution = resolveStep(context, moduleInstance, reference, depth, fromAddress);
  if (chainsCut === cutBefore) cache.set(key, resolution);
  return resolution;
}

function resolveStep(context: PlanContext, moduleInstance: string, reference: string, depth: number, fromAddress?: string): Resolution {
  if (depth > MAX_DEPTH) {
    chainsCut++;
    return { targets: [], via: [reference], method: 'reference', unresolved: `${reference} (reference chain too deep)` };
  }
  const steps = splitSteps(reference);
  const head = steps[0] ?? '';
  const callPath = moduleCallPath(moduleInstance);
  switch (head) {
    case 'var': {
      const name = steps[1] ?? '';
      if (callPath.length === 0) return { targets: [], via: [reference], method: 'reference', unresolved: `var.${name} (a root module variable: its value is not in the plan)` };
      const parentInstance = splitSteps(moduleInstance).slice(0, -2).join('.');
      const parentConfig = moduleConfigAt(context.root, callPath.slice(0, -1));
      const inputs = parentConfig?.calls.get(callPath[callPath.length - 1]!)?.inputs.get(name) ?? [];
      if (inputs.length === 0) return { targets: [], via: [reference], method: 'module input', unresolved: `var.${name} (module input set from a literal or a local value)` };
      return follow(context, parentInstance, mostSpecificReferences(inputs), depth, reference, 'module input');
    }
    case 'module': {
      const call = splitKey(steps[1] ?? '');
      const output = splitKey(steps[2] ?? '');
      const config = moduleConfigAt(context.root, [...callPath, call.name]);
      const refs = config?.outputs.get(output.name);
      if (!refs) return { targets: [], via: [reference], method: 'module output', unresolved: `${reference} (no such module output in the configuration)` };
      const instances = callInstances(context, moduleInstance, call.name, call.key);
      const results = instances.map((instance) => follow(context, instance, mostSpecificReferences(refs), depth, `module.${call.name}.${output.name}`, 'module output'));
      const merged = merge(results, `module.${call.name}.${output.name}`, 'module output');
      // `module.x.ids["key"]` on a for_each'd resource map: keep the instance with that key when there is one.
      if (output.key) {
        const keyed = merged.targets.filter((target) => target.source.address!.endsWith(output.key!));
        if (keyed.length) return { ...merged, targets: keyed };
      }
      return merged;
    }
    case 'local':
      return { targets: [], via: [reference], method: 'reference', unresolved: `${steps.slice(0, 2).join('.')} (local values are not in the plan's configuration)` };
    case 'each':
    case 'count': {
      if (!fromAddress) return { targets: [], via: [reference], method: 'for_each', unresolved: `${reference}` };
      const own = splitSteps(fromAddress);
      const configAddress = own.slice(callPath.length * 2).map((step) => splitKey(step).name).join('.');
      const refs = moduleConfigAt(context.root, callPath)?.forEach.get(configAddress) ?? [];
      if (!refs.length) return { targets: [], via: [reference], method: 'for_each', unresolved: `${reference} (for_each over a literal or a local value)` };
      return follow(context, moduleInstance, mostSpecificReferences(refs), depth, reference, 'for_each');
    }
    case 'path':
    case 'terraform':
    case 'self':
      return { targets: [], via: [reference], method: 'reference', unresolved: reference };
    case 'data': {
      const type = steps[1] ?? '';
      const { name, key } = splitKey(steps[2] ?? '');
      return { targets: resourcesIn(context, moduleInstance, `data.${type}.${name}`, key), via: [reference], method: 'reference' };
    }
    default: {
      const { name, key } = splitKey(steps[1] ?? '');
      return { targets: resourcesIn(context, moduleInstance, `${head}.${name}`, key), via: [reference], method: 'reference' };
    }
  }
}

function follow(context: PlanContext, moduleInstance: string, references: readonly string[], depth: number, step: string, method: Resolution['method']): Resolution {
  const results = references.map((ref) => resolveIn(context, moduleInstance, ref, depth + 1));
  const merged = merge(results, step, method);
  return merged;
}

function merge(results: Resolution[], step: string, method: Resolution['method']): Resolution {
  const targets = [...new Set(results.flatMap((result) => result.targets))];
  const unresolved = results.filter((result) => result.unresolved).map((result) => result.unresolved!);
  const via = [step, ...(results.find((result) => result.targets.length)?.via ?? results[0]?.via ?? [])];
  return { targets, via, method, ...(targets.length === 0 && unresolved.length ? { unresolved: unresolved.join('; ') } : {}) };
}
