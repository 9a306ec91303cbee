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
  if (!/^[A-Za-z0-9.]+\/[A-Za-z0-9/]+$/.test(armType)) throw new Error(`azapi type "${typeValue}" is not Microsoft.X/y@api-version`);
  const bodyRead = readPlanned(planned, 'body');
  let body: unknown;
  if (typeof bodyRead.value === 'string' && bodyRead.unknown !== true && bodyRead.sensitive !== true) {
    const text = bodyRead.value.trim();
    if (text === '') body = {};
    else {
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error('azapi body is a string that is not valid JSON');
      }
    }
  } else {
    body = materialize(bodyRead);
  }
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

export { UNKNOWN };
