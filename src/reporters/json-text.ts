/**
 * JSON text whose values are exactly the report's, written so that no unsafe character (terminal-text.ts)
 * appears raw in the bytes. JSON.stringify already escapes C0 controls and lone surrogates; DEL, C1 codes,
 * bidi overrides and U+2028/U+2029 it leaves raw, and a `cat report.json` or a log viewer would act on them.
 * They can only occur inside strings, where `\uXXXX` stands for the same character.
 */

/**
 * unsafeCharacters() less what JSON.stringify escapes itself (tag characters appear as their surrogate pairs).
 * Narrower than unsafeCharacters() on purpose: the indentation's line breaks are not visited one by one, so
 * the pass costs about a third of JSON.stringify's time on a 30 MB report instead of as much again.
 */
const LEFT_RAW = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff]|\udb40[\udc00-\udc7f]/g;
const LEFT_RAW_ANY = new RegExp(LEFT_RAW.source);

export function jsonText(value: unknown, indent?: number): string {
  return escapeLeftRaw(JSON.stringify(value, null, indent));
}

/** JSON text (or a part of it cut between values) with the characters JSON.stringify leaves raw escaped. */
export function escapeLeftRaw(text: string): string {
  // Every character rewritten here is U+007F or above, and all but U+007F take two or more bytes in UTF-8: text
  // as long in UTF-8 as in UTF-16 code units holds none of them. Node counts UTF-8 bytes natively, several
  // times faster than the regular expression searches (~30 against ~45 ms over a 27 MB report).
  if (Buffer.byteLength(text, 'utf8') === text.length && !text.includes('\u007f')) return text;
  // Searched first without the global flag: most reports hold none of these, and then nothing is rebuilt.
  return LEFT_RAW_ANY.test(text) ? text.replace(LEFT_RAW, codeUnits) : text;
}

/** `\uXXXX` per UTF-16 code unit. */
function codeUnits(character: string): string {
  let out = '';
  for (let i = 0; i < character.length; i++) out += `\\u${character.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}
