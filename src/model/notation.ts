import type { InputPhrases, Notation, RemediationKey, Resource } from './resource.js';

/** ARM inputs name what a fix needs by the az CLI call that looks it up. */
export const ARM_PHRASES: InputPhrases = {
  identityPrincipal: (_name, id) => `$(az identity show --ids ${id} --query principalId --output tsv)`,
  registryId: (name) => `$(az acr show --name ${name} --query id --output tsv)`,
  pullPrincipal: 'the object id of the identity it pulls with',
  roleSetting: 'properties.roleDefinitionId',
  unreadableData: 'known only after apply',
  sensitiveValue: 'a value marked sensitive',
  defaultRouteFix: ({ subnet, place }) => {
    if (!place) return `Check that ${subnet} has a route table whose 0.0.0.0/0 route goes to VirtualAppliance at the firewall's private IP`;
    const { resourceGroup, vnet, routeTable } = place;
    const route = (table: string) =>
      `\`az network route-table route create --resource-group ${resourceGroup} --route-table-name ${table} --name default --address-prefix 0.0.0.0/0 --next-hop-type VirtualAppliance --next-hop-ip-address <firewall-ip>\``;
    if (routeTable) return route(routeTable);
    const table = `rt-${subnet}`;
    return `\`az network route-table create --resource-group ${resourceGroup} --name ${table}\` then ${route(table)} and associate it: \`az network vnet subnet update --resource-group ${resourceGroup} --vnet-name ${vnet} --name ${subnet} --route-table ${table}\``;
  },
  conflictingWrites: (one, other) => `${one} and ${other} write different values, and which one applies last is not fixed`,
};

/** The notation of an input that writes ARM (snapshots, audits): names are ARM paths, values ARM values. */
export function armNotation(words: { unread: string; openValue?: string; projected: string; explains?: string; unfollowed?: (armPath: string) => string; unindexed?: readonly string[]; remediationKey?: RemediationKey }): Notation {
  const unindexed = new Set((words.unindexed ?? []).map((type) => type.toLowerCase()));
  const unfollowed = words.unfollowed ?? ((armPath: string) => `${armPath} is not in the ${words.projected} (the query projected it away)`);
  return {
    nameOf: (_resource, armPath) => armPath,
    spell: (_resource, armPath) => armPath,
    attributeOf: () => undefined,
    writtenValue: () => undefined,
    settingAttribute: () => undefined,
    isConfigured: () => true,
    referencesAt: () => [],
    referenceTargets: () => ({ targets: [], unresolved: [] }),
    followUnread: (_scan, _resource, armPath) => ({ links: [], unresolved: [unfollowed(armPath)] }),
    sharesAttribute: () => false,
    unsettable: () => undefined,
    typeName: () => undefined,
    mayLackChildren: (armType) => unindexed.has(armType.toLowerCase()),
    outputOf: () => undefined,
    quote: (value) => value,
    refersByConfiguration: false,
    phrases: ARM_PHRASES,
    remediationKey: words.remediationKey ?? 'arm',
    unread: words.unread,
    ...(words.openValue ? { openValue: words.openValue } : {}),
    explains: words.explains ?? 'not in the snapshot (project the properties and sku columns)',
  };
}

export type { DefaultRouteFix, InputPhrases, Link, LinkMethod, LinkResult, Notation, ReaderContexts, ReferenceTargets, WrittenValue } from './resource.js';

/** Child types Resource Graph does not index: an export holds them only where someone added their rows. */
export const RESOURCE_GRAPH_UNINDEXED = ['Microsoft.Network/privateEndpoints/privateDnsZoneGroups', 'Microsoft.Network/firewallPolicies/ruleCollectionGroups'] as const;

export const SNAPSHOT_NOTATION = armNotation({ unread: '(not in the snapshot)', projected: 'snapshot', unindexed: RESOURCE_GRAPH_UNINDEXED });

/** Why a value is open, in a sentence: the input's reason, else `absent` (what a row that lacks the column means for the check). */
export function openBecause(resource: Resource, absent: string): string {
  return notationOf(resource).openValue ?? absent;
}

/** Resources whose reader sets no notation read as snapshot rows: ARM paths and values. */
export function notationOf(resource: Resource): Notation {
  return resource.source.notation ?? SNAPSHOT_NOTATION;
}
