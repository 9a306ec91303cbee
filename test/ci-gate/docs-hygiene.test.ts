import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue 18 item 7: docs are for users. No drafts or notes to the maintainer, and no example that has gone
 * stale by the calendar (a suppression whose `expires` date has passed shows users something that no
 * longer suppresses).
 */
const ROOT = join(import.meta.dirname, '..', '..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? markdownFiles(join(dir, entry.name)) : entry.name.endsWith('.md') ? [join(dir, entry.name)] : []));
}

const DOCS = [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'docs'))];

describe('user docs', () => {
  it('hold no drafts or notes for the maintainer', () => {
    const notes = DOCS.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, index) => ({ line, where: `${relative(ROOT, file)}:${index + 1}` }))
        .filter(({ line }) => /draft (readme )?section|\(draft\b|sections? to merge|for the maintainer|\bTODO\b|\bFIXME\b/i.test(line))
        .map(({ where, line }) => `${where}: ${line.trim()}`),
    );
    expect(notes).toEqual([]);
  });

  it('show no suppression that has already expired', () => {
    const today = new Date().toISOString().slice(0, 10);
    const expired = DOCS.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:expires:\s*|expired on )(\d{4}-\d\d-\d\d)/g)]
        .filter((match) => match[1]! < today)
        .map((match) => `${relative(ROOT, file)}: ${match[0]}`),
    );
    expect(expired).toEqual([]);
  });
});
