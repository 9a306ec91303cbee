import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../support/arm-emulator/server.mjs';
import { addChildren, privateDnsZone, privateEndpoint, registry, storage, sub, vault, vnet, zoneGroup, zoneLink } from '../support/arm-emulator/estate.mjs';
import type { RunningEmulator as Emulator } from '../support/arm-emulator/server.mjs';
import { runCli, tempDir } from '../support/run-cli.js';
import { validateSarif } from '../support/sarif-validator.js';
import { ensureBuilt, graphRequests, runAudit, type AuditJson } from './support.js';

/**
 * Issue 22 item 3: `azfence audit --shard K/N` splits the subscriptions by resource count, and
 * `azfence merge` joins the shards into the report one audit of everything would have written. The estate
 * is hub and spokes across subscriptions, so links cross shards: a spoke's endpoint registers in the hub's
 * zone, and a spoke's registry is reached through an endpoint in the hub.
 */

type Row = Record<string, any>;
const HUB = sub(1);
const SPOKE_LINKED = sub(2);
const SPOKE_UNLINKED = sub(3);
const SPOKE_REMOTE_PE = sub(4);
const ALL = [HUB, SPOKE_LINKED, SPOKE_UNLINKED, SPOKE_REMOTE_PE];

function hubAndSpokes() {
  const rows: Row[] = [];
  const children: Record<string, Record<string, Row[]>> = {};
  const hub = vnet(HUB, 'vnet-hub');
  const zone = privateDnsZone(HUB, 'privatelink.azurecr.io');
  rows.push(hub, zone, zoneLink(HUB, 'privatelink.azurecr.io', 'link-hub', hub.id));
  // The hub is the heavy subscription: a shard of its own.
  for (let i = 0; i < 30; i++) rows.push(storage(HUB, `sthub${i}`, i % 10 === 0 ? { publicNetworkAccess: 'Enabled' } : {}));

  // Spoke 2: its VNet is linked to the hub's zone (resolves); spoke 3: not linked (fails AZF-DNS-004).
  for (const [spoke, linked] of [[SPOKE_LINKED, true], [SPOKE_UNLINKED, false]] as const) {
    const net = vnet(spoke, `vnet-spoke${spoke.slice(-1)}`);
    const acr = registry(spoke, `acrspoke${spoke.slice(-1)}`);
    const endpoint = privateEndpoint(spoke, `pe-acrspoke${spoke.slice(-1)}`, acr, 'registry', net.properties.subnets[0].id);
    addChildren(children, endpoint, 'privateDnsZoneGroups', [zoneGroup(endpoint, [zone.id])]);
    rows.push(net, acr, endpoint, vault(spoke, `kvopen${spoke.slice(-1)}`, { publicNetworkAccess: 'Enabled' }));
    if (linked) rows.push(zoneLink(HUB, 'privatelink.azurecr.io', `link-spoke${spoke.slice(-1)}`, net.id));
  }
  // Spoke 4: a locked registry whose only private endpoint lives in the hub subscription (AZF-DNS-005 passes).
  const remote = registry(SPOKE_REMOTE_PE, 'acrremote');
  const hubEndpoint = privateEndpoint(HUB, 'pe-acrremote', remote, 'registry', hub.properties.subnets[0].id);
  addChildren(children, hubEndpoint, 'privateDnsZoneGroups', [zoneGroup(hubEndpoint, [zone.id])]);
  rows.push(remote, hubEndpoint, vault(SPOKE_REMOTE_PE, 'kvopen4', { publicNetworkAccess: 'Enabled' }));
  return { subscriptions: ALL.map((id) => ({ id })), rows, children };
}

// One emulated estate, one unsharded audit and one run of three shards, shared by the tests below: each
// audit is a process of its own, and the machine is shared.
let emulator: Emulator;
let dir: string;
let single: ShardJson;
let shards: ShardJson[];
beforeAll(async () => {
  ensureBuilt();
  emulator = await startEmulator({ estate: hubAndSpokes() });
  dir = tempDir('azfence-shards-');
  const whole = await runAudit(emulator, ['--format', 'json', '--output', 'whole.json'], { cwd: dir });
  expect(whole.stderr).toBe('');
  expect(whole.code).toBe(1);
  single = JSON.parse(readFileSync(join(dir, 'whole.json'), 'utf8')) as ShardJson;
  shards = await runShards(emulator, dir);
}, 180_000);
afterAll(async () => {
  await emulator?.close();
});

interface ShardJson extends AuditJson {
  shard: { index: number; count: number; subscriptions: string[]; plan: Array<{ subscription: string; resources: number; shard: number }>; linkedResources: number };
  findings: Array<AuditJson['findings'][number] & { fingerprint: string }>;
}

function identities(report: { findings: Array<{ ruleId: string; status: string; resource: { id: string }; fingerprint?: string }> }): string[] {
  return report.findings.map((finding) => `${finding.ruleId}|${finding.status}|${finding.resource.id.toLowerCase()}|${finding.fingerprint}`).sort();
}

