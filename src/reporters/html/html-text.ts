import { escapeUnsafe } from '../terminal-text.js';

/**
 * Input text in the HTML report. Control, bidi and other invisible characters become visible escapes
 * (terminal-text.ts), line breaks and tabs included: HTML would fold them into a space and a reader would
 * never see them. Then the five markup characters become entities (as in xml-text.ts), so no name from a
 * plan or a pack can open an element, end an attribute value or start a script. Every string from the input
 * reaches the page through htmlText, and the page's script only moves rows and reads textContent: it never
 * turns text back into markup.
 */
const ENTITIES: ReadonlyMap<string, string> = new Map([
  ['&', '&amp;'],
  ['<', '&lt;'],
  ['>', '&gt;'],
  ['"', '&quot;'],
  ["'", '&#39;'],
]);

export function htmlText(text: string): string {
  return escapeUnsafe(text).replace(/[&<>"']/g, (character) => ENTITIES.get(character)!);
}

/** The same escaping is right inside a double-quoted attribute value. */
export const htmlAttr = htmlText;

/** A fragment id from input text: only characters that need no escaping anywhere (rule ids are `AZF-PUB-001`). */
export function htmlId(prefix: string, text: string): string {
  return `${prefix}-${text.replace(/[^A-Za-z0-9_-]/g, (character) => `_${character.codePointAt(0)!.toString(16)}_`)}`;
}
