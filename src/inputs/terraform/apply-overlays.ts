import { isDeepStrictEqual } from 'node:util';
import { canonicalArmType } from '../../model/arm-types.js';
import type { Inventory } from '../../model/inventory.js';
import { possibly, type Overlay } from '../../model/overlay.js';
import type { Resource } from '../../model/resource.js';
import { isOpen, isPlaceholder, isPlainObject, openObject, UNKNOWN } from '../../model/values.js';
import { writeKey } from '../../model/writes.js';
import { parseArmId } from '../../graph/arm-id.js';
import { parentOf } from '../../graph/links.js';
import { referencesUnder } from './notation.js';
import { resolveReference } from './resolve-reference.js';

/**
 * The model step between reading and evaluation: resources that change other resources
 * (azapi_update_resource, azapi_resource_action PUT/PATCH, azurerm network rules, DNS servers and subnet
 * associations; src/model/overlay.ts) are applied to their targets, in input order, so every rule sees the
 * state after apply. Each written property remembers its writer: a finding about it points at the writer,
 * and a value the writer knows only after apply is followed through the writer's references.
 *
 * A target that is not in the scan still gets what the overlay says: the returned partial resources hold
 * only the written properties (everything else reads as unknown), for rules to judge what the overlay wrote.
 */
export function applyOverlays(inventory: Inventory): Resource[] {
  const partials = new Map<string, Resource>();
  for (const overlay of inventory.overlays) {
    const found = targetsOf(inventory, overlay);
    if (found.targets.length === 0) {
      const partial = partialTarget(partials, overlay, found.outside);
      if (partial) write(partial, overlay, overlay.fragment);
      continue;
    }
    // Several candidates and no way to tell which one it changes: on each, what it writes may or may not be there.
    const fragment = found.targets.length > 1 ? possibly(overlay.fragment) : overlay.fragment;
    for (const target of found.targets) write(target, overlay, fragment);
  }
  return [...partials.values()];
}

interface Found {
  targets: Resource[];
  /** What is known of a target not in the scan. */
  outside: { id?: string; armType?: string; name?: string };
}

function ofType(resource: Resource, armType: string | undefined): boolean {
  return !armType || resource.armType.toLowerCase() === armType.toLowerCase();
}

/** azapi's id for a name under a parent: a child type's last segment below a resource, or providers/<type> below a scope. */
function idUnder(parentId: string, armType: string, name: string): string {
  const parent = parentId.replace(/\/+$/, '');
  const segments = armType.split('/');
  const parsedParent = parseArmId(parent);
  if (segments.length > 2 && parsedParent && parsedParent.type.toLowerCase() === segments.slice(0, -1).join('/').toLowerCase()) return `${parent}/${segments[segments.length - 1]}/${name}`;
  return `${parent}/providers/${armType}/${name}`;
}

function resourceGroupOf(resource: Resource): string | undefined {
  const group = resource.body['resourceGroup'];
  return typeof group === 'string' ? group.toLowerCase() : undefined;
}

/** `azurerm_x.y["k"]` -> `["k"]`: for_each'd writers usually name the target instance with the same key. */
function instanceKey(address: string | undefined): string | undefined {
  return address ? /(\[[^\]]*\])$/.exec(address)?.[1] : undefined;
}

function narrowByKey(writer: Resource, candidates: Resource[]): Resource[] {
  if (candidates.length < 2) return candidates;
  const key = instanceKey(writer.source.address);
  const same = key ? candidates.filter((candidate) => instanceKey(candidate.source.address) === key) : [];
  return same.length === 1 ? same : candidates;
}

