import MarkdownIt from 'markdown-it';
import { SaxesParser } from 'saxes';

/**
 * Independent checks that an output cannot be turned against its reader, written without the escaping
 * modules under test: a strict XML 1.0 parser, a CommonMark/GFM renderer, and the character classes
 * a terminal or a browser acts on.
 */

/** Controls a terminal acts on (C0 but LF, DEL, C1), bidi embeddings, overrides and isolates, line separators, lone surrogates. */
const RAW_CONTROL = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/u;

/** Raw control characters in `text`, line breaks apart, shown as code points for a readable failure. */
export function rawControls(text: string, allowed = '\n'): string[] {
  const found: string[] = [];
  for (const character of text) {
    if (!allowed.includes(character) && RAW_CONTROL.test(character)) found.push(`U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
  }
  return found;
}

/** Parses `text` as XML 1.0 with a strict, non-validating parser; returns its first error or undefined. */
export function xmlError(text: string): string | undefined {
  const parser = new SaxesParser({ xmlns: false });
  let first: string | undefined;
  parser.on('error', (error) => {
    first ??= error.message;
  });
  try {
    parser.write(text).close();
  } catch (error) {
    first ??= (error as Error).message;
  }
  return first;
}

/** Element names and attribute values of a well-formed XML document, in order. */
export function xmlAttributes(text: string, element: string, attribute: string): string[] {
  const parser = new SaxesParser({ xmlns: false });
  const values: string[] = [];
  parser.on('opentag', (tag) => {
    if (tag.name === element && typeof tag.attributes[attribute] === 'string') values.push(tag.attributes[attribute] as string);
  });
  parser.write(text).close();
  return values;
}

/** GitHub-like rendering: raw HTML allowed through (so any that gets through shows), tables, autolinks. */
const markdown = new MarkdownIt({ html: true, linkify: true });

export function renderMarkdown(text: string): string {
  return markdown.render(text);
}

/** The tags azfence's own Markdown uses; anything else in the rendered HTML came from input. */
const OWN_TAGS = new Set(['h2', 'h3', 'p', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'br', 'strong', 'em', 'ul', 'li', 'details', 'summary']);

/**
 * What in the rendered HTML is live: tags azfence does not write (`<img>`, `<a>`, `<script>`, ...), any
 * attribute but table alignment, and `@name` mentions or `#123` references in text GitHub would link.
 */
export function liveMarkup(html: string): string[] {
  const live: string[] = [];
  for (const match of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)) {
    const [whole, name, attributes] = match;
    if (!OWN_TAGS.has(name!.toLowerCase())) live.push(whole);
    else if (attributes!.trim() && !/^\s*style="text-align:(left|right|center)"$/.test(attributes!)) live.push(whole);
  }
  // Outside code spans, GitHub links @mentions, #123 references and bare URLs.
  const text = html.replace(/<code>[\s\S]*?<\/code>/g, ' ').replace(/<[^>]+>/g, ' ');
  for (const match of text.matchAll(/(?<![\w\u200b])@[A-Za-z0-9]|(?<![\w\u200b&])#\d|https?:\/\/|www\./gi)) live.push(match[0]);
  return live;
}

/** The cells of each table row in the rendered HTML, as text (tags removed, entities decoded). */
export function tableRows(html: string): string[][] {
  const rows: string[][] = [];
  for (const row of html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)) {
    rows.push([...row[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((cell) => decodeHtml(cell[1]!.replace(/<br>/g, '\n').replace(/<[^>]+>/g, ''))));
  }
  return rows;
}

export function decodeHtml(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
