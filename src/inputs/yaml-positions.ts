import { isMap, isSeq, LineCounter, type Document, type Node } from 'yaml';

/**
 * Maps a JSON pointer (ajv's instancePath) to the line in the YAML source, so schema errors point at
 * file:line rather than at a path the user has to count through.
 */
export function lineOfPointer(document: Document, lineCounter: LineCounter, pointer: string): number | undefined {
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
