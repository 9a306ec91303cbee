import type { LineCounter, YAMLError } from 'yaml';

/**
 * YAML syntax errors in words that never quote the file. The yaml library's messages often do:
 * `Block scalar header includes extra characters: |x-hunter2`, `Invalid escape sequence \uSECR`, a parse
 * error token's source as JSON, an unresolved tag. In a Kubernetes Secret that text is the secret, and
 * the message would reach stderr, JSON, SARIF (uploaded to code scanning), Markdown and JUnit. So a message
 * is kept only when it is one of the library's fixed sentences (or one whose only variable part is a
 * single indicator character or token kind); anything else is described by its error code. The line and
 * column say where to look.
 */

/** The library's messages that hold no text from the file. */
const FIXED_MESSAGES = new Set([
  'An alias node must not specify any properties',
  'Alias cannot be an empty string',
  'Alias ending in : is ambiguous',
  'Anchor cannot be an empty string',
  'Anchor ending in : is ambiguous',
  'All sequence items must start at the same column',
  'All mapping items must start at the same column',
  'Unexpected block-seq-ind on same line with key',
  'A block sequence may not be used as an implicit map key',
  'Nested mappings are not allowed in compact mappings',
  'Map keys must be unique',
  'Block collection cannot start on same line with directives-end marker',
  'Comments must be separated from other tokens by white space characters',
  'Implicit map keys need to be followed by map values',
  'Missing directives-end indicator line',
  'Missing directives-end/doc-start indicator line',
  'Sequence item without - indicator',
  'Tags and anchors must be separated from the next token by white space',
  'Implicit keys need to be on a single line',
  'Implicit keys of flow sequence pairs need to be on a single line',
  'A node can have at most one anchor',
  'A node can have at most one tag',
  'Tabs are not allowed as indentation',
  'Flow end indicator should be more indented than parent',
  'Unexpected doc-end without preceding document',
]);

/** Messages whose variable part is an indicator character, a flow collection's kind or a token kind. */
const SHAPED_MESSAGES = [
  /^Missing closing ["']quote$/,
  /^Plain value cannot start with (?:reserved character [@`]|block scalar indicator [|>]|a tab character|flow indicator character ,|directive indicator character %)$/,
  /^Flow (?:map|sequence) (?:must|in block collection must be sufficiently indented and) end with a [}\]]$/,
  /^Unexpected (?:,|empty item) in flow (?:map|sequence)$/,
  /^Missing (?:,|, or :) between flow (?:map|sequence) items$/,
  /^Missing space after : in flow (?:map|sequence)$/,
  /^Unexpected [a-z-]+ (?:token(?: in YAML (?:stream|document))?|at node end)$/,
  /^Unexpected [,?:\-[\]{}] in (?:flow map|flow sequence|collection)$/,
  /^Anchors and tags must be after the [?:-] indicator$/,
  /^Expected a flow scalar value, but found: [a-z-]+$/,
];

const BY_CODE: ReadonlyMap<string, string> = new Map([
  ['ALIAS_PROPS', 'an alias cannot have an anchor or a tag'],
  ['BAD_ALIAS', 'a malformed alias or anchor'],
  ['BAD_DIRECTIVE', 'a malformed % directive'],
  ['BAD_DQ_ESCAPE', 'an invalid escape sequence in a double-quoted string'],
  ['BAD_INDENT', 'bad indentation'],
  ['BAD_PROP_ORDER', 'an anchor or tag in the wrong place'],
  ['BAD_SCALAR_START', 'a plain value starts with a reserved character (quote it)'],
  ['BLOCK_AS_IMPLICIT_KEY', 'a block collection used as a key'],
  ['BLOCK_IN_FLOW', 'a block collection inside a flow collection'],
  ['DUPLICATE_KEY', 'Map keys must be unique'],
  ['KEY_OVER_1024_CHARS', 'an implicit key longer than 1024 characters'],
  ['MISSING_CHAR', 'a missing character (an unclosed quote or bracket, or a missing comma, colon or space)'],
  ['MULTILINE_IMPLICIT_KEY', 'Implicit keys need to be on a single line'],
  ['MULTIPLE_ANCHORS', 'A node can have at most one anchor'],
  ['MULTIPLE_DOCS', 'more than one document where one is expected'],
  ['MULTIPLE_TAGS', 'A node can have at most one tag'],
  ['NON_STRING_KEY', 'a key that is not a string'],
  ['RESOURCE_EXHAUSTION', 'nested too deeply to read'],
  ['TAB_AS_INDENT', 'Tabs are not allowed as indentation'],
  ['TAG_RESOLVE_FAILED', 'a value its tag cannot be read as'],
  ['UNEXPECTED_TOKEN', 'unexpected text (for example a block scalar header with extra characters, or a stray indicator)'],
  ['BAD_COLLECTION_TYPE', 'a tag for the wrong kind of collection'],
]);

/** The problem, safe to print: a fixed sentence from the library or a phrase for its error code. */
export function yamlErrorPhrase(error: Pick<YAMLError, 'code' | 'message'>): string {
  const first = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  if (FIXED_MESSAGES.has(first) || SHAPED_MESSAGES.some((shape) => shape.test(first))) return first;
  return BY_CODE.get(error.code) ?? 'a syntax error';
}

/** `invalid YAML: <phrase> (column N)` and the line, for a UserError. */
export function yamlSyntaxError(error: Pick<YAMLError, 'code' | 'message' | 'pos'>, lineCounter: LineCounter): { problem: string; line: number } {
  const { line, col } = lineCounter.linePos(error.pos[0]);
  return { problem: `invalid YAML: ${yamlErrorPhrase(error)} (column ${col})`, line };
}
