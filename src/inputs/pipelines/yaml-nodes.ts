import type { Document, LineCounter, Node } from 'yaml';
import { yaml } from '../../lazy-modules.js';
import { UserError } from '../../errors.js';
import { yamlSyntaxError } from '../yaml-errors.js';
import { refuseNonCoreTags } from '../yaml-tags.js';

/**
 * The YAML of a pipeline file as nodes with lines: readers need where each step and script is written, not
 * only its value. Aliases are resolved through the document (GitHub refuses them, Azure Pipelines reads them).
 */
export interface YamlView {
  document: Document;
  lineCounter: LineCounter;
  text: string;
  file: string;
  /** Aliases followed so far: a few lines of `&a [*b, *b, ...]` would otherwise be walked millions of times. */
  aliasesFollowed: number;
}

/** More alias hops than any real pipeline makes (Azure Pipelines files reuse a few anchors). */
const MAX_ALIASES_FOLLOWED = 10_000;

export function parsePipelineYaml(text: string, file: string): YamlView {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { schema: 'core', lineCounter, prettyErrors: false, uniqueKeys: true });
  const error = document.errors[0];
  if (error) {
    const { problem, line } = yamlSyntaxError(error, lineCounter);
    throw new UserError(problem, file, line);
  }
  refuseNonCoreTags(document, lineCounter, file, 'pipeline files', false);
  return { document, lineCounter, text, file, aliasesFollowed: 0 };
}

function deref(view: YamlView, node: unknown): Node | undefined {
  const { isAlias } = yaml();
  if (isAlias(node)) {
    if (++view.aliasesFollowed > MAX_ALIASES_FOLLOWED) throw new UserError('YAML aliases expand too much (alias bomb?)', view.file, node.range ? view.lineCounter.linePos(node.range[0]).line : undefined);
    return (node.resolve(view.document) as Node | undefined) ?? undefined;
  }
  return (node as Node | null) ?? undefined;
}

export function root(view: YamlView): Node | undefined {
  return deref(view, view.document.contents);
}

export function isMapNode(node: Node | undefined): boolean {
  return yaml().isMap(node);
}

export function isSeqNode(node: Node | undefined): boolean {
  return yaml().isSeq(node);
}

/** The value node of `key` in a mapping (keys compared as written). */
export function get(view: YamlView, node: Node | undefined, key: string): Node | undefined {
  const { isMap, isScalar } = yaml();
  if (!isMap(node)) return undefined;
  for (const pair of node.items) {
    const k = deref(view, pair.key);
    if (isScalar(k) && String(k.value) === key) return deref(view, pair.value) ?? nullNode(k);
  }
  return undefined;
}

/** A key written without a value (`steps:`) is present: a null scalar at the key's line. */
function nullNode(key: Node): Node {
  return { range: key.range, toJSON: () => null } as unknown as Node;
}

export function keysOf(view: YamlView, node: Node | undefined): string[] {
  const { isMap, isScalar } = yaml();
  if (!isMap(node)) return [];
  return node.items.map((pair) => deref(view, pair.key)).filter((k) => isScalar(k)).map((k) => String((k as { value: unknown }).value));
}

export function entries(view: YamlView, node: Node | undefined): Array<[string, Node | undefined]> {
  const { isMap, isScalar } = yaml();
  if (!isMap(node)) return [];
  const out: Array<[string, Node | undefined]> = [];
  for (const pair of node.items) {
    const k = deref(view, pair.key);
    if (isScalar(k)) out.push([String(k.value), deref(view, pair.value)]);
  }
  return out;
}

export function items(view: YamlView, node: Node | undefined): Node[] {
  const { isSeq } = yaml();
  if (!isSeq(node)) return [];
  return node.items.map((item) => deref(view, item)).filter((item): item is Node => item !== undefined);
}

/** A scalar's value as text (numbers and booleans as written), or undefined for anything else. */
export function text(node: Node | undefined): string | undefined {
  const { isScalar } = yaml();
  if (!isScalar(node)) return undefined;
  const value = node.value;
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : String(value);
}

export function lineOf(view: YamlView, node: Node | undefined): number {
  return node?.range ? view.lineCounter.linePos(node.range[0]).line : 1;
}

/** The line a scalar's first content line is on: the line after the header of a `|` or `>` block. */
export function contentLine(view: YamlView, node: Node | undefined): number {
  const { isScalar } = yaml();
  const line = lineOf(view, node);
  if (isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED')) return line + 1;
  return line;
}

export function describeNode(node: Node | undefined): string {
  const { isMap, isSeq, isScalar } = yaml();
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'empty' : `a ${typeof node.value}`;
  return 'empty';
}
