import { materialize, readPlanned, type PlannedValue } from './plan-values.js';
import { isPlainObject, isPlaceholder, isRedacted, UNKNOWN } from '../../model/values.js';
import type { Normalized } from './normalize-azurerm.js';

/** `Microsoft.X/y[/z...]@api-version`: a namespace, one or more type segments, and the API version. */
const AZAPI_TYPE = /^([A-Za-z0-9.]+(?:\/[A-Za-z0-9]+)+)(?:@[A-Za-z0-9.-]+)?$/;

/**
 * azapi resources are ARM-shaped already: `type` is `Microsoft.X/y@api-version` and `body` holds the ARM
 * body, an object (azapi 2.x) or a JSON string (azapi 1.x). A type known only after apply (or sensitive)
 * leaves the resource unclassified: any rule may apply to it.
 */
export function normalizeAzapi(planned: PlannedValue): Normalized {
  const typeValue = readPlanned(planned, 'type').value;
  if (isPlaceholder(typeValue)) return { unclassified: { attribute: 'type', why: isRedacted(typeValue) ? 'sensitive' : 'unknown' } };
  // The value is not quoted: it is input text and may be anything; the resource's address says where to look.
  if (typeof typeValue !== 'string') throw new Error(typeValue === undefined || typeValue === null ? 'its type is missing' : `its type is ${Array.isArray(typeValue) ? 'a list' : `a ${typeof typeValue}`}, not Microsoft.X/y@api-version`);
  const armType = AZAPI_TYPE.exec(typeValue)?.[1];
  if (!armType) throw new Error('its type is not Microsoft.X/y@api-version');
  let body = readAzapiBody(planned);
  if (body === undefined || body === null) body = {};
  if (isPlaceholder(body)) return { armType, body: { properties: body, sku: body }, attributeOf: new Map() };
  if (!isPlainObject(body)) throw new Error('azapi body is neither an object nor a JSON object string');
  const normalized: Record<string, unknown> = { ...body };
  if (!('properties' in normalized)) normalized['properties'] = {};
  const parentId = readPlanned(planned, 'parent_id').value;
  if (parentId !== undefined) normalized['parentId'] = parentId;
  const tags = readPlanned(planned, 'tags');
  if (tags.value !== undefined || tags.unknown === true) normalized['tags'] = materialize(tags);
  return { armType, body: normalized, attributeOf: new Map() };
}

/**
 * An azapi `body`: an object (azapi 2.x), a JSON string (azapi 1.x, parsed here), or a placeholder when it is
 * known only after apply or sensitive. Throws for a string that is not JSON.
 */
export function readAzapiBody(planned: PlannedValue): unknown {
  const bodyRead = readPlanned(planned, 'body');
  if (typeof bodyRead.value === 'string' && bodyRead.unknown !== true && bodyRead.sensitive !== true) {
    const text = bodyRead.value.trim();
    if (text === '') return {};
    try {
      return JSON.parse(text);
    } catch {
      throw new Error('azapi body is a string that is not valid JSON');
    }
  }
  return materialize(bodyRead);
}

export { UNKNOWN };
