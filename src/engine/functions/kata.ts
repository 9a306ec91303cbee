import type { FunctionContext, RuleFunction } from '../evaluate.js';
import type { Evaluation } from '../verdict.js';
import { childrenOf, parentOf } from '../../graph/links.js';
import type { Inventory } from '../../model/inventory.js';
import type { Resource } from '../../model/resource.js';
import { isPlaceholder, isPlainObject, UNKNOWN } from '../../model/values.js';
import { wildcardMatch } from '../glob.js';
import { pass, fail, unknown } from './results.js';

/**
 * The KATA pack's evaluators: AKS Pod Sandboxing (Kata microVMs) for untrusted workloads, from the node
 * pools of a cluster to the pods that should run in them. Facts: AZURE-FACTS.md, "Kata".
 *
 * Node pools come from every source in one shape (agentPoolProfiles[] on a cluster, managedClusters/
 * agentPools resources); workloads are Kubernetes/Workload resources with one pod-spec path.
 */
const CLUSTER = 'Microsoft.ContainerService/managedClusters';
const AGENT_POOL = 'Microsoft.ContainerService/managedClusters/agentPools';

export const KATA_RUNTIME = 'KataVmIsolation';
export const LEGACY_KATA_RUNTIME = 'KataMshvVmIsolation';
export const KATA_RUNTIME_CLASS = 'kata-vm-isolation';
export const LEGACY_KATA_RUNTIME_CLASS = 'kata-mshv-vm-isolation';

// ------------------------------------------------------------------------------------------- verdicts

function list(items: readonly string[]): string {
  return items.length ? [...new Set(items)].join(', ') : 'none';
}

/** `*` matches any run of characters; comparison ignores case (names and tags in Azure do). */
export function globMatch(pattern: string, value: string): boolean {
  // Not a `^.*x.*y$` regex: with several stars it backtracks polynomially on a long name (issue 10, ../glob.ts).
  return wildcardMatch(pattern, value);
}

function asString(value: unknown): string | undefined {
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

function stringList(value: unknown, where: string): string[] {
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

/** Tri-state "any of": pass if one passes, else unknown if one is unknown, else fail. */
type Tri = 'pass' | 'fail' | 'unknown';
function anyOf(results: readonly Tri[]): Tri {
  if (results.includes('pass')) return 'pass';
  return results.includes('unknown') ? 'unknown' : 'fail';
}

/** Does a key: value selector match a label/tag map? A selector value `*` matches any value. */
function mapMatches(selector: Record<string, string>, map: unknown, caseInsensitiveKeys: boolean): Tri {
  const entries = Object.entries(selector);
  if (entries.length === 0) return 'fail';
  if (isPlaceholder(map)) return 'unknown';
  if (!isPlainObject(map)) return 'fail';
  const results = entries.map(([key, want]): Tri => {
    const found = Object.entries(map).find(([candidate]) => (caseInsensitiveKeys ? candidate.toLowerCase() === key.toLowerCase() : candidate === key));
    if (!found) return 'fail';
    if (isPlaceholder(found[1])) return 'unknown';
    const have = asString(found[1]);
    return want === '*' || (have !== undefined && have.toLowerCase() === want.toLowerCase()) ? 'pass' : 'fail';
  });
  return anyOf(results);
}

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

/**
 * Whether a plan's configuration sets a nested attribute (`default_node_pool[0].workload_runtime`).
 * Terraform shows an unset Optional+Computed attribute as "known after apply"; when the configuration does
 * not set it, the provider default applies (OCIContainer, Ubuntu), so it is absent rather than unknown, or
 * every cluster in every create plan would be undecidable. Without the configuration, assume it is set.
 */
function configuredInPlan(resource: Resource, attribute: string): boolean {
  if (resource.source.kind !== 'plan' || !resource.references) return true;
  for (const key of resource.references.keys()) {
    if (key === attribute || key.startsWith(`${attribute}.`) || key.startsWith(`${attribute}[`)) return true;
    if (attribute.startsWith(`${key}.`) || attribute.startsWith(`${key}[`)) return true;
  }
  return false;
}

const POOL_ATTRIBUTES: ReadonlyArray<[keyof Pool, string, string]> = [
  ['runtime', 'workloadRuntime', 'workload_runtime'],
  ['osSKU', 'osSKU', 'os_sku'],
  ['vmSize', 'vmSize', 'vm_size'],
  ['nodeLabels', 'nodeLabels', 'node_labels'],
  ['mode', 'mode', 'mode'],
];

/** `tfPrefix`: where the pool's attributes sit in an azurerm resource (`default_node_pool[0].`, or `` for a node pool resource). */
function poolFrom(holder: Resource, name: string, properties: Record<string, unknown>, path: string, tfPrefix: string): Pool {
  const pool: Pool = { name, runtime: undefined, osSKU: undefined, vmSize: undefined, nodeLabels: undefined, mode: undefined, holder, path };
  const fromAzurerm = holder.source.dialect === 'azurerm';
  for (const [field, arm, tf] of POOL_ATTRIBUTES) {
    const value = properties[arm];
    (pool as unknown as Record<string, unknown>)[field] = value === UNKNOWN && fromAzurerm && !configuredInPlan(holder, `${tfPrefix}${tf}`) ? undefined : value;
  }
  return pool;
}

/** A pool whose properties are unknown (a projected-away column, a body known only after apply). */
function unknownPool(holder: Resource, name: string, path: string): Pool {
  return { name, runtime: UNKNOWN, osSKU: UNKNOWN, vmSize: UNKNOWN, nodeLabels: UNKNOWN, mode: UNKNOWN, holder, path };
}

function propertiesOf(resource: Resource): unknown {
  return resource.body['properties'];
}

/** Pools written inline on the cluster (agentPoolProfiles[]); `unknown` when the list itself is. */
function profilePools(cluster: Resource): { pools: Pool[]; unknownReason?: string } {
  const properties = propertiesOf(cluster);
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
    pools.push(poolFrom(cluster, asString(profile['name']) ?? `#${index + 1}`, profile, path, `default_node_pool[${index}].`));
  });
  return { pools };
}

