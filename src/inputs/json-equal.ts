import { isPlainObject } from '../model/values.js';

/**
 * Equal JSON values, as two readers of them would see them: key order does not matter. For an input listing
 * one thing twice (a plan address, a snapshot row), where identical copies are read once and different
 * ones are an error.
 */
export function sameJson(left: unknown, right: unknown, depth = 0): boolean {
  if (left === right) return true;
  if (depth > 10_000) return false;
  if (Array.isArray(left)) return Array.isArray(right) && left.length === right.length && left.every((item, i) => sameJson(item, right[i], depth + 1));
  if (isPlainObject(left) && isPlainObject(right) && !Array.isArray(right)) {
    const keys = Object.keys(left);
    if (keys.length !== Object.keys(right).length) return false;
    return keys.every((key) => Object.prototype.hasOwnProperty.call(right, key) && sameJson(left[key], right[key], depth + 1));
  }
  return typeof left === 'number' && typeof right === 'number' && Number.isNaN(left) && Number.isNaN(right);
}
