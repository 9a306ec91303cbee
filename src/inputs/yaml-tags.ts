import type { Document, LineCounter, Node } from 'yaml';
import { yaml } from '../lazy-modules.js';
import { UserError, oneLine } from '../errors.js';

/** The YAML 1.2 core schema's tags: the only ones a rule pack, a config or a manifest needs. */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`));

/**
 * Refuses explicit tags outside the core schema (`!!js/function`, `!!python/object`, `!!binary`, `!custom`).
 * The yaml library never executes a language tag, but it reads an unknown one as a plain string and
 * `!!binary` as bytes: either way the file means something other than what azfence would judge, and a
 * file from an untrusted pull request should not get that latitude. Walks the parsed nodes, not the
 * expanded aliases, so the cost is bounded by the file's size.
 */
export function refuseNonCoreTags(document: Document, lineCounter: LineCounter, file: string, what: string): void {
  const { visit } = yaml();
  let found: { tag: string; node: Node } | undefined;
  visit(document, (_key, node) => {
    const tag = (node as { tag?: unknown } | null)?.tag;
    if (typeof tag === 'string' && !CORE_TAGS.has(tag)) {
      found = { tag, node: node as Node };
      return visit.BREAK;
    }
    return undefined;
  });
  if (!found) return;
  const shown = found.tag.replace(/^tag:yaml\.org,2002:/, '!!');
  const line = found.node.range ? lineCounter.linePos(found.node.range[0]).line : undefined;
  throw new UserError(`uses the YAML tag ${oneLine(shown, 60)}, which is not part of the core schema ${what} use`, file, line);
}
