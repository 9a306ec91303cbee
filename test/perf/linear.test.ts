import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scan, type ScanReport } from '../../src/scan.js';
// @ts-expect-error: the bench generator is plain ESM JavaScript without types.
import { writePlan, writeSnapshot } from '../../bench/generate.mjs';

/**
 * Cost must grow linearly with the estate. Time is noisy on shared CI runners, so this counts work
 * instead: report.stats.operations is every rule-engine leaf plus every step inside graph lookups
 * (candidates examined, links followed), so a loop over the estate hidden inside a function leaf shows.
 * Doubling a linear estate doubles the count; the test allows up to 3x.
 */
const dir = mkdtempSync(join(tmpdir(), 'azfence-linear-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scanGenerated(kind: 'plan' | 'snapshot', resources: number): ScanReport {
  const file = join(dir, `${kind}-${resources}.json`);
  (kind === 'plan' ? writePlan : writeSnapshot)(file, resources, 7);
  return scan({ paths: [file], cwd: dir });
}

function count(report: ScanReport, ruleId: string): number {
  return report.findings.filter((finding) => finding.ruleId === ruleId).length;
}

describe('cost grows linearly with the estate', () => {
  it('plans: modules, for_each, endpoints, zones and links', () => {
    const small = scanGenerated('plan', 3000);
    const large = scanGenerated('plan', 6000);
    expect(small.errors).toEqual([]);
    // The cross-resource rules really ran: endpoints were followed to zones and VNets through references.
    for (const report of [small, large]) {
      expect(count(report, 'AZF-DNS-002') + count(report, 'AZF-DNS-003')).toBeGreaterThan(0);
      expect(count(report, 'AZF-DNS-004')).toBeGreaterThan(0);
      expect(report.stats.evaluated).toBeGreaterThan(200);
    }
    // Links in a spoke resolve (DNS-004 passes for spokes that link their zones): references were followed.
    expect(large.stats.checksPassed).toBeGreaterThan(small.stats.checksPassed);
    const ratio = large.stats.operations / small.stats.operations;
    expect(ratio, `operations ${small.stats.operations} -> ${large.stats.operations}`).toBeLessThanOrEqual(3);
    expect(ratio).toBeGreaterThan(1.5);
  });

  it('snapshots: links by id', () => {
    const small = scanGenerated('snapshot', 3000);
    const large = scanGenerated('snapshot', 6000);
    expect(small.errors).toEqual([]);
    const ratio = large.stats.operations / small.stats.operations;
    expect(ratio, `operations ${small.stats.operations} -> ${large.stats.operations}`).toBeLessThanOrEqual(3);
  });
});
