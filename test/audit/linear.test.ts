import { beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../support/arm-emulator/server.mjs';
import { generateEstate } from '../support/arm-emulator/estate.mjs';
import { ensureBuilt, runAudit, type AuditJson } from './support.js';

/**
 * An audit's cost is its requests: Resource Graph pages, and one ARM list per parent for the children
 * Resource Graph does not index (an endpoint's zone groups, a policy's rule collection groups; ARM lists
 * them under one parent only). Counted, not timed: twice the estate makes twice the requests, and the child
 * lists are one per parent that has them, never more.
 */
describe('audit requests grow linearly with the estate', () => {
  beforeAll(() => ensureBuilt());

  async function audit(resources: number) {
    const estate = generateEstate({ resources, subscriptions: 2 });
    const emulator = await startEmulator({ estate, pageSize: 1000 });
    try {
      const run = await runAudit(emulator, ['--format', 'json', '--fail-on', 'none'], { timeoutMs: 120_000 });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as AuditJson;
      const byKind = (kind: string) => emulator.requests.filter((request) => request.kind === kind).length;
      const endpoints = estate.rows.filter((row) => row.type === 'microsoft.network/privateendpoints').length;
      return { report, graph: byKind('graph'), child: byKind('child'), total: emulator.requests.length, endpoints, rows: estate.rows.length };
    } finally {
      await emulator.close();
    }
  }

  it('800 and 1,600 resources', async () => {
    const small = await audit(800);
    const large = await audit(1_600);
    for (const run of [small, large]) {
      expect(run.report.summary.resourcesRead).toBeGreaterThanOrEqual(run.rows);
      // One list per endpoint: the zone groups of each, read once.
      expect(run.child).toBe(run.endpoints);
      // Resource Graph pages of 1,000 rows (a page per subscription at least).
      expect(run.graph).toBeLessThanOrEqual(Math.ceil(run.rows / 1000) + 2);
    }
    expect(large.total / small.total, `requests ${small.total} -> ${large.total}`).toBeLessThanOrEqual(2.2);
  }, 300_000);
});