function childPool(child: Resource): Pool {
  const properties = propertiesOf(child);
  return isPlainObject(properties) ? poolFrom(child, child.name, properties, 'properties', '') : unknownPool(child, child.name, 'properties');
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
    ...(orphans.length ? [`node pool ${list(orphans.map((pool) => pool.name))} names its cluster by a value known only after apply`] : []),
  ];
  return reasons.length ? { pools, unknownReason: reasons.join('; ') } : { pools };
}

function describePool(pool: Pool): string {
  const runtime = isPlaceholder(pool.runtime) ? 'runtime known only after apply' : asString(pool.runtime) ?? 'OCIContainer';
  return `${pool.name} (${runtime})`;
}

// -------------------------------------------------------------------------------- cluster designation

function clusterDesignation(inventory: Inventory, cluster: Resource, selector: ClusterSelector): Tri {
  if (selector.all) return 'pass';
  const results: Tri[] = [];
  if (selector.names.some((pattern) => globMatch(pattern, cluster.name))) results.push('pass');
  results.push(mapMatches(selector.tags, cluster.body['tags'], true));
  if (selector.kataPool) {
    const { pools, unknownReason } = poolsOf(inventory, cluster);
    const kinds = pools.map((pool) => kataKind(pool.runtime));
    results.push(kinds.some((kind) => kind === 'ga' || kind === 'legacy') ? 'pass' : kinds.includes('unknown') || unknownReason ? 'unknown' : 'fail');
  }
  return anyOf(results);
}

/** `where` of the cluster checks: the cluster is designated for untrusted workloads (clusterSelector). */
export const clusterHostsUntrustedWorkloads: RuleFunction = (context) => {
  const verdict = clusterDesignation(context.inventory, context.resource, clusterSelectorOf(context.parameters));
  if (verdict === 'unknown') return unknown('tags', 'whether the cluster is designated for untrusted workloads (its tags or node pools) is known only after apply');
  return verdict === 'pass' ? pass() : fail('tags', context.resource.body['tags'], 'a cluster selected by clusterSelector', {});
};

/** AZF-KATA-001: a designated cluster has a Kata node pool (legacy runtime accepted here). */
export const clusterHasKataPool: RuleFunction = (context) => {
  const { pools, unknownReason } = poolsOf(context.inventory, context.resource);
  const details = { pools: list(pools.map(describePool)) };
  const kinds = pools.map((pool) => kataKind(pool.runtime));
  if (kinds.some((kind) => kind === 'ga' || kind === 'legacy')) return pass();
  const undecided = pools.filter((pool) => kataKind(pool.runtime) === 'unknown').map((pool) => pool.name);
  if (undecided.length) return unknown('workloadRuntime', `the workload runtime of node pool ${list(undecided)} is not known (known only after apply, or not in the input)`, details);
  if (unknownReason) return unknown('agentPoolProfiles', unknownReason, details);
  return fail('properties.agentPoolProfiles[*].workloadRuntime', pools.map((pool) => pool.runtime ?? 'OCIContainer'), `a node pool with workloadRuntime ${KATA_RUNTIME}`, details);
};

