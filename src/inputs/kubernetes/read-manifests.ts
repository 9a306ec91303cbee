import type { Document, LineCounter, Node } from 'yaml';
import { yaml } from '../../lazy-modules.js';
import { UserError } from '../../errors.js';
import { registerArmType } from '../../model/arm-types.js';
import type { Resource } from '../../model/resource.js';
import { isPlainObject, UNKNOWN } from '../../model/values.js';
import { yamlToJs } from '../yaml-positions.js';
import { describeTag, refuseNonCoreTags } from '../yaml-tags.js';
import { yamlSyntaxError } from '../yaml-errors.js';
import { isWorkloadKind, WORKLOAD_TYPE, workloadBody } from './workload.js';

registerArmType(WORKLOAD_TYPE);

export type ManifestOutcome =
  | { status: 'read'; resources: Resource[]; unmapped: number; problems: string[] }
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

/** `${IMAGE}` (envsubst) and `$(TAG)` left in a manifest are filled in at deploy time: unknown, not a value. */
const DEPLOY_TIME_PLACEHOLDER = /^\$(?:\{[A-Za-z_][A-Za-z0-9_]*(?::?-[^}]*)?\}|\([A-Za-z_][A-Za-z0-9_]*\))$/;

function withPlaceholders(value: unknown, depth = 0): unknown {
  if (depth > 100) return UNKNOWN;
  if (typeof value === 'string') return DEPLOY_TIME_PLACEHOLDER.test(value.trim()) ? UNKNOWN : value;
  if (Array.isArray(value)) return value.map((item) => withPlaceholders(item, depth + 1));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withPlaceholders(item, depth + 1)]));
  return value;
}

function lineOf(lineCounter: LineCounter, node: Node | null | undefined): { line: number; column: number } | undefined {
  if (!node?.range) return undefined;
  const position = lineCounter.linePos(node.range[0]);
  return { line: position.line, column: position.col };
}

function describeKind(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

function isKubernetesObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && typeof value['apiVersion'] === 'string' && typeof value['kind'] === 'string';
}

/** Throws for the first syntax error or unsupported tag, with its line. */
function checkDocuments(documents: readonly Document[], lineCounter: LineCounter, file: string): void {
  for (const document of documents) {
    const error = document.errors[0];
    if (error) {
      const { problem, line } = yamlSyntaxError(error, lineCounter);
      throw new UserError(problem, file, line);
    }
    // The core schema resolves no language tags (`!!js/function`, `!!python/object`): such a value would be
    // read as a plain string and judged as one, so the file is refused instead.
    const tag = document.warnings.find((warning) => warning.code === 'TAG_RESOLVE_FAILED');
    if (tag) {
      // Shown as written (`!!js/function`), not as the library expands it; a local tag is not named (yaml-tags.ts).
      const name = /Unresolved tag: (\S+)/.exec(tag.message)?.[1] ?? '';
      throw new UserError(`uses ${describeTag(name, false)}, which is not part of the core schema Kubernetes manifests use`, file, lineCounter.linePos(tag.pos[0]).line);
    }
    // Issue 10: tags the library does resolve but manifests never need (`!!binary` became bytes and was judged).
    refuseNonCoreTags(document, lineCounter, file, 'Kubernetes manifests', false);
  }
}

/**
 * Reads Kubernetes manifests: multi-document YAML whose documents are objects or `kind: List` (and
 * `*List`) wrappers. Workload kinds become Kubernetes/Workload resources; other kinds (Service,
 * ConfigMap...) are counted as unmapped. `strict`: the user named the file, so anything unreadable is an
 * error; in a directory walk only files that look like manifests are.
 */
export function readManifests(text: string, file: string, strict: boolean): ManifestOutcome {
  if (!strict && isGoTemplate(text)) return { status: 'not-kubernetes', reason: 'a Go/Helm template, not YAML (render it with helm template first)' };
  const meant = strict || looksLikeManifestText(text);
  const { LineCounter, parseAllDocuments, isMap, isSeq } = yaml();
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { schema: 'core', lineCounter, prettyErrors: false });
  const documents = Array.isArray(parsed) ? parsed : [];
  let values: unknown[];
  try {
    checkDocuments(documents, lineCounter, file);
    values = documents.map((document) => yamlToJs(document, lineCounter, file));
  } catch (error) {
    if (meant || !(error instanceof UserError)) throw error;
    return { status: 'not-kubernetes', reason: 'YAML that is not a Kubernetes manifest' };
  }
  if (!values.some(isKubernetesObject)) return { status: 'not-kubernetes', reason: 'YAML without Kubernetes objects (no apiVersion/kind)' };

  const resources: Resource[] = [];
  const keys = new Set<string>();
  let unmapped = 0;
  const add = (object: Record<string, unknown>, position: { line: number; column: number } | undefined): void => {
    const kind = String(object['kind']);
    if (!isWorkloadKind(kind)) {
      unmapped++;
      return;
    }
    const body = workloadBody(object);
    const properties = body['properties'] as Record<string, unknown>;
    properties['podSpec'] = withPlaceholders(properties['podSpec']);
    const metadata = body['metadata'] as Record<string, unknown>;
    const rawMetadata = isPlainObject(object['metadata']) ? object['metadata'] : {};
    const name = typeof rawMetadata['name'] === 'string' ? rawMetadata['name'] : typeof rawMetadata['generateName'] === 'string' ? `${rawMetadata['generateName']}*` : `(unnamed ${kind})`;
    const base = `${file}#${kind}/${String(metadata['namespace'])}/${name}`;
    let key = base;
    for (let n = 2; keys.has(key.toLowerCase()); n++) key = `${base}[${n}]`;
    keys.add(key.toLowerCase());
    resources.push({
      key,
      armType: WORKLOAD_TYPE,
      name,
      body,
      source: { kind: 'manifest', dialect: 'kubernetes', file, managed: true, ...(position ? { line: position.line, column: position.column } : {}) },
    });
  };

  values.forEach((value, index) => {
    const document = documents[index]!;
    const contents = document.contents as Node | null;
    const position = lineOf(lineCounter, contents);
    if (value === null || value === undefined) return; // an empty document (`---` twice, or a trailing `---`)
    if (!isPlainObject(value)) {
      throw new UserError(`document ${index + 1} is ${describeKind(value)}, not a Kubernetes object (a mapping with apiVersion and kind)`, file, position?.line);
    }
    if (!isKubernetesObject(value)) throw new UserError(`document ${index + 1} has no apiVersion/kind, so it is not a Kubernetes object`, file, position?.line);
    const items = value['items'];
    if (/List$/.test(String(value['kind'])) && Array.isArray(items)) {
      const itemNodes = isMap(contents) ? contents.get('items', true) : undefined;
      items.forEach((item, itemIndex) => {
        const node = isSeq(itemNodes) ? (itemNodes.items[itemIndex] as Node | undefined) : undefined;
        const itemPosition = lineOf(lineCounter, node) ?? position;
        if (!isKubernetesObject(item)) throw new UserError(`item ${itemIndex + 1} of the list in document ${index + 1} is not a Kubernetes object (no apiVersion/kind)`, file, itemPosition?.line);
        add(item, itemPosition);
      });
      return;
    }
    add(value, position);
  });
  return { status: 'read', resources, unmapped, problems: [] };
}
