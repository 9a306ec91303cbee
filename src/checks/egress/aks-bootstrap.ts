import type { FunctionContext } from '../../engine/evaluate.js';
import { followLinks } from '../../graph/links.js';
import { notationOf, openBecause } from '../../model/notation.js';
import type { Resource } from '../../model/resource.js';
import { isPlaceholder, isRedacted } from '../../model/values.js';

/**
 * What both AZF-EGR-008 checks read of a cluster: whether it is network-isolated, and the registry its nodes
 * bootstrap from. A network-isolated AKS cluster (`networkProfile.outboundType` none, or block in preview)
 * has no egress path, so its nodes must bootstrap from a private cache:
 * `bootstrapProfile.artifactSource` Cache (the API default is Direct, i.e. mcr.microsoft.com), with no
 * `containerRegistryId` (AKS creates and manages the cache registry) or a registry that is Premium with
 * public network access disabled. The API's description of containerRegistryId adds zone redundancy, which
 * a second, low-severity check reports.
 *
 * Names: ARM ManagedClusterBootstrapProfile (stable from 2025-02-01); azurerm_kubernetes_cluster
 * `bootstrap_profile { artifact_source, container_registry_id }` (azurerm 4.44+), whose `outbound_type`
 * has no `block` (azapi and snapshots only).
 */
const REGISTRY = 'Microsoft.ContainerRegistry/registries';
const ISOLATED_OUTBOUND_TYPES: ReadonlySet<string> = new Set(['none', 'block']);

/** How the user names an ARM path of the cluster or registry. */
export function named(resource: Resource, path: string): string {
  return notationOf(resource).spell(resource, path);
}

/** A value as the user wrote it (true, not Enabled) where the input writes it differently. */
export function shown(resource: Resource, path: string, armValue: unknown): string {
  const notation = notationOf(resource);
  const written = notation.writtenValue(resource, path);
  const value = written && !written.defaulted ? written.value : armValue;
  if (value === undefined || value === null) return 'not set';
  if (!written?.defaulted) return String(value);
  // A default the mapping states in ARM terms (Disabled): an attribute the user writes as a boolean reads false.
  const bool = /_enabled$/.test(notation.nameOf(resource, path)) ? { enabled: 'true', disabled: 'false' }[String(armValue).toLowerCase()] : undefined;
  return `${bool ?? String(armValue)} (not set; the default)`;
}

export function lower(value: unknown): string | undefined {
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

export const known = (resource: Resource): string => openBecause(resource, 'not in the input');

export type Isolation = { isolated: true; outbound: string } | { isolated: false } | { isolated: 'unknown'; reason: string };

export function isolationOf(context: FunctionContext): Isolation {
  const outbound = context.field('properties.networkProfile.outboundType');
  if (isPlaceholder(outbound) || isPlaceholder(context.resource.body['properties'])) {
    return { isolated: 'unknown', reason: `${named(context.resource, 'properties.networkProfile.outboundType')} is ${isRedacted(outbound) ? 'marked sensitive and not read' : known(context.resource)}` };
  }
  const value = lower(outbound);
  return value && ISOLATED_OUTBOUND_TYPES.has(value) ? { isolated: true, outbound: String(outbound) } : { isolated: false };
}

/** The bootstrap registry a cluster names, resolved: absent (AKS-managed), in the scan, outside it, or undecided. */
export type CacheRegistry = { kind: 'managed' } | { kind: 'found'; registry: Resource } | { kind: 'outside'; name: string } | { kind: 'unknown'; reason: string };

export function cacheRegistryOf(context: FunctionContext): CacheRegistry {
  const { resource, inventory } = context;
  const path = 'properties.bootstrapProfile.containerRegistryId';
  const value = context.field(path);
  if (value === undefined || value === null || value === '') return { kind: 'managed' };
  const links = followLinks(inventory, resource, path, { targetTypes: [REGISTRY] });
  const link = links.links[0];
  if (!link) return { kind: 'unknown', reason: links.unresolved.join('; ') || `${named(resource, path)} is ${known(resource)}` };
  if (!link.target) return { kind: 'outside', name: link.name ?? link.id ?? String(value) };
  return { kind: 'found', registry: link.target };
}

function resourceGroupOf(resource: Resource): string | undefined {
  const column = resource.body['resourceGroup'];
  if (typeof column === 'string') return column;
  return /\/resourceGroups\/([^/]+)/i.exec(resource.source.id ?? '')?.[1];
}

/** The CLI fix when the cluster itself must change: bootstrap from the cache (snapshots and audits). */
export function cacheFix(cluster: Resource): string {
  const group = resourceGroupOf(cluster);
  return `\`az aks update --name ${cluster.name}${group ? ` --resource-group ${group}` : ''} --bootstrap-artifact-source Cache\` (to use your own registry, add \`--bootstrap-container-registry-resource-id\` with the id of a Premium registry that has public access disabled), then reimage the nodes.`;
}

/** The CLI fix when the cluster's bootstrap registry is the problem: the registry changes, not the cluster. */
export function registryFix(registry: Resource, needsPremium: boolean, isPublic: boolean): string {
  const flags = `${needsPremium ? ' --sku Premium' : ''}${isPublic ? ' --public-network-enabled false' : ''}`;
  return `\`az acr update --name ${registry.name}${flags}\`, and give the registry a private endpoint that the cluster's VNet resolves through privatelink.azurecr.io.`;
}
