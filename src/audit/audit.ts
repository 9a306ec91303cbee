import { resolve } from 'node:path';
import { displayPath } from '../inputs/display-path.js';
import { readSnapshot } from '../inputs/resource-graph/read-snapshot.js';
import { Inventory } from '../model/inventory.js';
import { isPlainObject, UNKNOWN } from '../model/values.js';
import { nowMs } from '../clock.js';
import { setUpRules } from '../config/rule-setup.js';
import type { ReadResult } from '../inputs/read-files.js';
import type { InputSummary, ScanReport, ShardAssignment } from '../report/scan-report.js';
import { evaluateAndPostProcess } from '../scan.js';
import { UserError } from '../errors.js';
import type { RuleSelectionInput } from '../config/rule-selection.js';
import type { AzureApi } from './api.js';
import { readChildren, subscriptionOf } from './child-resources.js';
import type { CloudEndpoints } from './clouds.js';
import { RequestThrottle } from './request-throttle.js';
import type { Progress } from './progress.js';
import { authorizationQuery, countQuery, graphQuery, planQuery, type ChildCollection, type QueryPlan } from './query-plan.js';
import { countsOf, planShards, type ShardSpec } from './shard.js';
import { readGraph, type AuditScope, type GraphReadOptions } from './read-graph.js';
import { DEFAULT_RETRY, type RetryOptions } from './retry.js';
import { listSubscriptions } from './subscriptions.js';
import { snapshotText, writeSnapshot } from './snapshot.js';
import { checkOutputTargets } from '../write-output.js';
import { readBaseline } from '../post-process/baseline.js';

export interface AuditOptions {
  /** --subscription (repeatable); empty with no management group: every subscription the identity can read. */
  subscriptions: readonly string[];
  managementGroup?: string;
  cloud: CloudEndpoints;
  cwd: string;
  policyPaths?: readonly string[];
  configPath?: string;
  /** --snapshot-out: also write what was read as a snapshot `azfence scan` accepts; findings then point into it. */
  snapshotOut?: string;
  /** --baseline: the last run's report; findings are marked new or existing and resolved ones listed. */
  baselinePath?: string;
  /** --shard K/N: audit one part of the scope, split by resource count; `azfence merge` joins the parts. */
  shard?: ShardSpec;
  progress?: Progress;
  /** --check / --skip-check */
  selection?: RuleSelectionInput;
  /** Tuning, for tests and very large tenants. */
  concurrency?: number;
  pageSize?: number;
  batchSize?: number;
  retry?: Partial<Omit<RetryOptions, 'throttle'>>;
  requestTimeoutMs?: number;
  /** Injected in unit tests; otherwise the SDK client is loaded on demand. */
  api?: AzureApi;
}

/** Resource Graph's own ceilings: 1000 subscriptions per request, 1000 rows per page. */
const MAX_BATCH = 1000;
const MAX_PAGE = 1000;

