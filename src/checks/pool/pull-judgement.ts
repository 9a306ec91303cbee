import type { Inventory } from '../../model/inventory.js';
import { armTypeLabel } from '../../model/arm-types.js';
import { notationOf } from '../../model/notation.js';
import type { Resource } from '../../model/resource.js';
import { UNKNOWN } from '../../model/values.js';
import { assignmentIndex, placeOf, scopeCovers, type AssignmentView, type Tri } from '../../graph/role-assignments.js';
import { modeOf, pullsOf, PULLER_TYPES, type Pull, type Pulls } from './image-pulls.js';
import { roleGrantsPull, roleName, suggestedRole } from './registry-roles.js';
import { customRoleOf } from './custom-roles.js';

/**
 * AZF-POOL-009, the judgement: whether the scan holds role assignments to judge a puller by, and whether one
 * of them grants its identity pulls on the registry (principal, scope and role each yes, no or undecided).
 */

/** Whether the scan holds role assignments that could decide this resource's pulls: from its input or its registries'. */
export function assignmentsInScope(inventory: Inventory, resource: Resource, pulls: Pulls): boolean {
  const files = assignmentIndex(inventory).files;
  if (files.has(resource.source.file)) return true;
  return pulls.pulls.some((pull) => pull.registry !== undefined && files.has(pull.registry.source.file));
}

export function pullsImages(resource: Resource, pulls: Pulls): boolean {
  return resource.source.managed !== false && (pulls.pulls.length > 0 || pulls.undecided.length > 0);
}

/** Per input without role assignments: its pullers, in input order. Built once per scan. */
export function pullersWithoutAssignments(inventory: Inventory): Map<string, Resource[]> {
  return inventory.cached('pullers-without-role-assignments', () => {
    const types = new Set(PULLER_TYPES.map((type) => type.toLowerCase()));
    const byFile = new Map<string, Resource[]>();
    for (const resource of inventory.resources) {
      if (!types.has(resource.armType.toLowerCase())) continue;
      const found = pullsOf(inventory, resource);
      if (!pullsImages(resource, found) || assignmentsInScope(inventory, resource, found)) continue;
      const list = byFile.get(resource.source.file);
      if (list) list.push(resource);
      else byFile.set(resource.source.file, [resource]);
    }
    return byFile;
  });
}

export function describe(resource: Resource): string {
  return `${armTypeLabel(resource.armType)} ${resource.name}`;
}

export function listed(names: readonly string[], limit = 5): string {
  if (names.length <= limit) return names.join(', ');
  return `${names.slice(0, limit).join(', ')} and ${names.length - limit} more`;
}

/** The registry's id as a fix in the puller's input writes it: an expression of the same configuration, the id, or words for it. */
function registryScope(registry: Resource | undefined, registryName: string, puller: Resource): string {
  const notation = notationOf(puller);
  const expression = registry && registry.source.file === puller.source.file ? notationOf(registry).outputOf(registry, 'id') : undefined;
  if (expression) return expression;
  if (registry?.source.id) return notation.quote(registry.source.id);
  return notation.phrases.registryId(registryName);
}

type Judgement = { verdict: 'pass' } | { verdict: 'fail'; why: string } | { verdict: 'unknown'; why: string };

export function judge(inventory: Inventory, pull: Pull): Judgement {
  if ('unresolved' in pull.identity) return { verdict: 'unknown', why: pull.identity.unresolved };
  if ('missing' in pull.identity) return { verdict: 'fail', why: pull.identity.missing };
  if (!pull.registry) return { verdict: 'unknown', why: pull.registryUnknown ?? `registry ${pull.registryName} is not in this scan, so the role assignments on it cannot be judged` };
  const identity = pull.identity;
  const registry = pull.registry;
  const mode = modeOf(registry);
  const place = placeOf(inventory, registry);
  const index = assignmentIndex(inventory);
  const maybes: string[] = [];
  const consider = (view: AssignmentView, principal: Tri): boolean => {
    if (principal.is === 'no') return false;
    const scope = scopeCovers(view.scope, place);
    if (scope.is === 'no') return false;
    const custom = customRoleOf(inventory, view);
    const role = roleGrantsPull(view, mode === UNKNOWN ? undefined : mode, pull.repositories, custom);
    if (role.is === 'no') return false;
    if (principal.is === 'yes' && scope.is === 'yes' && role.is === 'yes') return true;
    const why = [principal, scope, role].find((part): part is Extract<Tri, { is: 'maybe' }> => part.is === 'maybe')!.why;
    maybes.push(`${view.assignment.source.address ?? view.assignment.name} (${roleName(view, custom)}) may grant it: ${why}`);
    return false;
  };
  const seen = new Set<AssignmentView>();
  for (const key of identity.keys) {
    for (const view of index.byPrincipal.get(key) ?? []) {
      if (seen.has(view)) continue;
      seen.add(view);
      if (consider(view, { is: 'yes' })) return { verdict: 'pass' };
    }
  }
  for (const view of index.anyPrincipal) {
    if (consider(view, { is: 'maybe', why: 'unresolved' in view.principal ? view.principal.unresolved : 'its principal is not known' })) return { verdict: 'pass' };
  }
  if (maybes.length) return { verdict: 'unknown', why: `no role assignment in the scan is known to let ${identity.label} pull from registry ${registry.name}; ${listed(maybes, 3)}` };
  const modeText = mode === 'abac' ? 'AbacRepositoryPermissions mode, where only the Container Registry Repository roles and Data Importer and Data Reader grant pulls' : mode === 'legacy' ? 'LegacyRegistryPermissions mode' : 'either role assignment mode';
  return { verdict: 'fail', why: `${identity.label} holds no role that grants pulls on registry ${registry.name} or a parent scope (${modeText})${pull.purpose ? `, and it pulls ${pull.purpose}` : ''}` };
}

export function detailsFor(pull: Pull, puller: Resource): Record<string, string> {
  const mode = pull.registry ? modeOf(pull.registry) : undefined;
  const identity = 'label' in pull.identity ? pull.identity : undefined;
  const principal = 'principal' in pull.identity ? pull.identity.principal : undefined;
  return {
    puller: describe(puller),
    registry: pull.registryName,
    identity: identity?.label ?? 'its pull identity',
    role: suggestedRole(mode === 'abac' ? 'abac' : 'legacy'),
    principal: principal ?? notationOf(puller).phrases.pullPrincipal,
    registryScope: registryScope(pull.registry, pull.registryName, puller),
  };
}

