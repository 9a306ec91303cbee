import type { RuleFunction } from '../../engine/evaluate.js';
import { isPlaceholder, isPlainObject } from '../../model/values.js';
import { defineCheck } from '../check.js';
import { fail, pass, unknown } from '../results.js';
import { cacheFix, cacheRegistryOf, isolationOf, known, lower, named, registryFix, shown } from './aks-bootstrap.js';

/** AZF-EGR-008, the high-severity check: a network-isolated cluster bootstraps from a private cache: Cache, and a named registry Premium with public access disabled. */
const evaluate: RuleFunction = (context) => {
  const { resource } = context;
  const isolation = isolationOf(context);
  if (isolation.isolated === false) return pass();
  const sourcePath = 'properties.bootstrapProfile.artifactSource';
  const source = context.field(sourcePath);
  const outboundText = isolation.isolated === true ? `outbound type ${isolation.outbound}` : 'an outbound type known only after apply';
  if (isPlaceholder(source)) return unknown(sourcePath, `${named(resource, sourcePath)} is ${known(resource)}`, { fix: cacheFix(resource) });
  // Absent: the API's default, Direct (bootstrap images straight from mcr.microsoft.com).
  if (lower(source) !== 'cache') {
    if (isolation.isolated === 'unknown') return unknown('properties.networkProfile.outboundType', isolation.reason, { fix: cacheFix(resource) });
    const shown = source === undefined || source === null ? 'Direct (not set; the default)' : String(source);
    return fail(sourcePath, source ?? 'Direct', 'Cache', {
      problem: `its nodes bootstrap from ${shown}, but with ${outboundText} they cannot reach mcr.microsoft.com: ${named(resource, sourcePath)} must be Cache`,
      outbound: outboundText,
      fix: cacheFix(resource),
    });
  }
  const cache = cacheRegistryOf(context);
  if (cache.kind === 'managed') return pass();
  if (cache.kind === 'unknown') return unknown('properties.bootstrapProfile.containerRegistryId', cache.reason, { fix: cacheFix(resource) });
  if (cache.kind === 'outside') return unknown('properties.bootstrapProfile.containerRegistryId', `its bootstrap registry ${cache.name} is not in this scan, so whether it is Premium with public access disabled is not known`, { fix: cacheFix(resource) });
  const registry = cache.registry;
  if (isPlaceholder(registry.body['properties'])) return unknown('properties.bootstrapProfile.containerRegistryId', `the properties of its bootstrap registry ${registry.name} are ${known(registry)}`, { fix: cacheFix(resource) });
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
      fix: registryFix(registry, !isPlaceholder(sku) && lower(sku) !== 'premium', !isPlaceholder(access) && lower(access) !== 'disabled'),
    });
  }
  if (undecided.length) return unknown('properties.bootstrapProfile.containerRegistryId', undecided.join('; '), { fix: cacheFix(resource) });
  return pass();
};

export default defineCheck({
  name: 'aksBootstrapsFromPrivateCache',
  reads: ['microsoft.containerregistry/registries'],
  details: ['fix', 'outbound', 'problem', 'registry'],
  evaluate,
});