/** One audit: read the estate from Azure, then evaluate exactly as a scan does. */
export async function audit(options: AuditOptions): Promise<ScanReport> {
  const started = nowMs();
  const setup = setUpRules({ scanPaths: [], cwd: options.cwd, ...(options.policyPaths ? { policyPaths: options.policyPaths } : {}), ...(options.configPath ? { configPath: options.configPath } : {}), ...(options.selection ? { selection: options.selection } : {}) });
  // Before Azure is asked anything: the snapshot must not overwrite the config or a pack just read.
  if (options.snapshotOut) checkOutputTargets([{ flag: '--snapshot-out', path: options.snapshotOut }], options.cwd);
  // A baseline that cannot be read is an error before a long audit, not after it.
  if (options.baselinePath !== undefined) readBaseline(options.baselinePath, options.cwd);
  if (options.shard && options.snapshotOut) throw new UserError('--snapshot-out writes the whole estate as one file; a shard reads only its part of it, so give one or the other');
  const plan = planQuery(setup.rules);
  if (plan.graphTypes.length === 0) throw new UserError('no enabled rule selects a resource type, so there is nothing to audit');

  const graphThrottle = new RequestThrottle();
  const armThrottle = new RequestThrottle();
  const retry = (throttle: RequestThrottle): RetryOptions => ({ ...DEFAULT_RETRY, ...options.retry, throttle });
  // Loaded here, not at the top: `azfence scan` must never pay for the Azure SDK.
  const azure = options.api ?? (await (await import('./azure-client.js')).connectAzure(options.cloud, { graphThrottle, requestTimeoutMs: options.requestTimeoutMs ?? 60_000 }));
  const progress = options.progress;

  progress?.setPhase('listing subscriptions');
  const scope: AuditScope = options.managementGroup
    ? { managementGroup: options.managementGroup }
    : { subscriptions: options.subscriptions.length ? [...new Set(options.subscriptions)] : await listSubscriptions(azure, retry(armThrottle)) };

  const graphOptions = {
    retry: retry(graphThrottle),
    batchSize: Math.min(options.batchSize ?? MAX_BATCH, MAX_BATCH),
    pageSize: Math.min(options.pageSize ?? MAX_PAGE, MAX_PAGE),
    ...(progress ? { onPage: (rows: number) => progress.page(rows) } : {}),
  };
  const childOptions = { retry: retry(armThrottle), concurrency: options.concurrency ?? 8, ...(progress ? { onRequest: () => progress.childRequest() } : {}) };
  const split = options.shard ? await splitScope(azure, scope, plan, options.shard, graphOptions) : undefined;
  const audited = split?.own ?? scope;

  progress?.setPhase('querying Resource Graph');
  const graph = await readGraph(azure, audited, graphQuery(plan.graphTypes), graphOptions);
  // A shard also reads, from every other subscription, what links lead to (zones, endpoints, hubs): judged
  // by the shard that owns them, read here so that a link across shards is judged as in one audit.
  // Role assignments are another table: one more query per batch of subscriptions, whatever their count.
  const authorization = plan.authorizationTypes.length ? await readGraph(azure, audited, authorizationQuery(plan.authorizationTypes), graphOptions) : { rows: [], errors: [] };
  const linkedGraph = split?.others.length && plan.linkTypes.length ? await readGraph(azure, { subscriptions: split.others }, graphQuery(plan.linkTypes), graphOptions) : { rows: [], errors: [] };
  // A registry in another shard's subscription is judged by the role assignments held there.
  const linkedAuthorization = split?.others.length && plan.authorizationTypes.length ? await readGraph(azure, { subscriptions: split.others }, authorizationQuery(plan.authorizationTypes), graphOptions) : { rows: [], errors: [] };
  const linked = { rows: [...linkedGraph.rows, ...linkedAuthorization.rows], errors: [...linkedGraph.errors, ...newScopes(linkedAuthorization.errors, linkedGraph.errors)] };

  progress?.setPhase('listing child resources');
  const none = { rows: [], unread: new Map<string, string>(), errors: [] };
  const children = plan.children.length ? await readChildren(azure, graph.rows, plan.children, childOptions) : none;
  const linkedCollections = plan.children.filter((child) => LINKED_CHILDREN.has(child.childType));
  const linkedChildren = linked.rows.length && linkedCollections.length ? await readChildren(azure, linked.rows, linkedCollections, childOptions) : none;
  progress?.done();

  const rows = [...graph.rows, ...authorization.rows, ...children.rows];
  const read = options.snapshotOut ? readAsSnapshotFile(rows, options.snapshotOut, options.cwd) : readPerSubscription(rows, audited);
  const linkedCount = addLinked(read.inventory, [...linked.rows, ...linkedChildren.rows]);
  markUnread(read.inventory, children.unread);
  markUnread(read.inventory, linkedChildren.unread);
  markUnread(read.inventory, unlistedChildren(linked.rows, plan.children.filter((child) => !LINKED_CHILDREN.has(child.childType))));
  read.errors.push(...graph.errors, ...newScopes(authorization.errors, graph.errors), ...linked.errors, ...children.errors, ...linkedChildren.errors);
  const report = evaluateAndPostProcess(setup, read, started, { cwd: options.cwd, ...(options.baselinePath !== undefined ? { baselinePath: options.baselinePath } : {}) });
  if (split && options.shard) {
    // Linked resources are another shard's to judge and to count; a misshapen one is that shard's error.
    const others = new Set(split.others.map((id) => `azure://${id}`));
    report.errors = report.errors.filter((error) => error.file === undefined || !others.has(error.file));
    report.stats.resources -= linkedCount;
    report.shard = { ...options.shard, subscriptions: 'subscriptions' in audited ? audited.subscriptions : [], plan: split.plan, linkedResources: linkedCount };
  }
  return report;
}

/**
 * A subscription that refuses one query refuses the next: its failure is named once, by the first query.
 * Errors name their scope first (`subscription <id>: ...`, `management group <name>: ...`).
 */
function newScopes(errors: ScanReport['errors'], already: ScanReport['errors']): ScanReport['errors'] {
  const scopeOf = (message: string): string => message.slice(0, message.indexOf(':'));
  const named = new Set(already.map((error) => scopeOf(error.message)));
  return errors.filter((error) => !named.has(scopeOf(error.message)));
}

/**
 * Child collections read for linked parents too: a spoke's egress is judged against the rules of the hub's
 * firewall policy. Zone groups are judged with their own endpoint, by the shard that owns it; a linked
 * endpoint's zone groups are left unread (unknown), which costs one ARM request less per endpoint.
 */
const LINKED_CHILDREN: ReadonlySet<string> = new Set(['microsoft.network/firewallpolicies/rulecollectiongroups']);

interface Split {
  own: AuditScope;
  others: string[];
  plan: ShardAssignment[];
}

/**
 * The subscriptions of this shard, from one count query over the whole scope. Every shard runs the same
 * query and the same split; `azfence merge` checks they agreed, so a count that changed between two
 * shards' runs is caught there instead of leaving a subscription out.
 */
