import type { InputPhrases, Link, LinkResult, Notation, ReaderContexts, ReferenceTargets, Resource, WrittenValue } from '../../model/resource.js';
import { AZURERM_MAPPINGS } from './azurerm-mappings.js';
import type { AttributeMapping } from './mapping-types.js';
import type { PlanContext } from './plan-context.js';
import { mostSpecificReferences, resolveReference } from './resolve-reference.js';

/**
 * How Terraform writes what the plan reader turned into ARM: azurerm attributes (`public_network_access_enabled
 * = false` for `properties.publicNetworkAccess: Disabled`), azapi bodies (`body.properties...`), and the
 * references a configuration makes, which are the only links between resources a create plan knows.
 */

/** The mapped attribute a property was read from: its own, or (inside a mapped list) the list's. */
function originFor(resource: Resource, path: string): { attribute: string; value: unknown; defaulted?: boolean } | undefined {
  if (!resource.attributeOf) return undefined;
  const direct = resource.attributeOf.get(path);
  if (direct !== undefined) return direct;
  // A path inside a mapped list (properties.networkRuleSet.ipRules[*].value) names the list's attribute.
  for (const [arm, origin] of resource.attributeOf) if (path.startsWith(`${arm}[`) || path.startsWith(`${arm}.`)) return { attribute: origin.attribute, value: undefined };
  return undefined;
}

/** The longest mapped path that is the path itself or one of its parents, tried from the longest down. */
function enclosingAttribute(resource: Resource, armPath: string): string | undefined {
  if (!resource.attributeOf) return undefined;
  let path = armPath.includes('[') ? armPath.replace(/\[[^\]]*\]/g, '') : armPath;
  for (;;) {
    const origin = resource.attributeOf.get(path);
    if (origin) return origin.attribute;
    const dot = path.lastIndexOf('.');
    if (dot < 0) return undefined;
    path = path.slice(0, dot);
  }
}

function firstSource(mapping: AttributeMapping): string {
  const from = Array.isArray(mapping.from) ? mapping.from[0]! : mapping.from;
  return typeof from === 'string' ? from : from.tf;
}

/**
 * An ARM path spelled through a type's attribute mappings, nested lists included:
 * `properties.agentPoolProfiles[0].workloadRuntime` -> `default_node_pool[0].workload_runtime`.
 * Undefined where no mapping covers the path.
 */
function spellThrough(mappings: readonly AttributeMapping[], armPath: string, usedAttribute?: (arm: string) => string | undefined): string | undefined {
  for (const mapping of mappings) {
    const arm = mapping.arm;
    if (armPath === arm) return usedAttribute?.(arm) ?? firstSource(mapping);
    // A key inside a mapped map (a scale rule's metadata.<key>) is written as the map's key.
    if (armPath.startsWith(`${arm}.`) && !mapping.items) return `${usedAttribute?.(arm) ?? firstSource(mapping)}${armPath.slice(arm.length)}`;
    if (!armPath.startsWith(`${arm}[`) || !mapping.items) continue;
    const match = /^\[(\d+|\*)\]\.?(.*)$/.exec(armPath.slice(arm.length));
    if (!match) continue;
    const list = `${usedAttribute?.(arm) ?? firstSource(mapping)}[${match[1]}]`;
    if (!match[2]) return list;
    const rest = spellThrough(mapping.items, match[2]);
    return rest === undefined ? undefined : `${list}.${rest}`;
  }
  return undefined;
}

/** The attributes (by Terraform attribute path) whose references each configuration block lists, cached per block. */
const referencesUnderAttribute = new WeakMap<ReadonlyMap<string, readonly string[]>, Map<string, string[]>>();

/** The most specific references the configuration of `resource` makes under `attribute` (and its nested attributes). */
export function referencesUnder(resource: Resource, attribute: string): string[] {
  const references = resource.references;
  if (!references) return [];
  let byAttribute = referencesUnderAttribute.get(references);
  if (!byAttribute) referencesUnderAttribute.set(references, (byAttribute = new Map()));
  let found = byAttribute.get(attribute);
  if (found) return found;
  const out: string[] = [];
  for (const [key, refs] of references) {
    if (key === attribute || key.startsWith(`${attribute}[`) || key.startsWith(`${attribute}.`)) out.push(...refs);
  }
  found = mostSpecificReferences([...new Set(out)]);
  byAttribute.set(attribute, found);
  return found;
}

