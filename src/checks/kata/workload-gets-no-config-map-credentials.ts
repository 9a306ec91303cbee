import type { RuleFunction } from '../../engine/evaluate.js';
import { CONFIG_MAP_TYPE, configMapEntries } from '../../model/config-map.js';
import type { Inventory } from '../../model/inventory.js';
import type { Resource } from '../../model/resource.js';
import { isPlaceholder, isPlainObject } from '../../model/values.js';
import { defineCheck } from '../check.js';
import type { Evidence } from '../../engine/verdict.js';
import { pass, unknown } from '../results.js';
import { judgeEntry } from './credential-patterns.js';
import { notationOf, openBecause } from '../../model/notation.js';

/** ConfigMaps by namespace and name, built once per scan. */
function configMapIndex(inventory: Inventory): Map<string, Resource[]> {
  return inventory.cached('config-maps-by-name', () => {
    const index = new Map<string, Resource[]>();
    for (const map of inventory.ofType(CONFIG_MAP_TYPE)) {
      const metadata = isPlainObject(map.body['metadata']) ? map.body['metadata'] : {};
      const name = metadata['name'];
      if (typeof name !== 'string') continue;
      const key = `${String(metadata['namespace'] ?? 'default')}/${name}`;
      index.set(key, [...(index.get(key) ?? []), map]);
    }
    return index;
  });
}

/** One way a pod reaches a ConfigMap: which keys (undefined: all), and how. */
interface Use {
  name: unknown;
  keys?: unknown[];
  via: string;
  /** Where the pod spec consumes it (`properties.podSpec.containers[0].env[1]`): the evidence points there. */
  path: string;
  /** env and envFrom never expose binaryData. */
  textOnly: boolean;
}

function usesOf(spec: Record<string, unknown>): Use[] {
  const uses: Use[] = [];
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    containers.forEach((container, index) => {
      if (!isPlainObject(container)) return;
      const who = `container ${String(container['name'] ?? '?')}`;
      const at = `properties.podSpec.${list}[${index}]`;
      if (Array.isArray(container['env'])) {
        container['env'].forEach((variable, position) => {
          const ref = isPlainObject(variable) && isPlainObject(variable['valueFrom']) ? variable['valueFrom']['configMapKeyRef'] : undefined;
          if (isPlainObject(ref)) uses.push({ name: ref['name'], keys: [ref['key']], via: `env ${String(variable['name'] ?? '?')} of ${who}`, path: `${at}.env[${position}]`, textOnly: true });
        });
      }
      if (Array.isArray(container['envFrom'])) {
        container['envFrom'].forEach((source, position) => {
          const ref = isPlainObject(source) ? source['configMapRef'] : undefined;
          if (isPlainObject(ref)) uses.push({ name: ref['name'], via: `envFrom of ${who}`, path: `${at}.envFrom[${position}]`, textOnly: true });
        });
      }
    });
  }
  const volumeUse = (source: unknown, via: string, path: string): void => {
    if (!isPlainObject(source)) return;
    const items = source['items'];
    uses.push({ name: source['name'], ...(Array.isArray(items) && items.length ? { keys: items.map((item) => (isPlainObject(item) ? item['key'] : item)) } : {}), via, path, textOnly: false });
  };
  if (Array.isArray(spec['volumes'])) {
    spec['volumes'].forEach((volume, index) => {
      if (!isPlainObject(volume)) return;
      volumeUse(volume['configMap'], `volume ${String(volume['name'] ?? '?')}`, `properties.podSpec.volumes[${index}]`);
      const sources = isPlainObject(volume['projected']) ? volume['projected']['sources'] : undefined;
      if (Array.isArray(sources)) for (const source of sources) if (isPlainObject(source)) volumeUse(source['configMap'], `projected volume ${String(volume['name'] ?? '?')}`, `properties.podSpec.volumes[${index}]`);
    });
  }
  return uses;
}

