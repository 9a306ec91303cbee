import type { FunctionContext } from '../../engine/evaluate.js';
import type { Evaluation } from '../../engine/verdict.js';
import { notationOf, openBecause } from '../../model/notation.js';
import type { Resource } from '../../model/resource.js';
import { isPlaceholder, isPlainObject, UNKNOWN } from '../../model/values.js';
import { pass, fail, unknown } from '../results.js';
import type { Pool } from './node-pools.js';
import { namesOrNone, asString, anyOf } from './selectors.js';
import type { Verdict } from '../../engine/verdict.js';

// ------------------------------------------------------------------------------------------ workloads

/**
 * How the user writes a pod-spec field, relative to the pod spec (`securityContext.privileged`, or
 * `security_context[0].privileged` in the kubernetes provider's blocks), and where the pod spec sits.
 */
function spelling(resource: Resource): { podSpec: string; field: (relative: string) => string } {
  const notation = notationOf(resource);
  const podSpec = notation.spell(resource, 'properties.podSpec');
  return { podSpec, field: (relative) => notation.spell(resource, `properties.podSpec.${relative}`).slice(podSpec.length + 1) };
}

export interface Container {
  label: string;
  /** Where the container is in the pod spec as the user wrote it: `containers[0]`, `init_container[1]`. */
  path: string;
  /** The container object, or UNKNOWN. */
  value: unknown;
}

export interface WorkloadView {
  kind: string;
  spec: Record<string, unknown> | typeof UNKNOWN;
  containers: Container[];
  /** A container list known only after apply: some container cannot be judged. */
  containersUnknown: boolean;
  /** A pod-spec field as the user writes it, relative to the pod spec. */
  field: (relative: string) => string;
  details: Record<string, string>;
}

export function valueUnder(value: unknown, ...path: string[]): unknown {
  let node = value;
  for (const key of path) {
    if (isPlaceholder(node)) return node;
    node = isPlainObject(node) ? node[key] : undefined;
  }
  return node;
}

export function workloadView(context: FunctionContext): WorkloadView {
  const { resource } = context;
  const kind = asString(resource.body['kind']) ?? 'workload';
  const rawSpec = valueUnder(resource.body, 'properties', 'podSpec');
  const spec = isPlainObject(rawSpec) ? rawSpec : isPlaceholder(rawSpec) ? UNKNOWN : {};
  const containers: Container[] = [];
  const { podSpec, field } = spelling(resource);
  let containersUnknown = false;
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    const members = valueUnder(spec, list);
    if (isPlaceholder(members)) containersUnknown = true;
    if (!Array.isArray(members)) continue;
    members.forEach((member, index) => {
      const name = asString(valueUnder(member, 'name'));
      containers.push({ label: name ? `container ${name}` : `${list}[${index}]`, path: field(`${list}[${index}]`), value: member });
    });
  }
  // suggestedSelector is refined by the pool-selection check when the scan names the Kata pool.
  const details = { kind, podSpec, suggestedSelector: 'kubernetes.azure.com/agentpool: <kata pool>' };
  return { kind, spec, containers, containersUnknown, field, details };
}

/** Collects problems and undecidable points over a workload; any problem fails, else any undecided is unknown. */
export function judgeWorkload(context: FunctionContext, path: string, expected: string, collect: (view: WorkloadView, problem: (text: string) => void, undecided: (text: string) => void) => void): Evaluation {
  const view = workloadView(context);
  const problems: string[] = [];
  const undecided: string[] = [];
  if (view.spec === UNKNOWN) undecided.push('the pod spec');
  else collect(view, (text) => problems.push(text), (text) => undecided.push(text));
  if (problems.length) return fail(path, problems, expected, { ...view.details, violations: problems.join('; ') });
  if (undecided.length) {
    const why = openBecause(context.resource, 'not in the input');
    // Several checks read the same workload: naming what was being checked keeps their messages apart.
    return unknown(path, `${namesOrNone(undecided)} ${undecided.length === 1 ? 'is' : 'are'} ${why} (needed to check ${expected})`, view.details);
  }
  return pass();
}

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

function allOf(results: readonly Verdict[]): Verdict {
  if (results.includes('fail')) return 'fail';
  return results.includes('unknown') ? 'unknown' : 'pass';
}

function matchRequirement(node: { labels: Map<string, string>; open: boolean }, key: string, operator: string, values: unknown): Verdict {
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
export function podMatchesPool(pool: Pool, nodeSelector: Record<string, unknown>, terms: unknown[]): Verdict {
  const node = nodeLabelsOf(pool);
  const selectorResults = Object.entries(nodeSelector).map(([key, value]) => (isPlaceholder(value) ? 'unknown' : matchRequirement(node, key, 'In', [value])));
  const termResults = terms.map((term): Verdict => {
    if (isPlaceholder(term)) return 'unknown';
    const expressions = valueUnder(term, 'matchExpressions');
    if (isPlaceholder(expressions)) return 'unknown';
    if (!Array.isArray(expressions) || expressions.length === 0) return 'pass';
    return allOf(
      expressions.map((expression): Verdict => {
        if (isPlaceholder(expression)) return 'unknown';
        const key = valueUnder(expression, 'key');
        const operator = valueUnder(expression, 'operator');
        if (isPlaceholder(key) || isPlaceholder(operator)) return 'unknown';
        return matchRequirement(node, asString(key) ?? '', asString(operator) ?? '', valueUnder(expression, 'values'));
      }),
    );
  });
  return allOf([...selectorResults, ...(terms.length ? [anyOf(termResults)] : [])]);
}

export function describeSelection(nodeSelector: Record<string, unknown>, terms: unknown[]): string {
  const parts = Object.entries(nodeSelector).map(([key, value]) => `${key}=${asString(value) ?? '?'}`);
  if (terms.length) parts.push(`${terms.length} required node affinity term${terms.length === 1 ? '' : 's'}`);
  return parts.length ? parts.join(', ') : 'none';
}
