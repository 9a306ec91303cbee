import type { Condition, FollowCondition } from '../engine/condition.js';
import { followedTypes } from '../engine/follow.js';
import type { Rule } from '../engine/rule.js';
import { checkNamed, CHECKS } from '../checks/registry.js';

/**
 * What an audit asks Azure for, derived from the enabled rules: the resource types their checks select,
 * the types their functions follow links to, and the child collections Resource Graph does not index.
 */
export interface QueryPlan {
  /** Lower-cased ARM types to read from Resource Graph. */
  graphTypes: string[];
  /** Child collections to list through ARM, one GET per parent. */
  children: ChildCollection[];
  /**
   * Graph types the rules' functions follow links to (a zone an endpoint names, the endpoints of a registry,
   * a hub's firewall): a shard reads these from every subscription, so a link that leaves its own
   * subscriptions is judged on what is there, as an unsharded audit would.
   */
  linkTypes: string[];
  /**
   * Types Resource Graph keeps in its authorizationresources table (role assignments), read with a query of
   * their own: the Resources table does not hold them.
   */
  authorizationTypes: string[];
}

export interface ChildCollection {
  parentType: string;
  childType: string;
  /** The path segment under the parent id: `{parentId}/{segment}?api-version=...`. */
  segment: string;
  apiVersion: string;
}

/** Child resources Resource Graph does not index, but rules read: fetched per parent through ARM. */
export const ARM_ONLY_CHILDREN: readonly ChildCollection[] = [
  { parentType: 'microsoft.network/privateendpoints', childType: 'microsoft.network/privateendpoints/privatednszonegroups', segment: 'privateDnsZoneGroups', apiVersion: '2024-05-01' },
  { parentType: 'microsoft.network/firewallpolicies', childType: 'microsoft.network/firewallpolicies/rulecollectiongroups', segment: 'ruleCollectionGroups', apiVersion: '2024-05-01' },
];

/** Types Resource Graph serves from the authorizationresources table rather than Resources. */
export const AUTHORIZATION_TYPES: ReadonlySet<string> = new Set(['microsoft.authorization/roleassignments', 'microsoft.authorization/roledefinitions']);

/**
 * Checks read resources other than the one selected (an endpoint's zone groups, zones and VNet links; a
 * subnet's route table and the firewall behind it): each check module declares them (`reads`). Without these
 * types a check would be unknown for want of data Azure has. Subnets and peerings come inline with their VNet.
 */
function typesReadBy(name: string): readonly string[] {
  // Packs are validated when loaded, so every function is a module's; a rule built in code that calls an
  // unregistered function reads everything any check reads: a larger query costs a little time, a missing
  // type would turn its checks unknown.
  return checkNamed(name)?.reads ?? [...new Set(CHECKS.flatMap((check) => check.reads))];
}

export function planQuery(rules: readonly Rule[]): QueryPlan {
  const types = new Set<string>();
  const linked = new Set<string>();
  for (const rule of rules) {
    for (const check of rule.checks) {
      for (const type of check.select.type) types.add(type.toLowerCase());
      const conditions = [check.assert, check.select.where, ...(check.messages ?? []).map((m) => m.when)];
      const reads = [...functionsIn(conditions).flatMap(typesReadBy), ...followedIn(conditions, check.select.type)];
      for (const type of reads) {
        types.add(type);
        linked.add(type);
      }
    }
  }
  const children = ARM_ONLY_CHILDREN.filter((child) => types.has(child.childType));
  // A child collection is listed per parent, so its parents must be read even if no rule selects them.
  for (const child of children) types.add(child.parentType);
  const armOnly = new Set(ARM_ONLY_CHILDREN.map((child) => child.childType));
  const graphTypes = new Set<string>();
  const authorizationTypes = new Set<string>();
  for (const type of types) {
    if (armOnly.has(type)) continue;
    if (AUTHORIZATION_TYPES.has(type)) {
      authorizationTypes.add(type);
      continue;
    }
    // Inline children (subnets, peerings) come inside their parent; asking the graph for them finds nothing.
    graphTypes.add((Object.hasOwn(INLINE_CHILD_PARENT, type) ? INLINE_CHILD_PARENT[type] : undefined) ?? type);
  }
  const linkTypes = new Set<string>();
  for (const type of linked) {
    if (armOnly.has(type) || AUTHORIZATION_TYPES.has(type)) continue;
    linkTypes.add((Object.hasOwn(INLINE_CHILD_PARENT, type) ? INLINE_CHILD_PARENT[type] : undefined) ?? type);
  }
  // A linked child collection is listed per parent: its parents are linked too.
  for (const child of children) if (linked.has(child.childType)) linkTypes.add(child.parentType);
  return { graphTypes: [...graphTypes].sort(), children, linkTypes: [...linkTypes].sort(), authorizationTypes: [...authorizationTypes].sort() };
}

