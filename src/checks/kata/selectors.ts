import { wildcardMatch } from '../../engine/glob.js';
import { isPlaceholder, isPlainObject } from '../../model/values.js';
import type { Verdict } from '../../engine/verdict.js';

/**
 * The KATA pack's evaluators: AKS Pod Sandboxing (Kata microVMs) for untrusted workloads, from the node
 * pools of a cluster to the pods that should run in them. Facts: AZURE-FACTS.md, "Kata".
 *
 * Node pools come from every source in one shape (agentPoolProfiles[] on a cluster, managedClusters/
 * agentPools resources); workloads are Kubernetes/Workload resources with one pod-spec path.
 */
export const CLUSTER = 'Microsoft.ContainerService/managedClusters';

export const AGENT_POOL = 'Microsoft.ContainerService/managedClusters/agentPools';

export const KATA_RUNTIME = 'KataVmIsolation';

export const LEGACY_KATA_RUNTIME = 'KataMshvVmIsolation';

export const KATA_RUNTIME_CLASS = 'kata-vm-isolation';

export const LEGACY_KATA_RUNTIME_CLASS = 'kata-mshv-vm-isolation';

// ------------------------------------------------------------------------------------------- verdicts

export function namesOrNone(items: readonly string[]): string {
  return items.length ? [...new Set(items)].join(', ') : 'none';
}

/** `*` matches any run of characters; comparison ignores case (names and tags in Azure do). */
export function globMatch(pattern: string, value: string): boolean {
  // Not a `^.*x.*y$` regex: with several stars it backtracks polynomially on a long name (issue 10, ../glob.ts).
  return wildcardMatch(pattern, value);
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

// ---------------------------------------------------------------------------------------- parameters

export interface ClusterSelector {
  all: boolean;
  tags: Record<string, string>;
  names: string[];
  kataPool: boolean;
}

export interface WorkloadSelector {
  all: boolean;
  namespaces: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  kataRuntimeClass: boolean;
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new Error(`${where} must be a map of key: value`);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asString(item) ?? '*']));
}

export function stringList(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new Error(`${where} must be a list of strings`);
  return value as string[];
}

export function clusterSelectorOf(parameters: Readonly<Record<string, unknown>>): ClusterSelector {
  const raw = parameters['clusterSelector'];
  const value = isPlainObject(raw) ? raw : {};
  return {
    all: value['all'] === true,
    tags: stringMap(value['tags'], 'clusterSelector.tags'),
    names: stringList(value['names'], 'clusterSelector.names'),
    kataPool: value['kataPool'] === true,
  };
}

export function workloadSelectorOf(parameters: Readonly<Record<string, unknown>>): WorkloadSelector {
  const raw = parameters['workloadSelector'];
  const value = isPlainObject(raw) ? raw : {};
  return {
    all: value['all'] === true,
    namespaces: stringList(value['namespaces'], 'workloadSelector.namespaces'),
    labels: stringMap(value['labels'], 'workloadSelector.labels'),
    annotations: stringMap(value['annotations'], 'workloadSelector.annotations'),
    kataRuntimeClass: value['kataRuntimeClass'] === true,
  };
}

/** Verdict-state "any of": pass if one passes, else unknown if one is unknown, else fail. */

export function anyOf(results: readonly Verdict[]): Verdict {
  if (results.includes('pass')) return 'pass';
  return results.includes('unknown') ? 'unknown' : 'fail';
}

/** Does a key: value selector match a label/tag map? A selector value `*` matches any value. */
export function mapMatches(selector: Record<string, string>, map: unknown, caseInsensitiveKeys: boolean): Verdict {
  const entries = Object.entries(selector);
  if (entries.length === 0) return 'fail';
  if (isPlaceholder(map)) return 'unknown';
  if (!isPlainObject(map)) return 'fail';
  const results = entries.map(([key, want]): Verdict => {
    const found = Object.entries(map).find(([candidate]) => (caseInsensitiveKeys ? candidate.toLowerCase() === key.toLowerCase() : candidate === key));
    if (!found) return 'fail';
    if (isPlaceholder(found[1])) return 'unknown';
    const have = asString(found[1]);
    return want === '*' || (have !== undefined && have.toLowerCase() === want.toLowerCase()) ? 'pass' : 'fail';
  });
  return anyOf(results);
}
