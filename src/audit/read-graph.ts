import type { ScanReport } from '../report/scan-report.js';
import type { AzureApi, GraphRequest } from './api.js';
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

/**
 * A Resource Graph answer that lost rows: not a failed request (retrying the same page cannot help), but the
 * scope was not read whole. `problem` names what was lost; the rows read before it are kept.
 */
export class IncompleteRead extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'IncompleteRead';
  }
}

function describeKind(value: unknown): string {
  if (value === null || value === undefined) return 'missing';
  if (Array.isArray(value)) return 'a list';
  return `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}`;
}

/**
 * Reads every page of one query over one scope into `into`. Each page must hold rows, and paging must go on
 * until the rows read reach the total the first page announced: a page whose data is not rows, an answer
 * marked resultTruncated, a skip token that comes back again or paging that stops short would each leave
 * resources out of an audit that then passes. Throws IncompleteRead (into keeps what was read).
 */
async function readAllPages(api: AzureApi, request: Omit<GraphRequest, 'skipToken'>, into: Record<string, unknown>[], options: GraphReadOptions): Promise<void> {
  let skipToken: string | undefined;
  const tokens = new Set<string>();
  let total: number | undefined;
  let read = 0;
  const lost = (what: string): IncompleteRead => {
    const missing = total !== undefined && total > read ? `: ${total - read} resources were not read` : ': the rest were not read';
    return new IncompleteRead(`read ${read}${total !== undefined ? ` of ${total}` : ''} resources, then Resource Graph ${what}${missing}`);
  };
  for (let number = 1; ; number++) {
    const page = await withRetry(() => api.queryGraph({ ...request, ...(skipToken ? { skipToken } : {}) }), options.retry);
    if (typeof page.totalRecords === 'number') total = Math.max(total ?? 0, page.totalRecords);
    if (!Array.isArray(page.data)) throw lost(`answered page ${number} with data that is not rows (${describeKind(page.data)})`);
    const odd = page.data.filter((row) => typeof row !== 'object' || row === null || Array.isArray(row)).length;
    if (odd > 0) throw lost(`answered page ${number} with ${odd} rows that are not objects`);
    for (const row of page.data as Record<string, unknown>[]) into.push(row);
    read += page.data.length;
    options.onPage?.(page.data.length);
    if (page.resultTruncated && !page.skipToken) throw lost('marked its answer truncated (resultTruncated) with no skip token to page on');
    if (!page.skipToken) break;
    if (tokens.has(page.skipToken)) throw lost('answered with a skip token it had already given (paging would never end)');
    tokens.add(page.skipToken);
    skipToken = page.skipToken;
  }
  if (total !== undefined && read < total) throw lost('stopped paging (no skip token) before its totalRecords');
}

export async function readGraph(api: AzureApi, scope: AuditScope, query: string, options: GraphReadOptions): Promise<GraphReadResult> {
  const rows: Record<string, unknown>[] = [];
  const errors: ScanReport['errors'] = [];
  const readPages = (target: { subscriptions: string[] } | { managementGroups: string[] }, into: Record<string, unknown>[]): Promise<void> =>
    readAllPages(api, { query, ...target, top: options.pageSize }, into, options);

  if ('managementGroup' in scope) {
    try {
      await readPages({ managementGroups: [scope.managementGroup] }, rows);
    } catch (error) {
      if (!(error instanceof RequestFailed) && !(error instanceof IncompleteRead)) throw error;
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
      if (error instanceof IncompleteRead) {
        // The answer lost rows; which subscription of the batch they belonged to cannot be told, so each is named.
        rows.push(...batchRows);
        for (const id of subscriptions) errors.push({ message: `subscription ${id}: ${error.problem}` });
        return;
      }
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
