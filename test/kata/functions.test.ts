import { describe, expect, it } from 'vitest';
import { MANIFEST_NOTATION } from '../../src/inputs/kubernetes/notation.js';
import { KUBERNETES_BLOCKS_NOTATION, KUBERNETES_MANIFEST_NOTATION } from '../../src/inputs/terraform/notation-kubernetes.js';
import { globMatch } from '../../src/checks/kata/selectors.js';
import { parseImage } from '../../src/checks/kata/images.js';
import { vmFamily } from '../../src/checks/kata/node-pools.js';
import { normalizeAzurerm } from '../../src/inputs/terraform/normalize-azurerm.js';

describe('KATA helpers', () => {
  it('derives the VM family from a size name', () => {
    expect(vmFamily('Standard_D4s_v5')).toBe('Dsv5');
    expect(vmFamily('standard_e8ads_v5')).toBe('Eadsv5');
    expect(vmFamily('Standard_D4_v3')).toBe('Dv3');
    expect(vmFamily('Standard_E16-4s_v5')).toBe('Esv5');
    expect(vmFamily('Standard_B2ms')).toBeUndefined();
  });

  it('parses image references: registry, tag, digest', () => {
    expect(parseImage('nginx')).toEqual({ registry: 'docker.io', name: 'nginx' });
    expect(parseImage('library/nginx:1.27')).toMatchObject({ registry: 'docker.io', tag: '1.27' });
    expect(parseImage('localhost:5000/app')).toMatchObject({ registry: 'localhost:5000', name: 'localhost:5000/app' });
    expect(parseImage('myacr.azurecr.io/a/b:1.0@sha256:abc')).toMatchObject({ registry: 'myacr.azurecr.io', tag: '1.0', digest: 'sha256:abc' });
  });

  it('names pod-spec fields as the user wrote them', () => {
    const workload = (kind: string) => ({ key: 'k', armType: 'Kubernetes/Workload', name: 'w', body: { kind }, source: { kind: 'plan' as const, dialect: 'azurerm' as const, file: 'f' } });
    const deployment = workload('Deployment');
    const container = 'properties.podSpec.containers[0].securityContext.seccompProfile.type';
    expect(MANIFEST_NOTATION.spell(deployment, container)).toBe('spec.template.spec.containers[0].securityContext.seccompProfile.type');
    expect(KUBERNETES_MANIFEST_NOTATION.spell(deployment, container)).toBe('manifest.spec.template.spec.containers[0].securityContext.seccompProfile.type');
    expect(KUBERNETES_BLOCKS_NOTATION.spell(deployment, container)).toBe('spec[0].template[0].spec[0].container[0].security_context[0].seccomp_profile[0].type');
    expect(KUBERNETES_BLOCKS_NOTATION.spell(workload('Pod'), 'properties.podSpec.hostPID')).toBe('spec[0].host_pid');
    expect(KUBERNETES_BLOCKS_NOTATION.spell(workload('CronJob'), 'properties.podSpec.volumes[1].hostPath')).toBe('spec[0].job_template[0].spec[0].template[0].spec[0].volume[1].host_path[0]');
  });

  it('matches globs case-insensitively', () => {
    expect(globMatch('aks-agents-*', 'AKS-Agents-weu')).toBe(true);
    expect(globMatch('*.azurecr.io', 'myacr.azurecr.io')).toBe(true);
    expect(globMatch('*.azurecr.io', 'azurecr.io.evil.com')).toBe(false);
  });
});

describe('AKS and kubernetes_* plan mappings', () => {
  const planned = (value: Record<string, unknown>, unknown: Record<string, unknown> = {}) => ({ value, unknown, sensitive: {} });

  it('maps default_node_pool to agentPoolProfiles[0] as the System pool', () => {
    const normalized = normalizeAzurerm(
      'azurerm_kubernetes_cluster',
      planned({ name: 'aks', default_node_pool: [{ name: 'system', vm_size: 'Standard_D4s_v5', os_sku: 'AzureLinux', workload_runtime: 'KataVmIsolation', node_labels: { a: 'b' } }] }),
    );
    expect(normalized!.body['properties']).toMatchObject({
      agentPoolProfiles: [{ name: 'system', vmSize: 'Standard_D4s_v5', osSKU: 'AzureLinux', workloadRuntime: 'KataVmIsolation', nodeLabels: { a: 'b' }, mode: 'System' }],
    });
  });

  it('maps azurerm_kubernetes_cluster_node_pool to an agentPools child of its cluster', () => {
    const normalized = normalizeAzurerm('azurerm_kubernetes_cluster_node_pool', planned({ name: 'kata', kubernetes_cluster_id: '/x/managedClusters/aks', vm_size: 'Standard_D4s_v5', workload_runtime: 'KataVmIsolation' }));
    expect(normalized!.armType).toBe('Microsoft.ContainerService/managedClusters/agentPools');
    expect(normalized!.body).toMatchObject({ parentId: '/x/managedClusters/aks', properties: { vmSize: 'Standard_D4s_v5', workloadRuntime: 'KataVmIsolation', mode: 'User' } });
  });

  it('converts a kubernetes_deployment pod spec from snake_case blocks, keeping unknowns', () => {
    const normalized = normalizeAzurerm(
      'kubernetes_deployment_v1',
      planned(
        {
          metadata: [{ name: 'gw', namespace: 'agents', labels: {} }],
          spec: [
            {
              template: [
                {
                  metadata: [{ labels: { app: 'gw' } }],
                  spec: [
                    {
                      runtime_class_name: 'kata-vm-isolation',
                      host_network: false,
                      node_selector: { 'kubernetes.azure.com/agentpool': 'kata' },
                      security_context: [{ run_as_non_root: true, seccomp_profile: [{ type: 'RuntimeDefault' }] }],
                      container: [{ name: 'gateway', security_context: [{ capabilities: [{ add: ['NET_ADMIN'] }] }], volume_mount: [{ name: 'tmp', mount_path: '/tmp' }] }],
                      volume: [{ name: 'sock', host_path: [{ path: '/var/run/docker.sock' }] }],
                    },
                  ],
                },
              ],
            },
          ],
        },
        { spec: [{ template: [{ spec: [{ container: [{ image: true }] }] }] }] },
      ),
    );
    expect(normalized!.armType).toBe('Kubernetes/Workload');
    expect(normalized!.body).toMatchObject({
      kind: 'Deployment',
      metadata: { name: 'gw', namespace: 'agents' },
      properties: {
        podLabels: { app: 'gw' },
        podSpec: {
          runtimeClassName: 'kata-vm-isolation',
          hostNetwork: false,
          nodeSelector: { 'kubernetes.azure.com/agentpool': 'kata' },
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{ name: 'gateway', image: Symbol.for('azfence.unknown'), securityContext: { capabilities: { add: ['NET_ADMIN'] } }, volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] }],
          volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }],
        },
      },
    });
  });

  it('reads kubernetes_manifest workloads and leaves other kinds unmapped', () => {
    const job = normalizeAzurerm('kubernetes_manifest', planned({ manifest: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { hostPID: true } } } } }));
    expect(job!.body).toMatchObject({ kind: 'Job', metadata: { name: 'j', namespace: 'default' }, properties: { podSpec: { hostPID: true } } });
    expect(normalizeAzurerm('kubernetes_manifest', planned({ manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } } }))).toBeUndefined();
  });
});
