/**
 * Text from a pull request (resource names, file names, messages built from them) shown to a person.
 *
 * A terminal obeys what it prints: ESC starts colour, cursor and title sequences, OSC 8 draws a link whose
 * target the reader never sees, BEL rings, CR rewrites the line, and C1 codes (U+0080-U+009F) do the same on
 * terminals that read them. Bidirectional overrides reorder what is read ("Trojan Source"), and tag and
 * interlinear characters hide text. Each such character is shown as a visible escape instead (`\x1b`,
 * `\u202e`, `\n`), so the reader sees that it is there and nothing acts on it.
 *
 * This is the one list of characters that never reach a reader raw; the Markdown, XML and JSON writers
 * build on it.
 */

/**
 * C0, DEL and C1 controls (\p{Cc}: NUL, BEL, ESC, CR, LF, TAB, NEL, CSI, OSC...), the Arabic letter mark,
 * LRM/RLM, line and paragraph separators, embeddings, overrides and isolates, the byte-order mark,
 * interlinear annotations, the noncharacters U+FFFE/U+FFFF, tag characters and lone surrogates.
 */
export function unsafeCharacters(): RegExp {
  // Made on first use, not as a module constant: V8 builds the class (with \p{Cc} from ICU's tables) when the
  // expression is created, and every run loads this module, including scans that write only JSON.
  unsafe ??= /[\p{Cc}\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff\u{e0000}-\u{e007f}\ud800-\udfff]/gu;
  return unsafe;
}
let unsafe: RegExp | undefined;

const SHORT: ReadonlyMap<string, string> = new Map([
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
]);

/** `\x1b`, `\u202e`, `\u{e0041}`: how one unsafe character is shown. */
export function visibleEscape(character: string): string {
  const short = SHORT.get(character);
  if (short) return short;
  const code = character.codePointAt(0)!;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

/**
 * Replaces every unsafe character by its visible escape, except those in `keep` (a writer's own line
 * breaks, for multi-line text it lays out itself).
 */
export function escapeUnsafe(text: string, keep = ''): string {
  const unsafeCharacter = unsafeCharacters();
  unsafeCharacter.lastIndex = 0;
  if (!unsafeCharacter.test(text)) return text;
  return text.replace(unsafeCharacter, (character) => (keep.includes(character) ? character : visibleEscape(character)));
}

/** One line of untrusted text for a terminal or log: no control character survives, line breaks included. */
export function terminalText(text: string): string {
  return escapeUnsafe(text);
}

/** Multi-line text (a rule's description and help) for a terminal: its line breaks and tabs stay, nothing else. */
export function terminalLines(text: string): string {
  return escapeUnsafe(text, '\n\t');
}
