import type { Document, LineCounter, Node, Pair, Scalar, YAMLMap } from 'yaml';
import { yaml } from '../../lazy-modules.js';
import { UserError } from '../../errors.js';
import { describeTag, refuseNonCoreTags } from '../yaml-tags.js';
import { yamlSyntaxError } from '../yaml-errors.js';

/**
 * YAML as kubectl reads it. kubectl decodes manifests with sigs.k8s.io/yaml, which unmarshals with go-yaml v2
 * (YAML 1.1) and converts the result to JSON. A manifest means what that pipeline makes of it, not what a
 * YAML 1.2 reader does, so this module re-implements go-yaml v2's decoding over the `yaml` library's parse
 * tree (which keeps lines, syntax errors and tags):
 *
 * - plain scalars resolve with go-yaml v2's table (resolve.go): `y Y yes Yes YES on On ON true True TRUE` are
 *   true, `n N no No NO off Off OFF false False FALSE` false, `~ null Null NULL` and empty are null; integers
 *   in Go syntax (`0x1F`, `017` octal, `0o17`, `0b101`, `1_000`); floats; quoted and block scalars are strings;
 * - `<<` merge keys apply in document order and overwrite what is already set (so `privileged: false`
 *   followed by `<<: {privileged: true}` is true, as kubectl applies it); in a list of maps the earlier
 *   maps win;
 * - map keys become strings as sigs.k8s.io/yaml makes them (`yes:` is the key "true").
 *
 * Stricter than kubectl, on purpose: a key written twice in one mapping is an error (kubectl keeps one of
 * them silently), aliases are capped, and tags outside the core schema are refused. Timestamps
 * (`2024-01-01`) stay as written; kubectl would reformat them, and no rule reads one.
 */
export interface KubectlYaml {
  documents: Document[];
  lineCounter: LineCounter;
  /** The JSON value of each document, as kubectl would send it. */
  values: unknown[];
}

const TAG = 'tag:yaml.org,2002:';
/** Core tags this module resolves itself (the `yaml` library's core schema would read `!!bool yes` as an error). */
const RESOLVED_HERE = new Set(['bool', 'int', 'float', 'null', 'str'].map((name) => `${TAG}${name}`));

type GoKind = 'str' | 'bool' | 'int' | 'float' | 'null' | 'merge';
interface Resolved {
  kind: GoKind;
  value: unknown;
}