/** Whether the configuration sets a Terraform attribute, or a block that holds it, or something inside it. */
function configures(resource: Resource, attribute: string): boolean {
  if (!resource.references) return true;
  for (const key of resource.references.keys()) {
    if (key === attribute || key.startsWith(`${attribute}.`) || key.startsWith(`${attribute}[`)) return true;
    if (attribute.startsWith(`${key}.`) || attribute.startsWith(`${key}[`)) return true;
  }
  return false;
}

/** Follows the references under the attribute that sets `armPath`, through modules, to the resources they name. */
function followReferences(scan: ReaderContexts, resource: Resource, attribute: string, accepts: (target: Resource) => boolean): LinkResult {
  const context = scan.readerContext(resource.source.file) as PlanContext | undefined;
  const references = referencesUnder(resource, attribute);
  if (!context || references.length === 0) {
    return { links: [], unresolved: [`${attribute} is known only after apply and the configuration shows no reference to follow`] };
  }
  const links: Link[] = [];
  const reasons: string[] = [];
  for (const reference of references) {
    const resolution = resolveReference(context, resource.source.address!, reference);
    for (const target of resolution.targets) {
      if (accepts(target)) links.push({ target, name: target.name, ...(target.source.id ? { id: target.source.id } : {}), method: resolution.method, via: resolution.via });
    }
    if (resolution.unresolved) reasons.push(resolution.unresolved);
  }
  if (links.length === 0) {
    const why = reasons.length ? reasons.join('; ') : `it refers to ${references.join(', ')}, which is not in this plan`;
    return { links: [], unresolved: [`${attribute} is known only after apply: ${why}`] };
  }
  return { links, unresolved: [] };
}

/** The resources a plan resource's attribute refers to, each with the reference's own tail (what of it was used). */
function referenceTargets(scan: ReaderContexts, resource: Resource, attribute: string, accept: (reference: string) => boolean): ReferenceTargets {
  const context = scan.readerContext(resource.source.file) as PlanContext | undefined;
  const address = resource.source.address;
  if (!context || !address) return { targets: [], unresolved: [] };
  const targets: ReferenceTargets['targets'] = [];
  const unresolved: string[] = [];
  for (const reference of referencesUnder(resource, attribute)) {
    if (!accept(reference)) continue;
    const resolution = resolveReference(context, address, reference);
    const tail = resolution.via[resolution.via.length - 1] ?? reference;
    for (const target of resolution.targets) targets.push({ target, reference: tail });
    if (resolution.targets.length === 0) unresolved.push(resolution.unresolved ?? `${reference} is not in this plan`);
  }
  return { targets, unresolved };
}

/** What a fix for a plan writes where the value is not in it: words for the user to fill in. */
const PLAN_PHRASES: InputPhrases = {
  identityPrincipal: (name) => `the principal_id of user-assigned identity ${name}`,
  registryId: (name) => `the id of registry ${name}`,
  pullPrincipal: 'the principal id of the identity it pulls with',
  roleSetting: 'role_definition_id or role_definition_name',
  unreadableData: 'known only after apply',
  sensitiveValue: 'a value Terraform marks sensitive',
  defaultRouteFix: ({ subnet, place }) => {
    if (!place) return `Check that ${subnet} has an azurerm_route_table, associated through an azurerm_subnet_route_table_association, whose 0.0.0.0/0 route goes to VirtualAppliance at the firewall's private IP`;
    const hcl = 'route { name = "default", address_prefix = "0.0.0.0/0", next_hop_type = "VirtualAppliance", next_hop_in_ip_address = azurerm_firewall.<hub>.ip_configuration[0].private_ip_address }';
    if (place.routeTable) return `Add \`${hcl}\` to the azurerm_route_table ${place.routeTable} of subnet ${subnet}`;
    return `Create an azurerm_route_table with \`${hcl}\` and associate it with subnet ${subnet} through an azurerm_subnet_route_table_association`;
  },
  // Overlays: an azapi_update_resource or an association writing what another resource also sets.
  conflictingWrites: (one, other) => `${one} and ${other} write different values, and which one Terraform applies last is not fixed`,
};

const PLAN_WORDS = {
  unread: '(known after apply)',
  openValue: 'known only after apply',
  explains: 'known only after apply',
  quote: (value: string) => `"${value}"`,
  refersByConfiguration: true,
} as const;

/**
 * The azurerm attributes that hold values Azure assigns on deploy, which no argument mapping names:
 * an identity's principal id, a cluster's kubelet identity.
 */
const AZURERM_OUTPUTS: Readonly<Record<string, string>> = {
  id: 'id',
  'identity.principalId': 'identity[0].principal_id',
  'properties.principalId': 'principal_id',
  'properties.identityProfile.kubeletidentity.objectId': 'kubelet_identity[0].object_id',
};

