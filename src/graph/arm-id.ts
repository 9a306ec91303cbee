/**
 * ARM resource ids: `/subscriptions/{sub}/resourceGroups/{rg}/providers/{Namespace}/{type}/{name}[/{childType}/{childName}]...`.
 * Ids are case-insensitive; links compare them lower-cased.
 */
export interface ParsedArmId {
  subscriptionId: string;
  resourceGroup: string;
  /** Full ARM type, e.g. Microsoft.Network/privateDnsZones/virtualNetworkLinks. */
  type: string;
  name: string;
  /** The parent resource's id for a child resource. */
  parentId?: string;
}

const PROVIDERS = /\/providers\//i;

export function parseArmId(id: string): ParsedArmId | undefined {
  const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/(.+)$/i.exec(id.trim());
  if (!match) return undefined;
  const parts = match[4]!.split('/').filter(Boolean);
  if (parts.length < 2 || parts.length % 2 !== 0) return undefined;
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    types.push(parts[i]!);
    names.push(parts[i + 1]!);
  }
  const parsed: ParsedArmId = {
    subscriptionId: match[1]!,
    resourceGroup: match[2]!,
    type: `${match[3]}/${types.join('/')}`,
    name: names[names.length - 1]!,
  };
  if (types.length > 1) parsed.parentId = id.trim().replace(/\/[^/]+\/[^/]+$/, '');
  return parsed;
}

export function isArmId(value: unknown): value is string {
  return typeof value === 'string' && PROVIDERS.test(value) && parseArmId(value) !== undefined;
}

export function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
