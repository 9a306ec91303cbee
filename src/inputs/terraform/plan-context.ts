import type { Resource } from '../../model/resource.js';
import { isPlainObject } from '../../model/values.js';
import { graphWork } from '../../graph/work.js';

/**
 * What a plan says about how its resources refer to each other. On a create plan every id is "known after
 * apply", so links (endpoint -> zone, subnet -> route table) can only come from the configuration's
 * references, followed through module outputs and input variables.
 */
export interface ModuleConfig {
  /** Output name -> the references its expression makes. */
  outputs: Map<string, string[]>;
  /** Module call name -> its input expressions' references and the called module's configuration. */
  calls: Map<string, { inputs: Map<string, string[]>; module: ModuleConfig }>;
  /** Resource configuration address (relative to this module) -> its for_each / count references. */
  forEach: Map<string, string[]>;
}

export interface PlanContext {
  file: string;
  root: ModuleConfig;
  byAddress: Map<string, Resource>;
  /** Configuration address (no instance keys) -> its instances. */
  byConfigAddress: Map<string, Resource[]>;
  /**
   * `<parent instance id>|<call name>` -> the call's instances, e.g. `0|net` -> [`module.net["a"]`, `module.net["b"]`]
   * (id 0 is the root module). Look them up with moduleInstancesOf.
   */
  moduleInstances: Map<string, string[]>;
  /** `<parent instance id>|<step>` -> the id of a module instance, e.g. `0|net["a"]` -> 1. */
  moduleInstanceIds: Map<string, number>;
  /** `configuration.module_calls[].source` by call path (`network`, `a.b`): source mapping finds local modules with it. */
  moduleSources?: ReadonlyMap<string, string>;
}

/**
 * Indexes a plan's resources for reference resolution; built once per plan file.
 *
 * Module instances are interned: each gets an id made from its parent's id and its own step, so recording
 * the calls of `module.a.module.b...` costs one step per level. Building every prefix of a module address
 * as a string cost the square of its depth, and a plan can nest modules as deep as it likes.
 */
export function buildPlanContext(file: string, root: ModuleConfig, resources: readonly Resource[], configurationAddress: (address: string) => string): PlanContext {
  const byAddress = new Map<string, Resource>();
  const byConfigAddress = new Map<string, Resource[]>();
  const moduleInstances = new Map<string, string[]>();
  const moduleInstanceIds = new Map<string, number>();
  const seenInstances = new Set<string>();
  for (const resource of resources) {
    const address = resource.source.address!;
    byAddress.set(address, resource);
    const config = configurationAddress(address);
    const list = byConfigAddress.get(config);
    if (list) list.push(resource);
    else byConfigAddress.set(config, [resource]);
    const moduleInstance = moduleInstanceOf(address);
    // Thousands of resources share a module instance: its calls are recorded once.
    if (seenInstances.has(moduleInstance)) continue;
    seenInstances.add(moduleInstance);
    const steps = splitSteps(moduleInstance);
    let parent = 0;
    let end = 0;
    for (let i = 0; i + 1 < steps.length; i += 2) {
      graphWork.steps++;
      const step = steps[i + 1]!;
      // Where this instance's prefix of `moduleInstance` ends: `module` `.` step, after a `.` but for the first.
      end += (i === 0 ? 0 : 1) + steps[i]!.length + 1 + step.length;
      const idKey = `${parent}|${step}`;
      let id = moduleInstanceIds.get(idKey);
      if (id === undefined) {
        id = moduleInstanceIds.size + 1;
        moduleInstanceIds.set(idKey, id);
        // A new instance of the call: slice, not join, so the string costs nothing per level.
        const callKey = `${parent}|${splitKey(step).name}`;
        const calls = moduleInstances.get(callKey);
        if (calls) calls.push(moduleInstance.slice(0, end));
        else moduleInstances.set(callKey, [moduleInstance.slice(0, end)]);
      }
      parent = id;
    }
  }
  return { file, root, byAddress, byConfigAddress, moduleInstances, moduleInstanceIds };
}

/** The instances of call `call` below the module instance `parentInstance` (`''` for the root module). */
export function moduleInstancesOf(context: PlanContext, parentInstance: string, call: string): readonly string[] | undefined {
  let parent = 0;
  if (parentInstance) {
    const steps = splitSteps(parentInstance);
    for (let i = 0; i + 1 < steps.length; i += 2) {
      const id = context.moduleInstanceIds.get(`${parent}|${steps[i + 1]}`);
      if (id === undefined) return undefined;
      parent = id;
    }
  }
  return context.moduleInstances.get(`${parent}|${call}`);
}

function refsOf(expression: unknown): string[] {
  return isPlainObject(expression) && Array.isArray(expression['references']) ? expression['references'].filter((ref): ref is string => typeof ref === 'string') : [];
}

