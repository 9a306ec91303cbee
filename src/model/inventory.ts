import { ArmRowResource, type ReaderContexts, type Resource } from './resource.js';
import { KeyIndex, sameKey } from './key-index.js';
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
  /**
   * The place in `resources` of each resource by its key, case-insensitively, holding no lower-cased copy of
   * any key (src/model/key-index.ts). Places rather than resources, so that a snapshot's reader can hand over
   * the index it built of the same resources (`addRead`) instead of each id being hashed again.
   */
  private byKey = new KeyIndex<number>(this.keyAt());
  /**
   * Lower-cased ids of resources keyed by something else (a plan's address). A resource keyed by its own
   * lower-cased id (a snapshot's, an ArmRowResource) is found through byKey: a second index of the same strings cost a hash
   * table entry per resource and a tenth of a snapshot's reading time.
   */
  private readonly byId = new Map<string, Resource>();
  /**
   * Lower-cased type, then lower-cased name, built for a type the first time a rule asks for it by name
   * (private DNS zones, registries): most types never are, and most of a scan's resources are of those.
   */
  private readonly byTypeAndName = new Map<string, Map<string, Resource[]>>();
  /** Per plan file: addresses and configuration, for resolving references between resources being created. */
  readonly plans = new Map<string, PlanContext>();
  /** Resources that change other resources (azapi_update_resource, network rules...), in input order: src/inputs/terraform/apply-overlays.ts applies them. */
  readonly overlays: Overlay[] = [];
  /** Files each kind of child resource was read from (e.g. snapshots that include zone groups). */
  private readonly typesByFile = new Map<string, Set<string>>();
  /**
   * Per ARM type as resources spell it (readers share one string per type): its lower case, its list in
   * byType and the file it was last noted for in typesByFile. One lookup a resource instead of three and a
   * Set insertion, when a reader adds tens of thousands of resources of a few dozen types.
   */
  private readonly typeEntries = new Map<string, { type: string; list: Resource[]; file: string | undefined }>();
  private readonly memo = new Map<string, unknown>();
  private readonly memoPerResource = new Map<string, Map<Resource, unknown>>();

  /** A plan's configuration, for the notation of its resources to follow references (src/inputs/terraform/notation.ts). */
  readerContext(file: string): unknown {
    return this.plans.get(file);
  }

  add(resource: Resource): void {
    this.resources.push(resource);
    this.byKey.set(this.resources.length - 1);
    this.index(resource);
  }

  /**
   * Resources read from one input, in order. `keys`: the reader's index of them by key (place in `resources`
   * to key, as KeyIndex<number> with each key once), taken over when this inventory is empty, since it then
   * holds what adding them one by one would build.
   */
  addRead(resources: readonly Resource[], keys?: KeyIndex<number>): void {
    if (!keys || this.resources.length !== 0 || keys.size !== resources.length) {
      for (const resource of resources) this.add(resource);
      return;
    }
    this.byKey = keys.rekeyed(this.keyAt());
    for (const resource of resources) {
      this.resources.push(resource);
      this.index(resource);
    }
  }

  private keyAt(): (place: number) => string {
    return (place) => keyText(this.resources[place]!);
  }

  /** Every index but byKey. */
  private index(resource: Resource): void {
    if (resource.unclassified) {
      this.unclassified.push(resource);
      return;
    }
    let entry = this.typeEntries.get(resource.armType);
    if (!entry) {
      const type = lowerType(resource.armType);
      let list = this.byType.get(type);
      if (!list) this.byType.set(type, (list = []));
      this.typeEntries.set(resource.armType, (entry = { type, list, file: undefined }));
    }
    const type = entry.type;
    entry.list.push(resource);
    const id = resource.source.id;
    if (id) {
      // Found through byKey from now on, as the resource added last with this id.
      if (resource instanceof ArmRowResource || sameKey(id, resource.key)) {
        if (this.byId.size !== 0) this.byId.delete(id.toLowerCase());
      } else this.byId.set(id.toLowerCase(), resource);
    }
    const byName = this.byTypeAndName.size !== 0 ? this.byTypeAndName.get(type) : undefined;
    if (byName) push(byName, resource.name.toLowerCase(), resource);
    const file = resource.source.file;
    if (entry.file === file) return;
    let types = this.typesByFile.get(file);
    if (!types) this.typesByFile.set(file, (types = new Set()));
    types.add(type);
    entry.file = file;
  }

  ofType(armType: string): readonly Resource[] {
    return this.byType.get(lowerType(armType)) ?? [];
  }

  get(key: string): Resource | undefined {
    const place = this.byKey.get(key);
    return place === undefined ? undefined : this.resources[place];
  }

  getById(id: string): Resource | undefined {
    const other = this.byId.size !== 0 ? this.byId.get(id.toLowerCase()) : undefined;
    if (other) return other;
    const keyed = this.get(id);
    return keyed && !keyed.unclassified && keyed.source.id !== undefined && sameKey(keyed.source.id, id) ? keyed : undefined;
  }

  byName(armType: string, name: string): readonly Resource[] {
    const type = lowerType(armType);
    let byName = this.byTypeAndName.get(type);
    if (!byName) {
      byName = new Map();
      for (const resource of this.byType.get(type) ?? []) push(byName, resource.name.toLowerCase(), resource);
      this.byTypeAndName.set(type, byName);
    }
    return byName.get(name.toLowerCase()) ?? [];
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

/** A resource's key up to case: a resource read from an ARM row has its id, whose lower case is its key, and no key string to read. */
function keyText(resource: Resource): string {
  return resource instanceof ArmRowResource ? resource.source.id : resource.key;
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
