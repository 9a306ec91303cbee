/**
 * Placeholders that stand in a resource's properties for values the scanner must not or cannot read.
 *
 * They replace the value itself at read time, so a sensitive value never enters the model: no rule,
 * message or reporter can print what it never had.
 */
export const UNKNOWN: unique symbol = Symbol.for('azfence.unknown');
export const REDACTED: unique symbol = Symbol.for('azfence.redacted');

export type Placeholder = typeof UNKNOWN | typeof REDACTED;

export function isUnknown(value: unknown): value is typeof UNKNOWN {
  return value === UNKNOWN;
}

export function isRedacted(value: unknown): value is typeof REDACTED {
  return value === REDACTED;
}

export function isPlaceholder(value: unknown): value is Placeholder {
  return value === UNKNOWN || value === REDACTED;
}

/**
 * Marks an object whose absent keys are unknown rather than absent: the part of a resource an overlay wrote
 * onto a resource whose own values are not in the scan. Rules reading an absent key of such an object get
 * UNKNOWN (the value the resource already has), never "not set". Non-enumerable, so no output shows it.
 */
const OPEN: unique symbol = Symbol.for('azfence.open');

export function openObject<T extends Record<string, unknown>>(object: T): T {
  Object.defineProperty(object, OPEN, { value: true, enumerable: false });
  return object;
}

export function isOpen(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { [OPEN]?: boolean })[OPEN] === true;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Input keys are data. `target[key] = value` with the key `__proto__` replaces the object's prototype
 * instead, and `record[key]` with `constructor` or `toString` finds Object.prototype's members: an input
 * naming them must read and write like any other key.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** `record[key]` when the record itself has the key; never a member of Object.prototype. */
export function ownValue(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Renders a value for a message: short, placeholder-aware, never a secret. */
export function describeValue(value: unknown): string {
  if (value === UNKNOWN) return '(known after apply)';
  if (value === REDACTED) return '(sensitive)';
  if (value === undefined) return '(not set)';
  if (value === null) return 'null';
  if (typeof value === 'string') return value.length > 120 ? `"${value.slice(0, 117)}..."` : `"${value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    // Short lists of scalars (IP ranges, group ids) are shown; anything larger is summarised.
    if (value.length <= 5 && value.every((item) => isPlaceholder(item) || ['string', 'number', 'boolean'].includes(typeof item))) {
      return `[${value.map((item) => describeValue(item)).join(', ')}]`;
    }
    return `[${value.length} item${value.length === 1 ? '' : 's'}]`;
  }
  return '{...}';
}
