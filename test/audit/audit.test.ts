import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
// Plain ESM (typed by .d.mts) so bench/audit.mjs can run the same emulator without a TypeScript loader.
import { startEmulator } from '../support/arm-emulator/server.mjs';
import { addChildren, armId, privateDnsZone, privateEndpoint, registry, row, storage, sub, vault, vnet, zoneGroup, zoneLink } from '../support/arm-emulator/estate.mjs';
import { runCli, tempDir } from '../support/run-cli.js';
import { validateSarif } from '../support/sarif-validator.js';
import { authorizationRequests, ensureBuilt, graphRequests, runAudit, type AuditJson } from './support.js';
import type { EmulatorOptions, RunningEmulator as Emulator } from '../support/arm-emulator/server.mjs';

type Row = Record<string, any>;

const S1 = sub(1);
const S2 = sub(2);
const S3 = sub(3);

/**
 * Per subscription: a hub VNet with the registry zone linked, a locked registry with a private endpoint and
 * zone group (clean), a registry that lets trusted services bypass (AZF-PUB-002), an open vault (AZF-PUB-005),
 * and an endpoint without a zone group (AZF-DNS-001).
 */
function smallEstate(subscriptions: string[]) {
  const rows: Row[] = [];
  const children: Record<string, Record<string, Row[]>> = {};
  for (const s of subscriptions) {
    const hub = vnet(s, 'vnet-hub');
    const subnet = hub.properties.subnets[0].id;
    const zone = privateDnsZone(s, 'privatelink.azurecr.io');
    const locked = registry(s, `acrlocked${s.slice(-1)}`);
    const bypass = registry(s, `acrbypass${s.slice(-1)}`, { networkRuleBypassOptions: 'AzureServices' });
    const open = vault(s, `kvopen${s.slice(-1)}`, { publicNetworkAccess: 'Enabled' });
    const withGroup = privateEndpoint(s, `pe-locked${s.slice(-1)}`, locked, 'registry', subnet);
    const withoutGroup = privateEndpoint(s, `pe-bypass${s.slice(-1)}`, bypass, 'registry', subnet);
    rows.push(hub, zone, zoneLink(s, 'privatelink.azurecr.io', 'link-hub', hub.id), locked, bypass, open, withGroup, withoutGroup);
    addChildren(children, withGroup, 'privateDnsZoneGroups', [zoneGroup(withGroup, [zone.id])]);
  }
  return { subscriptions: subscriptions.map((id) => ({ id })), rows, children };
}