/** AZF-KATA-001 (low): Kata pools use the GA runtime, not the preview KataMshvVmIsolation. */
export const clusterKataPoolNotLegacy: RuleFunction = (context) => {
  const { pools } = poolsOf(context.inventory, context.resource);
  const legacy = pools.filter((pool) => kataKind(pool.runtime) === 'legacy').map((pool) => pool.name);
  // A runtime not yet known is reported once, by the first check (clusterHasKataPool), not twice.
  if (legacy.length) return fail('properties.agentPoolProfiles[*].workloadRuntime', LEGACY_KATA_RUNTIME, KATA_RUNTIME, { legacyPools: list(legacy) });
  return pass();
};

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

const AZURE_LINUX = /^(azurelinux\d*|cblmariner)$/i;

type PoolVerdict = { verdict: Tri; text: string };

/** Runs a per-pool requirement over the Kata pools a resource holds; unknown-runtime pools count only if they fail it. */
function judgeKataPools(context: FunctionContext, requirement: (pool: Pool) => PoolVerdict, path: string, expected: string): Evaluation {
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
  if (failing.length) return fail(path, failing, expected, { pools: list(failing), cluster: parent ?? context.resource.name });
  if (undecided.length) return unknown(path, `node pool ${list(undecided)} cannot be judged for ${expected}: a value it depends on is known only after apply or not in the input`, { pools: list(undecided) });
  return pass();
}

/** AZF-KATA-002: Kata node pools run Azure Linux. */
export const kataPoolOnAzureLinux: RuleFunction = (context) =>
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

/** AZF-KATA-002: Kata node pools use a Generation 2 VM size with nested virtualization (kataVmFamilies). */
export const kataPoolOnNestedVirtSize: RuleFunction = (context) => {
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
  return result.details ? { ...result, details: { ...result.details, families: list(configured) } } : result;
};

// ------------------------------------------------------------------------------------------ workloads

type Style = 'camel' | 'snake';

/** kubernetes_* resources (except kubernetes_manifest) name fields in snake_case blocks. */
function styleOf(resource: Resource): Style {
  return resource.source.dialect === 'azurerm' && resource.source.terraformType !== 'kubernetes_manifest' ? 'snake' : 'camel';
}

const TF_BLOCKS = new Set(['securityContext', 'capabilities', 'seccompProfile', 'hostPath', 'resources', 'affinity', 'nodeAffinity']);
const TF_RENAMES: Record<string, string> = { containers: 'container', initContainers: 'init_container', ephemeralContainers: 'ephemeral_container', volumes: 'volume' };

/** A pod-spec field as the user wrote it: `securityContext.privileged` or `security_context[0].privileged`. */
export function fieldName(style: Style, path: string): string {
  if (style === 'camel') return path;
  return path
    .split('.')
    .map((segment) => {
      const snake = TF_RENAMES[segment] ?? segment.replace(/([a-z0-9])([A-Z]+)/g, '$1_$2').toLowerCase();
      return TF_BLOCKS.has(segment) ? `${snake}[0]` : snake;
    })
    .join('.');
}

/** Where the pod spec sits in what the user edits, for messages and remediation. */
function podSpecPath(resource: Resource, kind: string): string {
  const manifestPaths: Record<string, string> = { Pod: 'spec', CronJob: 'spec.jobTemplate.spec.template.spec' };
  const terraformPaths: Record<string, string> = { Pod: 'spec[0]', CronJob: 'spec[0].job_template[0].spec[0].template[0].spec[0]' };
  if (resource.source.terraformType === 'kubernetes_manifest') return `manifest.${manifestPaths[kind] ?? 'spec.template.spec'}`;
  return styleOf(resource) === 'snake' ? terraformPaths[kind] ?? 'spec[0].template[0].spec[0]' : manifestPaths[kind] ?? 'spec.template.spec';
}

interface Container {
  label: string;
  /** Where the container is in the pod spec as the user wrote it: `containers[0]`, `init_container[1]`. */
  path: string;
  /** The container object, or UNKNOWN. */
  value: unknown;
}

interface WorkloadView {
  kind: string;
  spec: Record<string, unknown> | typeof UNKNOWN;
  containers: Container[];
  /** A container list known only after apply: some container cannot be judged. */
  containersUnknown: boolean;
  style: Style;
  details: Record<string, string>;
}

function get(value: unknown, ...path: string[]): unknown {
  let node = value;
  for (const key of path) {
    if (isPlaceholder(node)) return node;
    node = isPlainObject(node) ? node[key] : undefined;
  }
  return node;
}

function workloadView(context: FunctionContext): WorkloadView {
  const { resource } = context;
  const kind = asString(resource.body['kind']) ?? 'workload';
  const rawSpec = get(resource.body, 'properties', 'podSpec');
  const spec = isPlainObject(rawSpec) ? rawSpec : isPlaceholder(rawSpec) ? UNKNOWN : {};
  const containers: Container[] = [];
  let containersUnknown = false;
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    const members = get(spec, list);
    if (isPlaceholder(members)) containersUnknown = true;
    if (!Array.isArray(members)) continue;
    members.forEach((member, index) => {
      const name = asString(get(member, 'name'));
      containers.push({ label: name ? `container ${name}` : `${list}[${index}]`, path: `${fieldName(styleOf(resource), list)}[${index}]`, value: member });
    });
  }
  // suggestedSelector is refined by the pool-selection check when the scan names the Kata pool.
  const details = { kind, podSpec: podSpecPath(resource, kind), suggestedSelector: 'kubernetes.azure.com/agentpool: <kata pool>' };
  return { kind, spec, containers, containersUnknown, style: styleOf(resource), details };
}

