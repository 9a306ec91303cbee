import type { Resource } from './resource.js';

/**
 * Every resource of a scan, indexed so that rules select by type and functions look up by id in constant
 * time: no rule walks the whole inventory for each resource.
 */
export class Inventory {
  readonly resources: Resource[] = [];
  private readonly byType = new Map<string, Resource[]>();
  private readonly byKey = new Map<string, Resource>();

  add(resource: Resource): void {
    this.resources.push(resource);
    const type = resource.armType.toLowerCase();
    let list = this.byType.get(type);
    if (!list) this.byType.set(type, (list = []));
    list.push(resource);
    this.byKey.set(resource.key.toLowerCase(), resource);
  }

  ofType(armType: string): readonly Resource[] {
    return this.byType.get(armType.toLowerCase()) ?? [];
  }

  get(key: string): Resource | undefined {
    return this.byKey.get(key.toLowerCase());
  }

  get size(): number {
    return this.resources.length;
  }
}
