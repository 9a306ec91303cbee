import { UserError } from '../errors.js';
import { isPlainObject } from '../model/values.js';
import type { AzureApi } from './api.js';
import { RequestFailed, withRetry, type RetryOptions } from './retry.js';

const LIST_SUBSCRIPTIONS = '/subscriptions?api-version=2022-12-01';
/** Subscriptions Resource Graph cannot read (or that hold nothing to audit). */
const SKIPPED_STATES = new Set(['disabled', 'deleted']);

/** Every subscription the identity can read, following nextLink: the default audit scope. */
export async function listSubscriptions(api: AzureApi, retry: RetryOptions): Promise<string[]> {
  const ids: string[] = [];
  let url: string | undefined = LIST_SUBSCRIPTIONS;
  try {
    for (let pages = 0; url; pages++) {
      // A nextLink loop that never ends would hang a scheduled job: ARM does not page this list that far.
      if (pages >= 10_000) throw new UserError('listing subscriptions: too many pages (nextLink loops)');
      const page: unknown = await withRetry(() => api.armGet(url!), retry);
      const value = isPlainObject(page) && Array.isArray(page['value']) ? page['value'] : [];
      for (const item of value) {
        if (!isPlainObject(item) || typeof item['subscriptionId'] !== 'string') continue;
        if (SKIPPED_STATES.has(String(item['state'] ?? '').toLowerCase())) continue;
        ids.push(item['subscriptionId']);
      }
      url = isPlainObject(page) && typeof page['nextLink'] === 'string' ? page['nextLink'] : undefined;
    }
  } catch (error) {
    if (error instanceof RequestFailed) throw new UserError(`cannot list the subscriptions the identity can read: ${error.problem}`);
    throw error;
  }
  if (ids.length === 0) throw new UserError('the signed-in identity can read no enabled subscription (grant it Reader, or pass --subscription)');
  return ids;
}
