import type { AssignmentView, Tri } from '../../graph/role-assignments.js';
import { referenceTargets } from '../../graph/role-assignments.js';
import type { Inventory } from '../../model/inventory.js';
import { notationOf } from '../../model/notation.js';
import type { Resource } from '../../model/resource.js';
import { isPlaceholder, isPlainObject } from '../../model/values.js';

/**
 * AZF-POOL-009, custom roles: a role assignment of a role that is not built in grants pulls when the role's
 * definition is in the same scan (azurerm_role_definition, a Microsoft.Authorization/roleDefinitions resource
 * or Resource Graph row) and its permissions allow the pull operation:
 *
 * - `Microsoft.ContainerRegistry/registries/pull/read` in `actions` (AcrPull's own action; `*` and `*\/read`
 *   cover it, which is why Owner, Contributor and Reader pull) on a registry in LegacyRegistryPermissions mode;
 * - `Microsoft.ContainerRegistry/registries/repositories/content/read` in `dataActions` (the Container
 *   Registry Repository roles' action) on a registry in AbacRepositoryPermissions mode, limited by the
 *   assignment's ABAC condition like the built-in repository roles.
 *
 * An ABAC-mode registry honours `registries/pull/read` for Container Registry Data Importer and Data Reader but
 * not for AcrPull (Microsoft Learn, ACR built-in roles directory): for a custom role with only that action it
 * is undecided. Wildcards match any run of characters, `/` included, case-insensitively (Azure RBAC).
 */
export const ROLE_DEFINITION = 'Microsoft.Authorization/roleDefinitions';
const PULL_ACTION = 'Microsoft.ContainerRegistry/registries/pull/read';
const CONTENT_READ = 'Microsoft.ContainerRegistry/registries/repositories/content/read';

export interface CustomRole {
  name: string;
  /** The definition's GUID, when known: a built-in role read as a definition (a data source) is judged as built in. */
  id?: string;
  definition: Resource;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function propertiesOf(resource: Resource): Record<string, unknown> {
  return isPlainObject(resource.body['properties']) ? resource.body['properties'] : {};
}

/** A definition's GUID: the last segment of its id, or its ARM name (azurerm `role_definition_id`). */
function guidOf(definition: Resource): string | undefined {
  const fromId = definition.source.id?.replace(/^.*\//, '');
  if (fromId && GUID.test(fromId)) return fromId.toLowerCase();
  const name = text(definition.body['name']) ?? definition.name;
  return GUID.test(name) ? name.toLowerCase() : undefined;
}

function roleNameOf(definition: Resource): string {
  return text(propertiesOf(definition)['roleName']) ?? definition.name;
}

function definitions(inventory: Inventory): { byGuid: Map<string, Resource>; byName: Map<string, Resource> } {
  return inventory.cached('custom-role-definitions', () => {
    const byGuid = new Map<string, Resource>();
    const byName = new Map<string, Resource>();
    for (const definition of inventory.ofType(ROLE_DEFINITION)) {
      const guid = guidOf(definition);
      if (guid) byGuid.set(guid, definition);
      byName.set(roleNameOf(definition).toLowerCase(), definition);
    }
    return { byGuid, byName };
  });
}

/** The custom role an assignment assigns, when its definition is in the scan: by GUID, by role name, or through the configuration's reference. */
export function customRoleOf(inventory: Inventory, view: AssignmentView): CustomRole | undefined {
  const index = definitions(inventory);
  const role = view.role;
  let definition: Resource | undefined;
  if ('unresolved' in role) {
    const assignment = view.assignment;
    const notation = notationOf(assignment);
    const attribute = notation.settingAttribute(assignment, 'properties.roleDefinitionId') ?? notation.spell(assignment, 'properties.roleDefinitionId');
    definition = referenceTargets(inventory, assignment, attribute).targets.find(({ target }) => target.armType === ROLE_DEFINITION)?.target;
  } else {
    definition = (role.id ? index.byGuid.get(role.id.toLowerCase()) : undefined) ?? (role.name ? index.byName.get(role.name.toLowerCase()) : undefined);
  }
  if (!definition) return undefined;
  const id = guidOf(definition);
  return { name: roleNameOf(definition), ...(id ? { id } : {}), definition };
}

function pattern(written: string): RegExp {
  return new RegExp(`^${written.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 'i');
}

type Allowed = { is: 'yes' } | { is: 'no' } | { is: 'maybe'; why: string };

/** Whether one kind of the role's permissions (actions or dataActions, less their not- list) allows `operation`. */
function allows(role: CustomRole, kind: 'actions' | 'dataActions', operation: string): Allowed {
  const permissions = propertiesOf(role.definition)['permissions'];
  if (isPlaceholder(permissions) || isPlaceholder(role.definition.body['properties'])) return { is: 'maybe', why: `the permissions of custom role ${role.name} are known only after apply` };
  const not = kind === 'actions' ? 'notActions' : 'notDataActions';
  let undecided: string | undefined;
  for (const block of Array.isArray(permissions) ? permissions : []) {
    if (!isPlainObject(block)) continue;
    const allowed = block[kind];
    const denied = block[not];
    if (isPlaceholder(allowed) || isPlaceholder(denied)) {
      undecided = `the ${kind} of custom role ${role.name} are known only after apply`;
      continue;
    }
    const matches = (list: unknown) => Array.isArray(list) && list.some((entry) => typeof entry === 'string' && pattern(entry.trim()).test(operation));
    if (matches(allowed) && !matches(denied)) return { is: 'yes' };
  }
  return undecided ? { is: 'maybe', why: undecided } : { is: 'no' };
}

/**
 * What a custom role grants in a mode: true (pulls), 'condition' (pulls, limited by an ABAC condition as the
 * repository roles are), false, or undecided with why.
 */
export function customGrant(role: CustomRole, mode: 'legacy' | 'abac'): boolean | 'condition' | Extract<Tri, { is: 'maybe' }> {
  const pull = allows(role, 'actions', PULL_ACTION);
  if (mode === 'legacy') return pull.is === 'maybe' ? pull : pull.is === 'yes';
  const content = allows(role, 'dataActions', CONTENT_READ);
  if (content.is === 'yes') return 'condition';
  if (content.is === 'maybe') return content;
  if (pull.is === 'maybe') return pull;
  if (pull.is === 'yes') {
    return {
      is: 'maybe',
      why: `custom role ${role.name} allows ${PULL_ACTION}, which a registry in AbacRepositoryPermissions mode honours for Container Registry Data Importer and Data Reader but not for AcrPull; whether it honours it for a custom role is not documented`,
    };
  }
  return false;
}
