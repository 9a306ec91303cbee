import type { RuleFunction } from '../../engine/evaluate.js';
import { isArmId } from '../../graph/arm-id.js';
import { followLinks } from '../../graph/links.js';
import { notationOf } from '../../model/notation.js';
import { VIRTUAL_NETWORK } from '../../graph/routes.js';
import { defineCheck } from '../check.js';
import { VNET_TYPES } from '../../graph/type-groups.js';
import { pass, fail, unknown } from '../results.js';

/** AZF-POOL-007: a peering's remote VNet is a resource id (a name makes a broken peering). */
const evaluate: RuleFunction = (context) => {
  const value = context.field('properties.remoteVirtualNetwork.id');
  if (typeof value === 'string') return isArmId(value) && /\/virtualNetworks\//i.test(value) ? pass() : fail('properties.remoteVirtualNetwork.id', value, 'a VNet resource id', { value: `"${value}"` });
  if (value === undefined || value === null) return fail('properties.remoteVirtualNetwork.id', value, 'a VNet resource id', { value: 'nothing' });
  // Known only after apply: the reference (followed through modules) says whether it is the VNet's id or its name.
  const links = followLinks(context.inventory, context.resource, 'properties.remoteVirtualNetwork.id', { targetTypes: [VIRTUAL_NETWORK] });
  const own = notationOf(context.resource).referencesAt(context.resource, 'properties.remoteVirtualNetwork.id');
  const steps = [...own, ...links.links.flatMap((link) => link.via ?? [])];
  const byName = steps.find((step) => /\.name$/.test(step));
  // The evidence names the ARM property, so each dialect shows it in its own terms (the azurerm attribute).
  if (byName) return fail('properties.remoteVirtualNetwork.id', byName, 'a VNet resource id', { value: byName });
  // A reference to an `id` attribute (of a VNet, a data source, a module output's VNet) is an id.
  if (links.links.length || steps.some((step) => /\.id$/.test(step))) return pass();
  return unknown('properties.remoteVirtualNetwork.id', links.unresolved.join('; ') || 'the remote VNet id is known only after apply');
};

export default defineCheck({
  name: 'peeringNamesVnetById',
  reads: VNET_TYPES,
  details: ['value'],
  evaluate,
});
