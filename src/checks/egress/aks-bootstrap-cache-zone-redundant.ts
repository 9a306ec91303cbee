import type { RuleFunction } from '../../engine/evaluate.js';
import { isPlaceholder, isPlainObject } from '../../model/values.js';
import { defineCheck } from '../check.js';
import { fail, pass, unknown } from '../results.js';
import highCheck from './aks-bootstraps-from-private-cache.js';
import { cacheRegistryOf, isolationOf, known, lower, named, shown } from './aks-bootstrap.js';

/**
 * AZF-EGR-008, the low-severity check: a named bootstrap registry is zone redundant, as the API's description of
 * containerRegistryId asks. Only judged where the high check passes, on Cache with a named registry: a cluster
 * that cannot bootstrap at all (or may not) has the high finding, and a low one beside it would only distract.
 */
const evaluate: RuleFunction = (context, args) => {
  if (highCheck.evaluate(context, args).verdict !== 'pass') return pass();
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

export default defineCheck({
  name: 'aksBootstrapCacheZoneRedundant',
  reads: ['microsoft.containerregistry/registries'],
  details: ['registry', 'zone'],
  evaluate,
});
