/** Escapes one JSON-pointer segment (RFC 6901), so keys with `/` or `~` still find their line. */
export function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
