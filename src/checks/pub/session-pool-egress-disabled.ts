import type { RuleFunction } from '../../engine/evaluate.js';
import { notationOf, openBecause } from '../../model/notation.js';
import type { Resource } from '../../model/resource.js';
import { isPlaceholder, isPlainObject, isRedacted } from '../../model/values.js';
import { defineCheck } from '../check.js';
import { fail, pass, unknown } from '../results.js';

/**
 * AZF-PUB-010: a Container Apps session pool (Microsoft.App/sessionPools: code interpreter and custom
 * container sessions, where generated or user code runs) keeps egress off.
 *
 * Facts (REST spec Microsoft.App 2025-07-01 SessionPools.json): `properties.sessionNetworkConfiguration.status`
 * is `EgressEnabled` or `EgressDisabled` (modelAsString, so compared case-insensitively), with no default in
 * the API. The CLI's `--network-status` defaults to EgressDisabled, but a template or an azapi body that
 * leaves the property out gets whatever the service decides: absent is unknown, naming the property.
 * azurerm has no session pool resource; pools come from azapi, snapshots and audits.
 */
const STATUS_PATH = 'properties.sessionNetworkConfiguration.status';

/** How the user names the property in the input the pool came from. */
function named(resource: Resource): string {
  return notationOf(resource).spell(resource, STATUS_PATH);
}

const evaluate: RuleFunction = (context) => {
  const { resource } = context;
  const properties = resource.body['properties'];
  const known = openBecause(resource, 'not in the input');
  if (isPlaceholder(properties)) return unknown(STATUS_PATH, `the properties of ${resource.name} are ${known}`, { attribute: named(resource) });
  const configuration = isPlainObject(properties) ? properties['sessionNetworkConfiguration'] : undefined;
  const status = isPlaceholder(configuration) ? configuration : isPlainObject(configuration) ? configuration['status'] : undefined;
  if (isRedacted(status)) return unknown(STATUS_PATH, `${named(resource)} is marked sensitive and not read`, { attribute: named(resource) });
  if (isPlaceholder(status)) return unknown(STATUS_PATH, `${named(resource)} is ${known}`, { attribute: named(resource) });
  if (status === undefined || status === null || status === '') {
    return unknown(STATUS_PATH, `${named(resource)} is not set, and the API documents no default for it (set it to EgressDisabled)`, { attribute: named(resource) });
  }
  if (typeof status === 'string' && status.toLowerCase() === 'egressdisabled') return pass();
  return fail(STATUS_PATH, status, 'EgressDisabled', { attribute: named(resource), status: String(status) });
};

export default defineCheck({
  name: 'sessionPoolEgressDisabled',
  // Reads only the pool it judges.
  reads: [],
  details: ['attribute', 'status'],
  evaluate,
});
