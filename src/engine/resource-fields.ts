import { hasEach, resolveEach, resolveSingle, type PathSegment } from './field-path.js';
import type { Resource } from '../model/resource.js';

/**
 * How a field path reads a resource: the four view keys (`type`, `name`, `location`, `id`) or its body.
 * Conditions, messages and links (src/graph/links.ts) all read fields this one way.
 */

/**
 * Where a resource keeps its view, when one is built: a property keyed by a private symbol, not a WeakMap,
 * whose entries for tens of thousands of resources would cost the garbage collector an ephemeron table
 * walk on every full collection.
 */
const VIEW = Symbol('azfence.resourceView');
type WithView = Resource & { [VIEW]?: Record<string, unknown> };

/** The keys a view adds over the body: a path whose first key is none of these reads the body alike. */
const VIEW_KEYS: ReadonlySet<string> = new Set(['type', 'name', 'location', 'id']);

/**
 * The body with the four view keys over it, built once per resource. Conditions and links read the body
 * directly (rootedAt); the view serves only a first key that is a view key in unusual casing (`Name`),
 * where the case-insensitive lookup over all keys decides.
 */
function resourceView(resource: Resource): Record<string, unknown> {
  const holder = resource as WithView;
  let view = holder[VIEW];
  if (!view) {
    view = {
      ...resource.body,
      type: resource.armType,
      name: resource.name,
      location: resource.location ?? resource.body['location'],
      id: resource.source.id ?? resource.source.address ?? resource.key,
    };
    // Not enumerable: reporters, JSON.stringify and deep equality never see it.
    Object.defineProperty(holder, VIEW, { value: view, enumerable: false });
  }
  return view;
}

/**
 * Where a path starts on the resource itself: at one of the four view keys, or in the body. The same
 * values resourceView holds, without copying the body into a view for every resource a condition reads.
 * A view key in unusual casing (`Name`) takes the view, whose case-insensitive lookup decides.
 */
export function rootedAt(resource: Resource, segments: readonly PathSegment[]): { root: unknown; rest: readonly PathSegment[] } {
  const first = segments[0];
  if (first && 'key' in first) {
    switch (first.key) {
      case 'type':
        return { root: resource.armType, rest: segments.slice(1) };
      case 'name':
        return { root: resource.name, rest: segments.slice(1) };
      case 'location':
        return { root: resource.location ?? resource.body['location'], rest: segments.slice(1) };
      case 'id':
        return { root: resource.source.id ?? resource.source.address ?? resource.key, rest: segments.slice(1) };
    }
    if (VIEW_KEYS.has(first.key.toLowerCase())) return { root: resourceView(resource), rest: segments };
  }
  return { root: resource.body, rest: segments };
}

/** Where a path starts, worked out once per path (conditions are compiled once): see rootedAt. */
export interface RootPlan {
  from: 'type' | 'name' | 'location' | 'id' | 'view' | 'body';
  rest: readonly PathSegment[];
}

export function rootPlan(segments: readonly PathSegment[]): RootPlan {
  const first = segments[0];
  if (first && 'key' in first) {
    switch (first.key) {
      case 'type':
      case 'name':
      case 'location':
      case 'id':
        return { from: first.key, rest: segments.slice(1) };
    }
    if (VIEW_KEYS.has(first.key.toLowerCase())) return { from: 'view', rest: segments };
  }
  return { from: 'body', rest: segments };
}

/** The value a planned path starts from on this resource: the same as rootedAt(resource, segments).root. */
export function rootOf(resource: Resource, plan: RootPlan): unknown {
  switch (plan.from) {
    case 'body':
      return resource.body;
    case 'type':
      return resource.armType;
    case 'name':
      return resource.name;
    case 'location':
      return resource.location ?? resource.body['location'];
    case 'id':
      return resource.source.id ?? resource.source.address ?? resource.key;
    case 'view':
      return resourceView(resource);
  }
}

/** The rest of a path from where it starts: one value, or the members a `[*]` visits. */
export function resolveRest(root: unknown, rest: readonly PathSegment[]): unknown {
  if (rest.length === 0) return root;
  return hasEach(rest) ? resolveEach(root, rest) : resolveSingle(root, rest);
}

/** A field of a resource, read the way conditions read it (messages' `{field:...}`, links between resources). */
export function valueAt(resource: Resource, segments: readonly PathSegment[]): unknown {
  const { root, rest } = rootedAt(resource, segments);
  return resolveRest(root, rest);
}