async function splitScope(azure: AzureApi, scope: AuditScope, plan: QueryPlan, shard: ShardSpec, graphOptions: GraphReadOptions): Promise<Split> {
  const counted = await readGraph(azure, scope, countQuery(plan.graphTypes), graphOptions);
  if ('managementGroup' in scope && counted.errors.length) throw new UserError(`cannot count the resources under management group ${scope.managementGroup} to split it into shards: ${counted.errors[0]!.message}`);
  const counts = countsOf(counted.rows);
  // A subscription whose count failed is still assigned (as empty): the shard that owns it reads it and
  // reports the failure (the others report their linked read of it failing; merge names it once).
  const subscriptions = 'subscriptions' in scope ? scope.subscriptions : [...counts.keys()];
  const assignment = planShards(subscriptions, counts, shard.count);
  const own = assignment.filter((entry) => entry.shard === shard.index).map((entry) => entry.subscription);
  const others = assignment.filter((entry) => entry.shard !== shard.index).map((entry) => entry.subscription);
  return { own: { subscriptions: own }, others, plan: assignment };
}

/** Adds rows of other shards' subscriptions as read-only context: followed by links, never judged. */
function addLinked(inventory: Inventory, rows: readonly Record<string, unknown>[]): number {
  if (rows.length === 0) return 0;
  const bySubscription = new Map<string, Record<string, unknown>[]>();
  for (const row of rows) {
    const key = ((typeof row['subscriptionId'] === 'string' ? row['subscriptionId'] : subscriptionOf(String(row['id'] ?? ''))) ?? 'unknown').toLowerCase();
    if (!bySubscription.has(key)) bySubscription.set(key, []);
    bySubscription.get(key)!.push(row);
  }
  let count = 0;
  for (const [subscription, subscriptionRows] of bySubscription) {
    for (const resource of readSnapshot(subscriptionRows, `azure://${subscription}`, undefined, 'audit').resources) {
      resource.source.managed = false;
      inventory.add(resource);
      count++;
    }
  }
  return count;
}

/** Linked parents whose children were not listed: their child lists are unknown, not empty. */
function unlistedChildren(rows: readonly Record<string, unknown>[], collections: readonly ChildCollection[]): Map<string, string> {
  const unread = new Map<string, string>();
  const segments = new Map(collections.map((collection) => [collection.parentType, collection.segment]));
  for (const row of rows) {
    const segment = segments.get(String(row['type'] ?? '').toLowerCase());
    if (segment && typeof row['id'] === 'string') unread.set(row['id'].toLowerCase(), segment);
  }
  return unread;
}

/** Findings point at `azure://<subscriptionId>`: there is no file, and the subscription is what a reader acts on. */
function readPerSubscription(rows: readonly Record<string, unknown>[], scope: AuditScope): ReadResult {
  const bySubscription = new Map<string, Record<string, unknown>[]>();
  // Every subscription in scope is an input, even an empty one: the summary shows what was audited.
  if ('subscriptions' in scope) for (const id of scope.subscriptions) bySubscription.set(id.toLowerCase(), []);
  for (const row of rows) {
    const subscription = (typeof row['subscriptionId'] === 'string' ? row['subscriptionId'] : subscriptionOf(String(row['id'] ?? ''))) ?? 'unknown';
    const key = subscription.toLowerCase();
    if (!bySubscription.has(key)) bySubscription.set(key, []);
    bySubscription.get(key)!.push(row);
  }
  const inventory = new Inventory();
  const inputs: InputSummary[] = [];
  const errors: ScanReport['errors'] = [];
  for (const [subscription, subscriptionRows] of bySubscription) {
    const file = `azure://${subscription}`;
    const { resources, problems } = readSnapshot(subscriptionRows, file, undefined, 'audit');
    for (const resource of resources) inventory.add(resource);
    for (const problem of problems) errors.push({ file, message: problem });
    inputs.push({ file, kind: 'audit', resources: resources.length, unmapped: 0 });
  }
  return { inventory, inputs, skipped: [], errors };
}

/** With --snapshot-out the findings point at rows of that file (with line numbers), like a scan of it would. */
function readAsSnapshotFile(rows: readonly Record<string, unknown>[], path: string, cwd: string): ReadResult {
  const absolute = resolve(cwd, path);
  const file = displayPath(absolute, cwd);
  const text = snapshotText(rows);
  writeSnapshot(path, text, cwd);
  const { resources, problems } = readSnapshot(rows, file, text, 'audit');
  const inventory = new Inventory();
  for (const resource of resources) inventory.add(resource);
  return { inventory, inputs: [{ file, kind: 'audit', resources: resources.length, unmapped: 0 }], skipped: [], errors: problems.map((message) => ({ file, message })) };
}

/**
 * A parent whose children could not be listed must not read as "has none": its child list becomes unknown,
 * so the rules say unknown instead of failing (or passing) on data that was never read.
 */
function markUnread(inventory: Inventory, unread: ReadonlyMap<string, string>): void {
  for (const [id, segment] of unread) {
    const resource = inventory.getById(id);
    if (!resource) continue;
    const properties = isPlainObject(resource.body['properties']) ? resource.body['properties'] : {};
    resource.body['properties'] = { ...properties, [segment]: UNKNOWN };
  }
}
