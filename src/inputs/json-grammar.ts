/**
 * JSON's grammar as the hand-written walks share it: the one over a string (json-members.ts, and through it
 * terraform/change-entries.ts) and the one over a file's bytes (stream/json-stream.ts). Character codes and
 * bytes coincide for the ASCII that makes JSON's structure, so both walks use the same constants.
 */
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
export const NEWLINE = 0x0a;

/** What a walk expects next inside a container. */
export const VALUE_OR_CLOSE = 0;
export const KEY_OR_CLOSE = 1;
export const KEY = 2;
export const COLON_NEXT = 3;
export const VALUE = 4;
export const COMMA_OR_CLOSE = 5;

export function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

export function isHex(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/** What may follow a backslash besides `u` and its four hex digits. */
export function isSimpleEscape(code: number): boolean {
  switch (code) {
    case 0x22: // "
    case 0x5c: // backslash
    case 0x2f: // /
    case 0x62: // b
    case 0x66: // f
    case 0x6e: // n
    case 0x72: // r
    case 0x74: // t
      return true;
    default:
      return false;
  }
}
