import type { LineCounter, Node } from 'yaml';
import { yaml } from '../../lazy-modules.js';
import { UserError } from '../../errors.js';
import { registerArmType } from '../../model/arm-types.js';
import { UNCLASSIFIED_TYPE, type Resource } from '../../model/resource.js';
import { isPlainObject, UNKNOWN } from '../../model/values.js';
import { readKubectlYaml } from './kubectl-yaml.js';
import { isWorkloadKind, WORKLOAD_TYPE, workloadBody } from './workload.js';
import { CONFIG_MAP_TYPE, configMapBody } from '../../model/config-map.js';
import { MANIFEST_NOTATION } from './notation.js';

registerArmType(WORKLOAD_TYPE);
registerArmType(CONFIG_MAP_TYPE);

export interface ManifestsRead {
  status: 'read';
  resources: Resource[];
  unmapped: number;
  problems: string[];
}

export type ManifestOutcome =
  | ManifestsRead
  /** YAML, but no Kubernetes object in it (a CI config, Helm values): the caller decides whether that is an error. */
  | { status: 'not-kubernetes'; reason: string };

/**
 * A file that names both keys at the start of a line is meant as a manifest: its YAML errors are the
 * user's to fix even when it was found in a directory walk. Any other YAML there (CI configs, values
 * files) is not ours to judge.
 */
export function looksLikeManifestText(text: string): boolean {
  return /^\s*(?:-\s+)?apiVersion\s*:/m.test(text) && /^\s*(?:-\s+)?kind\s*:/m.test(text);
}

/** Helm and other Go templates are not YAML until rendered. */
function isGoTemplate(text: string): boolean {
  return /\{\{[-\s]/.test(text);
}

/**
 * `${IMAGE}` (envsubst) and `$(TAG)` left in a manifest are filled in at deploy time: unknown, not a value.
 * So is any string holding a `{{ }}` template expression (Helm, Argo): what it becomes is not in the file.
 */
const DEPLOY_TIME_PLACEHOLDER = /^\$(?:\{[A-Za-z_][A-Za-z0-9_]*(?::?-[^}]*)?\}|\([A-Za-z_][A-Za-z0-9_]*\))$/;
const TEMPLATE_EXPRESSION = /\{\{[\s\S]*\}\}/;

function withPlaceholders(value: unknown, depth = 0): unknown {
  if (depth > 100) return UNKNOWN;
  if (typeof value === 'string') return DEPLOY_TIME_PLACEHOLDER.test(value.trim()) || TEMPLATE_EXPRESSION.test(value) ? UNKNOWN : value;
  if (Array.isArray(value)) return value.map((item) => withPlaceholders(item, depth + 1));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withPlaceholders(item, depth + 1)]));
  return value;
}

function lineOf(lineCounter: LineCounter, node: Node | null | undefined): Position | undefined {
  if (!node?.range) return undefined;
  const position = lineCounter.linePos(node.range[0]);
  return { line: position.line, column: position.col };
}

function nameOf(object: Record<string, unknown>, kind: string): string {
  const metadata = isPlainObject(object['metadata']) ? object['metadata'] : {};
  if (typeof metadata['name'] === 'string') return metadata['name'];
  return typeof metadata['generateName'] === 'string' ? `${metadata['generateName']}*` : `(unnamed ${kind})`;
}

function describeKind(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

function isKubernetesObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && typeof value['apiVersion'] === 'string' && typeof value['kind'] === 'string';
}

/** Where a document (or an item of a List) starts, for findings. */
type Position = { line: number; column: number };

/** One document of a manifest file, as kubectl reads it, and where it and its List items are. */
interface ManifestDocument {
  value: unknown;
  position: Position | undefined;
  itemPosition(index: number): Position | undefined;
}

const TEMPLATE_REASON = 'a Go/Helm template that does not parse as YAML (render it, e.g. with helm template, and scan the output)';

/**
 * Reads Kubernetes manifests: multi-document YAML whose documents are objects or `kind: List` (and
 * `*List`) wrappers, read the way kubectl reads them (src/inputs/kubernetes/kubectl-yaml.ts). Workload
 * kinds become Kubernetes/Workload resources; other kinds (Service, ConfigMap...) are counted as unmapped.
 * `strict`: the user named the file, so anything unreadable is an error; in a directory walk only files
 * that look like manifests are. A file with `{{ }}` that still parses is read (its template expressions are
 * unknown values); one that does not parse is a template to render first, and is reported as not scanned.
 */
