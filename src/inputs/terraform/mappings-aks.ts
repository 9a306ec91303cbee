import type { AttributeMapping, AzurermTypeMapping } from './mapping-types.js';
import { materialize, readPlanned, type PlannedValue } from './plan-values.js';
import { isPlaceholder, isPlainObject, isRedacted } from '../../model/values.js';
import { isWorkloadKind, WORKLOAD_TYPE, workloadBody } from '../kubernetes/workload.js';
import { CONFIG_MAP_TYPE, configMapBody } from '../../model/config-map.js';

/**
 * AKS node pools and Kubernetes workloads in Terraform plans, for the KATA pack.
 *
 * Node pools take the ARM shape (`agentPoolProfiles[]` on the cluster, or a managedClusters/agentPools
 * child). Workloads from the kubernetes provider (snake_case block lists) become the Kubernetes/Workload
 * shape the manifest reader produces: the camelCase pod spec, for the fields the rules read. Unmapped pod
 * fields are absent; values known only after apply stay UNKNOWN.
 */

/** Node pool attributes, shared by default_node_pool and azurerm_kubernetes_cluster_node_pool. */
function poolAttributes(prefix: string): AttributeMapping[] {
  return [
    { arm: `${prefix}vmSize`, from: 'vm_size' },
    // Absent: the API default for Linux (Ubuntu); the rule says so rather than inventing a value here.
    { arm: `${prefix}osSKU`, from: 'os_sku' },
    { arm: `${prefix}workloadRuntime`, from: 'workload_runtime' },
    { arm: `${prefix}vnetSubnetID`, from: 'vnet_subnet_id' },
    { arm: `${prefix}nodeLabels`, from: 'node_labels' },
    { arm: `${prefix}nodeTaints`, from: 'node_taints' },
  ];
}

/** Appended to azurerm_kubernetes_cluster: its default_node_pool is agentPoolProfiles[0]. */
export const AKS_CLUSTER_ATTRIBUTES: AttributeMapping[] = [
  {
    arm: 'properties.agentPoolProfiles',
    from: 'default_node_pool',
    // default_node_pool has no `mode`: it is always the System pool, so the default is the value.
    items: [{ arm: 'name', from: 'name' }, ...poolAttributes(''), { arm: 'mode', from: 'mode', default: 'System' }],
  },
];

const NODE_POOL: AzurermTypeMapping = {
  armType: 'Microsoft.ContainerService/managedClusters/agentPools',
  attributes: [
    { arm: 'parentId', from: 'kubernetes_cluster_id' },
    ...poolAttributes('properties.'),
    { arm: 'properties.mode', from: 'mode', default: 'User' },
    { arm: 'properties.osType', from: 'os_type', default: 'Linux' },
    { arm: 'tags', from: 'tags' },
  ],
};

/** A container block of the kubernetes provider -> the Kubernetes container fields the KATA rules read. */
const CONTAINER_ITEMS: AttributeMapping[] = [
  { arm: 'name', from: 'name' },
  { arm: 'image', from: 'image' },
  { arm: 'securityContext.privileged', from: 'security_context[0].privileged' },
  { arm: 'securityContext.allowPrivilegeEscalation', from: 'security_context[0].allow_privilege_escalation' },
  { arm: 'securityContext.runAsNonRoot', from: 'security_context[0].run_as_non_root' },
  { arm: 'securityContext.runAsUser', from: 'security_context[0].run_as_user' },
  { arm: 'securityContext.capabilities.add', from: 'security_context[0].capabilities[0].add' },
  { arm: 'securityContext.seccompProfile.type', from: 'security_context[0].seccomp_profile[0].type' },
  {
    arm: 'volumeMounts',
    from: 'volume_mount',
    items: [
      { arm: 'name', from: 'name' },
      { arm: 'mountPath', from: 'mount_path' },
      { arm: 'readOnly', from: 'read_only' },
    ],
  },
  { arm: 'resources.limits', from: 'resources[0].limits' },
  { arm: 'resources.requests', from: 'resources[0].requests' },
  // Where ConfigMaps reach the container (AZF-KATA-006). Env values are never mapped, only their sources.
  {
    arm: 'env',
    from: 'env',
    items: [
      { arm: 'name', from: 'name' },
      { arm: 'valueFrom.configMapKeyRef.name', from: 'value_from[0].config_map_key_ref[0].name' },
      { arm: 'valueFrom.configMapKeyRef.key', from: 'value_from[0].config_map_key_ref[0].key' },
    ],
  },
  { arm: 'envFrom', from: 'env_from', items: [{ arm: 'prefix', from: 'prefix' }, { arm: 'configMapRef.name', from: 'config_map_ref[0].name' }] },
];

