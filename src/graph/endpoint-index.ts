import type { Inventory } from '../model/inventory.js';
import type { Resource } from '../model/resource.js';
import { endpointInfo, PRIVATE_ENDPOINT } from './private-endpoints.js';

export interface EndpointIndex {
  byTarget: Map<string, Array<{ endpoint: Resource; status?: string; manual: boolean }>>;
  /** Endpoints whose target could not be resolved, per file: any of them might be the missing one. */
  unresolvedByFile: Map<string, string[]>;
}

export function endpointIndex(inventory: Inventory): EndpointIndex {
  return inventory.cached('endpoints-by-target', () => {
    const byTarget: EndpointIndex['byTarget'] = new Map();
    const unresolvedByFile = new Map<string, string[]>();
    for (const endpoint of inventory.ofType(PRIVATE_ENDPOINT)) {
      for (const connection of endpointInfo(inventory, endpoint).connections) {
        const keys: string[] = [];
        if (connection.target?.target) keys.push(connection.target.target.key.toLowerCase());
        if (connection.target?.id) keys.push(`id:${connection.target.id.toLowerCase()}`);
        if (keys.length === 0) {
          const list = unresolvedByFile.get(endpoint.source.file) ?? [];
          list.push(endpoint.name);
          unresolvedByFile.set(endpoint.source.file, list);
        }
        for (const key of keys) {
          const entries = byTarget.get(key) ?? [];
          entries.push({ endpoint, manual: connection.manual, ...(connection.status ? { status: connection.status } : {}) });
          byTarget.set(key, entries);
        }
      }
    }
    return { byTarget, unresolvedByFile };
  });
}
