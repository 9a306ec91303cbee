/**
 * Wildcard matching without regular expressions: `*` any run of characters, `?` (when enabled) exactly one.
 *
 * Why not `^.*a.*b$`: V8's backtracking makes such a regex polynomial in the input with the number of stars
 * as the exponent (`*a*a*a*b` against 4,000 `a`s took over 20 s). Patterns come from rule packs, configs and
 * suppression comments, values from plans and manifests, and both can arrive in an untrusted pull request.
 * Here the pattern is split at the stars: the first piece must be a prefix, the last a suffix, and the ones
 * between are found left to right, each at its leftmost place (leftmost is always safe for `*`-only
 * globs: it leaves the most text for the rest). Cost: one scan of the text per piece, never a blow-up.
 */
export interface WildcardOptions {
  caseSensitive?: boolean;
  /** `?` matches one character (suppression globs); otherwise it is literal (Azure Policy's `like`). */
  questionMark?: boolean;
}

function pieceAt(text: string, at: number, piece: string, anyOne: boolean): boolean {
  if (at < 0 || at + piece.length > text.length) return false;
  if (!anyOne) return text.startsWith(piece, at);
  for (let i = 0; i < piece.length; i++) if (piece[i] !== '?' && piece[i] !== text[at + i]) return false;
  return true;
}

/** The leftmost place at or after `from` where `piece` fits entirely before `end`, or -1. */
function findPiece(text: string, piece: string, from: number, end: number, anyOne: boolean): number {
  if (!anyOne || !piece.includes('?')) {
    const at = text.indexOf(piece, from);
    return at !== -1 && at + piece.length <= end ? at : -1;
  }
  for (let at = from; at + piece.length <= end; at++) if (pieceAt(text, at, piece, true)) return at;
  return -1;
}

export function wildcardMatch(pattern: string, text: string, options: WildcardOptions = {}): boolean {
  const anyOne = options.questionMark === true;
  const p = options.caseSensitive ? pattern : pattern.toLowerCase();
  const t = options.caseSensitive ? text : text.toLowerCase();
  const pieces = p.split('*');
  if (pieces.length === 1) return t.length === p.length && pieceAt(t, 0, p, anyOne);
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (t.length < first.length + last.length) return false;
  if (!pieceAt(t, 0, first, anyOne) || !pieceAt(t, t.length - last.length, last, anyOne)) return false;
  let position = first.length;
  const end = t.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i]!;
    if (piece === '') continue;
    const at = findPiece(t, piece, position, end, anyOne);
    if (at === -1) return false;
    position = at + piece.length;
  }
  return true;
}
