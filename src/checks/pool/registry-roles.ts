import { join } from 'node:path';
import { readYamlData } from '../../engine/precompiled.js';
import { BUILT_IN_POLICY_DIR } from '../../engine/policy-dir.js';
import type { AssignmentView, Tri } from '../../graph/role-assignments.js';
import { UNKNOWN } from '../../model/values.js';
import { customGrant, type CustomRole } from './custom-roles.js';

/**
 * Whether a role assignment lets its principal pull from a registry, by the registry's role assignment mode.
 * The roles are data (policies/data/acr-pull-roles.yaml); this module reads the table and ABAC conditions.
 */
interface RoleEntry {
  name: string;
  id?: string;
  legacy?: boolean;
  abac?: boolean | 'condition';
}

interface RoleTable {
  pullRoles: RoleEntry[];
  otherBuiltInRoles: RoleEntry[];
}

let table: { byId: Map<string, RoleEntry>; byName: Map<string, RoleEntry> } | undefined;

function roles(): NonNullable<typeof table> {
  if (table) return table;
  const data = readYamlData(join(BUILT_IN_POLICY_DIR, 'data', 'acr-pull-roles.yaml')) as RoleTable;
  const byId = new Map<string, RoleEntry>();
  const byName = new Map<string, RoleEntry>();
  for (const entry of [...data.pullRoles, ...data.otherBuiltInRoles.map((role) => ({ ...role, legacy: false, abac: false as const }))]) {
    if (entry.id) byId.set(entry.id.toLowerCase(), entry);
    byName.set(entry.name.toLowerCase(), entry);
  }
  return (table = { byId, byName });
}

export type RoleMode = 'legacy' | 'abac';

/** The role azfence suggests in a fix: the narrowest built-in role that grants pulls in the mode. */
export function suggestedRole(mode: RoleMode | undefined): string {
  return mode === 'abac' ? 'Container Registry Repository Reader' : 'AcrPull';
}

export function roleName(view: AssignmentView, custom?: CustomRole): string {
  if (custom) return custom.name;
  const role = view.role;
  if ('unresolved' in role) return 'an unknown role';
  const entry = (role.id ? roles().byId.get(role.id) : undefined) ?? (role.name ? roles().byName.get(role.name.toLowerCase()) : undefined);
  return entry?.name ?? role.name ?? role.id ?? 'an unknown role';
}

const REPOSITORY_ATTRIBUTE = '@request[microsoft.containerregistry/registries/repositories:name]';
const CLAUSE = /@Request\[Microsoft\.ContainerRegistry\/registries\/repositories:name\]\s+(StringEqualsIgnoreCase|StringEquals|StringStartsWithIgnoreCase|StringStartsWith)\s+'([^']*)'/gi;

/**
 * The repositories an ABAC condition grants, as tests on a repository name, or undefined when the condition
 * says something this reader does not follow. Microsoft's documented form limits the read actions to
 * repositories: `((!(ActionMatches{...read}) AND ...) OR (@Request[...repositories:name] StringEqualsIgnoreCase 'x'))`;
 * any attribute other than the repository name, or no repository clause at all, is not understood.
 */
export function repositoryTests(condition: string): Array<(repository: string) => boolean> | undefined {
  const lower = condition.toLowerCase();
  const attributes = lower.match(/@(request|resource|principal|environment)\[[^\]]*\]/g) ?? [];
  if (attributes.length === 0 || attributes.some((attribute) => attribute !== REPOSITORY_ATTRIBUTE)) return undefined;
  const tests: Array<(repository: string) => boolean> = [];
  for (const match of condition.matchAll(CLAUSE)) {
    const operator = match[1]!.toLowerCase();
    const value = match[2]!;
    const ignoreCase = operator.endsWith('ignorecase');
    const wanted = ignoreCase ? value.toLowerCase() : value;
    const startsWith = operator.startsWith('stringstartswith');
    tests.push((repository) => {
      const name = ignoreCase ? repository.toLowerCase() : repository;
      return startsWith ? name.startsWith(wanted) : name === wanted;
    });
  }
  // Every mention of the attribute must be a clause read above (no negated or list forms).
  return tests.length === attributes.length ? tests : undefined;
}

/** Whether the assignment's role grants pulls of `repositories` (undefined: not known) in one mode. */
function grantsIn(view: AssignmentView, mode: RoleMode, repositories: readonly string[] | undefined, custom: CustomRole | undefined): Tri {
  const role = view.role;
  const builtIn = (id: string | undefined, name: string | undefined) => (id ? roles().byId.get(id.toLowerCase()) : undefined) ?? (name ? roles().byName.get(name.toLowerCase()) : undefined);
  // A built-in role read as a definition (a data source the assignment refers to) keeps its documented grants.
  const entry = ('unresolved' in role ? undefined : builtIn(role.id, role.name)) ?? (custom ? builtIn(custom.id, custom.name) : undefined);
  let grant: boolean | 'condition' | undefined;
  if (entry) grant = mode === 'legacy' ? entry.legacy : entry.abac;
  else if (custom) {
    // A custom role whose definition is in the scan: its permissions decide (custom-roles.ts).
    const decided = customGrant(custom, mode);
    if (typeof decided === 'object') return decided;
    grant = decided;
  } else if ('unresolved' in role) return { is: 'maybe', why: role.unresolved };
  else return { is: 'maybe', why: `${view.assignment.source.address ?? view.assignment.name} assigns ${role.name ?? role.id ?? 'its role'}, which is neither a built-in role azfence knows nor a custom role whose definition is in this scan` };
  const name = entry?.name ?? custom?.name ?? 'its role';
  if (!grant) return { is: 'no' };
  const condition = view.condition;
  if (condition === undefined) return { is: 'yes' };
  const where = view.assignment.source.address ?? view.assignment.name;
  if (condition === UNKNOWN) return { is: 'maybe', why: `the condition of ${where} is known only after apply` };
  if (mode === 'legacy') return { is: 'maybe', why: `${where} carries an ABAC condition, which a registry in LegacyRegistryPermissions mode does not support` };
  if (grant !== 'condition') return { is: 'maybe', why: `${where} carries a condition azfence does not read for ${name}` };
  const tests = repositoryTests(condition);
  if (!tests) return { is: 'maybe', why: `the ABAC condition of ${where} limits ${name} in a way azfence does not read` };
  if (!repositories || repositories.length === 0) return { is: 'maybe', why: `the ABAC condition of ${where} grants ${name} on some repositories only, and which repositories are pulled is not known` };
  const refused = repositories.filter((repository) => !tests.some((test) => test(repository)));
  return refused.length === 0 ? { is: 'yes' } : { is: 'no' };
}

/** Grants in the registry's mode; when the mode is not known, only what both modes agree on is decided. */
export function roleGrantsPull(view: AssignmentView, mode: RoleMode | undefined, repositories: readonly string[] | undefined, custom?: CustomRole): Tri {
  if (mode) return grantsIn(view, mode, repositories, custom);
  const legacy = grantsIn(view, 'legacy', repositories, custom);
  const abac = grantsIn(view, 'abac', repositories, custom);
  if (legacy.is === abac.is && legacy.is !== 'maybe') return legacy;
  if (legacy.is === 'maybe') return legacy;
  if (abac.is === 'maybe') return abac;
  return { is: 'maybe', why: 'whether the role grants pulls depends on the registry\'s role assignment mode, which is not known' };
}
