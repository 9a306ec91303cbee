// Emulated estates: small builders for readable tests, and a deterministic generator for the benchmark.

/** A subscription id that is a GUID and says which one it is: sub(3) = 00000000-0000-4000-8000-000000000003. */
export function sub(n) {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export function armId(subscription, group, provider, type, name) {
  return `/subscriptions/${subscription}/resourceGroups/${group}/providers/${provider}/${type}/${name}`;
}

/** A Resource Graph row as the audit's projection returns it. */
export function row(subscription, group, fullType, name, properties = {}, extra = {}) {
  const [provider, ...types] = fullType.split('/');
  return {
    id: armId(subscription, group, provider, types.join('/'), name),
    name,
    type: fullType.toLowerCase(),
    location: 'westeurope',
    resourceGroup: group,
    subscriptionId: subscription,
    tags: {},
    sku: null,
    kind: '',
    identity: null,
    properties,
    ...extra,
  };
}

export function registry(subscription, name, properties = {}) {
  return row(subscription, 'rg-app', 'Microsoft.ContainerRegistry/registries', name, { publicNetworkAccess: 'Disabled', networkRuleBypassOptions: 'None', anonymousPullEnabled: false, adminUserEnabled: false, ...properties }, { sku: { name: 'Premium', tier: 'Premium' } });
}

export function vault(subscription, name, properties = {}) {
  return row(subscription, 'rg-app', 'Microsoft.KeyVault/vaults', name, { publicNetworkAccess: 'Disabled', ...properties });
}

export function storage(subscription, name, properties = {}) {
  return row(subscription, 'rg-data', 'Microsoft.Storage/storageAccounts', name, { publicNetworkAccess: 'Disabled', allowBlobPublicAccess: false, ...properties }, { kind: 'StorageV2', sku: { name: 'Standard_LRS', tier: 'Standard' } });
}

export function vnet(subscription, name, subnetNames = ['snet-pe']) {
  const id = armId(subscription, 'rg-net', 'Microsoft.Network', 'virtualNetworks', name);
  return row(subscription, 'rg-net', 'Microsoft.Network/virtualNetworks', name, {
    addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
    subnets: subnetNames.map((subnet, i) => ({ id: `${id}/subnets/${subnet}`, name: subnet, properties: { addressPrefix: `10.0.${i}.0/24` } })),
  });
}

export function privateDnsZone(subscription, zone) {
  return row(subscription, 'rg-dns', 'Microsoft.Network/privateDnsZones', zone, {}, { location: 'global' });
}

export function zoneLink(subscription, zone, name, vnetId) {
  return row(subscription, 'rg-dns', 'Microsoft.Network/privateDnsZones/virtualNetworkLinks', name, { virtualNetwork: { id: vnetId }, registrationEnabled: false }, { id: `${armId(subscription, 'rg-dns', 'Microsoft.Network', 'privateDnsZones', zone)}/virtualNetworkLinks/${name}`, location: 'global' });
}

export function privateEndpoint(subscription, name, target, groupId, subnetId) {
  return row(subscription, 'rg-app', 'Microsoft.Network/privateEndpoints', name, {
    subnet: { id: subnetId },
    privateLinkServiceConnections: [{ name, properties: { privateLinkServiceId: target.id, groupIds: [groupId], privateLinkServiceConnectionState: { status: 'Approved' } } }],
    manualPrivateLinkServiceConnections: [],
  });
}

/** A zone group as ARM lists it under its endpoint (Resource Graph does not have these). */
export function zoneGroup(endpoint, zoneIds, name = 'default') {
  return {
    id: `${endpoint.id}/privateDnsZoneGroups/${name}`,
    name,
    type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
    properties: { provisioningState: 'Succeeded', privateDnsZoneConfigs: zoneIds.map((zoneId) => ({ name: zoneId.split('/').pop().replace(/\./g, '-'), properties: { privateDnsZoneId: zoneId } })) },
  };
}

/** Adds children (keyed by collection segment) for a parent to an estate's child map. */
export function addChildren(children, parent, segment, list) {
  children[parent.id] ??= {};
  children[parent.id][segment] = [...(children[parent.id][segment] ?? []), ...list];
}

/**
 * A large estate, the same every time: per subscription a hub VNet with its privatelink zones and links,
 * then registries, vaults and storage accounts (a few left open), each with a private endpoint most of the
 * time, and a zone group on most endpoints.
 */
export function generateEstate({ resources = 100_000, subscriptions = 20 } = {}) {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const rows = [];
  const children = {};
  const subs = Array.from({ length: subscriptions }, (_, i) => ({ id: sub(i + 1), displayName: `sub-${i + 1}` }));
  const services = [
    { make: registry, groupId: 'registry', zone: 'privatelink.azurecr.io', open: { publicNetworkAccess: 'Enabled' } },
    { make: vault, groupId: 'vault', zone: 'privatelink.vaultcore.azure.net', open: { publicNetworkAccess: 'Enabled' } },
    { make: storage, groupId: 'blob', zone: 'privatelink.blob.core.windows.net', open: { publicNetworkAccess: 'Enabled', allowBlobPublicAccess: true } },
  ];
  const perSubscription = Math.ceil(resources / subscriptions);
  for (const { id: s } of subs) {
    const start = rows.length;
    const hub = vnet(s, 'vnet-hub', ['snet-pe', 'snet-app']);
    rows.push(hub);
    const subnetId = `${hub.id}/subnets/snet-pe`;
    const zoneIds = {};
    for (const service of services) {
      const zone = privateDnsZone(s, service.zone);
      zoneIds[service.zone] = zone.id;
      rows.push(zone, zoneLink(s, service.zone, 'link-hub', hub.id));
    }
    for (let i = 0; rows.length - start < perSubscription && rows.length < resources; i++) {
      const service = services[i % services.length];
      const open = random() < 0.05;
      const target = service.make(s, `res${i}`, open ? service.open : {});
      rows.push(target);
      if (open || rows.length - start >= perSubscription || rows.length >= resources) continue;
      if (random() < 0.8) {
        const endpoint = privateEndpoint(s, `pe-res${i}`, target, service.groupId, subnetId);
        rows.push(endpoint);
        if (random() < 0.9) addChildren(children, endpoint, 'privateDnsZoneGroups', [zoneGroup(endpoint, [zoneIds[service.zone]])]);
      }
    }
  }
  return { subscriptions: subs, rows, children };
}
