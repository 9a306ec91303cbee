import type { Inventory } from '../../model/inventory.js';
import type { Resource } from '../../model/resource.js';
import { isPlaceholder, isPlainObject } from '../../model/values.js';

/**
 * AZF-POOL-009, what an AKS cluster's kubelet identity pulls besides its bootstrap cache: the images of its
 * workloads (unless a pod names an imagePullSecret, which the kubelet then uses). Manifests and kubernetes_*
 * resources do not say which cluster they run on: they are taken as the cluster's only when the scan holds
 * no other cluster, and only images from registries the scan holds are judged (a registry outside it has
 * no role assignments to read).
 */
export interface WorkloadRegistry {
  registry: Resource;
  /** The repositories pulled from it (ABAC conditions are read against them). */
  repositories: string[];
  /** For messages: `the images of Deployment web, CronJob report`. */
  purpose: string;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function workloadRegistries(inventory: Inventory, registryAt: (host: string) => Resource | undefined): WorkloadRegistry[] {
  if (inventory.ofType('Microsoft.ContainerService/managedClusters').length !== 1) return [];
  const byRegistry = new Map<Resource, { repositories: Set<string>; workloads: string[] }>();
  for (const workload of inventory.ofType('Kubernetes/Workload')) {
    if (workload.source.managed === false) continue;
    const spec = isPlainObject(workload.body['properties']) ? workload.body['properties']['podSpec'] : undefined;
    if (!isPlainObject(spec)) continue;
    const secrets = spec['imagePullSecrets'];
    if (isPlaceholder(secrets) || (Array.isArray(secrets) && secrets.length > 0)) continue;
    const metadata = workload.body['metadata'];
    const label = `${text(workload.body['kind']) ?? 'workload'} ${(isPlainObject(metadata) ? text(metadata['name']) : undefined) ?? workload.name}`;
    for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
      const containers = spec[key];
      for (const container of Array.isArray(containers) ? containers : []) {
        const image = isPlainObject(container) ? text(container['image']) : undefined;
        const slash = image?.indexOf('/') ?? -1;
        if (!image || slash < 0) continue;
        const registry = registryAt(image.slice(0, slash));
        if (!registry) continue;
        const entry = byRegistry.get(registry) ?? { repositories: new Set<string>(), workloads: [] };
        byRegistry.set(registry, entry);
        entry.repositories.add(image.slice(slash + 1).replace(/@.*$/, '').replace(/:[^/:]*$/, ''));
        if (!entry.workloads.includes(label)) entry.workloads.push(label);
      }
    }
  }
  return [...byRegistry].map(([registry, { repositories, workloads }]) => ({
    registry,
    repositories: [...repositories],
    purpose: `the images of ${workloads.slice(0, 3).join(', ')}${workloads.length > 3 ? ` and ${workloads.length - 3} more` : ''}`,
  }));
}