/** Collects problems and undecidable points over a workload; any problem fails, else any undecided is unknown. */
function judgeWorkload(context: FunctionContext, path: string, expected: string, collect: (view: WorkloadView, problem: (text: string) => void, undecided: (text: string) => void) => void): Evaluation {
  const view = workloadView(context);
  const problems: string[] = [];
  const undecided: string[] = [];
  if (view.spec === UNKNOWN) undecided.push('the pod spec');
  else collect(view, (text) => problems.push(text), (text) => undecided.push(text));
  if (problems.length) return fail(path, problems, expected, { ...view.details, violations: problems.join('; ') });
  if (undecided.length) {
    const why = context.resource.source.kind === 'manifest' ? 'a placeholder filled in at deploy time' : 'known only after apply';
    // Several checks read the same workload: naming what was being checked keeps their messages apart.
    return unknown(path, `${list(undecided)} ${undecided.length === 1 ? 'is' : 'are'} ${why} (needed to check ${expected})`, view.details);
  }
  return pass();
}

// ------------------------------------------------------------------------------ untrusted workloads

/** `where` of the workload checks: the workload is untrusted (workloadSelector). */
export const workloadIsUntrusted: RuleFunction = (context) => {
  const selector = workloadSelectorOf(context.parameters);
  const { body } = context.resource;
  const results: Tri[] = [];
  if (selector.all) results.push('pass');
  if (selector.kataRuntimeClass) {
    const runtimeClass = get(body, 'properties', 'podSpec', 'runtimeClassName');
    results.push(isPlaceholder(runtimeClass) ? 'unknown' : /^kata/i.test(asString(runtimeClass) ?? '') ? 'pass' : 'fail');
  }
  const namespace = get(body, 'metadata', 'namespace');
  if (selector.namespaces.length) {
    results.push(isPlaceholder(namespace) ? 'unknown' : selector.namespaces.some((pattern) => globMatch(pattern, asString(namespace) ?? 'default')) ? 'pass' : 'fail');
  }
  results.push(mapMatches(selector.labels, get(body, 'metadata', 'labels'), false));
  results.push(mapMatches(selector.labels, get(body, 'properties', 'podLabels'), false));
  results.push(mapMatches(selector.annotations, get(body, 'metadata', 'annotations'), false));
  const verdict = anyOf(results);
  if (verdict === 'unknown') return unknown('metadata', 'whether the workload is untrusted (its namespace, labels or runtime class) is not known');
  return verdict === 'pass' ? pass() : fail('metadata', namespace, 'a workload selected by workloadSelector', {});
};

/** AZF-KATA-003: the pod runs in a Kata microVM (runtimeClassName kata-vm-isolation; the legacy class is accepted here). */
export const workloadUsesKataRuntimeClass: RuleFunction = (context) =>
  judgeWorkload(context, 'properties.podSpec.runtimeClassName', `runtimeClassName ${KATA_RUNTIME_CLASS}`, (view, problem, undecided) => {
    const field = fieldName(view.style, 'runtimeClassName');
    const value = get(view.spec, 'runtimeClassName');
    if (isPlaceholder(value)) return undecided(field);
    const name = asString(value);
    if (name === KATA_RUNTIME_CLASS || name === LEGACY_KATA_RUNTIME_CLASS) return;
    problem(name ? `${field} is ${name}, not ${KATA_RUNTIME_CLASS}` : `${field} is not set, so it runs in a shared-kernel container (runc)`);
  });

/** AZF-KATA-003 (low): the runtime class is the GA one, not the preview kata-mshv-vm-isolation. */
export const workloadRuntimeClassNotLegacy: RuleFunction = (context) =>
  judgeWorkload(context, 'properties.podSpec.runtimeClassName', `runtimeClassName ${KATA_RUNTIME_CLASS}`, (view, problem) => {
    const field = fieldName(view.style, 'runtimeClassName');
    const value = get(view.spec, 'runtimeClassName');
    // A runtime class not yet known is reported once, by workloadUsesKataRuntimeClass.
    if (isPlaceholder(value)) return;
    if (asString(value) === LEGACY_KATA_RUNTIME_CLASS) problem(`${field} is the preview class ${LEGACY_KATA_RUNTIME_CLASS}; use ${KATA_RUNTIME_CLASS}`);
  });

