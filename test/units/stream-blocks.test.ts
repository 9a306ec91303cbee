import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/scan.js';
import { withEnv } from '../support/plan-readers.js';

/**
 * The streaming reader reads a large file 16 MB at a time into one block it reuses. A row that starts in
 * one block and ends in the next is read from both: these scan a snapshot of ~36 MB, streamed and in
 * memory, whose rows cross the block boundary, and expect the same findings, places included.
 */
const dir = mkdtempSync(join(tmpdir(), 'azfence-blocks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a streamed snapshot larger than one read block', () => {
  it('gives the findings of the same snapshot read in memory, for rows on either side of and across a block boundary', { timeout: 120_000 }, () => {
    const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000';
    // Long tags make rows of ~3.6 KB: one spans the boundary at 16 MB, and the file (~36 MB) fills the next
    // block whole, so a piece of that row still held in the block would be overwritten. Each row fails AZF-PUB-001.
    const padding = 'x'.repeat(3500);
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      id: `${SUB}/resourceGroups/rg-${i}/providers/Microsoft.ContainerRegistry/registries/acr${i}`,
      type: 'microsoft.containerregistry/registries',
      name: `acr${i}`,
      resourceGroup: `rg-${i}`,
      tags: { note: `${i}-${padding}` },
      properties: { publicNetworkAccess: 'Enabled' },
    }));
    const file = join(dir, 'snapshot.json');
    writeFileSync(file, JSON.stringify(rows, null, 1));
    const findings = (env: Record<string, string>) => {
      withEnv(env);
      const report = scan({ paths: [file], cwd: dir, selection: { check: ['AZF-PUB-001'] } });
      expect(report.errors).toEqual([]);
      return report.findings.map((finding) => ({ message: finding.message, location: finding.location }));
    };
    const streamed = findings({ AZFENCE_STREAM_ABOVE_BYTES: '1' });
    const inMemory = findings({});
    expect(streamed).toHaveLength(10_000);
    expect(streamed).toEqual(inMemory);
  });
});
