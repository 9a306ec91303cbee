import { possibly, type Overlay } from '../../model/overlay.js';
import { isPlainObject, UNKNOWN } from '../../model/values.js';
import { mapAttributes, type AttributeOrigin, type IsConfigured } from './normalize-azurerm.js';
import { readAzapiBody } from './normalize-azapi.js';
import { readPlanned, type PlannedValue } from './plan-values.js';
import { AZURERM_WRITERS } from './mappings-writers.js';
import { ANY_MAJOR, type MajorRange } from './provider-versions.js';

/** An overlay as a plan entry describes it; readPlan adds the writer (its address, line and references). */
export type OverlayRead = Omit<Overlay, 'writer'> & { attributeOf?: Map<string, AttributeOrigin> };

function armTypeOf(planned: PlannedValue): string | undefined {
  const type = readPlanned(planned, 'type').value;
  return typeof type === 'string' && type.includes('/') ? type.split('@')[0] : undefined;
}

/**
 * The body an azapi writer sends. azapi merges the write-only `sensitive_body` over `body`; it is never in
 * a plan, so when the configuration sets it, everything the writer sends is unknown.
 */
function azapiFragment(planned: PlannedValue, configured: IsConfigured): unknown {
  if (configured('sensitive_body')) return UNKNOWN;
  return readAzapiBody(planned);
}

function listKeys(planned: PlannedValue): Record<string, string> | undefined {
  const value = readPlanned(planned, 'list_unique_id_property').value;
  if (!isPlainObject(value)) return undefined;
  const keys = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return keys.length ? Object.fromEntries(keys) : undefined;
}

/**
 * What a writer resource of the plan writes, and to which target; undefined when the entry writes no
 * property (a POST action such as listKeys, an action run only on destroy, an update with no body).
 */
export function readOverlay(terraformType: string, planned: PlannedValue, configured: IsConfigured, azurermMajors: MajorRange = ANY_MAJOR): OverlayRead | undefined {
  const azurerm = AZURERM_WRITERS[terraformType];
  if (azurerm) {
    const { body, attributeOf } = mapAttributes(azurerm.attributes, planned, configured, azurermMajors);
    return { target: { attribute: azurerm.targetId, id: readPlanned(planned, azurerm.targetId).value, armType: azurerm.targetType }, fragment: body, mode: 'merge', attributeOf };
  }
  const armType = armTypeOf(planned);
  if (terraformType === 'azapi_update_resource') {
    const fragment = azapiFragment(planned, configured);
    if (fragment === undefined || fragment === null) return undefined;
    const resourceId = readPlanned(planned, 'resource_id').value;
    const keys = listKeys(planned);
    const target =
      resourceId !== undefined && resourceId !== null
        ? { attribute: 'resource_id', id: resourceId, ...(armType ? { armType } : {}) }
        : { attribute: 'parent_id', parentId: readPlanned(planned, 'parent_id').value, name: readPlanned(planned, 'name').value, ...(armType ? { armType } : {}) };
    return { target, fragment, mode: 'merge', ...(keys ? { listKeys: keys } : {}) };
  }
  if (terraformType === 'azapi_resource_action') {
    const when = readPlanned(planned, 'when').value;
    if (typeof when === 'string' && when.toLowerCase() === 'destroy') return undefined;
    const method = readPlanned(planned, 'method').value ?? 'POST';
    if (typeof method === 'string' && !['PUT', 'PATCH'].includes(method.toUpperCase())) return undefined;
    let fragment = azapiFragment(planned, configured);
    if (fragment === undefined || fragment === null) return undefined;
    if (method === UNKNOWN || when === UNKNOWN) fragment = possibly(fragment);
    const mode = typeof method === 'string' && method.toUpperCase() === 'PUT' ? 'replace' : 'merge';
    const resourceId = readPlanned(planned, 'resource_id').value;
    const action = readPlanned(planned, 'action').value;
    if (action === undefined || action === null || action === '') return { target: { attribute: 'resource_id', id: resourceId, ...(armType ? { armType } : {}) }, fragment, mode };
    // A request to a path below the resource writes that child resource (`networkRuleSets/default`).
    if (typeof action === 'string' && typeof resourceId === 'string') {
      const steps = action.split('/').filter(Boolean);
      const childType = armType && steps.length % 2 === 0 ? `${armType}/${steps.filter((_, i) => i % 2 === 0).join('/')}` : undefined;
      return { target: { attribute: 'resource_id', id: `${resourceId.replace(/\/+$/, '')}/${steps.join('/')}`, ...(childType ? { armType: childType } : {}) }, fragment, mode };
    }
    return { target: { attribute: 'action', id: UNKNOWN }, fragment, mode };
  }
  return undefined;
}