/** `where` of the pool-selection check: only a scan that holds a cluster can say which pools exist. */
export const clusterInScan: RuleFunction = (context) =>
  context.inventory.ofType(CLUSTER).length > 0 ? pass() : fail('clusters', [], 'an AKS cluster in the scan', {});

/** The labels AKS puts on a pool's nodes, plus its nodeLabels; `open` when nodeLabels is not known. */
function nodeLabelsOf(pool: Pool): { labels: Map<string, string>; open: boolean } {
  const labels = new Map<string, string>([
    ['kubernetes.azure.com/agentpool', pool.name],
    ['agentpool', pool.name],
  ]);
  const mode = asString(pool.mode);
  if (mode) labels.set('kubernetes.azure.com/mode', mode.toLowerCase());
  const sku = asString(pool.osSKU);
  if (sku) labels.set('kubernetes.azure.com/os-sku', sku);
  const size = asString(pool.vmSize);
  if (size) {
    labels.set('node.kubernetes.io/instance-type', size);
    labels.set('beta.kubernetes.io/instance-type', size);
  }
  if (!/^windows/i.test(sku ?? '')) labels.set('kubernetes.io/os', 'linux');
  let open = isPlaceholder(pool.nodeLabels);
  if (isPlainObject(pool.nodeLabels)) {
    for (const [key, value] of Object.entries(pool.nodeLabels)) {
      if (isPlaceholder(value)) open = true;
      else labels.set(key, asString(value) ?? '');
    }
  }
  return { labels, open };
}

function allOf(results: readonly Tri[]): Tri {
  if (results.includes('fail')) return 'fail';
  return results.includes('unknown') ? 'unknown' : 'pass';
}

function matchRequirement(node: { labels: Map<string, string>; open: boolean }, key: string, operator: string, values: unknown): Tri {
  if (isPlaceholder(values)) return 'unknown';
  const wanted = Array.isArray(values) ? values.map((value) => (isPlaceholder(value) ? undefined : asString(value))) : [];
  if (wanted.includes(undefined) && Array.isArray(values) && values.some(isPlaceholder)) return 'unknown';
  const present = node.labels.has(key);
  if (!present && node.open) return 'unknown';
  const value = node.labels.get(key);
  switch (operator) {
    case 'In':
      return present && wanted.includes(value) ? 'pass' : 'fail';
    case 'NotIn':
      return !present || !wanted.includes(value) ? 'pass' : 'fail';
    case 'Exists':
      return present ? 'pass' : 'fail';
    case 'DoesNotExist':
      return present ? 'fail' : 'pass';
    case 'Gt':
    case 'Lt': {
      const have = Number(value);
      const bound = Number(wanted[0]);
      if (!present || Number.isNaN(have) || Number.isNaN(bound)) return 'fail';
      return (operator === 'Gt' ? have > bound : have < bound) ? 'pass' : 'fail';
    }
    default:
      return 'fail';
  }
}

/** Can the pod's nodeSelector and required node affinity schedule it on this pool? */
function podMatchesPool(pool: Pool, nodeSelector: Record<string, unknown>, terms: unknown[]): Tri {
  const node = nodeLabelsOf(pool);
  const selectorResults = Object.entries(nodeSelector).map(([key, value]) => (isPlaceholder(value) ? 'unknown' : matchRequirement(node, key, 'In', [value])));
  const termResults = terms.map((term): Tri => {
    if (isPlaceholder(term)) return 'unknown';
    const expressions = get(term, 'matchExpressions');
    if (isPlaceholder(expressions)) return 'unknown';
    if (!Array.isArray(expressions) || expressions.length === 0) return 'pass';
    return allOf(
      expressions.map((expression): Tri => {
        if (isPlaceholder(expression)) return 'unknown';
        const key = get(expression, 'key');
        const operator = get(expression, 'operator');
        if (isPlaceholder(key) || isPlaceholder(operator)) return 'unknown';
        return matchRequirement(node, asString(key) ?? '', asString(operator) ?? '', get(expression, 'values'));
      }),
    );
  });
  return allOf([...selectorResults, ...(terms.length ? [anyOf(termResults)] : [])]);
}