/** Properties an azurerm resource type has no argument for, and what sets them instead. */
const AZURERM_CANNOT_SET: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  azurerm_container_registry_task: {
    'properties.credentials.sourceRegistry.identity': 'azurerm_container_registry_task cannot set the identity a task pulls its source registry with (credentials.sourceRegistry.identity: azapi or az acr task update --source-acr-auth-id)',
  },
};

function outputExpression(resource: Resource, attribute: string | undefined): string | undefined {
  return resource.source.address && attribute ? `${resource.source.address}.${attribute}` : undefined;
}

/** azurerm resources (and the kubernetes provider's): attributes from the type's mapping table. */
export const AZURERM_NOTATION: Notation = {
  nameOf: (resource, armPath) => originFor(resource, armPath)?.attribute ?? armPath,
  attributeOf: (resource, armPath) => originFor(resource, armPath)?.attribute,
  writtenValue: (resource, armPath): WrittenValue | undefined => resource.attributeOf?.get(armPath),
  // The resource group is an argument of every azurerm resource, not an ARM property a mapping names.
  settingAttribute: (resource, armPath) => enclosingAttribute(resource, armPath) ?? (armPath === 'resourceGroup' ? 'resource_group_name' : undefined),
  spell(resource, armPath) {
    const mapping = resource.source.terraformType ? AZURERM_MAPPINGS[resource.source.terraformType] : undefined;
    const spelled = mapping ? spellThrough(mapping.attributes, armPath, (arm) => resource.attributeOf?.get(arm)?.attribute) : undefined;
    return spelled ?? originFor(resource, armPath)?.attribute ?? armPath;
  },
  isConfigured(resource, armPath) {
    const mapping = resource.source.terraformType ? AZURERM_MAPPINGS[resource.source.terraformType] : undefined;
    const attribute = mapping ? spellThrough(mapping.attributes, armPath, (arm) => resource.attributeOf?.get(arm)?.attribute) : undefined;
    return attribute === undefined || configures(resource, attribute);
  },
  referencesAt(resource, armPath) {
    const attribute = resource.attributeOf?.get(armPath)?.attribute;
    return attribute ? mostSpecificReferences([...(resource.references?.get(attribute) ?? [])]) : [];
  },
  referenceTargets,
  followUnread: (scan, resource, armPath, accepts) => followReferences(scan, resource, enclosingAttribute(resource, armPath) ?? armPath, accepts),
  sharesAttribute: () => false,
  mayLackChildren: () => false,
  typeName: (resource) => resource.source.terraformType,
  unsettable: (resource, armPath) => (resource.source.terraformType ? AZURERM_CANNOT_SET[resource.source.terraformType]?.[armPath] : undefined),
  outputOf: (resource, armPath) => outputExpression(resource, AZURERM_OUTPUTS[armPath]),
  phrases: PLAN_PHRASES,
  remediationKey: 'azurerm',
  ...PLAN_WORDS,
};

/** The azapi attribute that sets an ARM path: a resource's parent (its resource group, or the scope of an extension resource) is `parent_id`, the rest `body`. */
function azapiAttribute(armPath: string): string {
  return armPath === 'parentId' || armPath === 'resourceGroup' ? 'parent_id' : 'body';
}

/** azapi resources: the ARM body as written under `body`, the parent under `parent_id`. */
export const AZAPI_NOTATION: Notation = {
  nameOf: (_resource, armPath) => `body.${armPath}`,
  attributeOf: () => undefined,
  writtenValue: () => undefined,
  settingAttribute: (_resource, armPath) => azapiAttribute(armPath),
  spell: (_resource, armPath) => `body.${armPath}`,
  isConfigured: () => true,
  referencesAt: () => [],
  referenceTargets,
  followUnread: (scan, resource, armPath, accepts) => followReferences(scan, resource, armPath === 'parentId' ? 'parent_id' : 'body', accepts),
  sharesAttribute: (_resource, armPath) => azapiAttribute(armPath) === 'body',
  mayLackChildren: () => false,
  typeName: (resource) => resource.source.terraformType,
  unsettable: () => undefined,
  // azapi's identity block is its own; all else Azure returns is under `output`.
  outputOf: (resource, armPath) => outputExpression(resource, armPath === 'id' || armPath === 'identity.principalId' ? AZURERM_OUTPUTS[armPath] : `output.${armPath}`),
  phrases: { ...PLAN_PHRASES, roleSetting: 'properties.roleDefinitionId' },
  remediationKey: 'azapi',
  ...PLAN_WORDS,
};
