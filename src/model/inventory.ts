import type { ReaderContexts, Resource } from './resource.js';
import type { PlanContext } from '../inputs/terraform/plan-context.js';
import type { Overlay } from './overlay.js';

/**
 * Every resource of a scan, indexed so that rules select by type and links resolve by id or name in
 * constant time: no rule walks the whole inventory for each resource.
 */
export class Inventory implements ReaderContexts {
  readonly resources: Resource[] = [];
  /** Resources whose type could not be told (Resource.unclassified): kept out of every index rules and links use. */
  readonly unclassified: Resource[] = [];
  private readonly byType = new Map<string, Resource[]>();
  private readonly byKey = new Map<string, Resource>();
  private readonly byId = new Map<string, Resource>();
  private readonly byTypeAndName = new Map<string, Resource[]>();
  /** Per plan file: addresses and configuration, for resolving references between resources being created. */
  readonly plans = new Map<string, PlanContext>();
  /** Resources that change other resources (azapi_update_resource, network rules...), in input order: src/inputs/terraform/apply-overlays.ts applies them. */
  readonly overlays: Overlay[] = [];
  /** Files each kind of child resource was read from (e.g. snapshots that include zone groups). */
  private readonly typesByFile = new Map<string, Set<string>>();
  private readonly memo = new Map<string, unknown>();
  private readonly memoPerResource = new Map<string, Map<Resource, unknown>>();

  /** A plan's configuration, for the notation of its resources to follow references (src/inputs/terraform/notation.ts). */
  readerContext(file: string): unknown {
    return this.plans.get(file);
  }

  add(resource: Resource): void {
    this.resources.push(resource);
    if (resource.unclassified) {
      this.unclassified.push(resource);
      this.byKey.set(resource.key.toLowerCase(), resource);
      return;
    }
    const type = lowerType(resource.armType);
    push(this.byType, type, resource);
    const key = resource.key.toLowerCase();
    this.byKey.set(key, resource);
    if (resource.source.id) {
      // A snapshot's key is its lower-cased id: the index holds that string, not a second copy of it (ids are
      // the largest strings a snapshot holds, and a million-row one holds a million of them).
      const id = resource.source.id.toLowerCase();
      this.byId.set(id === key ? key : id, resource);
    }
    push(this.byTypeAndName, `${type}|${resource.name.toLowerCase()}`, resource);
    let types = this.typesByFile.get(resource.source.file);
    if (!types) this.typesByFile.set(resource.source.file, (types = new Set()));
    types.add(type);
  }

  ofType(armType: string): readonly Resource[] {
    return this.byType.get(lowerType(armType)) ?? [];
  }

  get(key: string): Resource | undefined {
    return this.byKey.get(key.toLowerCase());
  }

  getById(id: string): Resource | undefined {
    return this.byId.get(id.toLowerCase());
  }

  byName(armType: string, name: string): readonly Resource[] {
    return this.byTypeAndName.get(`${lowerType(armType)}|${name.toLowerCase()}`) ?? [];
  }

  /** Whether a file contributed any resource of this type (a snapshot without zone-group rows says nothing about zone groups). */
  fileHasType(file: string, armType: string): boolean {
    return this.typesByFile.get(file)?.has(lowerType(armType)) ?? false;
  }

  /** Builds a derived index once per scan (e.g. zone -> its VNet links), keeping cross-resource rules linear. */
  cached<T>(key: string, build: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, build());
    return this.memo.get(key) as T;
  }

  /**
   * A fact about one resource, built once per scan (e.g. a private endpoint's zones and VNet). Keyed by the
   * resource object: a string key per call (`endpoint:<file>#<address>`) cost more to build and hash than
   * the lookup saved.
   */
  cachedFor<T>(kind: string, resource: Resource, build: () => T): T {
    let byResource = this.memoPerResource.get(kind);
    if (!byResource) this.memoPerResource.set(kind, (byResource = new Map()));
    if (byResource.has(resource)) return byResource.get(resource) as T;
    const value = build();
    byResource.set(resource, value);
    return value;
  }

  get size(): number {
    return this.resources.length;
  }
}

/** A scan holds a few dozen ARM types across hundreds of thousands of resources: each is lower-cased once. */
const lowerTypes = new Map<string, string>();
function lowerType(armType: string): string {
  let lower = lowerTypes.get(armType);
  if (lower === undefined) {
    lower = armType.toLowerCase();
    if (lowerTypes.size < 10_000) lowerTypes.set(armType, lower);
  }
  return lower;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
