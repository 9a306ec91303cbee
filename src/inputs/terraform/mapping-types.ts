import type { PlannedValue } from './plan-values.js';
import type { Unclassified } from '../../model/resource.js';

/**
 * How an azurerm resource becomes the ARM shape rules read. Kept as data so that one table serves the
 * normalizer (azurerm -> ARM) and the findings (ARM property -> the attribute to change).
 */
export interface AttributeSource {
  /** azurerm attribute path, e.g. `network_rule_set[0].default_action`. */
  tf: string;
  /** Maps the attribute's value (as a string key) to the ARM value, e.g. { true: 'Enabled', false: 'Disabled' }. */
  values?: Record<string, unknown>;
}

export interface AttributeMapping {
  /** ARM path relative to the resource (or, inside `items`, to the array member), e.g. `properties.publicNetworkAccess`. */
  arm: string;
  /**
   * Where the value comes from; the first alternative present wins. Newer provider names come first
   * (azurerm v5 renamed several attributes; a plan has one or the other).
   */
  from: string | AttributeSource | Array<string | AttributeSource>;
  /** The ARM value when the attribute is absent or null (the provider's or the API's default). */
  default?: unknown;
  /**
   * A provider default that changed with a major version: from `major` on it is `value` (`default` before).
   * When the plan's version constraints admit majors on both sides, the default cannot be told: UNKNOWN.
   */
  defaultSince?: { major: number; value: unknown; provider: string };
  /** For a list of blocks: how each block maps to an ARM array member. */
  items?: AttributeMapping[];
  /**
   * Keep a credential out of the model: `value` replaces a non-empty value with REDACTED (an env var's
   * value), `credentialKeys` does so for the map entries whose key names a credential (scale rule metadata).
   */
  redact?: 'value' | 'credentialKeys';
}

export interface AzurermTypeMapping {
  armType: string;
  attributes: AttributeMapping[];
  /**
   * For types whose shape the attributes alone cannot give (kubernetes_manifest: the kind decides where the
   * pod spec is; a kubernetes_deployment implies kind Deployment): the final body from the mapped one and
   * the planned values, or undefined when this instance is of no type a rule reads, or `{ unclassified }`
   * when what decides its type is unknown.
   */
  finish?: (body: Record<string, unknown>, planned: PlannedValue) => Record<string, unknown> | { unclassified: Unclassified } | undefined;
}
