import { escapeUnsafe } from './terminal-text.js';

/**
 * Text for an XML 1.0 document (JUnit for Azure DevOps' test tab). XML 1.0 allows only tab, LF, CR,
 * U+0020-U+D7FF, U+E000-U+FFFD and U+10000-U+10FFFF, even as character references: one ESC, U+FFFE or
 * lone surrogate and the whole file is not XML, and the test tab shows nothing. Every character outside
 * that set, and every other control a reader should not get raw (C1, bidi overrides: terminal-text.ts), is
 * shown as a visible escape; markup characters become entities.
 */

const ENTITIES: ReadonlyMap<string, string> = new Map([
  ['&', '&amp;'],
  ['<', '&lt;'],
  ['>', '&gt;'],
  ['"', '&quot;'],
  ["'", '&apos;'],
  // In an attribute a parser turns a raw tab or line break into a space: as references they stay.
  ['\t', '&#9;'],
  ['\n', '&#10;'],
]);

/** Element content. Tabs and line breaks the writer lays out stay; CR becomes `\r` (a parser would drop it). */
export function xmlText(text: string): string {
  return escapeUnsafe(text, '\n\t').replace(/[&<>]/g, (character) => ENTITIES.get(character)!);
}

/** An attribute value in double or single quotes. */
export function xmlAttr(text: string): string {
  return escapeUnsafe(text, '\n\t').replace(/[&<>"'\t\n]/g, (character) => ENTITIES.get(character)!);
}