const KEY_PATH_ITEMS: AttributeMapping[] = [
  { arm: 'key', from: 'key' },
  { arm: 'path', from: 'path' },
];

function podSpecAttributes(spec: string): AttributeMapping[] {
  const at = (path: string) => `${spec}.${path}`;
  return [
    { arm: 'properties.podSpec.runtimeClassName', from: at('runtime_class_name') },
    { arm: 'properties.podSpec.nodeSelector', from: at('node_selector') },
    { arm: 'properties.podSpec.hostPID', from: at('host_pid') },
    { arm: 'properties.podSpec.hostIPC', from: at('host_ipc') },
    { arm: 'properties.podSpec.hostNetwork', from: at('host_network') },
    { arm: 'properties.podSpec.securityContext.runAsNonRoot', from: at('security_context[0].run_as_non_root') },
    { arm: 'properties.podSpec.securityContext.runAsUser', from: at('security_context[0].run_as_user') },
    { arm: 'properties.podSpec.securityContext.seccompProfile.type', from: at('security_context[0].seccomp_profile[0].type') },
    { arm: 'properties.podSpec.containers', from: at('container'), items: CONTAINER_ITEMS },
    { arm: 'properties.podSpec.initContainers', from: at('init_container'), items: CONTAINER_ITEMS },
    {
      arm: 'properties.podSpec.volumes',
      from: at('volume'),
      items: [
        { arm: 'name', from: 'name' },
        { arm: 'hostPath.path', from: 'host_path[0].path' },
        { arm: 'hostPath.type', from: 'host_path[0].type' },
        { arm: 'configMap.name', from: 'config_map[0].name' },
        { arm: 'configMap.items', from: 'config_map[0].items', items: KEY_PATH_ITEMS },
        {
          arm: 'projected.sources',
          from: 'projected[0].sources',
          items: [
            { arm: 'configMap.name', from: 'config_map[0].name' },
            { arm: 'configMap.items', from: 'config_map[0].items', items: KEY_PATH_ITEMS },
          ],
        },
      ],
    },
    {
      arm: 'properties.podSpec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms',
      from: at('affinity[0].node_affinity[0].required_during_scheduling_ignored_during_execution[0].node_selector_term'),
      items: [
        {
          arm: 'matchExpressions',
          from: 'match_expressions',
          items: [
            { arm: 'key', from: 'key' },
            { arm: 'operator', from: 'operator' },
            { arm: 'values', from: 'values' },
          ],
        },
      ],
    },
  ];
}

function metadataAttributes(podLabels: string): AttributeMapping[] {
  return [
    { arm: 'metadata.name', from: 'metadata[0].name' },
    { arm: 'metadata.namespace', from: 'metadata[0].namespace', default: 'default' },
    { arm: 'metadata.labels', from: 'metadata[0].labels', default: {} },
    { arm: 'metadata.annotations', from: 'metadata[0].annotations', default: {} },
    { arm: 'properties.podLabels', from: podLabels, default: {} },
  ];
}

const TEMPLATE = 'spec[0].template[0]';
const CRON_TEMPLATE = 'spec[0].job_template[0].spec[0].template[0]';