export function readModuleConfig(module: unknown, depth = 0): ModuleConfig {
  const config: ModuleConfig = { outputs: new Map(), calls: new Map(), forEach: new Map() };
  if (!isPlainObject(module) || depth > 50) return config;
  if (isPlainObject(module['outputs'])) {
    for (const [name, output] of Object.entries(module['outputs'])) config.outputs.set(name, isPlainObject(output) ? refsOf(output['expression']) : []);
  }
  if (Array.isArray(module['resources'])) {
    for (const resource of module['resources']) {
      if (!isPlainObject(resource) || typeof resource['address'] !== 'string') continue;
      const refs = [...refsOf(resource['for_each_expression']), ...refsOf(resource['count_expression'])];
      if (refs.length) config.forEach.set(resource['address'], refs);
    }
  }
  if (isPlainObject(module['module_calls'])) {
    for (const [name, call] of Object.entries(module['module_calls'])) {
      if (!isPlainObject(call)) continue;
      const inputs = new Map<string, string[]>();
      if (isPlainObject(call['expressions'])) for (const [input, expression] of Object.entries(call['expressions'])) inputs.set(input, refsOf(expression));
      config.calls.set(name, { inputs, module: readModuleConfig(call['module'], depth + 1) });
    }
  }
  return config;
}

/**
 * Splits an address or reference into its steps: `module.a["x"].azurerm_b.c[0].id` -> module, a["x"], azurerm_b, c[0], id.
 * Reference resolution asks this of the same few hundred references and module instances for every resource:
 * answers are kept (the arrays are shared, so callers must not change them).
 */
const stepsOf = new Map<string, readonly string[]>();
const MAX_KEPT = 100_000;

export function splitSteps(text: string): readonly string[] {
  let steps = stepsOf.get(text);
  if (steps) return steps;
  if (stepsOf.size >= MAX_KEPT) stepsOf.clear();
  stepsOf.set(text, (steps = computeSteps(text)));
  return steps;
}

function computeSteps(text: string): string[] {
  const steps: string[] = [];
  let start = 0;
  let bracket = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) {
      // A quoted key ("a.b", "x\"y") may hold dots, brackets and escaped quotes.
      i++;
      while (i < text.length && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      continue;
    }
    if (code === 0x5b) bracket++;
    else if (code === 0x5d) bracket--;
    else if (code === 0x2e && bracket === 0) {
      steps.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (start < text.length) steps.push(text.slice(start));
  return steps;
}

/** `c[0]` -> { name: 'c', key: '[0]' }. */
export function splitKey(step: string): { name: string; key?: string } {
  const at = step.indexOf('[');
  return at < 0 ? { name: step } : { name: step.slice(0, at), key: step.slice(at) };
}

/** The module instance a resource address lives in: `module.a["x"].azurerm_b.c` -> `module.a["x"]`. */
export function moduleInstanceOf(address: string): string {
  // A scan over the address, with no allocation but the result: every reference resolution asks this.
  let end = 0;
  let at = 0;
  while (address.startsWith('module.', at)) {
    let i = at + 7;
    while (i < address.length && address[i] !== '.' && address[i] !== '[') i++;
    if (i === at + 7) break;
    if (address[i] === '[') {
      // An instance key: [0] or ["a.b"], whose quotes may hold dots, brackets and escaped quotes.
      i++;
      if (address[i] === '"') {
        i++;
        while (i < address.length && address[i] !== '"') i += address[i] === '\\' ? 2 : 1;
        i++;
      }
      while (i < address.length && address[i] !== ']') i++;
      i++;
    }
    if (i > address.length) break;
    end = i;
    if (address[i] !== '.') break;
    at = i + 1;
  }
  return address.slice(0, end);
}

/** Configuration path of module calls: `module.a["x"].module.b` -> ['a', 'b']. Shared arrays, as splitSteps'. */
const callPaths = new Map<string, readonly string[]>();

export function moduleCallPath(moduleInstance: string): readonly string[] {
  if (!moduleInstance) return [];
  let path = callPaths.get(moduleInstance);
  if (path) return path;
  const steps = splitSteps(moduleInstance);
  const names: string[] = [];
  for (let i = 0; i + 1 < steps.length; i += 2) names.push(splitKey(steps[i + 1]!).name);
  if (callPaths.size >= MAX_KEPT) callPaths.clear();
  callPaths.set(moduleInstance, (path = names));
  return path;
}

export function moduleConfigAt(root: ModuleConfig, path: readonly string[]): ModuleConfig | undefined {
  let config: ModuleConfig | undefined = root;
  for (const name of path) config = config?.calls.get(name)?.module;
  return config;
}
