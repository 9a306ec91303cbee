import { wildcardMatch } from '../engine/glob.js';
/**
 * The suppression directive as written in a .tf comment (`# azfence:ignore AZF-PUB-002 reason`) and, without
 * the `azfence:ignore` prefix, in a Kubernetes annotation (`azfence.io/ignore: "AZF-KATA-004 reason"`).
 */
export interface Directive {
  /** Rule ids or globs (`AZF-PUB-*`), as written. */
  rules: string[];
  /** Empty when none was written: such a directive is reported and does not suppress. */
  reason: string;
}

const RULES = String.raw`([A-Za-z0-9*?_-]+(?:\s*,\s*[A-Za-z0-9*?_-]+)*)`;
const COMMENT_DIRECTIVE = new RegExp(String.raw`(?:^|\s)azfence:ignore(?:\s+${RULES})?(.*)$`, 's');
const BARE_DIRECTIVE = new RegExp(String.raw`^\s*${RULES}(.*)$`, 's');

function reasonOf(rest: string | undefined): string {
  // Allow `AZF-PUB-002: reason` and `AZF-PUB-002 -- reason` as well as a plain space.
  return (rest ?? '')
    .replace(/^\s*(?::|--|\u2014|-)?\s*/, '')
    .replace(/\s*\*\/\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function split(rules: string | undefined): string[] {
  return (rules ?? '')
    .split(',')
    .map((rule) => rule.trim())
    .filter(Boolean);
}

/** The directive in a comment's text, if it holds one. */
export function parseCommentDirective(comment: string): Directive | undefined {
  const match = COMMENT_DIRECTIVE.exec(comment.trim());
  if (!match) return undefined;
  return { rules: split(match[1]), reason: reasonOf(match[2]) };
}

/** Directives in an annotation value: one per line or `;`-separated part. */
export function parseAnnotationDirectives(value: string): Directive[] {
  const out: Directive[] = [];
  for (const part of value.split(/[\n;]/)) {
    if (!part.trim()) continue;
    const match = BARE_DIRECTIVE.exec(part.trim());
    if (match) out.push({ rules: split(match[1]), reason: reasonOf(match[2]) });
  }
  return out;
}

/** A glob over ids or addresses: `*` any run of characters, `?` one; case-insensitive like ARM ids. */
export function globMatches(pattern: string, text: string): boolean {
  // Not a regex: `*a*a*a...` in a suppression comment (untrusted PR content) made one backtrack for ages (issue 10).
  return wildcardMatch(pattern, text, { questionMark: true });
}

export function directiveCovers(directive: Directive, ruleId: string): boolean {
  return directive.rules.some((rule) => globMatches(rule, ruleId));
}
