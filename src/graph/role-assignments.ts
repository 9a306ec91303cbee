import type { Inventory } from '../model/inventory.js';
import type { ReferenceTargets, Resource } from '../model/resource.js';
import { isPlaceholder, isPlainObject, isRedacted, UNKNOWN } from '../model/values.js';
import { parseArmId } from './arm-id.js';
import { notationOf, openBecause } from '../model/notation.js';

/**
 * Role assignments as the graph of who may do what where: each assignment's principal, scope and role,
 * read the same way from every input (a plan's role assignment resources, snapshot
 * rows and Resource Graph's authorizationresources table. In a plan the principal and scope are usually known
 * only after apply; they are then followed through the configuration's references to the resources that
 * will hold them (an identity's principal_id, a cluster's kubelet identity, a registry's id).
 */
export const ROLE_ASSIGNMENT = 'Microsoft.Authorization/roleAssignments';
export const USER_ASSIGNED_IDENTITY = 'Microsoft.ManagedIdentity/userAssignedIdentities';
export const RESOURCE_GROUP = 'Microsoft.Resources/resourceGroups';

/**
 * Principals are compared by key: `id:<object id>` when the value is known, `ref:<resource key>#<slot>`
 * for an identity a plan creates (slot `principal`: a user-assigned identity, or a resource's own
 * system-assigned identity; `kubelet`: an AKS cluster's kubelet identity). An assignment and a puller that
 * name the same identity share a key, whichever side knows the object id.
 */
export type PrincipalSlot = 'principal' | 'kubelet';

export function refKey(resource: Resource, slot: PrincipalSlot): string {
  return `ref:${resource.key.toLowerCase()}#${slot}`;
}

export function idKey(objectId: string): string {
  return `id:${objectId.trim().toLowerCase()}`;
}

/** What is known of who an assignment is for. */
export type AssignmentPrincipal = { keys: string[]; literal: boolean } | { unresolved: string };

/** Where an assignment applies: literal ids, resources the configuration refers to, or undecided. */
export interface AssignmentScope {
  ids: string[];
  targets: Resource[];
  unresolved?: string;
}

export type AssignmentRole = { id?: string; name?: string } | { unresolved: string };

export interface AssignmentView {
  assignment: Resource;
  principal: AssignmentPrincipal;
  scope: AssignmentScope;
  role: AssignmentRole;
  /** The ABAC condition (absent: none; UNKNOWN: known only after apply). */
  condition?: string | typeof UNKNOWN;
}

