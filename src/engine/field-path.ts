import { isOpen, isPlainObject, UNKNOWN, REDACTED } from '../model/values.js';

/**
 * Field paths name a value in an ARM-shaped resource the way Azure Policy aliases do, without the type
 * prefix: `properties.networkRuleSet.ipRules[*].value`, `sku.name`, `tags['cost.center']`.
 * `[*]` visits every array member; `[2]` one of them.
 */
export type PathSegment = { key: string } | { index: number } | { each: true };

const cache = new Map<string, PathSegment[]>();

export class FieldPathError extends Error {}

export function parseFieldPath(path: string): PathSegment[] {
  const cached = cache.get(path);
  if (cached) return cached;
  const segments: PathSegment[] = [];
  let i = 0;
  const n = path.length;
  while (i < n) {
    const ch = path[i];
    if (ch === '.') {
      if (i === 0 || i === n - 1) throw new FieldPathError(`field path "${path}" has a stray "."`);
      i++;
      continue;
    }
    if (ch === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) throw new FieldPathError(`field path "${path}" has an unclosed "["`);
      const inner = path.slice(i + 1, close).trim();
      if (inner === '*') segments.push({ each: true });
      else if (/^\d+$/.test(inner)) segments.push({ index: Number(inner) });
      else if (/^'.*'$/.test(inner) || /^".*"$/.test(inner)) segments.push({ key: inner.slice(1, -1) });
      else throw new FieldPathError(`field path "${path}" has an invalid index [${inner}]`);
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < n && path[j] !== '.' && path[j] !== '[') j++;
    const key = path.slice(i, j);
    if (!/^[A-Za-z0-9_$@:/-]+$/.test(key)) throw new FieldPathError(`field path "${path}" has an invalid name "${key}"`);
    segments.push({ key });
    i = j;
  }
  if (segments.length === 0) throw new FieldPathError('field path is empty');
  cache.set(path, segments);
  return segments;
}

/** ARM property names are case-insensitive; inputs written by hand (azapi bodies) vary their casing. */
export function getKey(object: Record<string, unknown>, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(object, key)) return object[key];
  const lower = key.toLowerCase();
  // Most lookups are of a property that is not there: every key would be lower-cased to say so. Lower-casing
  // maps each UTF-16 unit of a key to one unit, except U+0130 (to two, one of them not ASCII), so a key that
  // lower-cases to an ASCII name has that name's length: keys of another length are passed over unread.
  const sameLength = ASCII.test(lower);
  for (const candidate of Object.keys(object)) {
    if (sameLength && candidate.length !== lower.length) continue;
    if (candidate.toLowerCase() === lower) return object[candidate];
  }
  return undefined;
}

const ASCII = /^[\x00-\x7f]*$/;

function step(value: unknown, segment: PathSegment): unknown {
  if (value === UNKNOWN || value === REDACTED) return value;
  if ('key' in segment) {
    if (!isPlainObject(value)) return undefined;
    const found = getKey(value, segment.key);
    // An overlay's view of a resource outside the scan: what it did not write is the resource's own, unknown value.
    return found === undefined && isOpen(value) ? UNKNOWN : found;
  }
  if ('index' in segment) return Array.isArray(value) ? value[segment.index] : undefined;
  return undefined;
}

/**
 * Resolves a path without `[*]` to one value. A placeholder met on the way is the answer: a property of an
 * unknown block is itself unknown.
 */
export function resolveSingle(root: unknown, segments: readonly PathSegment[]): unknown {
  let value = root;
  for (const segment of segments) {
    value = step(value, segment);
    if (value === undefined || value === UNKNOWN || value === REDACTED) return value;
  }
  return value;
}

/**
 * Resolves a path with `[*]` to the list of member values. Returns UNKNOWN when an array it must walk is
 * unknown, because then even the number of members is not known.
 */
export function resolveEach(root: unknown, segments: readonly PathSegment[]): unknown[] | typeof UNKNOWN | typeof REDACTED {
  let values: unknown[] = [root];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of values) {
      if (value === UNKNOWN || value === REDACTED) return value;
      if ('each' in segment) {
        // A loop, not push(...value): spreading a hostile 1M-member list as arguments overflows the stack.
        if (Array.isArray(value)) for (const item of value) next.push(item);
        continue;
      }
      // A member that lacks the property still counts, as "not set"; a missing array counts as empty.
      next.push(step(value, segment));
    }
    values = next;
  }
  return values;
}

export function hasEach(segments: readonly PathSegment[]): boolean {
  return segments.some((segment) => 'each' in segment);
}

export function formatFieldPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if ('each' in segment) out += '[*]';
    else if ('index' in segment) out += `[${segment.index}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment.key)) out += out ? `.${segment.key}` : segment.key;
    else out += `['${segment.key}']`;
  }
  return out;
}
