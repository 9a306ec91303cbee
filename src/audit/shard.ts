import { UserError } from '../errors.js';
import type { ShardAssignment } from '../report/scan-report.js';

/** `--shard K/N`: this run audits the K-th of N parts of the estate (1-based). */
export interface ShardSpec {
  index: number;
  count: number;
}

const MAX_SHARDS = 256;

export function parseShard(text: string): ShardSpec {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || index < 1 || count < 1 || index > count || count > MAX_SHARDS) {
    throw new UserError(`--shard takes K/N with 1 <= K <= N <= ${MAX_SHARDS} (e.g. --shard 2/4), got "${text}"`);
  }
  return { index, count };
}

/**
 * Splits subscriptions into `count` shards of about equal resource counts, the same way on every runner:
 * largest first (ties by id), each to the shard with the fewest resources so far (ties to the lower
 * number). A subscription whose count could not be read counts as empty; its shard still audits it, and
 * reports the error. Shards may be empty when there are fewer subscriptions than shards.
 */
export function planShards(subscriptions: readonly string[], counts: ReadonlyMap<string, number>, count: number): ShardAssignment[] {
  const unique = [...new Set(subscriptions.map((id) => id.toLowerCase()))];
  const sized = unique.map((subscription) => ({ subscription, resources: counts.get(subscription) ?? 0 }));
  sized.sort((a, b) => b.resources - a.resources || (a.subscription < b.subscription ? -1 : a.subscription > b.subscription ? 1 : 0));
  const totals = new Array<number>(count).fill(0);
  const plan: ShardAssignment[] = [];
  for (const entry of sized) {
    let lightest = 0;
    for (let shard = 1; shard < count; shard++) if (totals[shard]! < totals[lightest]!) lightest = shard;
    totals[lightest]! += entry.resources;
    plan.push({ ...entry, shard: lightest + 1 });
  }
  return plan.sort((a, b) => (a.subscription < b.subscription ? -1 : a.subscription > b.subscription ? 1 : 0));
}

/** Resource Graph's `summarize count() by subscriptionId` rows, as a map of lower-cased id to count. */
export function countsOf(rows: readonly Record<string, unknown>[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const id = row['subscriptionId'];
    const value = Number(row['count_']);
    if (typeof id === 'string' && Number.isFinite(value)) counts.set(id.toLowerCase(), (counts.get(id.toLowerCase()) ?? 0) + value);
  }
  return counts;
}
