import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { expect } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * Fails unless `text` is the recording in `file`, byte for byte, naming the first line that differs, whole:
 * a failure says what changed even where the runner cuts long output short.
 */
export function expectRecordedText(file: string, text: string): void {
  const recorded = readFileSync(file, 'utf8');
  if (text === recorded) return;
  const got = text.split('\n');
  const want = recorded.split('\n');
  const at = got.findIndex((line, i) => line !== want[i]);
  const line = at === -1 ? want.length : at;
  expect(`${relative(ROOT, file)}:${line + 1}: ${got[line] ?? '(end of report)'}`).toBe(`${relative(ROOT, file)}:${line + 1}: ${want[line] ?? '(end of report)'}`);
}