function targetsOf(inventory: Inventory, overlay: Overlay): Found {
  const { target, writer } = overlay;
  const armType = target.armType;
  const name = typeof target.name === 'string' ? target.name : undefined;
  const id = typeof target.id === 'string' ? target.id : typeof target.parentId === 'string' && name && armType ? idUnder(target.parentId, armType, name) : undefined;
  if (id) {
    const byId = inventory.getById(id);
    if (byId && ofType(byId, armType)) return { targets: [byId], outside: {} };
    const parsed = parseArmId(id);
    // A resource this plan creates has no id yet: the one of that type, name and resource group is it.
    if (parsed) {
      const planned = inventory
        .byName(armType ?? parsed.type, parsed.name)
        .filter((candidate) => candidate.source.kind === 'plan' && !candidate.source.id && resourceGroupOf(candidate) === parsed.resourceGroup.toLowerCase());
      if (planned.length === 1) return { targets: planned, outside: {} };
    }
    return { targets: [], outside: { id, ...(armType ?? parsed?.type ? { armType: armType ?? parsed!.type } : {}), ...(parsed ? { name: parsed.name } : {}) } };
  }
  // Known only after apply (or sensitive): the writer's configuration says which resource it names.
  const context = inventory.plans.get(writer.source.file);
  const references = context && writer.source.address ? referencesUnder(writer, target.attribute) : [];
  const resolved = new Set<Resource>();
  for (const reference of references) for (const found of resolveReference(context!, writer.source.address!, reference).targets) resolved.add(found);
  let candidates: Resource[];
  if (target.attribute === 'parent_id') {
    // parent_id + name: the target is a child of the parent the reference names, or (a resource group, not
    // in the model) the resource of that type and name.
    const named = armType && name ? [...inventory.byName(armType, name)] : [];
    const underParent = named.filter((candidate) => parentOf(inventory, candidate).links.some((link) => link.target && resolved.has(link.target)));
    candidates = underParent.length ? underParent : named;
  } else {
    candidates = [...resolved].filter((candidate) => ofType(candidate, armType));
  }
  candidates = narrowByKey(writer, candidates);
  const shownName = name ?? (references.length ? `<${references[0]}>` : `<${target.attribute}>`);
  return { targets: candidates, outside: { ...(armType ? { armType } : {}), name: shownName } };
}

/** One partial resource per target outside the scan (by id, else per writer), holding what overlays wrote to it. */
function partialTarget(partials: Map<string, Resource>, overlay: Overlay, outside: Found['outside']): Resource | undefined {
  // Without a type no rule could select it; the writer's own type may not be guessed.
  if (!outside.armType) return undefined;
  const key = outside.id ? `id:${outside.id.toLowerCase()}` : `writer:${overlay.writer.key}`;
  let partial = partials.get(key);
  if (!partial) {
    const { writer } = overlay;
    partial = {
      key: `${writer.key}#target`,
      armType: canonicalArmType(outside.armType),
      name: outside.name ?? writer.name,
      body: openObject({ properties: openObject({}) }),
      source: { ...writer.source, ...(outside.id ? { id: outside.id } : {}) },
    };
    if (writer.attributeOf) partial.attributeOf = writer.attributeOf;
    partials.set(key, partial);
  }
  return partial;
}

/** ARM property names are case-insensitive: a write to `PublicNetworkAccess` replaces `publicNetworkAccess`. */
function keyIn(object: Record<string, unknown>, key: string): string {
  if (Object.prototype.hasOwnProperty.call(object, key)) return key;
  const lower = key.toLowerCase();
  return Object.keys(object).find((candidate) => candidate.toLowerCase() === lower) ?? key;
}

/** Keys the reader adds beside the ARM body (a resource's place): a PUT does not remove them. */
const PLACE_KEYS = ['resourceGroup', 'parentId', 'parentName', 'location'];