/**
 * Resources per subscription, for splitting an estate into shards: one Resource Graph query that returns a
 * row per subscription, however many resources there are.
 */
export function countQuery(types: readonly string[]): string {
  return `${graphQuery(types).replace(/ \| project .*$/, '')} | summarize count() by subscriptionId`;
}

/** Children Resource Graph returns inside their parent's properties (see read-snapshot's INLINE_CHILDREN). */
const INLINE_CHILD_PARENT: Record<string, string> = {
  'microsoft.network/virtualnetworks/subnets': 'microsoft.network/virtualnetworks',
  'microsoft.network/virtualnetworks/virtualnetworkpeerings': 'microsoft.network/virtualnetworks',
};

function functionsIn(conditions: ReadonlyArray<Condition | undefined>): string[] {
  const names: string[] = [];
  const walk = (condition: unknown): void => {
    if (Array.isArray(condition)) return condition.forEach(walk);
    if (!condition || typeof condition !== 'object') return;
    const record = condition as Record<string, unknown>;
    if (typeof record['function'] === 'string') names.push(record['function']);
    for (const key of ['allOf', 'anyOf', 'not', 'where']) if (key in record) walk(record[key]);
    for (const key of ['count', 'follow']) if (record[key] && typeof record[key] === 'object') walk((record[key] as Record<string, unknown>)['where']);
  };
  conditions.forEach(walk);
  return names;
}

/** The types `follow:` leads to from the selected types, and on through a `follow:` in its `where`. */
function followedIn(conditions: ReadonlyArray<Condition | undefined>, selected: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (condition: unknown, types: readonly string[]): void => {
    if (Array.isArray(condition)) return condition.forEach((child) => walk(child, types));
    if (!condition || typeof condition !== 'object') return;
    const record = condition as Record<string, unknown>;
    if ('follow' in record) {
      const to = followedTypes(record as FollowCondition, types);
      found.push(...to.map((type) => type.toLowerCase()));
      const follow = record['follow'];
      if (follow && typeof follow === 'object') walk((follow as Record<string, unknown>)['where'], to);
      return;
    }
    for (const key of ['allOf', 'anyOf', 'not', 'where']) if (key in record) walk(record[key], types);
    if (record['count'] && typeof record['count'] === 'object') walk((record['count'] as Record<string, unknown>)['where'], types);
  };
  for (const condition of conditions) walk(condition, selected);
  return found;
}

/** Role assignments: Resource Graph's authorizationresources table, with the columns a snapshot row needs. */
export function authorizationQuery(types: readonly string[]): string {
  return graphQuery(types).replace(/^Resources /, 'AuthorizationResources ').replace(/ \| project .*$/, ' | project id, name, type, subscriptionId, properties');
}

/** Resource Graph's KQL; type names are ARM identifiers, but quote-escape them anyway since packs are user input. */
export function graphQuery(types: readonly string[]): string {
  const list = types.map((type) => `'${type.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ');
  return `Resources | where type in~ (${list}) | project id, name, type, location, resourceGroup, subscriptionId, tags, sku, kind, identity, properties`;
}