function describeSelection(nodeSelector: Record<string, unknown>, terms: unknown[]): string {
  const parts = Object.entries(nodeSelector).map(([key, value]) => `${key}=${asString(value) ?? '?'}`);
  if (terms.length) parts.push(`${terms.length} required node affinity term${terms.length === 1 ? '' : 's'}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** AZF-KATA-003: when the scan holds the cluster, the pod's node selection lands it on Kata pools only. */
export const workloadSelectsKataPool: RuleFunction = (context) => {
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
  const rawSelector = get(view.spec, 'nodeSelector');
  const rawTerms = get(view.spec, 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms');
  const selectorField = fieldName(view.style, 'nodeSelector');
  if (isPlaceholder(rawSelector) || isPlaceholder(rawTerms)) return unknown('properties.podSpec.nodeSelector', `the pod's ${selectorField} or node affinity is not known`, view.details);
  const nodeSelector = isPlainObject(rawSelector) ? rawSelector : {};
  const terms = Array.isArray(rawTerms) ? rawTerms : [];
  const kataPools = pools.filter((pool) => ['ga', 'legacy'].includes(kataKind(pool.runtime))).map((pool) => pool.name);
  const details: Record<string, string> = {
    ...view.details,
    clusters: list(candidates.map((cluster) => cluster.name)),
    kataPools: list(kataPools),
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
    const problem = `${how} non-Kata node pool ${list(nonKata.map(describePool))} of ${details['clusters']}; Kata pools: ${details['kataPools']}`;
    return fail('properties.podSpec.nodeSelector', details['selection'], `a node selection that matches only Kata pools (${details['kataPools']})`, { ...details, problem });
  }
  const undecidedRuntime = matched.filter((pool) => kataKind(pool.runtime) === 'unknown');
  if (maybe.length || undecidedRuntime.length) {
    return unknown('properties.podSpec.nodeSelector', `whether node pool ${list([...maybe, ...undecidedRuntime].map((pool) => pool.name))} matches the pod's node selection and runs Kata is known only after apply`, details);
  }
  if (matched.length === 0) {
    if (openReasons.length) return unknown('properties.podSpec.nodeSelector', openReasons.join('; '), details);
    const problem = `its node selection (${details['selection']}) matches no node pool of ${details['clusters']} (pools: ${list(pools.map(describePool))}), so it cannot be scheduled`;
    return fail('properties.podSpec.nodeSelector', details['selection'], `a node selection that matches a Kata pool (${details['kataPools']})`, { ...details, problem });
  }
  return pass();
};

// --------------------------------------------------------------------------- settings that undo a sandbox

function each(view: WorkloadView, undecided: (text: string) => void, visit: (container: Container, value: Record<string, unknown>) => void): void {
  if (view.containersUnknown) undecided(`the ${fieldName(view.style, 'containers')} list`);
  for (const container of view.containers) {
    if (!isPlainObject(container.value)) undecided(container.label);
    else visit(container, container.value);
  }
}

/** Capabilities a restricted pod may add (Kubernetes Pod Security Standards, restricted). */
const HARMLESS_CAPABILITIES = new Set(['NET_BIND_SERVICE']);

/** A pod-spec field by its full path as the user wrote it: `spec.template.spec.containers[0].securityContext.privileged`. */
function at(view: WorkloadView, field: string): string {
  return `${view.details['podSpec']}.${field}`;
}

/** A container's field by full path, with the container's name for the reader. */
function inContainer(view: WorkloadView, container: Container, field: string): string {
  return `${at(view, `${container.path}.${fieldName(view.style, field)}`)}`;
}

function named(container: Container): string {
  return container.label.startsWith('container ') ? ` (${container.label})` : '';
}

type Collect = (view: WorkloadView, problem: (text: string) => void, undecided: (text: string) => void) => void;

/** Privileged containers, privilege escalation, added capabilities. */
const privileges: Collect = (view, problem, undecided) =>
  each(view, undecided, (container, value) => {
    const field = (path: string) => inContainer(view, container, `securityContext.${path}`);
    const privileged = get(value, 'securityContext', 'privileged');
    if (isPlaceholder(privileged)) undecided(field('privileged'));
    else if (privileged === true) problem(`${field('privileged')} is true${named(container)}`);
    const escalation = get(value, 'securityContext', 'allowPrivilegeEscalation');
    if (isPlaceholder(escalation)) undecided(field('allowPrivilegeEscalation'));
    else if (escalation === true) problem(`${field('allowPrivilegeEscalation')} is true${named(container)}`);
    else if (escalation !== false) problem(`${field('allowPrivilegeEscalation')} is not set (it defaults to true)${named(container)}`);
    const added = get(value, 'securityContext', 'capabilities', 'add');
    if (isPlaceholder(added)) undecided(field('capabilities.add'));
    else if (Array.isArray(added)) {
      const risky = added.map((capability) => (isPlaceholder(capability) ? '(known only after apply)' : asString(capability) ?? '')).filter((capability) => !HARMLESS_CAPABILITIES.has(capability.toUpperCase().replace(/^CAP_/, '')));
      if (risky.length) problem(`${field('capabilities.add')} adds ${risky.join(', ')}${named(container)}`);
    }
  });

/** Host PID, IPC and network namespaces. */
const hostNamespaces: Collect = (view, problem, undecided) => {
  for (const field of ['hostPID', 'hostIPC', 'hostNetwork']) {
    const value = get(view.spec, field);
    if (isPlaceholder(value)) undecided(at(view, fieldName(view.style, field)));
    else if (value === true) problem(`${at(view, fieldName(view.style, field))} is true`);
  }
};

const RUNTIME_SOCKET = /(^|\/)(docker|containerd|crio|cri-dockerd)\.sock$|^\/var\/run\/?$|^\/run\/?$|^\/var\/run\/docker\/?$/;

/** hostPath volumes (the container runtime socket, /dev/kvm and /dev/fuse named) and KVM or FUSE device requests. */
const hostMounts: Collect = (view, problem, undecided) => {
  const volumes = get(view.spec, 'volumes');
  if (isPlaceholder(volumes)) undecided(at(view, fieldName(view.style, 'volumes')));
  if (Array.isArray(volumes)) {
    volumes.forEach((volume, index) => {
      const volumePath = at(view, `${fieldName(view.style, 'volumes')}[${index}]`);
      const name = asString(get(volume, 'name'));
      const label = name ? ` (volume ${name})` : '';
      if (isPlaceholder(volume)) return undecided(volumePath);
      const hostPath = get(volume, 'hostPath');
      if (hostPath === undefined || hostPath === null) return;
      const field = `${volumePath}.${fieldName(view.style, 'hostPath')}`;
      const path = get(hostPath, 'path');
      if (isPlaceholder(path)) return undecided(`${field}.path`);
      const where = asString(path) ?? '';
      if (RUNTIME_SOCKET.test(where)) problem(`${field} mounts the container runtime socket ${where}, which controls every container on the node${label}`);
      else if (/^\/dev\/kvm$/.test(where)) problem(`${field} passes /dev/kvm through${label}`);
      else if (/^\/dev\/fuse$/.test(where)) problem(`${field} passes /dev/fuse through${label}`);
      else problem(`${field} mounts the host path ${where}${label}`);
    });
  }
  each(view, undecided, (container, value) => {
    for (const kind of ['limits', 'requests']) {
      const resources = get(value, 'resources', kind);
      if (!isPlainObject(resources)) continue;
      for (const key of Object.keys(resources)) {
        if (/kvm|fuse/i.test(key)) problem(`${inContainer(view, container, `resources.${kind}`)} requests the device ${key}${named(container)}`);
      }
    }
  });
};

const CONFINED_SECCOMP = new Set(['runtimedefault', 'localhost']);

/** Every container runs under a seccomp profile (RuntimeDefault or Localhost), set on it or on the pod. */
const seccomp: Collect = (view, problem, undecided) => {
  const podProfile = get(view.spec, 'securityContext', 'seccompProfile', 'type');
  each(view, undecided, (container, value) => {
    const own = get(value, 'securityContext', 'seccompProfile', 'type');
    const effective = own === undefined || own === null ? podProfile : own;
    const field = inContainer(view, container, 'securityContext.seccompProfile.type');
    if (isPlaceholder(effective)) return undecided(field);
    const type = asString(effective);
    if (type && CONFINED_SECCOMP.has(type.toLowerCase())) return;
    problem(type ? `${field} is ${type}${named(container)}` : `${field} is not set on the container or the pod, so it runs Unconfined${named(container)}`);
  });
};

function userId(value: unknown): number | undefined {
  const text = asString(value);
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text) : undefined;
}

