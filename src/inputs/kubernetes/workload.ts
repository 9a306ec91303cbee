import { isPlainObject } from '../../model/values.js';

/**
 * Every Kubernetes workload kind becomes ONE resource type with ONE pod-spec path, so a rule reads
 * `properties.podSpec.containers[*]...` whether the pod came from a Deployment, a CronJob or a
 * Terraform kubernetes_job: no rule needs a path per kind.
 */
export const WORKLOAD_TYPE = 'Kubernetes/Workload';

/** Kind -> where the pod template sits in the object (`spec` for a bare Pod). */
const POD_TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_TEMPLATE_PATHS);

export function isWorkloadKind(kind: unknown): kind is string {
  return typeof kind === 'string' && Object.hasOwn(POD_TEMPLATE_PATHS, kind);
}

function at(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const key of path) node = isPlainObject(node) ? node[key] : undefined;
  return node;
}

/** `{}` for an absent map, the value otherwise (placeholders kept). */
function mapOrEmpty(value: unknown): unknown {
  return value === undefined || value === null ? {} : value;
}

/**
 * The normalized body of one workload object (camelCase, as written in YAML or in kubernetes_manifest):
 * { kind, apiVersion, metadata: { name, namespace, labels, annotations }, properties: { podSpec, podLabels } }.
 */
export function workloadBody(object: Record<string, unknown>): Record<string, unknown> {
  const kind = String(object['kind']);
  const metadata = isPlainObject(object['metadata']) ? object['metadata'] : {};
  const templatePath = (Object.hasOwn(POD_TEMPLATE_PATHS, kind) ? POD_TEMPLATE_PATHS[kind] : undefined) ?? [];
  // A bare Pod is its own template: its metadata labels are the pod's labels.
  const template = templatePath.length === 0 ? object : at(object, templatePath);
  const templateMetadata = isPlainObject(template) && isPlainObject(template['metadata']) ? template['metadata'] : {};
  const podSpec = isPlainObject(template) ? template['spec'] : undefined;
  return {
    kind,
    ...(object['apiVersion'] !== undefined ? { apiVersion: object['apiVersion'] } : {}),
    metadata: {
      ...(metadata['name'] !== undefined ? { name: metadata['name'] } : {}),
      namespace: typeof metadata['namespace'] === 'string' && metadata['namespace'] !== '' ? metadata['namespace'] : metadata['namespace'] ?? 'default',
      labels: mapOrEmpty(metadata['labels']),
      annotations: mapOrEmpty(metadata['annotations']),
    },
    properties: {
      podSpec: podSpec === undefined || podSpec === null ? {} : podSpec,
      podLabels: mapOrEmpty(templateMetadata['labels']),
    },
  };
}