/** The kind a kubernetes_* type implies, and where its pod template sits. */
const WORKLOAD_RESOURCES: Record<string, { kind: string; spec: string; labels: string }> = {};
for (const [types, kind, template] of [
  [['kubernetes_pod', 'kubernetes_pod_v1'], 'Pod', undefined],
  [['kubernetes_deployment', 'kubernetes_deployment_v1'], 'Deployment', TEMPLATE],
  [['kubernetes_stateful_set', 'kubernetes_stateful_set_v1'], 'StatefulSet', TEMPLATE],
  [['kubernetes_daemonset', 'kubernetes_daemon_set_v1'], 'DaemonSet', TEMPLATE],
  [['kubernetes_job', 'kubernetes_job_v1'], 'Job', TEMPLATE],
  [['kubernetes_cron_job', 'kubernetes_cron_job_v1'], 'CronJob', CRON_TEMPLATE],
] as const) {
  for (const type of types) {
    WORKLOAD_RESOURCES[type] = template ? { kind, spec: `${template}.spec[0]`, labels: `${template}.metadata[0].labels` } : { kind, spec: 'spec[0]', labels: 'metadata[0].labels' };
  }
}

function workloadMapping(kind: string, spec: string, labels: string): AzurermTypeMapping {
  return {
    armType: WORKLOAD_TYPE,
    attributes: [...metadataAttributes(labels), ...podSpecAttributes(spec)],
    finish: (body) => {
      const properties = isPlainObject(body['properties']) ? body['properties'] : {};
      // A pod spec with nothing the rules read is still a pod spec: rules then see absent fields.
      return { kind, ...body, properties: { podSpec: {}, ...properties } };
    },
  };
}

/**
 * kubernetes_manifest holds the object as written (camelCase); only workload kinds are kept. A manifest (or
 * its kind) known only after apply or marked sensitive may be a workload: it is unclassified, and every
 * workload rule reports it unknown.
 */
function finishManifest(_body: Record<string, unknown>, planned: PlannedValue): ReturnType<NonNullable<AzurermTypeMapping['finish']>> {
  const manifest = materialize(readPlanned(planned, 'manifest'));
  if (isPlaceholder(manifest)) return { unclassified: { attribute: 'manifest', why: isRedacted(manifest) ? 'sensitive' : 'unknown', candidateTypes: [WORKLOAD_TYPE] } };
  if (!isPlainObject(manifest)) return undefined;
  const kind = manifest['kind'];
  if (isPlaceholder(kind)) return { unclassified: { attribute: 'manifest.kind', why: isRedacted(kind) ? 'sensitive' : 'unknown', candidateTypes: [WORKLOAD_TYPE] } };
  if (!isWorkloadKind(kind)) return undefined;
  return workloadBody(manifest);
}

/** kubernetes_config_map(_v1) and kubernetes_config_map_v1_data: the keys, values kept aside (model/config-map.ts). */
function configMapMapping(): AzurermTypeMapping {
  return {
    armType: CONFIG_MAP_TYPE,
    attributes: [],
    finish: (_body, planned) => {
      const metadata = materialize(readPlanned(planned, 'metadata'));
      const first = Array.isArray(metadata) && isPlainObject(metadata[0]) ? metadata[0] : {};
      return configMapBody({ name: first['name'], namespace: first['namespace'] ?? 'default', labels: first['labels'] }, materialize(readPlanned(planned, 'data')), materialize(readPlanned(planned, 'binary_data')));
    },
  };
}

export const AKS_MAPPINGS: Record<string, AzurermTypeMapping> = {
  kubernetes_config_map: configMapMapping(),
  kubernetes_config_map_v1: configMapMapping(),
  kubernetes_config_map_v1_data: configMapMapping(),
  azurerm_kubernetes_cluster_node_pool: NODE_POOL,
  kubernetes_manifest: { armType: WORKLOAD_TYPE, attributes: [], finish: finishManifest },
};
for (const [type, { kind, spec, labels }] of Object.entries(WORKLOAD_RESOURCES)) AKS_MAPPINGS[type] = workloadMapping(kind, spec, labels);

/** Registers the KATA pack's mappings (one call from azurerm-mappings.ts). */
export function registerAksMappings(mappings: Record<string, AzurermTypeMapping>): void {
  Object.assign(mappings, AKS_MAPPINGS);
  mappings['azurerm_kubernetes_cluster']?.attributes.push(...AKS_CLUSTER_ATTRIBUTES);
}
