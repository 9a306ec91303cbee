import type { ScanReport } from '../scan.js';
import type { AzureApi } from './api.js';
import { RequestFailed, withRetry, type RetryOptions } from './retry.js';

/** Where the query runs: named subscriptions (batched) or one management group. */
export type AuditScope = { subscriptions: string[] } | { managementGroup: string };

export interface GraphReadOptions {
  retry: RetryOptions;
  /** Subscriptions per request: Resource Graph accepts up to 1000. */
  batchSize: number;
  /** Rows per page ($top): at most 1000. */
  pageSize: number;
  onPage?: (rows: number) => void;
}

export interface GraphReadResult {
  rows: Record<string, unknown>[];
  /** Subscriptions (or the management group) that could not be read, each named: they make the run exit 2. */
  errors: ScanReport['errors'];
}

export async function readGraph(api: AzureApi, scope: AuditScope, query: string, options: GraphReadOptions): Promise<GraphReadResult> {
  const rows: Record<string, unknown>[] = [];
  const errors: ScanReport['errors'] = [];
  const readPages = async (target: { subscriptions: string[] } | { managementGroups: string[] }, into: Record<string, unknown>[]): Promise<void> => {
    let skipToken: string | undefined;
    do {
      const page = await withRetry(() => api.queryGraph({ query, ...target, top: options.pageSize, ...(skipToken ? { skipToken } : {}) }), options.retry);
      for (const row of page.data) if (row && typeof row === 'object') into.push(row as Record<string, unknown>);
      options.onPage?.(page.data.length);
      skipToken = page.skipToken;
    } while (skipToken);
  };

  if ('managementGroup' in scope) {
    try {
      await readPages({ managementGroups: [scope.managementGroup] }, rows);
    } catch (error) {
      if (!(error instanceof RequestFailed)) throw error;
      errors.push({ message: `management group ${scope.managementGroup}: ${error.problem}` });
    }
    return { rows, errors };
  }

  const readBatch = async (subscriptions: string[]): Promise<void> => {
    const batchRows: Record<string, unknown>[] = [];
    try {
      await readPages({ subscriptions }, batchRows);
      rows.push(...batchRows);
    } catch (error) {
      if (!(error instanceof RequestFailed)) throw error;
      // One subscription without access fails the whole request: halve the batch until it is named, so the
      // others are still read. Retrying cannot fix a 403, so this only happens for permanent failures.
      if (error.permanent && subscriptions.length > 1) {
        const half = Math.ceil(subscriptions.length / 2);
        await readBatch(subscriptions.slice(0, half));
        await readBatch(subscriptions.slice(half));
        return;
      }
      // The pages already read are real data: keep them; the subscription is still named as not (fully) read.
      rows.push(...batchRows);
      const where = batchRows.length ? `read ${batchRows.length} resources, then ` : '';
      for (const id of subscriptions) errors.push({ message: `subscription ${id}: ${where}${error.problem}` });
    }
  };
  for (let start = 0; start < scope.subscriptions.length; start += options.batchSize) {
    await readBatch(scope.subscriptions.slice(start, start + options.batchSize));
  }
  return { rows, errors };
}
