import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, renderParts, type Format } from '../../src/reporters/index.js';
import { renderTable } from '../../src/reporters/table.js';
import { recordedEstate } from './recorded-estate.js';

/**
 * What `--format` writes: each format name gives that format (the recorded reports of the estate), and every
 * format but JSON is written as one part. The renderers' own tests call each renderer directly.
 */
const RECORDED = join(resolve(import.meta.dirname, '../..'), 'test', 'report-snapshots', 'formats');
const NOW = new Date('2026-03-04T05:06:07Z');
const DIR = join(tmpdir(), 'azfence-render-estate');
const recorded = (name: string) => readFileSync(join(RECORDED, name), 'utf8');

afterEach(() => {
  vi.useRealTimers();
});

describe('render: each format name gives that format', () => {
  it('table: the table at the terminal width', () => {
    const text = render(recordedEstate(), 'table', { cwd: DIR });
    expect(text.startsWith('┌')).toBe(true);
    expect(text).toBe(renderTable(recordedEstate(), undefined, { cwd: DIR }));
  });

  it('junit: the JUnit report, stamped with the time it was written', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    expect(render(recordedEstate(), 'junit')).toBe(recorded('estate.junit.xml'));
  });
});

describe('renderParts: every format but JSON in one part', () => {
  const formats: Array<[Format, string]> = [
    ['sarif', 'estate.sarif'],
    ['markdown', 'estate.md'],
    ['html', 'estate.html'],
  ];
  for (const [format, file] of formats) {
    it(format, () => {
      const parts = [...renderParts(recordedEstate(), format, { cwd: DIR, root: DIR })];
      expect(parts).toHaveLength(1);
      expect(parts[0]).toBe(recorded(file));
    });
  }
});