export interface AssignmentIndex {
  byPrincipal: Map<string, AssignmentView[]>;
  /** Assignments whose principal could not be told: they may be anyone's. */
  anyPrincipal: AssignmentView[];
  /** Assignments with a literal object id, for an identity whose own object id is not known. */
  literal: AssignmentView[];
  /** Input files that hold at least one role assignment. */
  files: Set<string>;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function propertiesOf(resource: Resource): Record<string, unknown> {
  return isPlainObject(resource.body['properties']) ? resource.body['properties'] : {};
}

/** The input's own attribute that sets an assignment's ARM property (its notation's word for it). */
function attributeFor(resource: Resource, armPath: string): string {
  const notation = notationOf(resource);
  return notation.settingAttribute(resource, armPath) ?? notation.spell(resource, armPath);
}

/** The resources a resource's attribute refers to in its input's configuration, each with the reference's tail. */
export function referenceTargets(inventory: Inventory, resource: Resource, attribute: string, accept: (reference: string) => boolean = () => true): ReferenceTargets {
  return notationOf(resource).referenceTargets(inventory, resource, attribute, accept);
}

/** Which identity of a resource a reference reads: `kubelet_identity[0].object_id` is the kubelet's. */
export function slotOfReference(reference: string): PrincipalSlot {
  return /kubelet_?identity/i.test(reference) ? 'kubelet' : 'principal';
}

const PRINCIPAL_REFERENCE = /(principal_?id|object_?id)/i;

function principalOf(inventory: Inventory, assignment: Resource): AssignmentPrincipal {
  const value = propertiesOf(assignment)['principalId'];
  const literal = text(value);
  if (literal) return { keys: [idKey(literal)], literal: true };
  const attribute = attributeFor(assignment, 'properties.principalId');
  // An attribute that writes the whole body (azapi) holds every reference of it: only those that read an object id name the principal.
  const shared = notationOf(assignment).sharesAttribute(assignment, 'properties.principalId');
  if (isRedacted(value)) return { unresolved: `${attribute} is marked sensitive` };
  if (value !== UNKNOWN && !(shared && isPlaceholder(assignment.body['properties']))) return { unresolved: `${attribute} is not set` };
  const followed = referenceTargets(inventory, assignment, attribute, shared ? (reference) => PRINCIPAL_REFERENCE.test(reference) : undefined);
  if (followed.targets.length === 0) {
    const why = followed.unresolved.length ? followed.unresolved.join('; ') : 'the configuration shows no reference to follow';
    return { unresolved: `${attribute} of ${assignment.source.address ?? assignment.name} is known only after apply: ${why}` };
  }
  return { keys: followed.targets.map(({ target, reference }) => refKey(target, slotOfReference(reference))), literal: false };
}

/** An assignment's scope: ARM keeps it in the id; a row may also carry properties.scope. */
function scopeOf(inventory: Inventory, assignment: Resource): AssignmentScope {
  // An input that writes an assignment's parent (azapi's parent_id) writes its scope there.
  const armPath = notationOf(assignment).settingAttribute(assignment, 'parentId') ? 'parentId' : 'properties.scope';
  const value = armPath === 'parentId' ? assignment.body['parentId'] : propertiesOf(assignment)['scope'];
  const literal = text(value);
  if (literal) return { ids: [literal.toLowerCase()], targets: [] };
  if (value === undefined && !notationOf(assignment).refersByConfiguration) {
    const id = assignment.source.id ?? '';
    const at = id.toLowerCase().indexOf('/providers/microsoft.authorization/roleassignments/');
    if (at >= 0) return { ids: [at === 0 ? '/' : id.slice(0, at).toLowerCase()], targets: [] };
    return { ids: [], targets: [], unresolved: `the scope of role assignment ${assignment.name} is not in the input` };
  }
  const attribute = attributeFor(assignment, armPath);
  if (isRedacted(value)) return { ids: [], targets: [], unresolved: `${attribute} is marked sensitive` };
  if (value !== UNKNOWN) return { ids: [], targets: [], unresolved: `${attribute} is not set` };
  const followed = referenceTargets(inventory, assignment, attribute);
  if (followed.targets.length === 0) {
    const why = followed.unresolved.length ? followed.unresolved.join('; ') : 'the configuration shows no reference to follow';
    return { ids: [], targets: [], unresolved: `${attribute} of ${assignment.source.address ?? assignment.name} is known only after apply: ${why}` };
  }
  return { ids: [], targets: followed.targets.map(({ target }) => target), ...(followed.unresolved.length ? { unresolved: followed.unresolved.join('; ') } : {}) };
}

function roleOf(assignment: Resource): AssignmentRole {
  const properties = propertiesOf(assignment);
  const id = text(properties['roleDefinitionId']);
  const name = text(properties['roleDefinitionName']);
  if (id || name) return { ...(id ? { id: id.replace(/^.*\//, '').toLowerCase() } : {}), ...(name ? { name } : {}) };
  return { unresolved: `the role of ${assignment.source.address ?? assignment.name} (${notationOf(assignment).phrases.roleSetting}) is ${openBecause(assignment, 'not in the input')}` };
}

function conditionOf(assignment: Resource): string | typeof UNKNOWN | undefined {
  const value = propertiesOf(assignment)['condition'];
  if (isPlaceholder(value)) return UNKNOWN;
  return text(value);
}

/** Every role assignment of the scan, indexed by principal; built once per scan. */
export function assignmentIndex(inventory: Inventory): AssignmentIndex {
  return inventory.cached('role-assignments', () => {
    const index: AssignmentIndex = { byPrincipal: new Map(), anyPrincipal: [], literal: [], files: new Set() };
    for (const assignment of inventory.ofType(ROLE_ASSIGNMENT)) {
      index.files.add(assignment.source.file);
      const condition = conditionOf(assignment);
      const view: AssignmentView = { assignment, principal: principalOf(inventory, assignment), scope: scopeOf(inventory, assignment), role: roleOf(assignment), ...(condition !== undefined ? { condition } : {}) };
      if ('unresolved' in view.principal) {
        index.anyPrincipal.push(view);
        continue;
      }
      if (view.principal.literal) index.literal.push(view);
      for (const key of view.principal.keys) {
        const list = index.byPrincipal.get(key);
        if (list) list.push(view);
        else index.byPrincipal.set(key, [view]);
      }
    }
    return index;
  });
}

/** What scope matching needs to know of a registry. */
export interface RegistryPlace {
  registry: Resource;
  id?: string;
  name: string;
  resourceGroup?: string;
  /** Resource group resources its configuration refers to (plan). */
  groups: Resource[];
}

export function placeOf(inventory: Inventory, registry: Resource): RegistryPlace {
  return inventory.cachedFor('registry-place', registry, () => {
    const id = registry.source.id?.toLowerCase();
    const group = text(registry.body['resourceGroup']) ?? (id ? parseArmId(id)?.resourceGroup : undefined);
    const notation = notationOf(registry);
    const setting = notation.settingAttribute(registry, 'resourceGroup');
    const groups = setting ? referenceTargets(inventory, registry, setting).targets.map(({ target }) => target).filter((target) => target.armType === RESOURCE_GROUP) : [];
    return { registry, ...(id ? { id } : {}), name: registry.name.toLowerCase(), ...(group ? { resourceGroup: group.toLowerCase() } : {}), groups };
  });
}

export type Tri = { is: 'yes' } | { is: 'no' } | { is: 'maybe'; why: string };
const YES: Tri = { is: 'yes' };
const NO: Tri = { is: 'no' };

/** Whether an assignment's scope is the registry or one of its parents (resource group, subscription, management group). */
export function scopeCovers(scope: AssignmentScope, place: RegistryPlace): Tri {
  const maybes: string[] = [];
  for (const id of scope.ids) {
    const verdict = literalCovers(id, place);
    if (verdict.is === 'yes') return verdict;
    if (verdict.is === 'maybe') maybes.push(verdict.why);
  }
  for (const target of scope.targets) {
    if (target === place.registry) return YES;
    if (target.armType === RESOURCE_GROUP && (place.groups.includes(target) || (place.resourceGroup !== undefined && target.name.toLowerCase() === place.resourceGroup && place.groups.length === 0))) return YES;
  }
  if (scope.unresolved) maybes.push(scope.unresolved);
  return maybes.length ? { is: 'maybe', why: maybes.join('; ') } : NO;
}

function literalCovers(scope: string, place: RegistryPlace): Tri {
  const trimmed = scope.replace(/\/+$/, '');
  if (trimmed === '') return YES;
  if (/^\/providers\/microsoft\.management\/managementgroups\/[^/]+$/.test(trimmed)) {
    return { is: 'maybe', why: `it is assigned at management group ${trimmed.replace(/^.*\//, '')}, and which subscriptions sit under it is not in the scan` };
  }
  if (place.id) return place.id === trimmed || place.id.startsWith(`${trimmed}/`) ? YES : NO;
  // A registry the plan creates has no id yet; registry names are globally unique, so a registry scope names it.
  const registryScope = /\/providers\/microsoft\.containerregistry\/registries\/([^/]+)$/.exec(trimmed);
  if (registryScope) return registryScope[1] === place.name ? YES : NO;
  const group = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)$/.exec(trimmed);
  if (group) {
    if (place.resourceGroup !== group[1]) return NO;
    return { is: 'maybe', why: `it is assigned at resource group ${group[1]} of a subscription the plan does not show to be the registry's` };
  }
  if (/^\/subscriptions\/[^/]+$/.test(trimmed)) return { is: 'maybe', why: `it is assigned at ${trimmed}, and the registry's subscription is not in the plan` };
  return NO;
}
