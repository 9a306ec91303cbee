import { notationOf } from '../../model/notation.js';
import type { Resource } from '../../model/resource.js';
import { isPlaceholder } from '../../model/values.js';

/**
 * AZF-POOL-006: a Container Apps job pulls its images and authenticates its scaler with a managed identity,
 * and hands its agent no token. Every long-lived credential the job carries is one finding's list, each
 * named by the attribute that holds it; a value is never read into a message or evidence.
 */

/** Set: a non-empty value, or one known only after apply (an identity written as a reference is an identity). */
export function isSet(value: unknown): boolean {
  if (isPlaceholder(value)) return true;
  if (typeof value === 'string') return value.trim() !== '';
  return value !== undefined && value !== null;
}

export function membersOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** How the user names an ARM path of the job in the input it came from (azurerm's `registry[0].password_secret_name`). */
export function attributeName(job: Resource, path: string): string {
  return notationOf(job).spell(job, path);
}

/** Trigger parameters that only locate the pipeline pool, not authenticate to it. */
export const NON_CREDENTIAL_PARAMETERS = new Set(['organizationurl', 'poolname', 'poolid', 'demands']);