export function readManifests(text: string, file: string, strict: boolean): ManifestOutcome {
  const templated = isGoTemplate(text);
  const meant = strict || looksLikeManifestText(text);
  let read;
  try {
    read = readKubectlYaml(text, file);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    if (templated && !strict) return { status: 'not-kubernetes', reason: TEMPLATE_REASON };
    if (meant && templated) throw new UserError(`${error.problem}; it holds {{ }}, so it may be a Go/Helm template: render it (helm template) and scan the output`, file, error.line);
    if (meant) throw error;
    return { status: 'not-kubernetes', reason: 'YAML that is not a Kubernetes manifest' };
  }
  const { documents, lineCounter, values } = read;
  const { isMap, isSeq } = yaml();
  const manifest: ManifestDocument[] = values.map((value, index) => {
    const contents = documents[index]!.contents as Node | null;
    const itemNodes = isMap(contents) ? contents.get('items', true) : undefined;
    return {
      value,
      position: lineOf(lineCounter, contents),
      itemPosition: (item) => lineOf(lineCounter, isSeq(itemNodes) ? (itemNodes.items[item] as Node | undefined) : undefined),
    };
  });
  if (!values.some(isKubernetesObject)) return { status: 'not-kubernetes', reason: 'YAML without Kubernetes objects (no apiVersion/kind)' };
  return manifestResources(manifest, file);
}

/** kubectl also applies manifests written as JSON: one object with apiVersion and kind, or a List of them. */
export function looksLikeJsonManifest(json: unknown): boolean {
  return isKubernetesObject(json);
}

export function readJsonManifest(json: unknown, file: string): ManifestsRead {
  return manifestResources([{ value: json, position: { line: 1, column: 1 }, itemPosition: () => undefined }], file);
}

function manifestResources(documents: readonly ManifestDocument[], file: string): ManifestsRead {
  const resources: Resource[] = [];
  const keys = new Set<string>();
  let unmapped = 0;
  const keyFor = (base: string): string => {
    let key = base;
    for (let n = 2; keys.has(key.toLowerCase()); n++) key = `${base}[${n}]`;
    keys.add(key.toLowerCase());
    return key;
  };
  const add = (object: Record<string, unknown>, position: Position | undefined): void => {
    const kind = String(object['kind']);
    const source: Resource['source'] = { kind: 'manifest', dialect: 'kubernetes', file, managed: true, notation: MANIFEST_NOTATION, ...(position ? { line: position.line, column: position.column } : {}) };
    if (withPlaceholders(kind) === UNKNOWN) {
      // `kind: ${KIND}`: it may be a workload, so every workload rule reports it unknown.
      const name = nameOf(object, 'object');
      resources.push({ key: keyFor(`${file}#(kind unknown)/${name}`), armType: UNCLASSIFIED_TYPE, name, body: {}, source, unclassified: { attribute: 'kind', why: 'placeholder', candidateTypes: [WORKLOAD_TYPE] } });
      return;
    }
    if (kind === 'ConfigMap') {
      addConfigMap(object, source);
      return;
    }
    if (!isWorkloadKind(kind)) {
      unmapped++;
      return;
    }
    const body = workloadBody(object);
    const properties = body['properties'] as Record<string, unknown>;
    for (const key of Object.keys(properties)) properties[key] = withPlaceholders(properties[key]);
    const metadata = body['metadata'] as Record<string, unknown>;
    for (const key of ['namespace', 'labels', 'annotations']) metadata[key] = withPlaceholders(metadata[key]);
    const name = nameOf(object, kind);
    const key = keyFor(`${file}#${kind}/${String(metadata['namespace'] === UNKNOWN ? '(namespace unknown)' : metadata['namespace'])}/${name}`);
    resources.push({ key, armType: WORKLOAD_TYPE, name, body, source });
  };

  // ConfigMaps are read for AZF-KATA-006: their keys, with values kept out of the body (model/config-map.ts).
  const addConfigMap = (object: Record<string, unknown>, source: Resource['source']): void => {
    const rawMetadata = isPlainObject(object['metadata']) ? object['metadata'] : {};
    const body = configMapBody({ name: withPlaceholders(rawMetadata['name']), namespace: withPlaceholders(rawMetadata['namespace']), labels: rawMetadata['labels'] }, withPlaceholders(object['data']), object['binaryData']);
    const metadata = body['metadata'] as Record<string, unknown>;
    const name = nameOf(object, 'ConfigMap');
    resources.push({ key: keyFor(`${file}#ConfigMap/${String(metadata['namespace'] === UNKNOWN ? '(namespace unknown)' : metadata['namespace'])}/${name}`), armType: CONFIG_MAP_TYPE, name, body, source });
  };

  documents.forEach(({ value, position, itemPosition }, index) => {
    if (value === null || value === undefined) return; // an empty document (`---` twice, or a trailing `---`)
    if (!isPlainObject(value)) {
      throw new UserError(`document ${index + 1} is ${describeKind(value)}, not a Kubernetes object (a mapping with apiVersion and kind)`, file, position?.line);
    }
    if (!isKubernetesObject(value)) throw new UserError(`document ${index + 1} has no apiVersion/kind, so it is not a Kubernetes object`, file, position?.line);
    const items = value['items'];
    if (/List$/.test(String(value['kind'])) && Array.isArray(items)) {
      items.forEach((item, itemIndex) => {
        const at = itemPosition(itemIndex) ?? position;
        if (!isKubernetesObject(item)) throw new UserError(`item ${itemIndex + 1} of the list in document ${index + 1} is not a Kubernetes object (no apiVersion/kind)`, file, at?.line);
        add(item, at);
      });
      return;
    }
    add(value, position);
  });
  return { status: 'read', resources, unmapped, problems: [] };
}
