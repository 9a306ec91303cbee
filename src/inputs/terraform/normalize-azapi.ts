import { materialize, readPlanned, type PlannedValue } from './plan-values.js';
import { isPlainObject, isPlaceholder, UNKNOWN } from '../../model/values.js';
import type { NormalizedBody } from './normalize-azurerm.js';

/**
 * azapi resources are ARM-shaped already: `type` is `Microsoft.X/y@api-version` and `body` holds the ARM
 * body, an object (azapi 2.x) or a JSON string (azapi 1.x).
 */
export function normalizeAzapi(planned: PlannedValue): NormalizedBody | undefined {
  const typeValue = readPlanned(planned, 'type').value;
  if (typeof typeValue !== 'string') return undefined;
  const armType = typeValue.split('@')[0]!;
  // The value is not quoted: it is input text and may be anything; the resource's address says where to look.
  if (!/^[A-Za-z0-9.]+\/[A-Za-z0-9/]+$/.test(armType)) throw new Error('its type is not Microsoft.X/y@api-version');
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
