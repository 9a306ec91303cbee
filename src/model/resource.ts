/**
 * The one shape every input is normalized to: an ARM-shaped resource plus where it came from.
 * Rules read only this; readers produce only this.
 */
export type InputKind = 'plan' | 'snapshot' | 'audit' | 'manifest' | 'pipeline';

/** How a resource was written, which decides the remediation a user is shown. */
export type Dialect = 'azurerm' | 'azapi' | 'arm' | 'kubernetes' | 'pipeline';

/** How a link was found, shown in messages so users can trust (or fix) it. */
export type LinkMethod = 'id' | 'name' | 'reference' | 'module output' | 'module input' | 'for_each';

/**
 * A typed edge of the resource graph (endpoint -> subnet, zone group -> zone, link -> VNet), with how it
 * was found. `target` is the resource in this scan; a literal id whose resource is not in the scan still
 * links (`id`, `name`), since an id names its resource.
 */
export interface Link {
  target?: Resource;
  id?: string;
  name?: string;
  method: LinkMethod;
  via?: string[];
}

export interface LinkResult {
  links: Link[];
  /** Why some values could not be followed, naming the attribute (for `unknown` messages). */
  unresolved: string[];
}

/** A value as the user wrote it, where that differs from its ARM value (Terraform's `true`, not `Enabled`). */
export interface WrittenValue {
  value: unknown;
  /** The user did not set it: the reader filled in the provider's default. */
  defaulted?: boolean;
}

/**
 * How the input a resource came from writes its properties. The reader sets it on each resource
 * (`ResourceSource.notation`, one shared object per dialect); the graph, the checks and the finding builder
 * ask it, so none of them knows an input format. Every path is an ARM path in the rule field syntax.
 */
export interface Notation {
  /** The name the user writes for a property: `public_network_access_enabled`, `body.properties.x`, or the ARM path. */
  nameOf(resource: Resource, armPath: string): string;
  /**
   * The full path the user writes for a property, nested blocks included
   * (`default_node_pool[0].workload_runtime` for `properties.agentPoolProfiles[0].workloadRuntime`).
   */
  spell(resource: Resource, armPath: string): string;
  /** The input's own attribute for a property, shown beside the ARM path in evidence; undefined where the input writes ARM. */
  attributeOf(resource: Resource, armPath: string): string | undefined;
  /** The value as the user wrote it, where it differs from the ARM value; undefined: the ARM value is how it is written. */
  writtenValue(resource: Resource, armPath: string): WrittenValue | undefined;
  /** The attribute that sets a property or one of its parents, to name it when its value cannot be read. */
  settingAttribute(resource: Resource, armPath: string): string | undefined;
  /**
   * Whether the input sets a property itself. A plan shows an unset Optional+Computed attribute as known
   * only after apply, though the provider's default applies; inputs that hold values as deployed set all they show.
   */
  isConfigured(resource: Resource, armPath: string): boolean;
  /** The expressions the input writes for a property (`azurerm_virtual_network.hub.id`), most specific first. */
  referencesAt(resource: Resource, armPath: string): readonly string[];
  /**
   * The resources the input's configuration names under one of its own attributes (Terraform: the
   * references under `principal_id`, followed through modules), each with the tail of the reference that
   * reached it; none where the input keeps no configuration.
   */
  referenceTargets(scan: ReaderContexts, resource: Resource, attribute: string, accept: (reference: string) => boolean): ReferenceTargets;
  /** The resources a property known only after apply (or sensitive) names, found through the input's configuration. */
  followUnread(scan: ReaderContexts, resource: Resource, armPath: string, accepts: (target: Resource) => boolean): LinkResult;
  /**
   * Whether the attribute that sets a property also writes others (azapi's `body`), so that the references
   * under it name more than the property.
   */
  sharesAttribute(resource: Resource, armPath: string): boolean;
  /**
   * The expression a fix writes for a property of this resource once deployed
   * (`azurerm_user_assigned_identity.x.principal_id`); undefined where the input has none and a fix looks it up.
   */
  outputOf(resource: Resource, armPath: string): string | undefined;
  /**
   * Whether the input may lack the child resources of an ARM type that Azure holds (Resource Graph indexes
   * no private DNS zone groups, nor firewall policy rule collection groups): their absence then tells nothing.
   */
  mayLackChildren(armType: string): boolean;
  /** The input's own name for the resource's type (`azurerm_subnet_route_table_association`); undefined where it writes the ARM type. */
  typeName(resource: Resource): string | undefined;
  /** Why the input cannot set a property of this resource at all, naming what can; undefined where it can. */
  unsettable(resource: Resource, armPath: string): string | undefined;
  /** A string as a fix writes it in this input: quoted in HCL, bare on a command line. */
  quote(value: string): string;
  /**
   * Whether the input's configuration names the resources it creates by reference (a plan): an identity is
   * then known by the resource that will hold it, before its object id is.
   */
  readonly refersByConfiguration: boolean;
  /** The input's words for values a fix or a message needs and the scan cannot write out. */
  readonly phrases: InputPhrases;
  /** Which of a rule's remediation texts its resources are shown (`azurerm`, `arm`, ...). */
  readonly remediationKey: RemediationKey;
  /** Why a value this input does not hold cannot be read, as evidence shows it: `(known after apply)`. */
  readonly unread: string;
  /**
   * Why this input leaves a value open, in a sentence (`<property> is known only after apply`, `is a
   * placeholder filled in at deploy time`); undefined where an open value means the row lacks the column.
   */
  readonly openValue?: string;
  /** Why properties a rule needed are unknown, for the message of an unknown finding (`ResourceSource.omits` overrides it). */
  readonly explains: string;
}

