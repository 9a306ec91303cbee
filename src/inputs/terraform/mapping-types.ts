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
  /** For a list of blocks: how each block maps to an ARM array member. */
  items?: AttributeMapping[];
}

export interface AzurermTypeMapping {
  armType: string;
  attributes: AttributeMapping[];
}
