import type { FunctionContext } from '../../engine/evaluate.js';
import type { Evaluation } from '../../engine/verdict.js';
import { childrenOf, parentOf } from '../../graph/links.js';
import type { Inventory } from '../../model/inventory.js';
import type { Resource } from '../../model/resource.js';
import { isPlaceholder, isPlainObject, UNKNOWN } from '../../model/values.js';
import { pass, fail, unknown } from '../results.js';
import { AGENT_POOL, KATA_RUNTIME, LEGACY_KATA_RUNTIME, namesOrNone, globMatch, asString, type ClusterSelector, anyOf, mapMatches } from './selectors.js';
import type { Verdict } from '../../engine/verdict.js';
import { notationOf } from '../../model/notation.js';

// ---------------------------------------------------------------------------------------- node pools

export type KataKind = 'ga' | 'legacy' | 'none' | 'unknown';

export interface Pool {
  name: string;
  runtime: unknown;
  osSKU: unknown;
  vmSize: unknown;
  nodeLabels: unknown;
  mode: unknown;
  /** The resource that holds the pool: the cluster (agentPoolProfiles[]) or an agentPools resource. */
  holder: Resource;
  /** ARM path of the pool in its holder, e.g. properties.agentPoolProfiles[0]. */
  path: string;
}

export function kataKind(runtime: unknown): KataKind {
  if (isPlaceholder(runtime)) return 'unknown';
  const value = asString(runtime)?.toLowerCase();
  if (value === KATA_RUNTIME.toLowerCase()) return 'ga';
  if (value === LEGACY_KATA_RUNTIME.toLowerCase()) return 'legacy';
  return 'none';
}

const POOL_ATTRIBUTES: ReadonlyArray<[keyof Pool, string]> = [
  ['runtime', 'workloadRuntime'],
  ['osSKU', 'osSKU'],
  ['vmSize', 'vmSize'],
  ['nodeLabels', 'nodeLabels'],
  ['mode', 'mode'],
];

/**
 * A pool's settings; `path` is where the pool sits in its holder. A value shown as unknown that the input
 * does not set (a plan shows an unset Optional+Computed attribute as known after apply) takes the provider's
 * default (OCIContainer, Ubuntu): absent rather than unknown, or every cluster a create plan makes would be
 * undecidable.
 */
function poolFrom(holder: Resource, name: string, properties: Record<string, unknown>, path: string): Pool {
  const pool: Pool = { name, runtime: undefined, osSKU: undefined, vmSize: undefined, nodeLabels: undefined, mode: undefined, holder, path };
  const notation = notationOf(holder);
  for (const [field, arm] of POOL_ATTRIBUTES) {
    const value = properties[arm];
    (pool as unknown as Record<string, unknown>)[field] = value === UNKNOWN && !notation.isConfigured(holder, `${path}.${arm}`) ? undefined : value;
  }
  return pool;
}

/** A pool whose properties are unknown (a projected-away column, a body known only after apply). */
function unknownPool(holder: Resource, name: string, path: string): Pool {
  return { name, runtime: UNKNOWN, osSKU: UNKNOWN, vmSize: UNKNOWN, nodeLabels: UNKNOWN, mode: UNKNOWN, holder, path };
}

function rawProperties(resource: Resource): unknown {
  return resource.body['properties'];
}

/** Pools written inline on the cluster (agentPoolProfiles[]); `unknown` when the list itself is. */
function profilePools(cluster: Resource): { pools: Pool[]; unknownReason?: string } {
  const properties = rawProperties(cluster);
  if (isPlaceholder(properties)) return { pools: [], unknownReason: `the properties of cluster ${cluster.name} are not in the input` };
  const profiles = isPlainObject(properties) ? properties['agentPoolProfiles'] : undefined;
  if (isPlaceholder(profiles)) return { pools: [], unknownReason: `the node pools of cluster ${cluster.name} are known only after apply` };
  if (!Array.isArray(profiles)) return { pools: [] };
  const pools: Pool[] = [];
  profiles.forEach((profile, index) => {
    const path = `properties.agentPoolProfiles[${index}]`;
    if (!isPlainObject(profile)) {
      pools.push(unknownPool(cluster, `#${index + 1}`, path));
      return;
    }
    pools.push(poolFrom(cluster, asString(profile['name']) ?? `#${index + 1}`, profile, path));
  });
  return { pools };
}

function childPool(child: Resource): Pool {
  const properties = rawProperties(child);
  return isPlainObject(properties) ? poolFrom(child, child.name, properties, 'properties') : unknownPool(child, child.name, 'properties');
}

/** Node pools resources whose cluster cannot be found: any of them may belong to the cluster at hand. */
function unattachedPools(inventory: Inventory, file: string): Resource[] {
  return inventory.cached(`kata-unattached-pools:${file}`, () => inventory.ofType(AGENT_POOL).filter((pool) => pool.source.file === file && parentOf(inventory, pool).links.length === 0));
}

