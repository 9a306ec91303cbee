import type { FunctionContext, RuleFunction } from '../evaluate.js';
import { followLinks } from '../../graph/links.js';
import type { Resource } from '../../model/resource.js';
import { isPlaceholder, isPlainObject, isRedacted } from '../../model/values.js';
import { fail, pass, unknown } from './results.js';

/**
 * AZF-EGR-008: a network-isolated AKS cluster (`networkProfile.outboundType` none, or block in preview)
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
function named(resource: Resource, path: string): string {
  if (resource.source.dialect === 'azapi') return `body.${path}`;
  if (resource.source.dialect === 'azurerm') {
    const origin = resource.attributeOf?.get(path);
    if (origin) return origin.attribute;
  }
  return path;
}

/** A value as the user wrote it: the azurerm attribute's own value (true, not Enabled) where there is one. */
function shown(resource: Resource, path: string, armValue: unknown): string {
  const origin = resource.source.dialect === 'azurerm' ? resource.attributeOf?.get(path) : undefined;
  const value = origin && !origin.defaulted ? origin.value : armValue;
  if (value === undefined || value === null) return 'not set';
  if (!origin?.defaulted) return String(value);
  // A default the mapping states in ARM terms (Disabled): an azurerm boolean attribute reads false.
  const bool = /_enabled$/.test(origin.attribute) ? { enabled: 'true', disabled: 'false' }[String(armValue).toLowerCase()] : undefined;
  return `${bool ?? String(armValue)} (not set; the default)`;
}

