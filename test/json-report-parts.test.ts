import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../src/scan.js';
import type { ScanReport } from '../src/report/scan-report.js';
import { renderJson, renderJsonParts } from '../src/reporters/json.js';
import { jsonText } from '../src/reporters/json-text.js';

/**
 * The JSON report is written in parts (a large scan's is more text than one string holds). Whatever the
 * report holds, the parts must join to exactly what one `JSON.stringify(report, null, 2)` writes: parsing the
 * text and stringifying it whole again gives the same bytes only if every finding sits at the right depth
 * and every member is where the whole document would put it.
 */
function wholeText(text: string): string {
  return `${jsonText(JSON.parse(text), 2)}\n`;
}

const estate = scan({ paths: [join(import.meta.dirname, '..', 'fixtures', 'estate')], cwd: join(import.meta.dirname, '..') });

describe('the JSON report in parts', () => {
  it('joins to the whole document for the example estate', () => {
    expect(estate.findings.length).toBeGreaterThan(10);
    const text = renderJson(estate);
    expect(text).toBe(wholeText(text));
    expect(text.endsWith('\n  ]\n}\n')).toBe(true);
  });

  it('joins to the whole document with no findings', () => {
    const text = renderJson({ ...estate, findings: [] });
    expect(text).toBe(wholeText(text));
    expect(text).toContain('"findings": []\n}');
  });

  it('keeps warnings, the resolved baseline and the shard after the findings', () => {
    const report: ScanReport = {
      ...estate,
      warnings: [{ file: 'a.tf', line: 3, message: 'a suppression without a reason' }],
      baseline: { file: 'baseline.json', absent: 0, resolved: [] },
      shard: { index: 1, count: 2, subscriptions: ['s1'], plan: [], linkedResources: 0 } as unknown as NonNullable<ScanReport['shard']>,
    };
    const text = renderJson(report);
    expect(text).toBe(wholeText(text));
    const keys = Object.keys(JSON.parse(text) as object);
    expect(keys.slice(keys.indexOf('findings'))).toEqual(['findings', 'warnings', 'resolved', 'shard']);
  });

  it('escapes characters JSON.stringify leaves raw, and line breaks inside a finding stay escaped', () => {
    const [first, ...rest] = estate.findings;
    const odd = { ...first!, message: 'line one\nline two \u2028 \u202e reversed \u007f' };
    const text = renderJson({ ...estate, findings: [odd, ...rest] });
    expect(text).toBe(wholeText(text));
    expect(text).toContain('line one\\nline two \\u2028 \\u202e reversed \\u007f');
    expect(text).not.toMatch(/[\u2028\u202e\u007f]/);
  });

  it('escapes each character JSON.stringify leaves raw when it is the only one in an ASCII report', () => {
    // The search for them is skipped for text as long in UTF-8 as in UTF-16 (ASCII): DEL is the one such
    // character that is ASCII, so it is looked for on its own.
    const [first, ...rest] = estate.findings;
    const cases: Array<[string, string]> = [['\u007f', '\\u007f'], ['\u0085', '\\u0085'], ['\u061c', '\\u061c'], ['\u2029', '\\u2029'], ['\ufeff', '\\ufeff'], ['\u{e0041}', '\\udb40\\udc41']];
    for (const [raw, escaped] of cases) {
      const text = renderJson({ ...estate, findings: [{ ...first!, message: `plain ${raw} text` }, ...rest] });
      expect(text).toContain(`plain ${escaped} text`);
      expect(text.includes(raw)).toBe(false);
    }
  });

  it('hands a large report on in parts, each far smaller than the report', () => {
    const many = Array.from({ length: 4000 }, (_, i) => ({ ...estate.findings[i % estate.findings.length]! }));
    const parts = [...renderJsonParts({ ...estate, findings: many })];
    const text = parts.join('');
    expect(text).toBe(wholeText(text));
    expect(parts.length).toBeGreaterThan(10);
    for (const part of parts) expect(part.length).toBeLessThan(text.length / 10);
  });

  it('joins to the whole document when findings differ in size by orders of magnitude', () => {
    // Batches are sized from the findings before them: a run of short findings after long ones, and the
    // other way round, must still land each finding once, in order, at its depth.
    const sizes = [10, 200_000, 10, 10, 50_000, ...Array.from({ length: 300 }, (_, i) => (i % 97 === 0 ? 120_000 : 10))];
    const findings = sizes.map((size, i) => ({ ...estate.findings[i % estate.findings.length]!, message: `${i}:${'x'.repeat(size)}` }));
    const text = renderJson({ ...estate, findings });
    expect(text).toBe(wholeText(text));
    const parsed = JSON.parse(text) as { findings: Array<{ message: string }> };
    expect(parsed.findings.map((finding) => finding.message)).toEqual(findings.map((finding) => finding.message));
  });
});