function write(target: Resource, overlay: Overlay, fragment: unknown): void {
  const writes = (target.writes ??= new Map());
  const record = (path: string, value: unknown, holder: Record<string, unknown>, key: string): void => {
    const earlier = writes.get(path);
    // Two writers, two values: Terraform applies them in no fixed order, so the outcome is unknown.
    if (earlier && earlier.writer !== overlay.writer && !isDeepStrictEqual(holder[key], value)) {
      holder[key] = UNKNOWN;
      writes.set(path, { writer: overlay.writer, conflictsWith: earlier.writer });
      return;
    }
    holder[key] = value;
    writes.set(path, { writer: overlay.writer });
  };
  const body = target.body;
  if (isPlaceholder(fragment)) {
    // Anything may be written: every property a rule reads is unknown.
    for (const key of ['properties', 'sku']) record(key, fragment, body, keyIn(body, key));
    return;
  }
  if (!isPlainObject(fragment)) return;
  if (overlay.mode === 'replace') {
    // A PUT defines the whole resource: what its body leaves out is gone (and reads as the API's default).
    for (const key of Object.keys(body)) {
      if (PLACE_KEYS.includes(key)) continue;
      delete body[key];
      writes.set(key.toLowerCase(), { writer: overlay.writer });
    }
  }
  merge(body, fragment, '', overlay, record);
}

type Record_ = (path: string, value: unknown, holder: Record<string, unknown>, key: string) => void;

/** azapi's merge (utils.MergeObject): objects merge key by key, arrays by their `name` (or a configured key) or by position, anything else replaces. */
function merge(node: Record<string, unknown>, fragment: Record<string, unknown>, path: string, overlay: Overlay, record: Record_): void {
  for (const [rawKey, value] of Object.entries(fragment)) {
    const key = keyIn(node, rawKey);
    const childPath = path ? `${path}.${writeKey(rawKey)}` : writeKey(rawKey);
    const old = node[key];
    if (isPlainObject(value) && !isPlaceholder(value)) {
      if (isPlainObject(old)) {
        merge(old, value, childPath, overlay, record);
        continue;
      }
      // Merged into a value known only after apply, or into a resource outside the scan: what it does not write stays unknown.
      const fresh: Record<string, unknown> = old === UNKNOWN || (old === undefined && isOpen(node)) ? openObject({}) : {};
      node[key] = fresh;
      merge(fresh, value, childPath, overlay, record);
      continue;
    }
    if (Array.isArray(value)) {
      record(childPath, mergeList(old, value, overlay.listKeys?.[childPath] ?? 'name'), node, key);
      continue;
    }
    record(childPath, value, node, key);
  }
}

function identity(item: unknown, key: string): string | undefined {
  if (!isPlainObject(item)) return undefined;
  const parts = key.split(',').map((part) => item[keyIn(item, part.trim())]);
  return parts.every((part) => typeof part === 'string' && part !== '') ? parts.join('_') : undefined;
}

function mergeValue(old: unknown, value: unknown): unknown {
  if (!isPlainObject(old) || !isPlainObject(value)) return structuredCopy(value);
  const out: Record<string, unknown> = { ...old };
  for (const [rawKey, child] of Object.entries(value)) {
    const key = keyIn(out, rawKey);
    out[key] = Array.isArray(child) ? mergeList(out[key], child, 'name') : mergeValue(out[key], child);
  }
  return out;
}

function mergeList(old: unknown, value: unknown[], key: string): unknown[] {
  if (!Array.isArray(old) || old.length === 0 || value.length === 0) return value.map(structuredCopy);
  if (identity(old[0], key) === undefined || identity(value[0], key) === undefined) {
    return old.length === value.length ? old.map((item, i) => mergeValue(item, value[i])) : value.map(structuredCopy);
  }
  const used = new Set<number>();
  const merged = old.map((item) => {
    const at = value.findIndex((candidate, i) => !used.has(i) && identity(candidate, key) === identity(item, key));
    if (at < 0) return item;
    used.add(at);
    return mergeValue(item, value[at]);
  });
  value.forEach((item, i) => {
    if (!used.has(i)) merged.push(structuredCopy(item));
  });
  return merged;
}

/** A copy that keeps placeholders (structuredClone cannot copy symbols). */
function structuredCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(structuredCopy);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, structuredCopy(child)]));
  return value;
}