/** Every node pool of a cluster, from agentPoolProfiles[] and agentPools resources (these win by name). */
export function poolsOf(inventory: Inventory, cluster: Resource): { pools: Pool[]; unknownReason?: string } {
  const children = childrenOf(inventory, cluster, AGENT_POOL).map(childPool);
  const childNames = new Set(children.map((pool) => pool.name.toLowerCase()));
  const inline = profilePools(cluster);
  const pools = [...inline.pools.filter((pool) => !childNames.has(pool.name.toLowerCase())), ...children];
  const orphans = unattachedPools(inventory, cluster.source.file);
  const reasons = [
    ...(inline.unknownReason ? [inline.unknownReason] : []),
    ...(orphans.length ? [`node pool ${namesOrNone(orphans.map((pool) => pool.name))} names its cluster by a value known only after apply`] : []),
  ];
  return reasons.length ? { pools, unknownReason: reasons.join('; ') } : { pools };
}

export function describePool(pool: Pool): string {
  const runtime = isPlaceholder(pool.runtime) ? 'runtime known only after apply' : asString(pool.runtime) ?? 'OCIContainer';
  return `${pool.name} (${runtime})`;
}

// -------------------------------------------------------------------------------- cluster designation

export function clusterDesignation(inventory: Inventory, cluster: Resource, selector: ClusterSelector): Verdict {
  if (selector.all) return 'pass';
  const results: Verdict[] = [];
  if (selector.names.some((pattern) => globMatch(pattern, cluster.name))) results.push('pass');
  results.push(mapMatches(selector.tags, cluster.body['tags'], true));
  if (selector.kataPool) {
    const { pools, unknownReason } = poolsOf(inventory, cluster);
    const kinds = pools.map((pool) => kataKind(pool.runtime));
    results.push(kinds.some((kind) => kind === 'ga' || kind === 'legacy') ? 'pass' : kinds.includes('unknown') || unknownReason ? 'unknown' : 'fail');
  }
  return anyOf(results);
}

// ----------------------------------------------------------------------------- Kata pool requirements

/** `Standard_D4s_v5` -> `Dsv5`, `Standard_E8ads_v5` -> `Eadsv5`, `Standard_D4_v3` -> `Dv3`. */
export function vmFamily(vmSize: string): string | undefined {
  const match = /^(?:standard_)?([a-z]+)(\d+)(?:-\d+)?([a-z]*)_v(\d+)$/i.exec(vmSize.trim());
  if (!match) return undefined;
  return `${match[1]!.toUpperCase()}${match[3]!.toLowerCase()}v${match[4]}`;
}

/** The pools a resource holds that KATA-002 judges on it: a cluster's inline pools not also read as resources. */
function poolsHeldBy(inventory: Inventory, resource: Resource): Pool[] {
  if (resource.armType.toLowerCase() === AGENT_POOL.toLowerCase()) return [childPool(resource)];
  const children = new Set(childrenOf(inventory, resource, AGENT_POOL).map((child) => child.name.toLowerCase()));
  return profilePools(resource).pools.filter((pool) => !children.has(pool.name.toLowerCase()));
}

export const AZURE_LINUX = /^(azurelinux\d*|cblmariner)$/i;

type PoolVerdict = { verdict: Verdict; text: string };

/** Runs a per-pool requirement over the Kata pools a resource holds; unknown-runtime pools count only if they fail it. */
export function judgeKataPools(context: FunctionContext, requirement: (pool: Pool) => PoolVerdict, path: string, expected: string): Evaluation {
  const pools = poolsHeldBy(context.inventory, context.resource);
  const failing: string[] = [];
  const undecided: string[] = [];
  for (const pool of pools) {
    const kind = kataKind(pool.runtime);
    if (kind === 'none') continue;
    const result = requirement(pool);
    if (result.verdict === 'pass') continue;
    if (result.verdict === 'fail' && kind !== 'unknown') failing.push(`${pool.name} (${result.text})`);
    else undecided.push(`${pool.name} (${kind === 'unknown' ? 'workload runtime not known' : result.text})`);
  }
  // A pool resource names its cluster in parentId (ARM id or azurerm kubernetes_cluster_id).
  const parent = asString(context.resource.body['parentId'])?.split('/').pop();
  if (failing.length) return fail(path, failing, expected, { pools: namesOrNone(failing), cluster: parent ?? context.resource.name });
  if (undecided.length) return unknown(path, `node pool ${namesOrNone(undecided)} cannot be judged for ${expected}: a value it depends on is known only after apply or not in the input`, { pools: namesOrNone(undecided), cluster: parent ?? context.resource.name });
  return pass();
}
