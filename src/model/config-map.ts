import { isPlaceholder, isPlainObject, REDACTED } from './values.js';

/**
 * Kubernetes ConfigMaps as resources (AZF-KATA-006). Their values may be credentials that must never reach
 * a report, so the body rules and reporters see holds each key with REDACTED in place of its value; the
 * values themselves are kept beside the body under a private symbol (not enumerable: JSON, reporters and
 * spreads never see them), where only the credential check reads them.
 */
export const CONFIG_MAP_TYPE = 'Kubernetes/ConfigMap';

const VALUES = Symbol('azfence.configMapValues');

export interface ConfigMapEntry {
  /** `data` (text, exposed through env, envFrom and volumes) or `binaryData` (volumes only). */
  from: 'data' | 'binaryData';
  /** The value as read: a string, or UNKNOWN / REDACTED when the input does not give it. */
  value: unknown;
}

type Holder = Record<string, unknown> & { [VALUES]?: Map<string, ConfigMapEntry> };

function entriesOf(map: unknown, from: ConfigMapEntry['from'], into: Map<string, ConfigMapEntry>): unknown {
  if (isPlaceholder(map)) return map;
  if (!isPlainObject(map)) return {};
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(map)) {
    into.set(key, { from, value });
    Object.defineProperty(shown, key, { value: REDACTED, enumerable: true, configurable: true, writable: true });
  }
  return shown;
}

/** The body of a ConfigMap: metadata, and `properties.data` / `properties.binaryData` with their keys only. */
export function configMapBody(metadata: { name: unknown; namespace: unknown; labels?: unknown }, data: unknown, binaryData: unknown): Record<string, unknown> {
  const values = new Map<string, ConfigMapEntry>();
  const body: Holder = {
    kind: 'ConfigMap',
    metadata: { name: metadata.name, namespace: typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : metadata.namespace ?? 'default', labels: metadata.labels ?? {} },
    properties: { data: entriesOf(data, 'data', values), binaryData: entriesOf(binaryData, 'binaryData', values) },
  };
  Object.defineProperty(body, VALUES, { value: values, enumerable: false });
  return body;
}

/** The keys and values of a ConfigMap body, or undefined when the body was not made by configMapBody. */
export function configMapEntries(body: Record<string, unknown>): ReadonlyMap<string, ConfigMapEntry> | undefined {
  return (body as Holder)[VALUES];
}