/** Every container runs as non-root (runAsNonRoot true, or a non-zero runAsUser), set on it or on the pod. */
const nonRoot: Collect = (view, problem, undecided) => {
  const podNonRoot = get(view.spec, 'securityContext', 'runAsNonRoot');
  const podUser = get(view.spec, 'securityContext', 'runAsUser');
  each(view, undecided, (container, value) => {
    const ownNonRoot = get(value, 'securityContext', 'runAsNonRoot');
    const ownUser = get(value, 'securityContext', 'runAsUser');
    const nonRootValue = ownNonRoot === undefined || ownNonRoot === null ? podNonRoot : ownNonRoot;
    const user = ownUser === undefined || ownUser === null ? podUser : ownUser;
    const nonRootField = inContainer(view, container, 'securityContext.runAsNonRoot');
    if (userId(user) === 0) return problem(`${inContainer(view, container, 'securityContext.runAsUser')} is 0 (root)${named(container)}`);
    if (nonRootValue === true || (userId(user) ?? 0) > 0) return;
    if (isPlaceholder(nonRootValue) || isPlaceholder(user)) return undecided(nonRootField);
    problem(nonRootValue === false ? `${nonRootField} is false${named(container)}` : `${nonRootField} is not set (on the container or the pod)${named(container)}`);
  });
};

/**
 * AZF-KATA-004: the pod undoes none of its sandbox. Every setting that does is listed in one finding, each
 * by its path, so a pod is one alert per rule in code scanning however many settings it gets wrong.
 */
