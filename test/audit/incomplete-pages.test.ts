import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../support/arm-emulator/server.mjs';
import { addChildren, privateDnsZone, privateEndpoint, registry, storage, sub, vnet, zoneGroup } from '../support/arm-emulator/estate.mjs';
import { ensureBuilt, graphRequests, runAudit, type AuditJson } from './support.js';
import type { EmulatorOptions, PageFault, RunningEmulator as Emulator } from '../support/arm-emulator/server.mjs';

/**
 * Issue 15, item 11: the live audit must not fail open. A Resource Graph page whose data is not rows, an
 * answer marked resultTruncated, paging that stops before totalRecords, or a skip token that never advances:
 * each loses rows, so each exits 2 naming the subscription and how many resources were not read, while the
 * rows that were read are still judged. Faults come from the loopback ARM/Resource Graph emulator.
 */
const S1 = sub(1);
const S2 = sub(2);

/** `perSubscription` storage accounts per subscription, every 10th open (AZF-PUB-005), in pages of 10. */
function accounts(subscriptions: string[], perSubscription: number) {
  const rows = subscriptions.flatMap((s) => Array.from({ length: perSubscription }, (_, i) => storage(s, `st${s.slice(-1)}n${i}`, i % 10 === 0 ? { publicNetworkAccess: 'Enabled' } : {})));
  return { subscriptions: subscriptions.map((id) => ({ id })), rows, children: {} };
}

let emulator: Emulator | undefined;
async function emulate(options: EmulatorOptions): Promise<Emulator> {
  emulator = await startEmulator(options);
  return emulator;
}

beforeAll(() => ensureBuilt());
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function openAccounts(report: AuditJson): string[] {
  return report.findings.filter((f) => f.ruleId === 'AZF-PUB-005' && f.status === 'fail').map((f) => f.resource.name).sort();
}

/** The fault on the second page (index 1) of a 30-row subscription read 10 rows at a time. */
const FAULTS: Array<{ fault: PageFault; says: RegExp; read: number }> = [
  { fault: 'data-not-rows', says: /read 10 of 30 resources, then Resource Graph answered page 2 with data that is not rows \(an object\): 20 resources were not read/, read: 10 },
  { fault: 'rows-not-objects', says: /read 10 of 30 resources, then Resource Graph answered page 2 with 10 rows that are not objects: 20 resources were not read/, read: 10 },
  { fault: 'truncated', says: /read 20 of 30 resources, then Resource Graph marked its answer truncated \(resultTruncated\) with no skip token to page on: 10 resources were not read/, read: 20 },
  { fault: 'ends-early', says: /read 20 of 30 resources, then Resource Graph stopped paging \(no skip token\) before its totalRecords: 10 resources were not read/, read: 20 },
  { fault: 'repeats-token', says: /read 20 of 30 resources, then Resource Graph answered with a skip token it had already given \(paging would never end\): 10 resources were not read/, read: 20 },
];

describe('a Resource Graph answer that loses rows makes the audit exit 2, naming the subscription', () => {
  for (const { fault, says, read } of FAULTS) {
    it(`${fault} on page 2: exit 2, one line naming the subscription and what was lost; the rows read are still judged`, async () => {
      const em = await emulate({ estate: accounts([S1], 30), pageSize: 10, pageFault: ({ index }) => (index === 1 ? fault : undefined) });
      const run = await runAudit(em, ['--subscription', S1, '--format', 'json']);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^azfence: error: subscription ${S1}: ${says.source}`))]);
      const report = JSON.parse(run.stdout) as AuditJson;
      expect(report.summary.resourcesRead).toBe(read);
      // The open accounts on the pages read (st1n0, and st1n10 on page 2 when it was read) are still reported.
      expect(openAccounts(report)).toEqual(read === 20 ? ['st1n0', 'st1n10'] : ['st1n0']);
      // Paging stopped at the fault: no request beyond it.
      expect(graphRequests(em).length).toBeLessThanOrEqual(2);
    });
  }

  it('a fault on page 1 of a batch names every subscription in it (which one lost rows cannot be told)', async () => {
    const em = await emulate({ estate: accounts([S1, S2], 15), pageSize: 10, pageFault: ({ index }) => (index === 0 ? 'truncated' : undefined) });
    const run = await runAudit(em, ['--subscription', S1, '--subscription', S2, '--format', 'json']);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n').sort();
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`subscription ${S1}: read 10 of 30 resources, .*resultTruncated.*20 resources were not read`)),
      expect.stringMatching(new RegExp(`subscription ${S2}: read 10 of 30 resources, .*resultTruncated.*20 resources were not read`)),
    ]);
  });

  it('a management group audit names the group', async () => {
    const estate = { ...accounts([S1], 30), managementGroups: { platform: [S1] } };
    const em = await emulate({ estate, pageSize: 10, pageFault: ({ index }) => (index === 1 ? 'ends-early' : undefined) });
    const run = await runAudit(em, ['--management-group', 'platform', '--format', 'json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^azfence: error: management group platform: read 20 of 30 resources, then Resource Graph stopped paging/);
  });

  it('a complete answer, paged, is not an error (the check does not cry wolf)', async () => {
    const em = await emulate({ estate: accounts([S1, S2], 25), pageSize: 10 });
    const run = await runAudit(em, ['--subscription', S1, '--subscription', S2, '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as AuditJson).summary.resourcesRead).toBe(50);
  });
});

describe('an ARM child list that loses its entries', () => {
  /** A locked registry whose endpoint has a zone group: clean when the group is read. */
  function estate() {
    const hub = vnet(S1, 'vnet-hub');
    const zone = privateDnsZone(S1, 'privatelink.azurecr.io');
    const locked = registry(S1, 'acrlocked');
    const endpoint = privateEndpoint(S1, 'pe-locked', locked, 'registry', hub.properties.subnets[0].id);
    const children = {};
    addChildren(children, endpoint, 'privateDnsZoneGroups', [zoneGroup(endpoint, [zone.id])]);
    return { subscriptions: [{ id: S1 }], rows: [hub, zone, locked, endpoint], children };
  }

  for (const [label, body] of [
    ['no value list', { values: [] }],
    ['an entry that is not a resource', { value: ['privateDnsZoneGroups/default'] }],
  ] as const) {
    it(`${label}: exit 2 naming the subscription and the parent; its zone groups are unknown, not "none"`, async () => {
      const em = await emulate({ estate: estate(), fault: ({ kind }) => (kind === 'child' ? { status: 200, body } : undefined) });
      const run = await runAudit(em, ['--subscription', S1, '--format', 'json']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`^azfence: error: subscription ${S1}: could not list privateDnsZoneGroups of .*pe-locked: the answer`));
      const report = JSON.parse(run.stdout) as AuditJson;
      expect(report.findings.filter((f) => f.ruleId === 'AZF-DNS-001' && f.resource.name === 'pe-locked').map((f) => f.status)).toEqual(['unknown']);
    });
  }
});
