import type { ScanReport } from '../report/scan-report.js';
import { isPlainObject } from '../model/values.js';
import type { AzureApi } from './api.js';
import { forEachLimited } from './pool.js';
import type { ChildCollection } from './query-plan.js';
import { RequestFailed, withRetry, type RetryOptions } from './retry.js';

export interface ChildReadOptions {
  retry: RetryOptions;
  concurrency: number;
  onRequest?: () => void;
}

export interface ChildReadResult {
  /** Children as snapshot rows: id, name, type, properties (what the rules read). */
  rows: Record<string, unknown>[];
  /** Lower-cased ids of parents whose children could not be listed, by the collection's segment. */
  unread: Map<string, string>;
  errors: ScanReport['errors'];
}

/**
 * Lists the children Resource Graph does not index (zone groups of private endpoints, rule collection
 * groups of firewall policies) with one ARM GET per parent, following nextLink.
 */
export async function readChildren(api: AzureApi, parents: readonly Record<string, unknown>[], collections: readonly ChildCollection[], options: ChildReadOptions): Promise<ChildReadResult> {
  const rows: Record<string, unknown>[] = [];
  const unread = new Map<string, string>();
  // Failures are grouped per subscription and problem: 2,000 endpoints behind one 403 make one line, not 2,000.
  const failures = new Map<string, { subscription: string; segment: string; problem: string; parents: string[] }>();
  const work = parents.flatMap((row) => {
    const type = String(row['type'] ?? '').toLowerCase();
    const id = row['id'];
    if (typeof id !== 'string') return [];
    return collections.filter((collection) => collection.parentType === type).map((collection) => ({ id, collection }));
  });
  await forEachLimited(work, options.concurrency, async ({ id, collection }) => {
    const found: Record<string, unknown>[] = [];
    let url: string | undefined = `${encodePath(id)}/${collection.segment}?api-version=${collection.apiVersion}`;
    try {
      while (url) {
        const current: string = url;
        options.onRequest?.();
        const page = await withRetry(() => api.armGet(current), options.retry);
        // An answer without a list, or with entries that are not resources, lost them: never read as "none".
        if (!isPlainObject(page) || !Array.isArray(page['value'])) throw new RequestFailed('the answer holds no list of resources (value)', 200, true);
        for (const child of page['value']) {
          if (!isPlainObject(child) || typeof child['id'] !== 'string') throw new RequestFailed('the answer lists an entry that is not a resource with an id', 200, true);
          found.push(childRow(child, collection));
        }
        url = isPlainObject(page) && typeof page['nextLink'] === 'string' ? page['nextLink'] : undefined;
      }
      rows.push(...found);
    } catch (error) {
      if (!(error instanceof RequestFailed)) throw error;
      unread.set(id.toLowerCase(), collection.segment);
      const subscription = subscriptionOf(id) ?? 'unknown';
      const key = `${subscription}|${collection.segment}|${error.problem}`;
      const entry = failures.get(key) ?? { subscription, segment: collection.segment, problem: error.problem, parents: [] };
      entry.parents.push(id);
      failures.set(key, entry);
    }
  });
  const errors = [...failures.values()].map(({ subscription, segment, problem, parents: ids }) => ({
    message: `subscription ${subscription}: could not list ${segment} of ${ids.length === 1 ? ids[0] : `${ids.length} resources (e.g. ${ids[0]})`}: ${problem}`,
  }));
  return { rows, unread, errors };
}

/** Only the columns a snapshot row carries for a child; the type comes from ARM, or the collection if absent. */
function childRow(child: Record<string, unknown>, collection: ChildCollection): Record<string, unknown> {
  return {
    id: child['id'],
    name: typeof child['name'] === 'string' ? child['name'] : String(child['id']).split('/').pop(),
    type: typeof child['type'] === 'string' ? child['type'] : collection.childType,
    properties: isPlainObject(child['properties']) ? child['properties'] : {},
  };
}

/** Resource names may hold characters a URL path must escape; the slashes between segments stay. */
function encodePath(id: string): string {
  return id.split('/').map(encodeURIComponent).join('/');
}

export function subscriptionOf(id: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(id)?.[1];
}
