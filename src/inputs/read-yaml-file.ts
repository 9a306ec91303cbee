import type { Document, LineCounter } from 'yaml';
import { UserError } from '../errors.js';
import { yaml } from '../lazy-modules.js';
import { yamlToJs } from './yaml-positions.js';
import { refuseNonCoreTags } from './yaml-tags.js';
import { yamlSyntaxError } from './yaml-errors.js';
import { readRegularFile } from './regular-file.js';

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
    text = readRegularFile(file, shownAs).toString('utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot read ${what} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, shownAs);
  }
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const { problem, line } = yamlSyntaxError(document.errors[0]!, lineCounter);
    throw new UserError(problem, shownAs, line);
  }
  refuseNonCoreTags(document, lineCounter, shownAs, `${what}s`);
  return { document, lineCounter, value: yamlToJs(document, lineCounter, shownAs) };
}
