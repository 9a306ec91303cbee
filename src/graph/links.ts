import { hasEach, parseFieldPath } from '../engine/field-path.js';
import { valueAt } from '../engine/resource-fields.js';
import type { Inventory } from '../model/inventory.js';
import { notationOf } from '../model/notation.js';
import type { Link, LinkResult, Resource } from '../model/resource.js';
import { REDACTED, UNKNOWN } from '../model/values.js';
import { writeAt } from '../model/writes.js';
import { isArmId, parseArmId } from './arm-id.js';
import { graphWork } from './work.js';
import { fitted } from '../model/fitted.js';

export type { Link, LinkMethod, LinkResult } from '../model/resource.js';

export interface LinkOptions {
  /** ARM types the link may point at; absent: any type (a private endpoint's target). */
  targetTypes?: readonly string[];
  /** Whether the property holds ids (default) or names (azurerm's `virtual_network_name`). */
  by?: 'id' | 'name';
}

function ofTypes(resource: Resource, types: readonly string[] | undefined): boolean {
  if (!types) return true;
  // Types are canonically cased on both sides almost always: compare as written before lower-casing.
  for (const candidate of types) if (candidate === resource.armType) return true;
  const type = resource.armType.toLowerCase();
  return types.some((candidate) => candidate.toLowerCase() === type);
}

function byName(inventory: Inventory, from: Resource, name: string, types: readonly string[] = []): Resource[] {
  const candidates = types.flatMap((type) => inventory.byName(type, name));
  graphWork.steps += candidates.length;
  const group = typeof from.body['resourceGroup'] === 'string' ? from.body['resourceGroup'].toLowerCase() : undefined;
  const sameFile = candidates.filter((candidate) => candidate.source.file === from.source.file);
  const pool = sameFile.length ? sameFile : candidates;
  const sameGroup = group ? pool.filter((candidate) => typeof candidate.body['resourceGroup'] !== 'string' || String(candidate.body['resourceGroup']).toLowerCase() === group) : pool;
  return sameGroup.length ? sameGroup : pool;
}

/** Follows the id or name values at `armPath` (which may contain `[*]`) to the resources they name. */
export function followLinks(inventory: Inventory, resource: Resource, armPath: string, options: LinkOptions): LinkResult {
  const segments = parseFieldPath(armPath);
  const resolved = valueAt(resource, segments);
  const values = Array.isArray(resolved) && hasEach(segments) ? resolved : [resolved];
  graphWork.steps += values.length;
  const links: Link[] = [];
  const unresolved: string[] = [];
  let followedReferences = false;
  for (const value of values) {
    if (value === undefined || value === null || value === '') continue;
    // A value another resource wrote (a subnet's route table, set by its association) is followed through
    // the writer's configuration, which is where its references are.
    const holder = value === REDACTED || value === UNKNOWN ? writeAt(resource, armPath)?.writer ?? resource : resource;
    if (value === REDACTED) {
      unresolved.push(`${notationOf(holder).settingAttribute(holder, armPath) ?? armPath} is marked sensitive`);
      continue;
    }
    if (value === UNKNOWN) {
      if (followedReferences) continue;
      followedReferences = true;
      const followed = notationOf(holder).followUnread(inventory, holder, armPath, (target) => ofTypes(target, options.targetTypes));
      links.push(...followed.links);
      unresolved.push(...followed.unresolved);
      continue;
    }
    if (typeof value !== 'string') continue;
    if ((options.by ?? 'id') === 'id' || isArmId(value)) {
      const target = inventory.getById(value);
      if (target && !ofTypes(target, options.targetTypes)) continue;
      // Written out, not spread from conditional parts: links are made for every endpoint, subnet and zone.
      links.push(target ? { target, id: value, name: target.name ?? parseArmId(value)?.name ?? value, method: 'id' } : { id: value, name: parseArmId(value)?.name ?? value, method: 'id' });
    } else {
      const targets = byName(inventory, resource, value, options.targetTypes);
      if (targets.length === 0) links.push({ name: value, method: 'name' });
      for (const target of targets) links.push(target.source.id ? { target, name: target.name, id: target.source.id, method: 'name' } : { target, name: target.name, method: 'name' });
    }
  }
  // Kept: parentOf caches every subnet's and zone link's result for the scan, and endpoint facts hold theirs
  // (dedupe's result is already the size of its contents).
  return { links: dedupe(links), unresolved: fitted(unresolved) };
}

/**
 * The links without repeats, in a list the size of its contents: most results are kept for the scan (an
 * endpoint's subnet, zones and target, a resource's parent), and a list grown by push keeps room for 17.
 */
function dedupe(links: Link[]): Link[] {
  // Most values name one resource: nothing to compare.
  if (links.length < 2) return links.length === 0 ? links : fitted(links);
  const seen = new Set<string>();
  return fitted(
    links.filter((link) => {
      const key = link.target ? `r:${link.target.key}` : `i:${(link.id ?? link.name ?? '').toLowerCase()}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  );
}

/** The parent of a child resource (subnet -> VNet, VNet link -> zone): by `parentId`, else by `parentName`. */
export function parentOf(inventory: Inventory, resource: Resource): LinkResult {
  // Asked for every subnet of every endpoint, pool and route: resolved once per resource.
  return inventory.cachedFor('parent', resource, () => findParent(inventory, resource));
}

function findParent(inventory: Inventory, resource: Resource): LinkResult {
  const parentType = resource.armType.split('/').slice(0, -1).join('/');
  const byId = followLinks(inventory, resource, 'parentId', { targetTypes: [parentType] });
  if (byId.links.length) return byId;
  const byParentName = followLinks(inventory, resource, 'parentName', { targetTypes: [parentType], by: 'name' });
  if (byParentName.links.length) return byParentName;
  return { links: [], unresolved: [...byId.unresolved, ...byParentName.unresolved] };
}

/** Children of each parent, built once per scan: parent key -> children of `childType`. */
export function childrenIndex(inventory: Inventory, childType: string): Map<string, Resource[]> {
  return inventory.cached(childrenKey(childType), () => {
    const index = new Map<string, Resource[]>();
    for (const child of inventory.ofType(childType)) {
      for (const link of parentOf(inventory, child).links) {
        const key = link.target ? link.target.key.toLowerCase() : `id:${(link.id ?? '').toLowerCase()}`;
        const list = index.get(key);
        if (list) list.push(child);
        else index.set(key, [child]);
      }
    }
    return index;
  });
}

/** The cache key of a child type's index, made once per type rather than per lookup. */
const childrenKeys = new Map<string, string>();
function childrenKey(childType: string): string {
  let key = childrenKeys.get(childType);
  if (key === undefined) {
    key = `children:${childType.toLowerCase()}`;
    if (childrenKeys.size < 1_000) childrenKeys.set(childType, key);
  }
  return key;
}

export function childrenOf(inventory: Inventory, parent: Resource, childType: string): Resource[] {
  const index = childrenIndex(inventory, childType);
  // No child of the type in the scan (a snapshot's zone groups): no parent's ids to lower-case.
  if (index.size === 0) return [];
  const byKey = index.get(parent.key.toLowerCase()) ?? [];
  const byId = parent.source.id ? index.get(`id:${parent.source.id.toLowerCase()}`) ?? [] : [];
  graphWork.steps += byKey.length + byId.length;
  return [...new Set([...byKey, ...byId])];
}