function lower(value: unknown): string | undefined {
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

const known = (resource: Resource): string => (resource.source.kind === 'plan' ? 'known only after apply' : 'not in the input');

type Isolation = { isolated: true; outbound: string } | { isolated: false } | { isolated: 'unknown'; reason: string };

function isolationOf(context: FunctionContext): Isolation {
  const outbound = context.field('properties.networkProfile.outboundType');
  if (isPlaceholder(outbound) || isPlaceholder(context.resource.body['properties'])) {
    return { isolated: 'unknown', reason: `${named(context.resource, 'properties.networkProfile.outboundType')} is ${isRedacted(outbound) ? 'marked sensitive and not read' : known(context.resource)}` };
  }
  const value = lower(outbound);
  return value && ISOLATED_OUTBOUND_TYPES.has(value) ? { isolated: true, outbound: String(outbound) } : { isolated: false };
}

/** The bootstrap registry a cluster names, resolved: absent (AKS-managed), in the scan, outside it, or undecided. */
type CacheRegistry = { kind: 'managed' } | { kind: 'found'; registry: Resource } | { kind: 'outside'; name: string } | { kind: 'unknown'; reason: string };

function cacheRegistryOf(context: FunctionContext): CacheRegistry {
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

/** The high-severity check: Cache, and a named registry Premium with public access disabled. */
export const aksBootstrapsFromPrivateCache: RuleFunction = (context) => {
  const { resource } = context;
  const isolation = isolationOf(context);
  if (isolation.isolated === false) return pass();
  const sourcePath = 'properties.bootstrapProfile.artifactSource';
  const source = context.field(sourcePath);
  const outboundText = isolation.isolated === true ? `outbound type ${isolation.outbound}` : 'an outbound type known only after apply';
  if (isPlaceholder(source)) return unknown(sourcePath, `${named(resource, sourcePath)} is ${known(resource)}`);
  // Absent: the API's default, Direct (bootstrap images straight from mcr.microsoft.com).
  if (lower(source) !== 'cache') {
    if (isolation.isolated === 'unknown') return unknown('properties.networkProfile.outboundType', isolation.reason);
    const shown = source === undefined || source === null ? 'Direct (not set; the default)' : String(source);
    return fail(sourcePath, source ?? 'Direct', 'Cache', {
      problem: `its nodes bootstrap from ${shown}, but with ${outboundText} they cannot reach mcr.microsoft.com: ${named(resource, sourcePath)} must be Cache`,
      outbound: outboundText,
    });
  }
  const cache = cacheRegistryOf(context);
  if (cache.kind === 'managed') return pass();
  if (cache.kind === 'unknown') return unknown('properties.bootstrapProfile.containerRegistryId', cache.reason);
  if (cache.kind === 'outside') return unknown('properties.bootstrapProfile.containerRegistryId', `its bootstrap registry ${cache.name} is not in this scan, so whether it is Premium with public access disabled is not known`);
  const registry = cache.registry;
  if (isPlaceholder(registry.body['properties'])) return unknown('properties.bootstrapProfile.containerRegistryId', `the properties of its bootstrap registry ${registry.name} are ${known(registry)}`);
  const sku = isPlainObject(registry.body['sku']) ? registry.body['sku']['name'] : undefined;
  const access = isPlainObject(registry.body['properties']) ? registry.body['properties']['publicNetworkAccess'] : undefined;
  const problems: string[] = [];
  const undecided: string[] = [];
  if (isPlaceholder(sku)) undecided.push(`the SKU of ${registry.name} is ${known(registry)}`);
  else if (lower(sku) !== 'premium') problems.push(`it is ${typeof sku === 'string' ? sku : 'not Premium'} (${named(registry, 'sku.name')}), and a cache for network-isolated nodes needs Premium`);
  if (isPlaceholder(access)) undecided.push(`${named(registry, 'properties.publicNetworkAccess')} of ${registry.name} is ${known(registry)}`);
  // Absent on a registry means Enabled (AZURE-FACTS, public access table).
  else if (lower(access) !== 'disabled') problems.push(`it accepts public traffic (${named(registry, 'properties.publicNetworkAccess')} is ${access === undefined || access === null ? 'not set, which means Enabled' : shown(registry, 'properties.publicNetworkAccess', access)})`);
  if (problems.length) {
    return fail('properties.bootstrapProfile.containerRegistryId', registry.name, 'a Premium registry with public network access disabled', {
      problem: `its bootstrap cache registry ${registry.name} is not private: ${problems.join('; ')}`,
      outbound: outboundText,
      registry: registry.name,
    });
  }
  if (undecided.length) return unknown('properties.bootstrapProfile.containerRegistryId', undecided.join('; '));
  return pass();
};

/**
 * The low-severity check: a named bootstrap registry is zone redundant, as the API's description of
 * containerRegistryId asks. Only judged where the high check would pass on Cache with a named registry.
 */
export const aksBootstrapCacheZoneRedundant: RuleFunction = (context) => {
  const isolation = isolationOf(context);
  if (isolation.isolated !== true) return pass();
  if (lower(context.field('properties.bootstrapProfile.artifactSource')) !== 'cache') return pass();
  const cache = cacheRegistryOf(context);
  if (cache.kind !== 'found') return pass();
  const registry = cache.registry;
  const zone = isPlainObject(registry.body['properties']) ? registry.body['properties']['zoneRedundancy'] : undefined;
  if (isPlaceholder(zone) || isPlaceholder(registry.body['properties'])) return unknown('properties.bootstrapProfile.containerRegistryId', `${named(registry, 'properties.zoneRedundancy')} of ${registry.name} is ${known(registry)}`);
  if (lower(zone) === 'enabled') return pass();
  // The evidence points at the cluster's property that names the registry; the message says what the registry has.
  return fail('properties.bootstrapProfile.containerRegistryId', registry.name, 'a zone-redundant registry (zoneRedundancy Enabled)', {
    registry: registry.name,
    zone: `${named(registry, 'properties.zoneRedundancy')} is ${shown(registry, 'properties.zoneRedundancy', zone)}`,
  });
};

export const AKS_BOOTSTRAP_FUNCTIONS: ReadonlyMap<string, RuleFunction> = new Map<string, RuleFunction>([
  ['aksBootstrapsFromPrivateCache', aksBootstrapsFromPrivateCache],
  ['aksBootstrapCacheZoneRedundant', aksBootstrapCacheZoneRedundant],
]);