/** Many storage accounts, every 10th open: `count` rows that page slowly at a small page size. */
function manyAccounts(subscriptions: string[], perSubscription: number) {
  const rows: Row[] = [];
  for (const s of subscriptions) for (let i = 0; i < perSubscription; i++) rows.push(storage(s, `st${s.slice(-1)}n${i}`, i % 10 === 0 ? { publicNetworkAccess: 'Enabled' } : {}));
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

function parse(stdout: string): AuditJson {
  return JSON.parse(stdout) as AuditJson;
}

function ids(report: AuditJson, ruleId: string, status = 'fail'): string[] {
  return report.findings.filter((f) => f.ruleId === ruleId && f.status === status).map((f) => f.resource.name).sort();
}

describe('azfence audit against the ARM emulator', () => {
  it('lists subscriptions, pages through Resource Graph and reports like scan', async () => {
    const em = await emulate({ estate: manyAccounts([S1, S2], 120), pageSize: 7, subscriptionPageSize: 1 });
    const run = await runAudit(em, ['--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = parse(run.stdout);
    expect(report.summary.resourcesRead).toBe(240);
    expect(report.errors).toEqual([]);
    expect(ids(report, 'AZF-PUB-005')).toHaveLength(24);
    expect(report.inputs.map((input) => [input.file, input.kind, input.resources])).toEqual([
      [`azure://${S1}`, 'audit', 120],
      [`azure://${S2}`, 'audit', 120],
    ]);
    expect(report.findings.every((f) => f.location.file.startsWith('azure://'))).toBe(true);
    // Two subscription pages, then one batch holding both subscriptions: 240 rows at 7 per page.
    expect(em.requests.filter((r) => r.kind === 'subscriptions')).toHaveLength(2);
    const graph = graphRequests(em);
    expect(graph).toHaveLength(Math.ceil(240 / 7));
    expect(graph.every((r) => r.subscriptions?.length === 2)).toBe(true);
  });

  it('queries only the types the rules read, in one KQL query with the columns they need', async () => {
    const em = await emulate({ estate: manyAccounts([S1], 3) });
    await runAudit(em, ['--subscription', S1, '--format', 'json']);
    const graph = graphRequests(em);
    expect(graph).toHaveLength(1);
    const query = graph[0]!.query!;
    expect(query).toMatch(/^Resources \| where type in~ \('[^)]+'\) \| project id, name, type, location, resourceGroup, subscriptionId, tags, sku, kind, identity, properties$/);
    const types = [...query.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(types).toEqual(expect.arrayContaining(['microsoft.containerregistry/registries', 'microsoft.network/privateendpoints', 'microsoft.network/privatednszones/virtualnetworklinks', 'microsoft.network/virtualnetworks']));
    // Zone groups are not in Resource Graph; subnets come inside their VNet.
    expect(types.some((t) => t!.includes('privatednszonegroups') || t!.endsWith('/subnets'))).toBe(false);
    expect(types).toEqual([...types].sort());
    expect(graph[0]!.top).toBe(1000);
  });

  it('reads role assignments from the authorizationresources table and judges pull identities by them (AZF-POOL-009)', async () => {
    const ACR_PULL = '/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d';
    const rows: Row[] = [];
    const pullers: Record<string, string> = {};
    for (const s of [S1, S2]) {
      const acr = registry(s, `acrpull${s.slice(-1)}`, { loginServer: `acrpull${s.slice(-1)}.azurecr.io` });
      const uami = row(s, 'rg-app', 'Microsoft.ManagedIdentity/userAssignedIdentities', 'id-pull', { principalId: `0000000${s.slice(-1)}-1111-4111-8111-111111111111` });
      rows.push(acr, uami);
      for (const job of ['caj-granted', 'caj-refused']) {
        const principal = job === 'caj-granted' ? uami.properties.principalId : `0000000${s.slice(-1)}-2222-4222-8222-222222222222`;
        const identityId = job === 'caj-granted' ? uami.id : armId(s, 'rg-app', 'Microsoft.ManagedIdentity', 'userAssignedIdentities', 'id-other');
        rows.push(row(s, 'rg-app', 'Microsoft.App/jobs', `${job}${s.slice(-1)}`, {
          configuration: { triggerType: 'Event', registries: [{ server: acr.properties.loginServer, identity: identityId }] },
          template: { containers: [{ name: 'agent', image: `${acr.properties.loginServer}/agents/azp:1` }] },
        }, { identity: { type: 'UserAssigned', userAssignedIdentities: { [identityId]: { principalId: principal } } } }));
        pullers[`${job}${s.slice(-1)}`] = principal;
      }
      // AcrPull for id-pull at the registry's resource group, as Resource Graph lists it (lower-case type, scope in the id).
      const assignmentId = `/subscriptions/${s}/resourceGroups/rg-app/providers/Microsoft.Authorization/roleAssignments/3f2a0c1e-0000-4000-8000-00000000000${s.slice(-1)}`;
      rows.push({ id: assignmentId, name: assignmentId.split('/').pop(), type: 'microsoft.authorization/roleassignments', subscriptionId: s, properties: { roleDefinitionId: `/subscriptions/${s}${ACR_PULL}`, principalId: uami.properties.principalId, principalType: 'ServicePrincipal', scope: `/subscriptions/${s}/resourceGroups/rg-app` } });
    }
    // S3 holds a puller and no role assignments: one unknown for the subscription, not one per job.
    const lone = registry(S3, 'acrlone3', { loginServer: 'acrlone3.azurecr.io' });
    rows.push(lone);
    for (const job of ['caj-a3', 'caj-b3']) rows.push(row(S3, 'rg-app', 'Microsoft.App/jobs', job, { configuration: { triggerType: 'Event', registries: [{ server: 'acrlone3.azurecr.io', identity: 'system' }] } }, { identity: { type: 'SystemAssigned', principalId: '00000003-3333-4333-8333-333333333333' } }));
    const em = await emulate({ estate: { subscriptions: [S1, S2, S3].map((id) => ({ id })), rows, children: {} } });
    const run = await runAudit(em, ['--subscription', S1, '--subscription', S2, '--subscription', S3, '--format', 'json', '--check', 'AZF-POOL-009']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = parse(run.stdout);
    expect(ids(report, 'AZF-POOL-009')).toEqual(['caj-refused1', 'caj-refused2']);
    expect(report.findings.find((f) => f.resource.name === 'caj-refused1')!.message).toBe('Container Apps job caj-refused1 cannot pull from registry acrpull1: user-assigned identity id-other holds no role that grants pulls on registry acrpull1 or a parent scope (LegacyRegistryPermissions mode).');
    const unknown = report.findings.filter((f) => f.ruleId === 'AZF-POOL-009' && f.status === 'unknown');
    expect(unknown.map((f) => [f.resource.name, f.location.file])).toEqual([['caj-a3', `azure://${S3}`]]);
    expect(unknown[0]!.message).toContain(`audited subscription ${S3} holds no role assignments at all`);
    expect(unknown[0]!.message).toContain('any of the 2 workloads that pull: Container Apps job caj-a3, Container Apps job caj-b3');
    // One query of the authorization table for the batch of subscriptions, beside the one of Resources: role
    // assignments, and role definitions (a custom role's permissions decide whether it grants pulls).
    const authorization = authorizationRequests(em);
    expect(authorization).toHaveLength(1);
    expect(authorization[0]!.query).toBe("AuthorizationResources | where type in~ ('microsoft.authorization/roleassignments', 'microsoft.authorization/roledefinitions') | project id, name, type, subscriptionId, properties");
    expect(authorization[0]!.subscriptions).toEqual([S1, S2, S3]);
    expect(graphRequests(em)).toHaveLength(1);
    expect(graphRequests(em)[0]!.query).not.toContain('roleassignments');
  });

  it('waits out a 429 (Retry-After) and a spent quota (x-ms-user-quota-resets-after) before asking again', async () => {
    const em = await emulate({
      estate: manyAccounts([S1], 50),
      pageSize: 10,
      fault: ({ kind, index }: { kind: string; index: number }) =>
        kind === 'graph' && index === 1 ? { status: 429, headers: { 'retry-after': '1', 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:01' }, body: { error: { code: 'RateLimiting', message: 'throttled' } } } : undefined,
      // The fourth answer says the quota is spent: the fifth request must wait for the reset, without a 429.
      extraHeaders: ({ kind, index }: { kind: string; index: number }) =>
        kind === 'graph' ? { 'x-ms-user-quota-remaining': index === 3 ? '0' : '10', 'x-ms-user-quota-resets-after': '00:00:01' } : undefined,
    });
    const run = await runAudit(em, ['--subscription', S1, '--format', 'json']);
    expect(run.code).toBe(1);
    expect(parse(run.stdout).summary.resourcesRead).toBe(50);
    const graph = graphRequests(em);
    expect(graph.map((r) => r.status)).toEqual([200, 429, 200, 200, 200, 200]);
    const gap = (i: number) => graph[i]!.time - graph[i - 1]!.time;
    expect(gap(2)).toBeGreaterThanOrEqual(950); // Retry-After: 1
    expect(gap(4)).toBeGreaterThanOrEqual(950); // quota 0, resets after 00:00:01
    // Pages with quota left are not slowed down.
    expect(gap(3)).toBeLessThan(900);
    expect(gap(5)).toBeLessThan(900);
  });

  it('recovers from a burst of 5xx answers', async () => {
    const em = await emulate({
      estate: manyAccounts([S1], 30),
      pageSize: 10,
      fault: ({ kind, index }: { kind: string; index: number }) => (kind === 'graph' && (index === 1 || index === 2) ? { status: index === 1 ? 503 : 500 } : undefined),
    });
    const run = await runAudit(em, ['--subscription', S1, '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(parse(run.stdout).summary.resourcesRead).toBe(30);
    expect(graphRequests(em).map((r) => r.status)).toEqual([200, 503, 500, 200, 200]);
  });

  it('recovers from dropped connections on Resource Graph and on ARM', async () => {
    const em = await emulate({
      estate: smallEstate([S1]),
      pageSize: 3,
      fault: ({ kind, index }: { kind: string; index: number }) => ((kind === 'graph' && index === 1) || (kind === 'child' && index === 0) ? 'drop' : undefined),
    });
    const run = await runAudit(em, ['--subscription', S1, '--format', 'json']);
    expect(run.stderr).toBe('');
    // Exits on its own, promptly: no request timer outlives a dropped connection.
    expect(run.code).toBe(1);
    const report = parse(run.stdout);
    expect(report.errors).toEqual([]);
    expect(ids(report, 'AZF-DNS-001')).toEqual(['pe-bypass1']);
    expect(em.requests.filter((r) => r.status === -1)).toHaveLength(2);
  });

  it('audits a management group in one scope, without listing subscriptions', async () => {
    const estate = { ...smallEstate([S1, S2, S3]), managementGroups: { platform: [S1, S3] } };
    const em = await emulate({ estate });
    const run = await runAudit(em, ['--management-group', 'platform', '--format', 'json']);
    expect(run.code).toBe(1);
    expect(ids(parse(run.stdout), 'AZF-PUB-005')).toEqual(['kvopen1', 'kvopen3']);
    expect(em.requests.some((r) => r.kind === 'subscriptions')).toBe(false);
  });

  it('names a subscription it cannot read, exits 2, and still reports the others', async () => {
    const em = await emulate({ estate: smallEstate([S1, S2, S3]), forbidden: [S2] });
    const run = await runAudit(em, ['--subscription', S1, '--subscription', S2, '--subscription', S3, '--format', 'json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^azfence: error: subscription ${S2}: HTTP 403: AuthorizationFailed: The client does not have authorization`));
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    const report = parse(run.stdout);
    expect(report.errors).toEqual([{ message: expect.stringContaining(`subscription ${S2}: HTTP 403`) }]);
    expect(ids(report, 'AZF-PUB-005')).toEqual(['kvopen1', 'kvopen3']);
    expect(report.findings.some((f) => f.resource.id.includes(S2))).toBe(false);
  });

  it('reads zone groups through ARM, so AZF-DNS-001 is decided rather than unknown', async () => {
    const em = await emulate({ estate: smallEstate([S1]) });
    const run = await runAudit(em, ['--subscription', S1, '--format', 'json']);
    expect(run.code).toBe(1);
    const report = parse(run.stdout);
    expect(ids(report, 'AZF-DNS-001')).toEqual(['pe-bypass1']);
    expect(ids(report, 'AZF-DNS-001', 'unknown')).toEqual([]);
    const children = em.requests.filter((r) => r.kind === 'child');
    expect(children.map((r) => r.path).sort()).toEqual([
      expect.stringMatching(/privateEndpoints\/pe-bypass1\/privateDnsZoneGroups\?api-version=2024-05-01$/),
      expect.stringMatching(/privateEndpoints\/pe-locked1\/privateDnsZoneGroups\?api-version=2024-05-01$/),
    ]);
  });

  it('turns zone groups it could not list into unknown, never a pass or a guess', async () => {
    const em = await emulate({
      estate: smallEstate([S1]),
      fault: ({ kind, path }: { kind: string; path: string }) => (kind === 'child' && path.includes('pe-bypass1') ? { status: 404, body: { error: { code: 'NotFound', message: 'gone' } } } : undefined),
    });
    const run = await runAudit(em, ['--subscription', S1, '--format', 'json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`subscription ${S1}: could not list privateDnsZoneGroups of /subscriptions/${S1}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe-bypass1: HTTP 404`);
    const report = parse(run.stdout);
    expect(ids(report, 'AZF-DNS-001')).toEqual([]);
    expect(ids(report, 'AZF-DNS-001', 'unknown')).toEqual(['pe-bypass1']);
  });

  it('writes a snapshot that azfence scan reads back to the same findings', async () => {
    const em = await emulate({ estate: smallEstate([S1, S2]), pageSize: 4 });
    const dir = tempDir();
    const run = await runAudit(em, ['--subscription', S1, '--subscription', S2, '--format', 'json', '--snapshot-out', 'out/estate.json'], { cwd: dir });
    expect(run.code).toBe(1);
    const audited = parse(run.stdout);
    const snapshot = JSON.parse(readFileSync(join(dir, 'out/estate.json'), 'utf8'));
    expect(snapshot).toMatchObject({ count: 18, skip_token: null, total_records: 18 });
    expect(audited.inputs).toEqual([{ file: 'out/estate.json', kind: 'audit', resources: expect.any(Number), unmapped: 0 }]);
    const scanned = runCli(['scan', 'out/estate.json', '--format', 'json'], dir);
    expect(scanned.stderr).toBe('');
    expect(scanned.code).toBe(1);
    const strip = (report: AuditJson) => report.findings.map(({ ruleId, status, message, resource, location }) => ({ ruleId, status, message, id: resource.id, location }));
    expect(strip(audited).length).toBeGreaterThan(4);
    expect(strip(audited)).toEqual(strip(JSON.parse(scanned.stdout) as AuditJson));
    expect(audited.findings.every((f) => f.location.file === 'out/estate.json' && typeof f.location.line === 'number')).toBe(true);
  });

  it('writes valid SARIF with its own automation category', async () => {
    const em = await emulate({ estate: smallEstate([S1]) });
    const dir = tempDir();
    const run = await runAudit(em, ['--subscription', S1, '--sarif', 'audit.sarif', '--fail-on', 'none'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('AZF-DNS-001');
    const sarif = JSON.parse(readFileSync(join(dir, 'audit.sarif'), 'utf8'));
    expect(sarif.runs[0].automationDetails.id).toBe('azfence/audit/');
    expect(sarif.runs[0].results.length).toBeGreaterThan(0);
    // Locations code scanning accepts: a relative URI and a start line for every result (no azure:// URI).
    for (const result of sarif.runs[0].results) {
      expect(result.locations[0].physicalLocation.artifactLocation).toEqual({ uri: expect.stringMatching(/^azure\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\//i), uriBaseId: '%SRCROOT%' });
      expect(result.locations[0].physicalLocation.region).toEqual({ startLine: 1 });
    }
    // Zero errors and zero warnings under the GitHub and SARIF rules.
    expect(validateSarif([join(dir, 'audit.sarif')], { warnings: true })).toEqual([]);
  });

  it('fails sign-in with one line and exit 2 when the token endpoint refuses', async () => {
    const em = await emulate({ estate: smallEstate([S1]), fault: ({ kind }: { kind: string }) => (kind === 'token' ? { status: 400, body: { error: 'invalid_request', error_description: 'no identity here' } } : undefined) });
    const run = await runAudit(em, ['--subscription', S1]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^azfence: error: cannot sign in to Azure for https:\/\/127\.0\.0\.1:\d+\/\.default: .+\n$/);
  });
});
