import { escapeUnsafe } from './terminal-text.js';

/**
 * Untrusted text in GitHub-flavoured Markdown (step summaries, pull-request comments), made inert.
 *
 * GitHub renders raw HTML, turns `@name` into a notification, `#123` into a cross-reference on that issue,
 * `www.`/`https://` and e-mail addresses into links, `[x](y)` and `![x](y)` into links and images, `$x$`
 * into math, and in a table a `|` starts a new cell and a line break ends the row. A resource name from a
 * pull request must do none of that. So, in text:
 * - control characters become visible escapes (terminal-text.ts), so no CR or LF can break a row or a list;
 * - `&` and `<` become entities: no HTML, no autolink in angle brackets, no entity that decodes to markup;
 * - every other character that starts inline markup is backslash-escaped, `|` included, which is valid
 *   inside and outside tables (GFM removes the backslash of `\|` in a cell before reading the cell);
 * - a zero-width space (as an entity) follows `@`, a `#` before a digit, and splits `://` and `www.`
 *   wherever they stand (renderers differ on what may precede an autolink): the reader sees the same text,
 *   but no mention, reference or autolink is found in it;
 * - a character that would start a block at the start of a list item (`#`, `>`, `-`, `1.`) is escaped.
 * Code spans get a fence of more backticks than the content holds, so nothing closes them early.
 */

const BREAK = '&#8203;';
/** `<` starts HTML, autolinks and comments and `&` an entity; `>` and `"` are inert once `<` is escaped. */
const HTML: ReadonlyMap<string, string> = new Map([
  ['&', '&amp;'],
  ['<', '&lt;'],
]);
/**
 * One pass over everything that needs a change, so an entity written for one match is never read as input
 * by another: HTML characters; characters that start inline markup (emphasis, code, links, images,
 * strikethrough, math, table cells, escapes); mentions; issue references; autolinks.
 */
const SPECIAL = /[&<]|[\\`*_[\]|~$!{}]|@|#(?=\d)|GH-(?=\d)|:\/\/|www\./gi;

function replaceSpecial(match: string): string {
  const entity = HTML.get(match);
  if (entity) return entity;
  if (match.length === 1 && match !== '@' && match !== '#') return `\\${match}`;
  if (match === '://') return `:${BREAK}//`;
  if (/^www\./i.test(match)) return `${match.slice(0, 3)}${BREAK}.`;
  return `${match}${BREAK}`;
}

/**
 * At the start of a list item a block may begin: a heading, a quote, a nested list, a thematic break, an
 * ordered list (`1.`) or indented code. Escaping its first character is enough (`*`, `_`, `~` and backticks
 * are escaped everywhere already).
 */
function escapeBlockStart(text: string): string {
  if (/^[#+\-=>]/.test(text)) return `\\${text}`;
  if (text.startsWith(' ')) return `&#32;${text.slice(1)}`;
  return text.replace(/^(\d+)([.)])/, '$1\\$2');
}

/** Inline text, inert in a table cell, a list item or a paragraph. */
export function markdownText(text: string): string {
  return escapeBlockStart(inlineText(text));
}

/** The same, for text that follows other inline content on its line, where no block can start. */
function inlineText(text: string): string {
  return escapeUnsafe(text).replace(SPECIAL, replaceSpecial);
}

/**
 * A code span holding `text` verbatim, for a table cell: fenced with one more backtick than the longest run
 * inside it, padded when the content starts or ends with a backtick, with `|` escaped for the table.
 */
export function markdownCode(text: string): string {
  const content = escapeUnsafe(text).replace(/\|/g, '\\|');
  let longest = 0;
  for (const run of content.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = content.startsWith('`') || content.endsWith('`') || content === '' || /^ .* $/.test(content) ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/**
 * A message or a fix, whose rule wrote commands and settings between single backticks and whose names come
 * from the input: the backticked parts are shown as code spans and the rest as text. Longer backtick runs
 * are never delimiters, so a name's ``x`` shows as written. A name that holds a lone backtick may shift which
 * part is which, but every part is rendered inert either way.
 */
export function markdownProse(text: string): string {
  const parts = text.split(/(?<!`)`(?!`)/);
  // An odd count of delimiters leaves one unpaired: then nothing is code, and each backtick shows as written.
  if (parts.length % 2 === 0) return markdownText(text);
  return parts.map((part, index) => (index % 2 === 1 ? markdownCode(part) : index === 0 ? markdownText(part) : inlineText(part))).join('');
}
