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

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** ARM path segments of the job -> the azurerm attribute that writes them (azurerm_container_app_job). */
const AZURERM_SEGMENTS: Array<[RegExp, string]> = [
  [/^properties\.configuration\.registries\[(\d+)\]/, 'registry[$1]'],
  [/^properties\.configuration\.eventTriggerConfig\.scale\.rules\[(\d+)\]/, 'event_trigger_config[0].scale[0].rules[$1]'],
  [/^properties\.template\.containers\[(\d+)\]/, 'template[0].container[$1]'],
  [/\.passwordSecretRef$/, '.password_secret_name'],
  [/\.auth\[(\d+)\]\.triggerParameter$/, '.authentication[$1].trigger_parameter'],
  [/\.secretRef$/, '.secret_name'],
  [/\.identity$/, '.identity_id'],
];

/** How the user names an ARM path of the job: the azurerm attribute, the azapi body path, or the ARM path. */
export function attributeName(job: Resource, path: string): string {
  if (job.source.dialect === 'azapi') return `body.${path}`;
  if (job.source.dialect !== 'azurerm') return path;
  let name = path;
  for (const [pattern, replacement] of AZURERM_SEGMENTS) name = name.replace(pattern, replacement);
  // A registry's identity keeps its name in azurerm (only a scale rule's became identity_id).
  return name.replace(/^(registry\[\d+\])\.identity_id$/, '$1.identity');
}

/** Trigger parameters that only locate the pipeline pool, not authenticate to it. */
export const NON_CREDENTIAL_PARAMETERS = new Set(['organizationurl', 'poolname', 'poolid', 'demands']);
