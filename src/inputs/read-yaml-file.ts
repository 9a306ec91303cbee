import { readFileSync } from 'node:fs';
import type { Document, LineCounter } from 'yaml';
import { UserError, oneLine } from '../errors.js';
import { yaml } from '../lazy-modules.js';
import { yamlToJs } from './yaml-positions.js';
import { refuseNonCoreTags } from './yaml-tags.js';

export interface YamlFile {
  document: Document;
  lineCounter: LineCounter;
  /** The parsed value (aliases expanded with a cap). */
  value: unknown;
}

/**
 * Reads a YAML file a user controls (a rule pack, .azfence.yaml): syntax errors and duplicate keys at their
 * line, tags outside the core schema refused (a pack may come from an untrusted pull request, and
 * `!!js/function` or `!custom` would otherwise be read as plain strings), aliases expanded with a cap.
 */
export function readYamlFile(file: string, shownAs: string, what: string): YamlFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${what} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, shownAs);
  }
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    const line = error.pos ? lineCounter.linePos(error.pos[0]).line : undefined;
    throw new UserError(`invalid YAML: ${oneLine(error.message.split('\n')[0] ?? error.message, 160)}`, shownAs, line);
  }
  refuseNonCoreTags(document, lineCounter, shownAs, `${what}s`);
  return { document, lineCounter, value: yamlToJs(document, lineCounter, shownAs) };
}