/**
 * AZF-KATA-006: an untrusted workload gets no credentials through ConfigMaps. For each ConfigMap the pod
 * consumes (env valueFrom.configMapKeyRef, envFrom configMapRef, configMap and projected volumes, in
 * containers and init containers), the keys it reaches are judged: a key whose name is a credential word
 * with a literal non-empty value, or any value shaped like a credential (a PEM key, a storage connection
 * string, a SAS signature, a JWT, a URL with a password), fails. Findings name the ConfigMap and the key,
 * never the value. The word lists and patterns are data: policies/data/credential-patterns.yaml.
 */
const evaluate: RuleFunction = (context) => {
  const { resource, inventory } = context;
  const spec = context.field('properties.podSpec');
  const why = openBecause(resource, 'not in the input');
  if (isPlaceholder(spec)) return unknown('properties.podSpec', `the pod spec is ${why}`);
  if (!isPlainObject(spec)) return pass();
  const kind = { kind: typeof resource.body['kind'] === 'string' ? resource.body['kind'] : 'workload' };
  const metadata = isPlainObject(resource.body['metadata']) ? resource.body['metadata'] : {};
  const namespace = metadata['namespace'];
  if (isPlaceholder(namespace)) return unknown('metadata.namespace', `the namespace of ${resource.name} is ${why}`);
  const found: string[] = [];
  const keysFound: string[] = [];
  // One evidence per ConfigMap key reached, at the env, envFrom or volume that reaches it (names, never values).
  const evidence: Evidence[] = [];
  const undecided: string[] = [];
  const index = configMapIndex(inventory);
  for (const use of usesOf(spec)) {
    if (isPlaceholder(use.name)) {
      undecided.push(`the ConfigMap of ${use.via} is ${why}`);
      continue;
    }
    if (typeof use.name !== 'string') continue;
    const maps = index.get(`${String(namespace ?? 'default')}/${use.name}`) ?? [];
    if (maps.length === 0) {
      undecided.push(`ConfigMap ${use.name} (${use.via}) is not in this scan`);
      continue;
    }
    for (const map of maps) {
      const entries = configMapEntries(map.body);
      const data = isPlainObject(map.body['properties']) ? map.body['properties']['data'] : undefined;
      if (!entries || isPlaceholder(data)) {
        undecided.push(`the data of ConfigMap ${use.name} is ${notationOf(map).phrases.unreadableData}`);
        continue;
      }
      const wanted = use.keys ?? [...entries.keys()];
      for (const key of wanted) {
        if (isPlaceholder(key)) {
          undecided.push(`a key of ConfigMap ${use.name} (${use.via}) is ${why}`);
          continue;
        }
        if (typeof key !== 'string') continue;
        const entry = entries.get(key);
        if (!entry || (use.textOnly && entry.from === 'binaryData')) continue;
        const verdict = judgeEntry(key, entry, openBecause(map, 'not in the input'), notationOf(map).phrases.sensitiveValue);
        if (verdict.kind === 'credential') {
          found.push(`key ${key} of ConfigMap ${use.name} (${use.via}: ${verdict.why})`);
          keysFound.push(`${use.name}/${key}`);
          if (!evidence.some((item) => item.path === use.path && item.actual === `${use.name}/${key}`)) evidence.push({ path: use.path, actual: `${use.name}/${key}`, expected: 'no credential from a ConfigMap' });
        } else if (verdict.kind === 'unknown') undecided.push(`${verdict.why} (ConfigMap ${use.name})`);
      }
    }
  }
  const unique = [...new Set(found)];
  if (unique.length) {
    return { verdict: 'fail', evidence, details: { ...kind, credentials: unique.join('; '), keys: [...new Set(keysFound)].join(', ') } };
  }
  if (undecided.length) return unknown('properties.podSpec', [...new Set(undecided)].join('; '), kind);
  return pass();
};

export default defineCheck({
  name: 'workloadGetsNoConfigMapCredentials',
  // The ConfigMaps it reads come from manifests, which an audit does not read.
  reads: [],
  details: ['credentials', 'keys', 'kind'],
  evaluate,
});
