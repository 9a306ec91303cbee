import type { Resource } from '../model/resource.js';
import { isPlaceholder, isPlainObject } from '../model/values.js';

/** Top-level ARM columns rules read through: each must be an object (or absent, null, or a placeholder). */
const OBJECT_COLUMNS = ['properties', 'sku'] as const;

/**
 * Why a resource cannot be judged at all, or undefined. A Resource Graph row (or an azapi body) whose
 * `properties` is a string or a list has no property a rule could read, so every path would resolve to
 * "absent", and `notEquals`-style checks (anonymous pull not true, tasks bypass not true) would pass.
 * Such a resource is an error (fail closed), never a pass.
 */
export function shapeProblem(resource: Resource): string | undefined {
  for (const column of OBJECT_COLUMNS) {
    const value = resource.body[column];
    if (value === undefined || value === null || isPlaceholder(value) || isPlainObject(value)) continue;
    const kind = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    return `its ${column} is ${kind}, not an object, so no rule covering ${resource.armType} can be checked on it`;
  }
  return undefined;
}
