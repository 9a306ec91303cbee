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
export function refuseNonCoreTags(document: Document, lineCounter: LineCounter, file: string, what: string, nameLocalTags = true): void {
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
  const line = found.node.range ? lineCounter.linePos(found.node.range[0]).line : undefined;
  throw new UserError(`uses ${describeTag(found.tag, nameLocalTags)}, which is not part of the core schema ${what} use`, file, line);
}

/**
 * How a refused tag is named. `!!js/function`, `!!binary`: names from the YAML type repository and its
 * language bindings, shown as written. A local tag (`!custom`) is text the author chose: in a rule pack or a
 * config it is shown, but in a manifest it is not, because a value that starts with `!` (a password typed
 * unquoted) is read as a tag, and the error would quote the secret.
 */
export function describeTag(tag: string, nameLocalTags: boolean): string {
  const secondary = /^tag:yaml\.org,2002:([A-Za-z0-9_./:-]{1,60})$/.exec(tag);
  if (secondary) return `the YAML tag !!${secondary[1]}`;
  if (nameLocalTags) return `the YAML tag ${oneLine(tag, 60)}`;
  return 'a local YAML tag (!…)';
}
