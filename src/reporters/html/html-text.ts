import { xmlAttr, xmlText } from '../xml-text.js';

/**
 * Input text in the HTML report. The XML escapes (xml-text.ts) are exactly what HTML needs as well: markup
 * characters become entities, so no name from a plan or a pack can open an element, close an attribute or
 * start a script; control and bidi characters become visible escapes, so nothing reorders or hides text.
 * Every string from the input reaches the page through one of these two, and the page's script only ever
 * moves rows and reads textContent: it never turns text back into markup.
 */
export const htmlText = xmlText;
export const htmlAttr = xmlAttr;

/** A fragment id from input text: only characters that need no escaping anywhere (rule ids are `AZF-PUB-001`). */
export function htmlId(prefix: string, text: string): string {
  return `${prefix}-${text.replace(/[^A-Za-z0-9_-]/g, (character) => `_${character.codePointAt(0)!.toString(16)}_`)}`;
}
