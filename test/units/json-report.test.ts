import { describe, expect, it } from 'vitest';
import type { ScanReport } from '../../src/report/scan-report.js';
import { renderJson } from '../../src/reporters/json.js';
import { jsonText } from '../../src/reporters/json-text.js';
import { plainEstate } from './recorded-estate.js';

/**
 * The JSON report as a tool reads it, rendered from the recorded scan (no scan runs, so these are in the
 * mutation set; test/json-report-parts.test.ts checks the same on a live scan). The text must parse, and
 * stringifying what it parses to must give the same bytes: every member at its depth, nothing lost or doubled.
 */
function parsed(text: string): Record<string, unknown> & { findings: Array<Record<string, unknown>> } {
  const document = JSON.parse(text) as Record<string, unknown> & { findings: Array<Record<string, unknown>> };
  expect(text).toBe(`${jsonText(document, 2)}\n`);
  return document;
}

describe('the JSON report, as a tool reads it', () => {
  it('no findings, no warnings, no baseline and no shard: the findings member closes the document', () => {
    const report = { ...plainEstate(), findings: [] };
    const text = renderJson(report);
    const document = parsed(text);
    expect(document.findings).toEqual([]);
    expect(Object.keys(document)).toEqual(['version', 'summary', 'inputs', 'configuration', 'notScanned', 'errors', 'findings']);
    expect(text.endsWith('"findings": []\n}\n')).toBe(true);
  });

  it('a shard and a finding an azapi resource wrote keep their members', () => {
    const estate = plainEstate();
    const shard = { index: 1, count: 2, subscriptions: ['s1'], plan: [], linkedResources: 0 } as unknown as NonNullable<ScanReport['shard']>;
    const document = parsed(renderJson({ ...estate, findings: [{ ...estate.findings[0]!, writtenBy: { address: 'azapi_update_resource.w' } }], shard }));
    expect(document.shard).toEqual(shard);
    expect(document.findings[0]!.writtenBy).toEqual({ address: 'azapi_update_resource.w' });
    expect(Object.keys(document).slice(-2)).toEqual(['findings', 'shard']);
  });

  it('more findings than one part holds, and exactly as many as parts hold: every finding once, in order', () => {
    const estate = plainEstate();
    for (const count of [1001, 1000]) {
      const findings = Array.from({ length: count }, (_, i) => ({ ...estate.findings[i % estate.findings.length]!, fingerprint: `f${i}` }));
      const report = { ...estate, findings };
      const document = parsed(renderJson(report));
      expect(document.findings.map((finding) => finding.fingerprint)).toEqual(findings.map((finding) => finding.fingerprint));
    }
  });
});

describe('JSON text escapes what JSON.stringify leaves raw', () => {
  it('a DEL in otherwise ASCII text, and a line separator or bidi control among other non-ASCII text', () => {
    expect(jsonText({ name: 'a\u007fb' })).toBe('{"name":"a\\u007fb"}');
    expect(jsonText({ name: 'é\u2028\u202e' })).toBe('{"name":"é\\u2028\\u202e"}');
    expect(jsonText({ name: 'plain', other: 'é' })).toBe('{"name":"plain","other":"é"}');
  });
});