/** Words for values the scan cannot write out, as a fix or a message in this input names them. */
export interface InputPhrases {
  /** The principal id of a user-assigned identity the scan does not hold, by its name and ARM id. */
  identityPrincipal(name: string, id: string): string;
  /** The ARM id of a registry the scan does not hold (or holds without an id). */
  registryId(name: string): string;
  /** The principal id of the identity a workload pulls with, when that identity is not known. */
  pullPrincipal: string;
  /** What sets a role assignment's role, named where it is open. */
  roleSetting: string;
  /** Why the data of a resource (a ConfigMap's) cannot be read, where the input leaves it open. */
  unreadableData: string;
  /** A value the input marks sensitive, as a message names it. */
  sensitiveValue: string;
  /** The change that gives a subnet a 0.0.0.0/0 route to the firewall, written the way the input makes it. */
  defaultRouteFix(fix: DefaultRouteFix): string;
  /** Why a property two resources write (overlays) cannot be told: which write lands last. */
  conflictingWrites(one: string, other: string): string;
}

/** The subnet a default-route fix is for; without `place` it could not be read, and the fix says what to check. */
export interface DefaultRouteFix {
  /** The subnet's name where it was read; else how a message names it (`subnet snet-x`, `the agent subnet`). */
  subnet: string;
  place?: { resourceGroup: string; vnet: string; routeTable?: string };
}

/**
 * The key of the remediation text a pack writes for resources of an input (`remediation: { azurerm, azapi,
 * arm, kubernetes, pipeline }`): the way that input's fixes are written.
 */
export type RemediationKey = Dialect;

export interface ReferenceTargets {
  targets: Array<{ target: Resource; reference: string }>;
  unresolved: string[];
}

/** What a notation may ask of the scan: the context a reader kept for a file (a plan's configuration). */
export interface ReaderContexts {
  readerContext(file: string): unknown;
}

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
  /** How this input writes properties (src/model/notation.ts); absent: as ARM, like a snapshot row. */
  notation?: Notation;
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

/**
 * A resource read from an ARM row (a snapshot's, an audit's), whose key is its lower-cased id. The key is
 * computed when asked rather than held: an id is ~165 characters and ARM ids are mixed-case
 * (`resourceGroups`, `Microsoft.Network`), so a held key is a second copy of every id for the whole scan
 * (~180 bytes a resource, a tenth of a 2-million-resource snapshot's peak). Few read it: the inventory
 * once as it adds the resource, and rules that index a few resources by it.
 */
export class ArmRowResource implements Resource {
  // `declare`: a resource without a location has no `location` property, as before.
  declare location?: string;

  constructor(
    public armType: string,
    public name: string,
    location: string | undefined,
    public body: Record<string, unknown>,
    public source: ResourceSource & { id: string },
  ) {
    if (location !== undefined) this.location = location;
  }

  get key(): string {
    return this.source.id.toLowerCase();
  }
}
