import { isPlainObject, ownValue, REDACTED, setOwn, UNKNOWN } from '../../model/values.js';

/**
 * Reads planned attribute values together with Terraform's `after_unknown` and `after_sensitive` mirrors.
 * An unknown value becomes UNKNOWN, a sensitive one REDACTED: the secret itself is dropped here, at the
 * edge, and never reaches a rule or a reporter.
 */
export interface PlannedValue {
  value: unknown;
  unknown: unknown;
  sensitive: unknown;
}

type TfSegment = string | number;

const pathCache = new Map<string, TfSegment[]>();

/** Parses `network_rule_set[0].ip_rule` into ['network_rule_set', 0, 'ip_rule']. */
export function parseTerraformPath(path: string): TfSegment[] {
  let segments = pathCache.get(path);
  if (segments) return segments;
  segments = [];
  for (const part of path.split('.')) {
    if (part === '') continue;
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) throw new Error(`invalid Terraform attribute path "${path}"`);
    if (match[1]) segments.push(match[1]);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  pathCache.set(path, segments);
  return segments;
}

function child(tree: unknown, segment: TfSegment): unknown {
  if (tree === true) return true;
  if (typeof segment === 'number') return Array.isArray(tree) ? tree[segment] : undefined;
  return isPlainObject(tree) ? ownValue(tree, segment) : undefined;
}

/** Walks one attribute path; a `true` in either mirror at or above the path decides the result. */
export function readPlanned(planned: PlannedValue, path: string): PlannedValue {
  let { value, unknown, sensitive } = planned;
  for (const segment of parseTerraformPath(path)) {
    if (sensitive === true) return { value: REDACTED, unknown: false, sensitive: true };
    if (unknown === true) return { value: UNKNOWN, unknown: true, sensitive: false };
    value = child(value, segment);
    unknown = child(unknown, segment);
    sensitive = child(sensitive, segment);
  }
  if (sensitive === true) return { value: REDACTED, unknown: false, sensitive: true };
  if (unknown === true) return { value: UNKNOWN, unknown: true, sensitive: false };
  return { value, unknown, sensitive };
}

/** The value with placeholders substituted throughout (for ARM-shaped bodies such as azapi's). */
export function materialize(planned: PlannedValue, depth = 0): unknown {
  const { value, unknown, sensitive } = planned;
  if (sensitive === true) return REDACTED;
  if (unknown === true) return UNKNOWN;
  if (depth > 200) return UNKNOWN;
  if (Array.isArray(value)) {
    const out: unknown[] = value.map((item, i) => materialize({ value: item, unknown: child(unknown, i), sensitive: child(sensitive, i) }, depth + 1));
    // An unknown member that Terraform left out of `after` still exists in the list.
    if (Array.isArray(unknown)) for (let i = value.length; i < unknown.length; i++) if (unknown[i] === true) out.push(UNKNOWN);
    return out;
  }
  if (isPlainObject(value) || isPlainObject(unknown)) {
    const out: Record<string, unknown> = {};
    const source = isPlainObject(value) ? value : {};
    for (const key of Object.keys(source)) {
      setOwn(out, key, materialize({ value: source[key], unknown: child(unknown, key), sensitive: child(sensitive, key) }, depth + 1));
    }
    if (isPlainObject(unknown)) for (const key of Object.keys(unknown)) if (unknown[key] === true && !Object.hasOwn(out, key)) setOwn(out, key, UNKNOWN);
    return out;
  }
  return value;
}