export const podKeepsSandbox: RuleFunction = (context) =>
  judgeWorkload(context, 'properties.podSpec', 'no privileged or escalating containers, no added capabilities, no host namespaces or hostPath volumes, seccomp RuntimeDefault and runAsNonRoot', (view, problem, undecided) => {
    for (const collect of [privileges, hostNamespaces, hostMounts, seccomp, nonRoot]) collect(view, problem, undecided);
  });

// ---------------------------------------------------------------------------------- image provenance

export interface ImageReference {
  registry: string;
  name: string;
  tag?: string;
  digest?: string;
}

/** `nginx` -> docker.io/nginx (untagged); `myacr.azurecr.io/agents/gw:1.2@sha256:...` -> registry, tag and digest. */
export function parseImage(reference: string): ImageReference {
  const [namePart = '', digest] = reference.trim().split('@');
  const slash = namePart.lastIndexOf('/');
  const colon = namePart.lastIndexOf(':');
  const tag = colon > slash ? namePart.slice(colon + 1) : undefined;
  const name = colon > slash ? namePart.slice(0, colon) : namePart;
  const first = name.split('/')[0] ?? '';
  const registry = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
  return { registry: registry.toLowerCase(), name, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

function eachImage(view: WorkloadView, undecided: (text: string) => void, visit: (container: Container, image: string) => void): void {
  each(view, undecided, (container, value) => {
    const image = get(value, 'image');
    if (isPlaceholder(image)) return undecided(`${container.label}: image`);
    const text = asString(image);
    if (text) visit(container, text);
  });
}

/** AZF-KATA-005: images are pinned: a digest, or a tag other than latest. */
export const imagesPinned: RuleFunction = (context) =>
  judgeWorkload(context, 'properties.podSpec.containers[*].image', 'an image pinned by digest or a version tag', (view, problem, undecided) =>
    eachImage(view, undecided, (container, image) => {
      const parsed = parseImage(image);
      if (parsed.digest) return;
      if (!parsed.tag) problem(`${container.label}: image ${image} has no tag, so it pulls :latest`);
      else if (parsed.tag.toLowerCase() === 'latest') problem(`${container.label}: image ${image} uses the mutable tag :latest`);
    }),
  );

/** An entry is a login server (`myacr.azurecr.io`, `*.azurecr.io`) or a repository prefix (`myacr.azurecr.io/agents`). */
function approved(image: ImageReference, entries: readonly string[]): boolean {
  const name = image.name.includes('/') && image.registry !== 'docker.io' ? image.name.toLowerCase() : `docker.io/${image.name.toLowerCase()}`;
  return entries.some((entry) => {
    const wanted = entry.toLowerCase().replace(/\/+$/, '');
    if (wanted.includes('/')) return name === wanted || name.startsWith(`${wanted}/`);
    return globMatch(wanted, image.registry);
  });
}

/** AZF-KATA-005: images come from an approved registry (approvedRegistries; none configured: not checked). */
export const imagesFromApprovedRegistries: RuleFunction = (context) => {
  const entries = stringList(context.parameters['approvedRegistries'], 'approvedRegistries');
  if (entries.length === 0) return pass();
  const result = judgeWorkload(context, 'properties.podSpec.containers[*].image', `an image from ${entries.join(', ')}`, (view, problem, undecided) =>
    eachImage(view, undecided, (container, image) => {
      const parsed = parseImage(image);
      if (!approved(parsed, entries)) problem(`${container.label}: image ${image} comes from ${parsed.registry}`);
    }),
  );
  return result.details ? { ...result, details: { ...result.details, approvedRegistries: entries.join(', ') } } : result;
};

export const KATA_FUNCTIONS: ReadonlyMap<string, RuleFunction> = new Map<string, RuleFunction>([
  ['clusterHostsUntrustedWorkloads', clusterHostsUntrustedWorkloads],
  ['clusterHasKataPool', clusterHasKataPool],
  ['clusterKataPoolNotLegacy', clusterKataPoolNotLegacy],
  ['kataPoolOnAzureLinux', kataPoolOnAzureLinux],
  ['kataPoolOnNestedVirtSize', kataPoolOnNestedVirtSize],
  ['workloadIsUntrusted', workloadIsUntrusted],
  ['workloadUsesKataRuntimeClass', workloadUsesKataRuntimeClass],
  ['workloadRuntimeClassNotLegacy', workloadRuntimeClassNotLegacy],
  ['clusterInScan', clusterInScan],
  ['workloadSelectsKataPool', workloadSelectsKataPool],
  ['podKeepsSandbox', podKeepsSandbox],
  ['imagesPinned', imagesPinned],
  ['imagesFromApprovedRegistries', imagesFromApprovedRegistries],
]);

