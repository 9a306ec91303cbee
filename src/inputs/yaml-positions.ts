import type { Document, LineCounter, Node } from 'yaml';
import { yaml } from '../lazy-modules.js';
import { UserError } from '../errors.js';

/**
 * Maps a JSON pointer (ajv's instancePath) to the line in the YAML source, so schema errors point at
 * file:line rather than at a path the user has to count through.
 */
export function lineOfPointer(document: Document, lineCounter: LineCounter, pointer: string): number | undefined {
  const { isMap, isSeq } = yaml();
  const parts = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: Node | null | undefined = document.contents as Node | null;
  let line = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  for (const part of parts) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === part);
      if (!pair) break;
      const keyNode = pair.key as Node | null;
      if (keyNode?.range) line = lineCounter.linePos(keyNode.range[0]).line;
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const item = node.items[Number(part)] as Node | undefined;
      if (!item) break;
      if (item.range) line = lineCounter.linePos(item.range[0]).line;
      node = item;
    } else break;
  }
  return line;
}

/** Expands aliases with a cap: a few lines of `&a [*b, *b, ...]` would otherwise expand to gigabytes. */
export function yamlToJs(document: Document, lineCounter: LineCounter, shownAs: string): unknown {
  const { visit } = yaml();
  try {
    return document.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    let line: number | undefined;
    visit(document, {
      Alias(_key, node) {
        if (node.range) line = lineCounter.linePos(node.range[0]).line;
        return visit.BREAK;
      },
    });
    // The library's messages here name the alias (`Aliased anchor not found: <name>`): a value typed unquoted
    // after `*` would be quoted back, so only the kind of problem is said.
    const message = (error as Error).message ?? '';
    const why = /Excessive alias count/i.test(message)
      ? 'YAML aliases expand too much (alias bomb?)'
      : /Unresolved alias|anchor not found/i.test(message)
        ? 'invalid YAML: an alias (*…) refers to an anchor that is not defined'
        : error instanceof RangeError
          ? 'invalid YAML: nested too deeply to read'
          : 'invalid YAML: an alias or a tag cannot be read';
    throw new UserError(why, shownAs, line);
  }
}

