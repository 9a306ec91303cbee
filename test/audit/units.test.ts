import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RequestThrottle, parseTimeSpan } from '../../src/audit/request-throttle.js';
import { classify, RequestFailed, retryAfterMs, withRetry } from '../../src/audit/retry.js';
import { graphQuery, planQuery } from '../../src/audit/query-plan.js';
import { resolveCloud } from '../../src/audit/clouds.js';
import { readGraph } from '../../src/audit/read-graph.js';
import { forEachLimited } from '../../src/audit/pool.js';
import { loadRules } from '../../src/engine/load-packs.js';
import { ROOT } from './support.js';
import { main, run } from '../../src/cli/main.js';
import { Progress } from '../../src/audit/progress.js';

/** A clock that only moves when something sleeps: waits are asserted, never spent. */
function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  return { now: () => now, sleep: async (ms: number) => void (sleeps.push(ms), (now += ms)), sleeps };
}

function httpError(statusCode: number, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`Unexpected status code: ${statusCode}`), { statusCode, response: { headers: { get: (name: string) => headers[name] }, bodyAsText: JSON.stringify({ error: { code: 'Code', message: 'what went wrong' } }) } });
}

describe('request throttle', () => {
  it('parses hh:mm:ss quota reset times', () => {
    expect(parseTimeSpan('00:00:05')).toBe(5000);
    expect(parseTimeSpan('01:02:03.5')).toBe(3_723_500);
    expect(parseTimeSpan('soon')).toBeUndefined();
  });

  it('holds requests while the quota is spent, and only then', async () => {
    const clock = fakeClock();
    const throttle = new RequestThrottle(clock.now, clock.sleep);
    throttle.observeQuota((name) => ({ 'x-ms-user-quota-remaining': '3', 'x-ms-user-quota-resets-after': '00:00:04' })[name]);
    await throttle.ready();
    expect(clock.sleeps).toEqual([]);
    throttle.observeQuota((name) => ({ 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:04' })[name]);
    await throttle.ready();
    expect(clock.sleeps).toEqual([4000]);
  });
});

describe('retry', () => {
  it('classifies throttling, transient and permanent failures', () => {
    expect(classify(httpError(429, { 'retry-after': '7' }))).toMatchObject({ transient: true, waitMs: 7000 });
    expect(classify(httpError(503))).toMatchObject({ transient: true, problem: 'HTTP 503: Code: what went wrong' });
    expect(classify(httpError(403))).toMatchObject({ transient: false, status: 403 });
    expect(classify(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toMatchObject({ transient: true });
    expect(classify(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toMatchObject({ transient: true, problem: 'the request timed out' });
    expect(retryAfterMs((name) => ({ 'retry-after-ms': '250' })[name])).toBe(250);
  });

  it('gives up after the bounded attempts, backing off exponentially', async () => {
    const clock = fakeClock();
    let calls = 0;
    const failing = withRetry(async () => {
      calls++;
      throw httpError(500);
    }, { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxThrottleMs: 5000, throttle: new RequestThrottle(clock.now, clock.sleep), sleep: clock.sleep });
    await expect(failing).rejects.toThrow(new RequestFailed('HTTP 500: Code: what went wrong (after 4 attempts)', 500, false));
    expect(calls).toBe(4);
    expect(clock.sleeps).toHaveLength(3);
    clock.sleeps.forEach((ms, i) => expect(ms).toBeGreaterThanOrEqual(100 * 2 ** i * 0.8));
  });

  it('waits what a 429 asks through the shared throttle, then succeeds', async () => {
    const clock = fakeClock();
    const throttle = new RequestThrottle(clock.now, clock.sleep);
    let calls = 0;
    const value = await withRetry(async () => {
      if (calls++ === 0) throw httpError(429, { 'retry-after': '2' });
      return 'ok';
    }, { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, maxThrottleMs: 60_000, throttle, sleep: clock.sleep });
    expect(value).toBe('ok');
    expect(throttle.waitedMs).toBe(2000);
  });

  it('fails a 403 at once', async () => {
    let calls = 0;
    await expect(withRetry(async () => {
      calls++;
      throw httpError(403);
    }, { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1, maxThrottleMs: 1, throttle: new RequestThrottle() })).rejects.toMatchObject({ permanent: true, status: 403 });
    expect(calls).toBe(1);
  });
});

describe('query plan', () => {
  const { rules } = loadRules([], ROOT);

  it('reads the types the built-in rules select and follow, and lists zone groups through ARM', () => {
    const plan = planQuery(rules);
    expect(plan.graphTypes).toContain('microsoft.containerregistry/registries');
    expect(plan.graphTypes).toContain('microsoft.network/privatednszones/virtualnetworklinks');
    expect(plan.graphTypes).not.toContain('microsoft.network/privateendpoints/privatednszonegroups');
    expect(plan.graphTypes.every((type) => type === type.toLowerCase())).toBe(true);
  });

  it('lists a child collection through ARM only when an enabled rule needs it', () => {
    const dns = planQuery(rules.filter((rule) => rule.pack === 'DNS'));
    expect(dns.children.map((c) => c.segment)).toEqual(['privateDnsZoneGroups']);
    expect(dns.graphTypes).toContain('microsoft.network/privateendpoints');
    expect(dns.graphTypes).not.toContain('microsoft.network/firewallpolicies');
    const pub = planQuery(rules.filter((rule) => rule.pack === 'PUB'));
    expect(pub.children).toEqual([]);
  });

  it('reads only what the enabled rules need', () => {
    const pub1 = rules.filter((rule) => rule.id === 'AZF-PUB-001');
    const plan = planQuery(pub1);
    expect(plan.graphTypes).toEqual(['microsoft.containerregistry/registries']);
    expect(plan.children).toEqual([]);
  });

  it('reads the types of the issue-21 rules: session pools, NSGs with the VNets, registries behind clusters and allowlists', () => {
    const only = (id: string) => planQuery(rules.filter((rule) => rule.id === id)).graphTypes;
    expect(only('AZF-PUB-010')).toEqual(['microsoft.app/sessionpools']);
    expect(only('AZF-EGR-007')).toEqual(
      ['microsoft.app/jobs', 'microsoft.app/managedenvironments', 'microsoft.containerregistry/registries/agentpools', 'microsoft.devopsinfrastructure/pools', 'microsoft.network/networksecuritygroups', 'microsoft.network/virtualnetworks'].sort(),
    );
    expect(only('AZF-EGR-008')).toEqual(['microsoft.containerregistry/registries', 'microsoft.containerservice/managedclusters']);
    expect(only('AZF-EGR-006')).toContain('microsoft.containerregistry/registries');
    expect(planQuery(rules.filter((rule) => rule.id === 'AZF-EGR-006')).children.map((child) => child.segment)).toEqual(['ruleCollectionGroups']);
  });

  it('writes one KQL query, quoting safely', () => {
    expect(graphQuery(['a/b', "it's"])).toBe("Resources | where type in~ ('a/b', 'it\\'s') | project id, name, type, location, resourceGroup, subscriptionId, tags, sku, kind, identity, properties");
  });
});

describe('Resource Graph reader', () => {
  const retry = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxThrottleMs: 1, throttle: new RequestThrottle() };
  const subs = Array.from({ length: 2500 }, (_, i) => `s${i}`);

  it('batches subscriptions by 1000 and bisects a batch down to the subscription it may not read', async () => {
    const batches: number[] = [];
    const api = {
      armGet: async () => ({}),
      queryGraph: async (request: { subscriptions?: string[] }) => {
        batches.push(request.subscriptions!.length);
        if (request.subscriptions!.includes('s1234')) throw httpError(403);
        return { data: request.subscriptions!.map((id) => ({ id: `/subscriptions/${id}/x`, type: 't', subscriptionId: id })) };
      },
    };
    const result = await readGraph(api, { subscriptions: subs }, 'q', { retry, batchSize: 1000, pageSize: 1000 });
    expect(batches.slice(0, 2)).toEqual([1000, 1000]);
    expect(result.errors).toEqual([{ message: 'subscription s1234: HTTP 403: Code: what went wrong' }]);
    expect(result.rows).toHaveLength(2499);
    // log2(1000) halvings, two requests each, not 1000 single-subscription requests.
    expect(batches.length).toBeLessThan(30);
  });
});

describe('pool', () => {
  it('never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    await forEachLimited(Array.from({ length: 50 }, (_, i) => i), 8, async () => {
      peak = Math.max(peak, ++running);
      await new Promise((resolve) => setTimeout(resolve, 1));
      running--;
    });
    expect(peak).toBe(8);
  });
});

describe('clouds', () => {
  it('knows the sovereign clouds and takes custom endpoints', () => {
    expect(resolveCloud({ cloud: 'AzureUSGovernment' })).toEqual({ arm: 'https://management.usgovcloudapi.net', authorityHost: 'https://login.microsoftonline.us', scope: 'https://management.usgovcloudapi.net/.default' });
    expect(resolveCloud({ armEndpoint: 'https://127.0.0.1:8443/' }).scope).toBe('https://127.0.0.1:8443/.default');
    expect(() => resolveCloud({ cloud: 'Mars' })).toThrow(/--cloud must be one of/);
    expect(() => resolveCloud({ armEndpoint: 'http://127.0.0.1' })).toThrow(/https URL/);
  });
});

describe('startup', () => {
  it('never loads the Azure SDK for scan: only the audit path imports it, dynamically', () => {
    // Follow static imports from the CLI; @azure/* must not be among them.
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)) {
        const target = match[1]!;
        expect(target.startsWith('@azure')).toBe(false);
        if (target.startsWith('.')) visit(join(file, '..', target.replace(/\.js$/, '.ts')));
      }
    };
    // The bin (src/cli.ts) imports nothing statically: it turns on the compile cache, then loads the CLI process.
    expect(readFileSync(join(ROOT, 'src/cli.ts'), 'utf8')).toContain("await import('./cli/start.js')");
    visit(join(ROOT, 'src/cli/start.ts'));
    expect(seen.has(join(ROOT, 'src/scan.ts'))).toBe(true);
    expect([...seen].some((file) => file.endsWith('azure-client.ts'))).toBe(false);
    expect(readFileSync(join(ROOT, 'src/audit/azure-client.ts'), 'utf8')).toContain("from '@azure/identity'");
  });
});