/** go-yaml v2 resolve.go: exact spellings, before any number parsing. */
const RESOLVE_MAP = new Map<string, Resolved>();
for (const [kind, value, spellings] of [
  ['bool', true, ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']],
  ['bool', false, ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']],
  ['null', null, ['', '~', 'null', 'Null', 'NULL']],
  ['float', Number.NaN, ['.nan', '.NaN', '.NAN']],
  ['float', Number.POSITIVE_INFINITY, ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']],
  ['float', Number.NEGATIVE_INFINITY, ['-.inf', '-.Inf', '-.INF']],
  ['merge', '<<', ['<<']],
] as const) {
  for (const spelling of spellings) RESOLVE_MAP.set(spelling, { kind, value });
}

/** go-yaml v2's first-character hints: only scalars starting with one of these can be anything but a string. */
function hintOf(text: string): 'M' | 'D' | 'S' | '.' | undefined {
  if (text === '') return 'M';
  const first = text[0]!;
  if (first >= '0' && first <= '9') return 'D';
  if (first === '+' || first === '-') return 'S';
  if (first === '.') return '.';
  return 'yYnNtTfFoO~'.includes(first) ? 'M' : undefined;
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;
const TIMESTAMP_START = /^[0-9]{4}-/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt(s, 0, 64) (signed) or ParseUint(s, 0, 64): sign, 0x/0o/0b prefixes, a leading 0 for octal. */
function goParseInteger(text: string, signed: boolean): bigint | undefined {
  let at = 0;
  let negative = false;
  if (text[0] === '+' || text[0] === '-') {
    if (!signed) return undefined;
    negative = text[0] === '-';
    at = 1;
  }
  let base = 10;
  if (text[at] === '0' && text.length > at + 1) {
    const prefix = text[at + 1]!.toLowerCase();
    if (prefix === 'x') base = 16;
    else if (prefix === 'o') base = 8;
    else if (prefix === 'b') base = 2;
    else base = 8;
    at += prefix === 'x' || prefix === 'o' || prefix === 'b' ? 2 : 1;
  }
  const digits = text.slice(at);
  if (digits === '') return undefined;
  let value = 0n;
  for (const digit of digits.toLowerCase()) {
    const n = digit >= '0' && digit <= '9' ? digit.charCodeAt(0) - 48 : digit >= 'a' && digit <= 'f' ? digit.charCodeAt(0) - 87 : 99;
    if (n >= base) return undefined;
    value = value * BigInt(base) + BigInt(n);
  }
  if (negative) value = -value;
  if (signed ? value < INT64_MIN || value > INT64_MAX : value > UINT64_MAX) return undefined;
  return value;
}

/** go-yaml v2's resolve() for an untagged plain scalar (or a tagged one, whose kind the caller checks). */
export function resolveScalar(text: string): Resolved {
  const hint = hintOf(text);
  if (hint === undefined) return { kind: 'str', value: text };
  const known = RESOLVE_MAP.get(text);
  if (known) return known;
  if (hint === '.') {
    if (DOT_FLOAT.test(text)) {
      const value = Number(text);
      if (Number.isFinite(value)) return { kind: 'float', value };
    }
  } else if (hint === 'D' || hint === 'S') {
    // A timestamp (go-yaml v2 parses 2006-1-2 forms into time.Time); kept as written, see above.
    if (TIMESTAMP_START.test(text)) return { kind: 'str', value: text };
    const plain = text.replaceAll('_', '');
    const signed = goParseInteger(plain, true);
    if (signed !== undefined) return { kind: 'int', value: Number(signed) };
    const unsigned = goParseInteger(plain, false);
    if (unsigned !== undefined) return { kind: 'int', value: Number(unsigned) };
    if (YAML_STYLE_FLOAT.test(plain)) {
      // strconv.ParseFloat fails on out-of-range values (1e400): go-yaml then keeps the string.
      const value = Number(plain);
      if (Number.isFinite(value)) return { kind: 'float', value };
    }
  }
  return { kind: 'str', value: text };
}

/** sigs.k8s.io/yaml's map-key conversion: strings, numbers and booleans become strings; anything else fails. */
function keyText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(Math.fround(value));
  }
  return undefined;
}

function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  // `__proto__` is an ordinary key in a manifest, never the object's prototype.
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

interface Context {
  document: Document;
  lineCounter: LineCounter;
  /** Nodes still to be built under aliases before the file counts as an alias bomb. */
  aliasBudget: number;
  aliasDepth: number;
  /** Collections being built (an alias to one of them never ends). */
  open: Set<Node>;
}

class Refused extends Error {
  constructor(
    readonly problem: string,
    readonly node: Node | null | undefined,
  ) {
    super(problem);
  }
}

function convert(node: Node | null | undefined, ctx: Context): unknown {
  const { isAlias, isMap, isScalar, isSeq } = yaml();
  if (node === null || node === undefined) return null;
  if (ctx.aliasDepth > 0 && --ctx.aliasBudget < 0) throw new Refused('YAML aliases expand too much (alias bomb?)', node);
  if (isScalar(node)) return scalarValue(node, ctx);
  if (isAlias(node)) return throughAlias(node, ctx, (target) => convert(target, ctx));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    ctx.open.add(node);
    mapping(node, out, ctx);
    ctx.open.delete(node);
    return out;
  }
  if (isSeq(node)) {
    ctx.open.add(node);
    const out = node.items.map((item) => convert(item as Node | null, ctx));
    ctx.open.delete(node);
    return out;
  }
  throw new Refused('a YAML node kubectl cannot read', node);
}

function throughAlias<T>(alias: Node, ctx: Context, use: (target: Node) => T): T {
  const target = (alias as unknown as { resolve(doc: Document): Node | undefined }).resolve(ctx.document);
  if (!target) throw new Refused('invalid YAML: an alias (*…) refers to an anchor that is not defined', alias);
  if (ctx.open.has(target)) throw new Refused('an anchor\'s value contains an alias to itself', alias);
  ctx.aliasDepth++;
  try {
    return use(target);
  } finally {
    ctx.aliasDepth--;
  }
}

function scalarValue(node: Scalar, ctx: Context): unknown {
  const text = typeof node.source === 'string' ? node.source : String(node.value);
  const tag = node.tag;
  if (!tag) return node.type === 'PLAIN' ? resolveScalar(text).value : text;
  if (tag === `${TAG}str`) return text;
  // go-yaml v2 resolves an explicitly tagged scalar, quoted or not, and refuses a mismatch (`!!bool maybe`).
  const resolved = resolveScalar(text);
  const wanted = tag.slice(TAG.length);
  if (resolved.kind === wanted) return resolved.value;
  if (wanted === 'float' && resolved.kind === 'int') return resolved.value;
  // The value is not quoted: in a Secret it is the secret.
  throw new Refused(`a value tagged !!${wanted} is not one (it reads as !!${resolved.kind})`, node);
}

function isMergeKey(key: unknown): boolean {
  const { isScalar } = yaml();
  return isScalar(key) && !key.tag && key.type === 'PLAIN' && key.source === '<<';
}

/** go-yaml v2 decoder.mapping: pairs in order, merges writing into the same map. */
function mapping(node: YAMLMap, out: Record<string, unknown>, ctx: Context): void {
  const { isMap, isSeq } = yaml();
  const written = new Set<string>();
  for (const pair of node.items as Array<Pair<Node | null, Node | null>>) {
    if (isMergeKey(pair.key)) {
      merge(pair.value, out, ctx);
      continue;
    }
    const keyNode = pair.key;
    if (isMap(keyNode) || isSeq(keyNode)) throw new Refused('a map key is itself a map or a list, which kubectl cannot read', keyNode);
    const key = keyText(convert(keyNode, ctx));
    if (key === undefined) throw new Refused('a map key is null or not a scalar, which kubectl cannot read', keyNode ?? node);
    if (written.has(key)) throw new Refused('a key is written twice in one mapping (yes: and true: are one key to kubectl)', keyNode ?? node);
    written.add(key);
    setKey(out, key, convert(pair.value, ctx));
  }
}

/** go-yaml v2 decoder.merge: a map, an alias to one, or a list of those (the earlier ones win). */
function merge(value: Node | null, out: Record<string, unknown>, ctx: Context): void {
  const { isAlias, isMap, isSeq } = yaml();
  const intoOut = (node: Node | null | undefined, at: Node | null): void => {
    if (isMap(node)) {
      ctx.open.add(node);
      mapping(node, out, ctx);
      ctx.open.delete(node);
      return;
    }
    if (isAlias(node)) {
      throughAlias(node, ctx, (target) => {
        if (!isMap(target)) throw new Refused('a merge key (<<) names an anchor that is not a map', node);
        intoOut(target, node);
      });
      return;
    }
    throw new Refused('a merge key (<<) needs a map, an alias to one, or a list of those', node ?? at);
  };
  if (isSeq(value)) {
    for (let i = value.items.length - 1; i >= 0; i--) intoOut(value.items[i] as Node | null, value);
    return;
  }
  intoOut(value, value);
}

function lineOf(ctx: { lineCounter: LineCounter }, node: Node | null | undefined): number | undefined {
  return node?.range ? ctx.lineCounter.linePos(node.range[0]).line : undefined;
}

/** Throws for the first syntax error or refused tag, with its line. */
function checkDocuments(documents: readonly Document[], lineCounter: LineCounter, file: string): void {
  for (const document of documents) {
    const error = document.errors[0];
    if (error) {
      const { problem, line } = yamlSyntaxError(error, lineCounter);
      throw new UserError(problem, file, line);
    }
    for (const warning of document.warnings) {
      if (warning.code !== 'TAG_RESOLVE_FAILED') continue;
      const name = /Unresolved tag: (\S+)/.exec(warning.message)?.[1] ?? '';
      // The core schema cannot read `!!bool yes`; this module resolves core tags itself (scalarValue).
      if (RESOLVED_HERE.has(name)) continue;
      // Shown as written (`!!js/function`); a local tag is not named (yaml-tags.ts: it may be a value).
      throw new UserError(`uses ${describeTag(name, false)}, which is not part of the core schema Kubernetes manifests use`, file, lineCounter.linePos(warning.pos[0]).line);
    }
    // Tags the library does resolve but manifests never need (`!!binary` became bytes and was judged).
    refuseNonCoreTags(document, lineCounter, file, 'Kubernetes manifests', false);
  }
}

/**
 * Parses a manifest file (one or more YAML documents) and builds each document's value as kubectl would.
 * Throws a UserError naming the file and line for anything kubectl could not read, or that azfence refuses.
 */
export function readKubectlYaml(text: string, file: string): KubectlYaml {
  const { LineCounter, parseAllDocuments } = yaml();
  const lineCounter = new LineCounter();
  // Duplicate keys are found after keys are resolved (`yes:` and `true:` are the same key to kubectl).
  const parsed = parseAllDocuments(text, { schema: 'core', lineCounter, prettyErrors: false, uniqueKeys: false });
  const documents = Array.isArray(parsed) ? parsed : [];
  checkDocuments(documents, lineCounter, file);
  const values = documents.map((document) => {
    const ctx: Context = { document, lineCounter, aliasBudget: 10_000 + text.length, aliasDepth: 0, open: new Set() };
    try {
      return convert(document.contents as Node | null, ctx);
    } catch (error) {
      if (error instanceof Refused) throw new UserError(error.problem, file, lineOf(ctx, error.node));
      if (error instanceof RangeError) throw new UserError('invalid YAML: nested too deeply to read', file, lineOf(ctx, document.contents as Node | null));
      throw error;
    }
  });
  return { documents, lineCounter, values };
}
