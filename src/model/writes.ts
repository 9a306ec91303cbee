import type { Resource, WriteRecord } from './resource.js';

/** `properties.rules[*].name` -> `properties.rules.name`, lower-cased: the form write records are keyed by. */
export function writeKey(path: string): string {
  return path.replace(/\[[^\]]*\]/g, '').toLowerCase();
}

/**
 * The overlay that wrote the value at `path` (a rule field path) or a value inside it, if any. Paths named
 * by rule functions leave out the leading `properties.`, so both forms are tried.
 */
export function writeAt(resource: Resource, path: string): WriteRecord | undefined {
  const writes = resource.writes;
  if (!writes || writes.size === 0) return undefined;
  for (const candidate of [writeKey(path), `properties.${writeKey(path)}`]) {
    // The value itself or one of its parents was written...
    for (let at = candidate; ; ) {
      const found = writes.get(at);
      if (found) return found;
      const dot = at.lastIndexOf('.');
      if (dot < 0) break;
      at = at.slice(0, dot);
    }
    // ...or something inside it was.
    for (const [key, record] of writes) if (key.startsWith(`${candidate}.`)) return record;
  }
  return undefined;
}