function about(report: AuditJson, name: string): string[] {
  return report.findings.filter((finding) => finding.resource.name === name).map((finding) => `${finding.ruleId}:${finding.status}`).sort();
}

/** Runs the three shards of a split, each as its own process, writing shard-K.json into `dir`. */
async function runShards(em: Emulator, dir: string, count = 3): Promise<ShardJson[]> {
  const shards: ShardJson[] = [];
  for (let index = 1; index <= count; index++) {
    const run = await runAudit(em, ['--shard', `${index}/${count}`, '--format', 'json', '--output', `shard-${index}.json`, '--fail-on', 'none'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    shards.push(JSON.parse(readFileSync(join(dir, `shard-${index}.json`), 'utf8')) as ShardJson);
  }
  return shards;
}

describe('azfence audit --shard and azfence merge, against the ARM emulator', () => {
  it('split the subscriptions by resource count with one count query per shard, each subscription in one shard', () => {
    const counts = graphRequests(emulator).filter((request) => /\| summarize count\(\) by subscriptionId$/.test(request.query ?? ''));
    expect(counts).toHaveLength(3);
    // Every shard computed the same split: the hub alone (31+ resources), the spokes balanced over the rest.
    const plans = shards.map((shard) => JSON.stringify(shard.shard.plan));
    expect(new Set(plans).size).toBe(1);
    const plan = shards[0]!.shard.plan;
    expect(plan.map((entry) => entry.subscription)).toEqual(ALL);
    expect(plan.find((entry) => entry.subscription === HUB)).toMatchObject({ shard: 1 });
    expect(plan.filter((entry) => entry.shard === 1)).toHaveLength(1);
    const totals = [1, 2, 3].map((index) => plan.filter((entry) => entry.shard === index).reduce((sum, entry) => sum + entry.resources, 0));
    expect(totals[0]).toBeGreaterThan(30);
    expect(Math.abs(totals[1]! - totals[2]!)).toBeLessThanOrEqual(Math.max(...plan.filter((entry) => entry.subscription !== HUB).map((entry) => entry.resources)));

    const owned = shards.flatMap((shard) => shard.shard.subscriptions).sort();
    expect(owned).toEqual(ALL);
    for (const shard of shards) {
      // A shard reports findings and inputs for its own subscriptions only.
      expect(shard.inputs.map((input) => input.file).sort()).toEqual(shard.shard.subscriptions.map((id) => `azure://${id}`));
      expect(shard.findings.every((finding) => shard.shard.subscriptions.some((id) => finding.location.file === `azure://${id}`))).toBe(true);
    }
  });

  it('merged, the shards report exactly what one audit of everything reports: links across shards judged the same', () => {
    // Shards read the other subscriptions' zones, endpoints and VNets, to follow links into them.
    expect(shards.every((shard) => shard.shard.linkedResources > 0)).toBe(true);

    const merged = runCli(['merge', 'shard-1.json', 'shard-2.json', 'shard-3.json', '--format', 'json', '--output', 'merged.json', '--html', 'merged.html', '--sarif', 'merged.sarif'], dir);
    expect(merged.stderr).toBe('');
    // The gate over the whole: the same exit code as the single audit.
    expect(merged.code).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8')) as ShardJson;
    expect(identities(report)).toEqual(identities(single));
    expect(report.summary).toMatchObject({ resourcesRead: single.summary.resourcesRead, failed: single.summary.failed, unknown: single.summary.unknown, errors: 0 });
    expect(report.inputs.map((input) => input.file).sort()).toEqual(single.inputs.map((input) => input.file).sort());

    // The cross-shard links themselves, judged as in one audit:
    // a spoke endpoint whose VNet the hub's zone is linked to: no DNS finding;
    expect(about(report, 'pe-acrspoke2')).toEqual([]);
    // one whose VNet is not linked: fails AZF-DNS-004 (its zone is in the hub's shard);
    expect(about(report, 'pe-acrspoke3')).toEqual(['AZF-DNS-004:fail']);
    // a locked registry reached through an endpoint in the hub's subscription: no AZF-DNS-005.
    expect(about(report, 'acrremote')).toEqual([]);
    expect(validateSarif([join(dir, 'merged.sarif')])).toEqual([]);
    const high = report.findings.filter((finding) => ['high', 'critical'].includes((finding as unknown as { severity: string }).severity)).length;
    expect(readFileSync(join(dir, 'merged.html'), 'utf8')).toContain(`Gate: failed. ${high} findings at high or above.`);
  });

  it('without the linked rows the same registry would be judged wrongly: audited alone, its endpoint is not seen', async () => {
    const run = await runAudit(emulator, ['--subscription', SPOKE_REMOTE_PE, '--format', 'json']);
    expect(about(JSON.parse(run.stdout) as AuditJson, 'acrremote')).toEqual(['AZF-DNS-005:fail']);
  });

  it('merge refuses a missing, repeated or differently split shard, and a shard run with --baseline', async () => {

    const missing = runCli(['merge', 'shard-1.json', 'shard-3.json'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('azfence: error: shard 2/3 is missing: the merged report would leave its subscriptions out and the gate would pass without them\n');

    const twice = runCli(['merge', 'shard-1.json', 'shard-2.json', 'shard-2.json', 'shard-3.json'], dir);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('shard-2.json: is shard 2/3 again');

    // Shard 3 ran after resources were added somewhere: its count query split the estate differently.
    const drifted = JSON.parse(readFileSync(join(dir, 'shard-3.json'), 'utf8')) as ShardJson;
    const moved = drifted.shard.plan.find((entry) => entry.shard === 2)!;
    moved.shard = 3;
    writeFileSync(join(dir, 'shard-3-drifted.json'), JSON.stringify(drifted));
    const split = runCli(['merge', 'shard-1.json', 'shard-2.json', 'shard-3-drifted.json'], dir);
    expect(split.code).toBe(2);
    expect(split.stderr).toContain('shard-3-drifted.json: split the subscriptions differently from shard-1.json');

    const notShard = runCli(['merge', 'whole.json', 'shard-2.json'], dir);
    expect(notShard.code).toBe(2);
    expect(notShard.stderr).toContain('whole.json: has no shard');

    const baselined = await runAudit(emulator, ['--shard', '1/3', '--baseline', 'whole.json'], { cwd: dir });
    expect(baselined.code).toBe(2);
    expect(baselined.stderr).toContain('give --baseline to azfence merge, not to a shard');
  });

  it('merge takes --baseline: new, existing and resolved over the whole estate', () => {
    expect(runCli(['merge', 'shard-1.json', 'shard-2.json', 'shard-3.json', '--format', 'json', '--output', 'last-night.json', '--fail-on', 'none'], dir).code).toBe(0);
    const run = runCli(['merge', 'shard-1.json', 'shard-2.json', 'shard-3.json', '--format', 'json', '--baseline', 'last-night.json'], dir);
    const report = JSON.parse(run.stdout) as ShardJson & { resolved: unknown[]; summary: { baseline: unknown } };
    expect(report.summary.baseline).toEqual({ new: 0, existing: report.findings.length, absent: 0 });
    expect(report.resolved).toEqual([]);
    expect(run.code).toBe(0);

    // Last night lacked a failure of the unlinked spoke's shard and had one on a vault since deleted: the
    // first is new over the whole estate and fails the gate, the second is resolved.
    const lastNight = JSON.parse(readFileSync(join(dir, 'last-night.json'), 'utf8')) as { findings: Array<{ ruleId: string; status: string; severity: string; fingerprint: string; resource: { id: string; name: string } }> };
    const dropped = lastNight.findings.findIndex((finding) => finding.resource.name === 'kvopen3' && finding.status === 'fail');
    expect(dropped).toBeGreaterThanOrEqual(0);
    const [fresh] = lastNight.findings.splice(dropped, 1);
    lastNight.findings.push({ ...fresh!, fingerprint: 'deleted-vault', resource: { ...fresh!.resource, id: fresh!.resource.id.replace(/kvopen3$/, 'kvgone'), name: 'kvgone' } });
    writeFileSync(join(dir, 'last-night-edited.json'), JSON.stringify(lastNight));
    const changed = runCli(['merge', 'shard-1.json', 'shard-2.json', 'shard-3.json', '--format', 'json', '--baseline', 'last-night-edited.json'], dir);
    const changes = JSON.parse(changed.stdout) as ShardJson & { resolved: Array<{ resource: { name: string } }>; summary: { baseline: unknown }; findings: Array<{ baseline?: string; resource: { name: string } }> };
    expect(changes.summary.baseline).toEqual({ new: 1, existing: report.findings.length - 1, absent: 1 });
    expect(changes.findings.filter((finding) => finding.baseline === 'new').map((finding) => finding.resource.name)).toEqual(['kvopen3']);
    expect(changes.resolved.map((finding) => finding.resource.name)).toEqual(['kvgone']);
    expect(changed.code).toBe(1);
  });

  it('a subscription no shard can read makes the merged run exit 2, named once; the rest is still reported', async () => {
    const denied = await startEmulator({ estate: hubAndSpokes(), forbidden: [SPOKE_UNLINKED] });
    try {
      const where = tempDir('azfence-shards-denied-');
      for (let index = 1; index <= 3; index++) {
        const run = await runAudit(denied, ['--shard', `${index}/3`, '--format', 'json', '--output', `shard-${index}.json`, '--fail-on', 'none'], { cwd: where });
        // The owner cannot read it, and the others cannot read its linked rows: each says so.
        expect(run.code).toBe(2);
      }
      const merged = runCli(['merge', 'shard-1.json', 'shard-2.json', 'shard-3.json', '--format', 'json'], where);
      expect(merged.code).toBe(2);
      const lines = merged.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^azfence: error: subscription ${SPOKE_UNLINKED}: .*403`));
      const report = JSON.parse(merged.stdout) as ShardJson;
      expect(about(report, 'kvopen2')).toEqual(['AZF-PUB-005:fail']);
      expect(report.findings.some((finding) => finding.location.file === `azure://${SPOKE_UNLINKED}`)).toBe(false);
    } finally {
      await denied.close();
    }
  });
});