describe('audit command', () => {
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), cwd: ROOT } };
  };

  it('refuses bad scopes before signing in, as one line with exit 2', async () => {
    for (const [args, message] of [
      [['--subscription', 'prod'], '--subscription takes a subscription id (a GUID), got "prod"'],
      [['--subscription', '00000000-0000-4000-8000-000000000001', '--management-group', 'mg'], 'pass --subscription or --management-group, not both'],
      [['--cloud', 'Mars'], '--cloud must be one of AzureCloud, AzureUSGovernment, AzureChinaCloud'],
      [['plan.json'], 'audit takes no files (got "plan.json"); to check a snapshot use azfence scan'],
    ] as const) {
      const { out, io: testIo } = io();
      expect(await run(['audit', ...args], testIo)).toBe(2);
      expect(out.stderr).toBe(`azfence: error: ${message}${message.startsWith('--cloud') ? ' (use --arm-endpoint and --authority-host for another cloud)' : ''}\n`);
    }
  });

  it('prints its help, and main() points callers at run()', async () => {
    const { out, io: testIo } = io();
    expect(await run(['audit', '--help'], testIo)).toBe(0);
    expect(out.stdout).toContain('--management-group ID');
    const sync = io();
    expect(main(['audit'], sync.io)).toBe(2);
    expect(sync.out.stderr).toContain('call run()');
  });

  it('draws progress on one overwritten line and clears it', () => {
    let text = '';
    const progress = new Progress((t) => (text += t));
    progress.setPhase('querying Resource Graph');
    progress.page(1000);
    progress.done();
    expect(text).toMatch(/^\r\x1b\[2Kazfence audit: querying Resource Graph: 0 pages, 0 resources, \d+\.\ds/);
    expect(text.endsWith('\r\x1b[2K')).toBe(true);
    expect(text).not.toContain('\n');
  });
});
