/**
 * The one shape every input is normalized to: an ARM-shaped resource plus where it came from.
 * Rules read only this; readers produce only this.
 */
export type InputKind = 'plan' | 'snapshot' | 'audit' | 'manifest' | 'pipeline';

/** How a resource was written, which decides the remediation a user is shown. */
export type Dialect = 'azurerm' | 'azapi' | 'arm' | 'kubernetes' | 'pipeline';

export interface ResourceSource {
  kind: InputKind;
  dialect: Dialect;
  file: string;
  /** Terraform address (plan input). */
  address?: string;
  /** Terraform resource type (plan input), e.g. azurerm_container_registry. */
  terraformType?: string;
  /** Module path, e.g. module.network (plan input). */
  module?: string;
  /** False for Terraform data sources: read for links, never reported on. */
  managed?: boolean;
  /** ARM id as written in the input (snapshot/audit input). */
  id?: string;
  /** Why properties this input never carries are unknown (an export without properties), for messages. */
  omits?: string;
  line?: number;
  column?: number;
  /** `# azfence:ignore` comments the reader found beside the resource (pipeline files), with their lines. */
  directives?: ReadonlyArray<{ line: number; text: string }>;
}

/**
 * Why a reader could not tell what a resource is: the value that decides its type is unknown (a
 * kubernetes_manifest whose kind is known only after apply, an azapi_resource whose type is unknown or
 * sensitive, a manifest whose kind is a deploy-time placeholder). Such a resource is never evaluated: every
 * rule that could apply to it reports it `unknown` (src/engine/run-rules.ts), so it cannot vanish.
 */
export interface Unclassified {
  /** The attribute whose value decides the type, as the user wrote it (`manifest.kind`, `type`, `kind`). */
  attribute: string;
  why: 'unknown' | 'sensitive' | 'placeholder';
  /** The ARM types it can be; absent: any type. */
  candidateTypes?: readonly string[];
}

/** The type unclassified resources are held under: no rule selects it. */
export const UNCLASSIFIED_TYPE = 'azfence/Unclassified';

export interface Resource {
  /** Case-insensitive identity: the lower-cased ARM id, or `<file>#<address>` for plan resources. */
  key: string;
  /** ARM type in canonical casing where known, e.g. Microsoft.ContainerRegistry/registries. */
  armType: string;
  name: string;
  location?: string;
  /** The ARM body the rules read: { sku, kind, tags, identity, properties, ... }. */
  body: Record<string, unknown>;
  source: ResourceSource;
  /**
   * ARM path -> the Terraform attribute it was read from (azurerm), so a finding can name what to change.
   * Paths use the rule field syntax, e.g. properties.publicNetworkAccess -> public_network_access_enabled.
   */
  attributeOf?: ReadonlyMap<string, { attribute: string; value: unknown; defaulted?: boolean; undecided?: string }>;
  /**
   * Plan input: the references each configured attribute makes (`azurerm_private_dns_zone.acr.id`), keyed by
   * Terraform attribute path. Links between resources being created come from these, since their ids are
   * unknown until apply.
   */
  references?: ReadonlyMap<string, readonly string[]>;
  /**
   * Properties another resource wrote onto this one (src/inputs/terraform/apply-overlays.ts), by lower-cased ARM path
   * without array indices: a finding about one of them points at the writer, and a reference the writer's
   * configuration makes is followed for a value it wrote that is known only after apply.
   */
  writes?: Map<string, WriteRecord>;
  /** Set when the reader could not classify the resource (its armType is then UNCLASSIFIED_TYPE). */
  unclassified?: Unclassified;
}

export interface WriteRecord {
  writer: Resource;
  /** Another writer that writes a different value to the same property: which one wins is up to Terraform's apply order. */
  conflictsWith?: Resource;
}

export function resourceId(resource: Resource): string {
  return resource.source.id ?? resource.source.address ?? resource.key;
}
