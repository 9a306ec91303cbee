import { UNSAFE_CHARACTERS } from './terminal-text.js';

/**
 * JSON text whose values are exactly the report's, written so that no unsafe character (terminal-text.ts)
 * appears raw in the bytes. JSON.stringify already escapes C0 controls and lone surrogates; DEL, C1 codes,
 * bidi overrides and U+2028/U+2029 it leaves raw, and a `cat report.json` or a log viewer would act on them.
 * They can only occur inside strings, where `\uXXXX` stands for the same character.
 */
export function jsonText(value: unknown, indent?: number): string {
  // The only raw line breaks are the indentation's; every other match is inside a string.
  return JSON.stringify(value, null, indent).replace(UNSAFE_CHARACTERS, (character) => (character === '\n' ? character : codeUnits(character)));
}

/** `\uXXXX` per UTF-16 code unit: a tag character (outside the BMP) is written as its surrogate pair. */
function codeUnits(character: string): string {
  let out = '';
  for (let i = 0; i < character.length; i++) out += `\\u${character.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}
