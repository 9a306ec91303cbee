import type { ComparisonOperator } from './condition.js';
import type { Verdict } from './verdict.js';
import { isPlainObject, REDACTED, UNKNOWN } from '../model/values.js';
import { wildcardMatch } from './glob.js';

// Azure Policy's `like` (`*` any run of characters, nothing else special) is matched by wildcardMatch in
// ./glob.ts, not compiled to `^.*x.*y$`: several stars made that regex backtrack polynomially (issue 10).

/** Azure Policy's `match`: `#` a digit, `?` a letter, `.` any character, anything else itself. */
function matchToRegExp(pattern: string, caseSensitive: boolean): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '#') source += '[0-9]';
    else if (ch === '?') source += '[A-Za-z]';
    else if (ch === '.') source += '.';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, caseSensitive ? 's' : 'is');
}

const patternCache = new Map<string, RegExp>();
function cachedPattern(kind: 'match', pattern: string, caseSensitive: boolean): RegExp {
  const key = `${kind}\u0000${caseSensitive ? 1 : 0}\u0000${pattern}`;
  let regexp = patternCache.get(key);
  if (!regexp) {
    // `match` patterns hold only single-character classes and literals, no quantifier: linear by construction.
    regexp = matchToRegExp(pattern, caseSensitive);
    patternCache.set(key, regexp);
  }
  return regexp;
}

function fold(value: unknown, caseSensitive: boolean): unknown {
  return !caseSensitive && typeof value === 'string' ? value.toLowerCase() : value;
}

function same(a: unknown, b: unknown, caseSensitive: boolean): boolean {
  // Equal strings fold equal: most comparisons that hold need no lower-cased copies.
  if (typeof a === 'string' && typeof b === 'string') return a === b || (!caseSensitive && a.toLowerCase() === b.toLowerCase());
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => same(item, b[i], caseSensitive));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => same(a[key], b[key], caseSensitive));
  }
  return a === b;
}

function order(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a.localeCompare(b);
  return undefined;
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function asList(operand: unknown): unknown[] {
  return Array.isArray(operand) ? operand : [operand];
}

/** Whether `value` is set and the same as the operand or one of its members (`in`). */
function isOneOf(value: unknown, operand: unknown, caseSensitive: boolean): boolean {
  if (!isSet(value)) return false;
  if (!Array.isArray(operand)) return same(value, operand, caseSensitive);
  for (const item of operand) if (same(value, item, caseSensitive)) return true;
  return false;
}

/** Compares one known value. Absent values behave as in Azure Policy: `notEquals` anything is true. */
export function compareKnown(value: unknown, operator: ComparisonOperator, operand: unknown, caseSensitive: boolean): boolean {
  switch (operator) {
    case 'equals':
      return isSet(value) && same(value, operand, caseSensitive);
    case 'notEquals':
      return !(isSet(value) && same(value, operand, caseSensitive));
    case 'in':
      return isOneOf(value, operand, caseSensitive);
    case 'notIn':
      return !isOneOf(value, operand, caseSensitive);
    case 'like':
      return typeof value === 'string' && wildcardMatch(String(operand), value, { caseSensitive });
    case 'notLike':
      return !(typeof value === 'string' && wildcardMatch(String(operand), value, { caseSensitive }));
    case 'match':
      return typeof value === 'string' && cachedPattern('match', String(operand), caseSensitive).test(value);
    case 'notMatch':
      return !(typeof value === 'string' && cachedPattern('match', String(operand), caseSensitive).test(value));
    case 'contains':
      return contains(value, operand, caseSensitive);
    case 'notContains':
      return !contains(value, operand, caseSensitive);
    case 'containsKey':
      return isPlainObject(value) && Object.keys(value).some((key) => same(key, operand, caseSensitive));
    case 'notContainsKey':
      return !(isPlainObject(value) && Object.keys(value).some((key) => same(key, operand, caseSensitive)));
    case 'exists':
      return isSet(value) === Boolean(operand);
    case 'greater': {
      const d = order(value, operand);
      return d !== undefined && d > 0;
    }
    case 'greaterOrEquals': {
      const d = order(value, operand);
      return d !== undefined && d >= 0;
    }
    case 'less': {
      const d = order(value, operand);
      return d !== undefined && d < 0;
    }
    case 'lessOrEquals': {
      const d = order(value, operand);
      return d !== undefined && d <= 0;
    }
  }
}

function contains(value: unknown, operand: unknown, caseSensitive: boolean): boolean {
  if (typeof value === 'string') return typeof operand === 'string' && String(fold(value, caseSensitive)).includes(String(fold(operand, caseSensitive)));
  if (Array.isArray(value)) return value.some((item) => same(item, operand, caseSensitive));
  return false;
}

/**
 * Compares a value that may be a placeholder. An unknown value decides nothing; a redacted one is known to
 * exist but cannot be compared.
 */
export function compare(value: unknown, operator: ComparisonOperator, operand: unknown, caseSensitive: boolean): Verdict {
  if (value === UNKNOWN) return 'unknown';
  if (value === REDACTED) return operator === 'exists' ? (operand ? 'pass' : 'fail') : 'unknown';
  if (Array.isArray(value) && (operator === 'contains' || operator === 'notContains')) {
    // An array with an unknown member may or may not contain the operand.
    const known = value.filter((item) => item !== UNKNOWN && item !== REDACTED);
    const hit = contains(known, operand, caseSensitive);
    if (!hit && known.length !== value.length) return 'unknown';
    return hit === (operator === 'contains') ? 'pass' : 'fail';
  }
  return compareKnown(value, operator, operand, caseSensitive) ? 'pass' : 'fail';
}

/** Compares a count known only as a range (some members' conditions were unknown). */
export function compareRange(min: number, max: number, operator: ComparisonOperator, operand: unknown): Verdict {
  if (min === max) return compareKnown(min, operator, operand, true) ? 'pass' : 'fail';
  if (operator === 'equals' || operator === 'notEquals' || operator === 'in' || operator === 'notIn') {
    const targets = asList(operand).filter((item): item is number => typeof item === 'number');
    const possible = targets.some((target) => target >= min && target <= max);
    if (!possible) return operator === 'equals' || operator === 'in' ? 'fail' : 'pass';
    return 'unknown';
  }
  const atMin = compareKnown(min, operator, operand, true);
  const atMax = compareKnown(max, operator, operand, true);
  return atMin === atMax ? (atMin ? 'pass' : 'fail') : 'unknown';
}

export function describeComparison(operator: ComparisonOperator, operand: unknown): string {
  if (operator === 'exists') return operand ? 'to be set' : 'not to be set';
  const shown = Array.isArray(operand) ? `[${operand.map((item) => JSON.stringify(item)).join(', ')}]` : JSON.stringify(operand);
  const words: Record<ComparisonOperator, string> = {
    equals: 'to equal',
    notEquals: 'not to equal',
    in: 'to be one of',
    notIn: 'not to be one of',
    like: 'to be like',
    notLike: 'not to be like',
    match: 'to match',
    notMatch: 'not to match',
    contains: 'to contain',
    notContains: 'not to contain',
    containsKey: 'to have key',
    notContainsKey: 'not to have key',
    exists: '',
    greater: 'to be greater than',
    greaterOrEquals: 'to be at least',
    less: 'to be less than',
    lessOrEquals: 'to be at most',
  };
  return `${words[operator]} ${shown}`;
}
