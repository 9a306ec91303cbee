#!/usr/bin/env node
// Generates a synthetic but realistic Terraform plan (`terraform show -json` shape) or Resource Graph
// snapshot with N resources, shaped like a hub-and-spoke landing zone as the real corpus is
// (../shared/corpus/real-plans): a hub in the root module (VNet, firewall, firewall policy rule collection
// groups, private DNS zones for_each'd by zone name, zone links), and `module.spoke["spoke-0001"]`
// instances (for_each over a module call), each with a VNet, for_each'd subnets, NSG rules, route tables,
// services, and private endpoints whose subnet, target and zone group are known only after apply and are
// linked through the configuration's references (module inputs, for_each keys): the cross-resource rules
// have real work to do. The same --seed gives the same file, byte for byte.
//
// The writer streams: each section re-generates the spokes from their own seeds instead of keeping the
// estate in memory, so a 1 GB plan is written in constant memory.
//   node bench/generate.mjs --kind plan --resources 10000 --seed 1 --out bench/out/plan-10000.json
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

/** mulberry32: a tiny seeded PRNG, so files are reproducible. */
function makeRandom(seed) {
  let state = seed >>> 0 || 1;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    random,
    pick: (list) => list[Math.floor(random() * list.length)],
    bool: (p) => random() < p,
    int: (min, max) => min + Math.floor(random() * (max - min + 1)),
  };
}

const SUB = '00000000-0000-0000-0000-000000000000';
const AZURERM = 'registry.terraform.io/hashicorp/azurerm';
const AZAPI = 'registry.terraform.io/azure/azapi';
const RANDOM = 'registry.terraform.io/hashicorp/random';
const FIREWALL_IP = '10.0.0.4';

/** Private endpoint services: the target block, its subresource and the zone its group needs. */
const SERVICES = {
  acr: { type: 'azurerm_container_registry', subresource: 'registry', zone: 'privatelink.azurecr.io' },
  kv: { type: 'azurerm_key_vault', subresource: 'vault', zone: 'privatelink.vaultcore.azure.net' },
  st: { type: 'azurerm_storage_account', subresource: 'blob', zone: 'privatelink.blob.core.windows.net' },
  sql: { type: 'azurerm_mssql_server', subresource: 'sqlServer', zone: 'privatelink.database.windows.net' },
  web: { type: 'azurerm_linux_web_app', subresource: 'sites', zone: 'privatelink.azurewebsites.net' },
};
const ZONES = [...Object.values(SERVICES).map((s) => s.zone), 'privatelink.monitor.azure.com', 'privatelink.westeurope.azmk8s.io'];
const zoneKey = (zone) => zone.replace(/^privatelink\./, '').replace(/[^a-z0-9]+/g, '_');

/** A reference as Terraform lists it: the most specific traversal and each of its prefixes. */
function refs(...traversals) {
  const out = [];
  for (const traversal of traversals) {
    const parts = traversal.match(/[^.[]+|\[[^\]]*\]/g);
    for (let i = parts.length; i >= 2; i--) {
      const text = parts.slice(0, i).join('.').replace(/\.\[/g, '[');
      if (!out.includes(text)) out.push(text);
    }
  }
  return { references: out };
}

/**
 * One resource: its address parts, values after apply, what is unknown until apply, and the expressions
 * of its configuration block (shared by every instance of the block).
 */
function resource(module, type, name, key, values, unknown = {}, expressions = {}) {
  const instance = key === undefined ? name : `${name}[${JSON.stringify(key)}]`;
  return { module, type, name, key, address: `${module ? `${module}.` : ''}${type}.${instance}`, values, unknown: { id: true, ...unknown }, expressions };
}

const common = (r, name, rg, location) => ({ name, location, resource_group_name: rg, tags: { env: r.pick(['dev', 'prod', 'test']), owner: 'platform', cost_center: `cc-${r.int(100, 999)}` } });

/** The hub, in the root module: a fixed part of every estate. */
function hubResources(seed) {
  const r = makeRandom(seed * 7919 + 1);
  const rg = 'rg-hub-weu';
  const loc = 'westeurope';
  const out = [resource('', 'azurerm_resource_group', 'hub', undefined, { name: rg, location: loc, tags: { env: 'prod' } })];
  out.push(resource('', 'azurerm_virtual_network', 'hub', undefined, { ...common(r, 'vnet-hub-weu', rg, loc), address_space: ['10.0.0.0/16'], dns_servers: [] }, { guid: true, subnet: true }));
  for (const [key, prefix] of [['AzureFirewallSubnet', '10.0.0.0/26'], ['snet-dns', '10.0.1.0/24'], ['snet-pe', '10.0.2.0/24']]) {
    out.push(resource('', 'azurerm_subnet', 'hub', key, { name: key, resource_group_name: rg, virtual_network_name: 'vnet-hub-weu', address_prefixes: [prefix], delegation: [] }, {}, { for_each: true }));
  }
  out.push(resource('', 'azurerm_public_ip', 'firewall', undefined, { ...common(r, 'pip-fw-hub', rg, loc), allocation_method: 'Static', sku: 'Standard' }, { ip_address: true }));
  out.push(resource('', 'azurerm_firewall_policy', 'hub', undefined, { ...common(r, 'afwp-hub', rg, loc), sku: 'Premium', dns: [{ proxy_enabled: true, servers: [] }] }));
  out.push(
    resource('', 'azurerm_firewall', 'hub', undefined, { ...common(r, 'afw-hub', rg, loc), sku_name: 'AZFW_VNet', sku_tier: 'Premium', ip_configuration: [{ name: 'ipconfig', private_ip_address: FIREWALL_IP }] }, { firewall_policy_id: true, ip_configuration: [{ subnet_id: true, public_ip_address_id: true }] }, {
      firewall_policy_id: refs('azurerm_firewall_policy.hub.id'),
      ip_configuration: [{ subnet_id: refs('azurerm_subnet.hub["AzureFirewallSubnet"].id'), public_ip_address_id: refs('azurerm_public_ip.firewall.id') }],
    }),
  );
  for (const group of ['platform', 'aks-egress', 'devops', 'monitoring']) {
    const rules = Array.from({ length: r.int(6, 14) }, (_, i) => ({ name: `${group}-${i}`, source_addresses: ['10.0.0.0/8'], destination_fqdns: [r.pick(['mcr.microsoft.com', '*.data.mcr.microsoft.com', 'dev.azure.com', 'login.microsoftonline.com', 'management.azure.com', '*.blob.core.windows.net'])], protocols: [{ type: 'Https', port: 443 }] }));
    out.push(resource('', 'azurerm_firewall_policy_rule_collection_group', 'this', group, { name: `rcg-${group}`, priority: 100 + out.length, application_rule_collection: [{ name: `${group}-allow`, priority: 100, action: 'Allow', rule: rules }], network_rule_collection: [] }, { firewall_policy_id: true }, { firewall_policy_id: refs('azurerm_firewall_policy.hub.id'), for_each: true }));
  }
  for (const zone of ZONES) {
    out.push(resource('', 'azurerm_private_dns_zone', 'this', zone, { name: zone, resource_group_name: rg, tags: {} }, { number_of_record_sets: true }, { for_each: true }));
    out.push(
      resource('', 'azurerm_private_dns_zone_virtual_network_link', 'hub', zone, { name: `hub-${zoneKey(zone)}`, resource_group_name: rg, private_dns_zone_name: zone, registration_enabled: false, tags: {} }, { virtual_network_id: true }, {
        virtual_network_id: refs('azurerm_virtual_network.hub.id'),
        private_dns_zone_name: refs('azurerm_private_dns_zone.this.name'),
        for_each: true,
      }),
    );
  }
  return out;
}

/** The corpus mix of plumbing and services around the endpoints (subnets, NSG rules, public IPs, ...). */
function spokeResources(seed, index) {
  const r = makeRandom(seed * 1_000_003 + index);
  const key = `spoke-${String(index).padStart(5, '0')}`;
  const module = `module.spoke[${JSON.stringify(key)}]`;
  const loc = r.pick(['westeurope', 'westeurope', 'northeurope']);
  const rg = `rg-${key}`;
  const vnet = `vnet-${key}`;
  const out = [resource(module, 'azurerm_resource_group', 'this', undefined, { name: rg, location: loc, tags: { env: 'prod' } })];
  // Half the spokes resolve DNS through the hub firewall's proxy, the rest use Azure DNS.
  const viaHub = r.bool(0.5);
  out.push(resource(module, 'azurerm_virtual_network', 'this', undefined, { ...common(r, vnet, rg, loc), address_space: [`10.${index % 250}.0.0/16`], dns_servers: viaHub ? [FIREWALL_IP] : [] }, { guid: true, subnet: true }));
  const subnets = ['snet-app', 'snet-pe', ...(r.bool(0.4) ? ['snet-aks'] : []), ...(r.bool(0.3) ? ['snet-db'] : [])];
  subnets.forEach((name, i) => out.push(resource(module, 'azurerm_subnet', 'this', name, { name, resource_group_name: rg, virtual_network_name: vnet, address_prefixes: [`10.${index % 250}.${i}.0/24`], delegation: [] }, {}, { virtual_network_name: refs('azurerm_virtual_network.this.name'), for_each: true })));
  out.push(resource(module, 'azurerm_network_security_group', 'this', undefined, common(r, `nsg-${key}`, rg, loc)));
  for (let i = 0, n = r.int(3, 10); i < n; i++) {
    out.push(resource(module, 'azurerm_network_security_rule', 'this', `rule-${i}`, { name: `rule-${i}`, resource_group_name: rg, network_security_group_name: `nsg-${key}`, priority: 100 + i, direction: r.pick(['Inbound', 'Outbound']), access: r.pick(['Allow', 'Deny']), protocol: 'Tcp', source_port_range: '*', destination_port_range: String(r.pick([22, 443, 1433, 3389])), source_address_prefix: r.pick(['*', 'VirtualNetwork', '10.0.0.0/8']), destination_address_prefix: '*' }, {}, { for_each: true }));
  }
  out.push(resource(module, 'azurerm_route_table', 'this', undefined, { ...common(r, `rt-${key}`, rg, loc), route: [{ name: 'default', address_prefix: '0.0.0.0/0', next_hop_type: 'VirtualAppliance', next_hop_in_ip_address: FIREWALL_IP }] }));
  for (let i = 0, n = r.int(1, 4); i < n; i++) out.push(resource(module, 'azurerm_public_ip', 'this', `pip-${i}`, { ...common(r, `pip-${key}-${i}`, rg, loc), allocation_method: 'Static', sku: 'Standard' }, { ip_address: true }, { for_each: true }));
  for (let i = 0, n = r.int(1, 4); i < n; i++) out.push(resource(module, 'azurerm_network_interface', 'this', `nic-${i}`, { ...common(r, `nic-${key}-${i}`, rg, loc), ip_configuration: [{ name: 'ipconfig', private_ip_address_allocation: 'Dynamic' }] }, { ip_configuration: [{ subnet_id: true }] }, { ip_configuration: [{ subnet_id: refs('azurerm_subnet.this["snet-app"].id') }], for_each: true }));
  for (let i = 0, n = r.int(2, 5); i < n; i++) out.push(resource(module, 'azurerm_role_assignment', 'this', `ra-${i}`, { role_definition_name: r.pick(['Reader', 'Contributor', 'AcrPull']), principal_id: SUB }, { scope: true }, { for_each: true }));
  out.push(resource(module, 'random_string', 'suffix', undefined, { length: 6, special: false, upper: false }, { result: true }));

  // Services, most behind a private endpoint; the rest public (PUB findings) or locked without one.
  const chosen = Object.keys(SERVICES).filter(() => r.bool(0.6));
  if (chosen.length === 0) chosen.push('kv');
  for (const svc of chosen) {
    const name = `${svc}${key.replace(/-/g, '')}`;
    const base = common(r, name, rg, loc);
    const locked = r.bool(0.7);
    switch (svc) {
      case 'acr':
        out.push(resource(module, 'azurerm_container_registry', 'this', undefined, { ...base, sku: r.pick(['Premium', 'Premium', 'Standard']), admin_enabled: r.bool(0.2), public_network_access_enabled: !locked, network_rule_bypass_option: r.pick(['AzureServices', 'None']), anonymous_pull_enabled: false, data_endpoint_enabled: false, network_rule_set: [] }, { login_server: true }));
        break;
      case 'kv':
        out.push(resource(module, 'azurerm_key_vault', 'this', undefined, { ...base, sku_name: 'standard', tenant_id: SUB, public_network_access_enabled: !locked, network_acls: [{ default_action: locked ? 'Deny' : 'Allow', bypass: 'AzureServices', ip_rules: [] }] }, { vault_uri: true }));
        break;
      case 'st':
        out.push(resource(module, 'azurerm_storage_account', 'this', undefined, { ...base, account_tier: 'Standard', account_replication_type: 'LRS', account_kind: 'StorageV2', public_network_access_enabled: !locked, allow_nested_items_to_be_public: r.bool(0.2), shared_access_key_enabled: true }, { primary_blob_endpoint: true }));
        break;
      case 'sql':
        out.push(resource(module, 'azurerm_mssql_server', 'this', undefined, { ...base, version: '12.0', public_network_access_enabled: !locked, minimum_tls_version: '1.2' }, { fully_qualified_domain_name: true }));
        break;
      case 'web':
        out.push(resource(module, 'azurerm_linux_web_app', 'this', undefined, { ...base, public_network_access_enabled: !locked, https_only: true, site_config: [{ minimum_tls_version: '1.2' }] }, { default_hostname: true, service_plan_id: true }));
        break;
    }
    if (!locked && r.bool(0.5)) continue;
    const withGroup = r.bool(0.85);
    const zone = r.bool(0.95) ? SERVICES[svc].zone : r.pick(ZONES);
    out.push(
      resource(
        module,
        'azurerm_private_endpoint',
        'this',
        svc,
        { ...base, name: `pe-${name}`, private_service_connection: [{ name: `psc-${name}`, is_manual_connection: false, subresource_names: [SERVICES[svc].subresource] }], private_dns_zone_group: withGroup ? [{ name: 'default' }] : [] },
        { subnet_id: true, network_interface: true, private_service_connection: [{ private_connection_resource_id: true, private_ip_address: true }], private_dns_zone_group: withGroup ? [{ id: true, private_dns_zone_ids: true }] : [] },
        // One block for_each'd over the services: each instance's references are followed through `each`.
        {
          subnet_id: refs('azurerm_subnet.this["snet-pe"].id'),
          private_service_connection: [{ private_connection_resource_id: refs(`${SERVICES[svc].type}.this.id`) }],
          private_dns_zone_group: withGroup ? [{ private_dns_zone_ids: refs(`var.zone_id_${zoneKey(zone)}`) }] : [],
          for_each: true,
        },
      ),
    );
  }
  // The spoke links the zones it uses to its own VNet, except when it resolves through the hub (or forgot).
  if (!viaHub && r.bool(0.8)) {
    for (const zone of ZONES.slice(0, r.int(3, ZONES.length))) {
      out.push(resource(module, 'azurerm_private_dns_zone_virtual_network_link', 'this', zone, { name: `${key}-${zoneKey(zone)}`, resource_group_name: 'rg-hub-weu', private_dns_zone_name: zone, registration_enabled: false, tags: {} }, { virtual_network_id: true }, { virtual_network_id: refs('azurerm_virtual_network.this.id'), for_each: true }));
    }
  }
  out.push(resource('', 'azurerm_virtual_network_peering', 'hub_to_spoke', key, { name: `hub-to-${key}`, resource_group_name: 'rg-hub-weu', virtual_network_name: 'vnet-hub-weu', allow_forwarded_traffic: true, use_remote_gateways: false }, { remote_virtual_network_id: true }, { for_each: true }));
  return out;
}

/** The estate, one group (the hub, then each spoke) at a time, cut to exactly `total` resources. */
function* estate(total, seed) {
  let emitted = 0;
  const take = (group) => {
    const kept = group.slice(0, total - emitted);
    emitted += kept.length;
    return kept;
  };
  yield { key: '', resources: take(hubResources(seed)) };
  for (let index = 1; emitted < total; index++) yield { key: `spoke-${String(index).padStart(5, '0')}`, resources: take(spokeResources(seed, index)) };
}

const providerOf = (type) => (type.startsWith('azapi') ? AZAPI : type.startsWith('random') ? RANDOM : AZURERM);

/** Buffered synchronous writer: strings are joined into ~1 MB blocks, never into one document string. */
function writer(out) {
  mkdirSync(dirname(out), { recursive: true });
  const fd = openSync(out, 'w');
  let parts = [];
  let size = 0;
  const flush = () => {
    if (parts.length) writeSync(fd, parts.join(''));
    parts = [];
    size = 0;
  };
  return {
    write(text) {
      parts.push(text);
      size += text.length;
      if (size > 1 << 20) flush();
    },
    close() {
      flush();
      closeSync(fd);
    },
  };
}

/** A list written element by element from a generator, with commas. */
function writeList(w, items) {
  w.write('[');
  let first = true;
  for (const item of items) {
    if (!first) w.write(',');
    first = false;
    w.write(typeof item === 'string' ? item : JSON.stringify(item));
  }
  w.write(']');
}

/** Configuration blocks are per block, not per instance: the first instance of each block stands for it. */
function configurationBlocks(resources) {
  const blocks = new Map();
  for (const r of resources) {
    if (blocks.has(`${r.type}.${r.name}`)) continue;
    const expressions = Object.fromEntries(Object.entries(r.expressions).filter(([k]) => k !== 'for_each'));
    for (const k of Object.keys(r.values)) if (!(k in expressions) && k !== 'tags') expressions[k] = { constant_value: r.values[k] };
    blocks.set(`${r.type}.${r.name}`, {
      address: `${r.type}.${r.name}`,
      mode: 'managed',
      type: r.type,
      name: r.name,
      provider_config_key: r.type.split('_')[0],
      expressions,
      schema_version: 0,
      ...(r.expressions.for_each ? { for_each_expression: r.module ? refs('var.names') : { constant_value: null } } : {}),
    });
  }
  return [...blocks.values()];
}

export function writePlan(out, total, seed = 1) {
  const w = writer(out);
  const planned = (r) => ({ address: r.address, mode: 'managed', type: r.type, name: r.name, ...(r.key !== undefined ? { index: r.key } : {}), provider_name: providerOf(r.type), schema_version: 0, values: r.values, sensitive_values: { tags: {} } });
  w.write(`{"format_version":"1.2","terraform_version":"1.9.4","variables":{"location":{"value":"westeurope"}},"planned_values":{"root_module":{"resources":`);
  // The hub is the root module; spoke instances are child modules (root resources also include peerings, written after).
  const peerings = [];
  writeList(w, (function* () {
    for (const group of estate(total, seed)) for (const r of group.resources) if (!r.module) (group.key ? peerings.push(planned(r)) : yield planned(r));
  })());
  w.write(',"child_modules":');
  writeList(w, (function* () {
    for (const group of estate(total, seed)) {
      const inModule = group.resources.filter((r) => r.module);
      if (group.key && inModule.length) yield { address: `module.spoke[${JSON.stringify(group.key)}]`, resources: inModule.map(planned) };
    }
  })());
  w.write('}},"resource_changes":');
  writeList(w, (function* () {
    for (const group of estate(total, seed)) {
      for (const r of group.resources) {
        yield { address: r.address, ...(r.module ? { module_address: r.module } : {}), mode: 'managed', type: r.type, name: r.name, ...(r.key !== undefined ? { index: r.key } : {}), provider_name: providerOf(r.type), change: { actions: ['create'], before: null, after: r.values, after_unknown: r.unknown, before_sensitive: false, after_sensitive: { tags: {} } } };
      }
    }
  })());
  // Configuration: blocks of the hub and of one spoke (every spoke instance shares the module's blocks).
  const groups = estate(total, seed);
  const hub = groups.next().value.resources;
  const rootBlocks = configurationBlocks([...hub, ...(total > hub.length ? spokeResources(seed, 1).filter((r) => !r.module) : [])]);
  const spokeBlocks = configurationBlocks(Array.from({ length: 8 }, (_, i) => spokeResources(seed, i + 1)).flat().filter((r) => r.module));
  const zoneInputs = Object.fromEntries(ZONES.map((zone) => [`zone_id_${zoneKey(zone)}`, refs(`azurerm_private_dns_zone.this[${JSON.stringify(zone)}].id`)]));
  const configuration = {
    provider_config: { azurerm: { name: 'azurerm', full_name: AZURERM }, random: { name: 'random', full_name: RANDOM } },
    root_module: {
      resources: rootBlocks,
      module_calls: {
        spoke: {
          source: './modules/spoke',
          for_each_expression: refs('local.spokes'),
          // Each zone's id goes in as its own input, as landing-zone modules take them.
          expressions: { ...zoneInputs, location: refs('var.location') },
          module: { outputs: { vnet_id: { expression: refs('azurerm_virtual_network.this.id') } }, resources: spokeBlocks, variables: Object.fromEntries([...Object.keys(zoneInputs), 'location', 'names'].map((k) => [k, {}])) },
        },
      },
    },
  };
  w.write(`,"configuration":${JSON.stringify(configuration)},"timestamp":"2024-09-01T00:00:00Z","errored":false}`);
  w.close();
}

const ARM_TYPES = {
  azurerm_container_registry: 'microsoft.containerregistry/registries', azurerm_key_vault: 'microsoft.keyvault/vaults', azurerm_storage_account: 'microsoft.storage/storageaccounts',
  azurerm_kubernetes_cluster: 'microsoft.containerservice/managedclusters', azurerm_log_analytics_workspace: 'microsoft.operationalinsights/workspaces', azurerm_private_endpoint: 'microsoft.network/privateendpoints',
  azurerm_virtual_network: 'microsoft.network/virtualnetworks', azurerm_linux_web_app: 'microsoft.web/sites', azurerm_mssql_server: 'microsoft.sql/servers', azurerm_public_ip: 'microsoft.network/publicipaddresses',
  azurerm_private_dns_zone: 'microsoft.network/privatednszones', azurerm_network_security_group: 'microsoft.network/networksecuritygroups', azurerm_route_table: 'microsoft.network/routetables',
  azurerm_network_interface: 'microsoft.network/networkinterfaces', azurerm_firewall: 'microsoft.network/azurefirewalls',
};

/** The same estate as Resource Graph rows: ids are known, so links go by id. */
export function writeSnapshot(out, total, seed = 1) {
  const w = writer(out);
  const idOf = (r) => {
    const type = ARM_TYPES[r.type] ?? 'microsoft.resources/tags';
    const [provider, ...rest] = type.split('/');
    return `/subscriptions/${SUB}/resourceGroups/${r.values.resource_group_name ?? 'rg-hub-weu'}/providers/${provider}/${rest.join('/')}/${r.values.name ?? r.name}`;
  };
  let count = 0;
  const rows = function* () {
    for (const group of estate(total, seed)) {
      const vnetOf = group.resources.find((r) => r.type === 'azurerm_virtual_network');
      for (const r of group.resources) {
        if (!ARM_TYPES[r.type] || r.type === 'azurerm_subnet') continue;
        const id = idOf(r);
        const properties = { publicNetworkAccess: r.values.public_network_access_enabled === false ? 'Disabled' : 'Enabled', allowBlobPublicAccess: r.values.allow_nested_items_to_be_public ?? false, adminUserEnabled: r.values.admin_enabled ?? false };
        if (r.type === 'azurerm_virtual_network') {
          properties.subnets = group.resources.filter((s) => s.type === 'azurerm_subnet').map((s) => ({ name: s.key, properties: { addressPrefixes: s.values.address_prefixes } }));
          properties.dhcpOptions = { dnsServers: r.values.dns_servers };
        }
        if (r.type === 'azurerm_private_endpoint' && vnetOf) {
          properties.subnet = { id: `${idOf(vnetOf)}/subnets/snet-pe` };
          properties.privateLinkServiceConnections = r.values.private_service_connection.map((c) => ({ name: c.name, properties: { groupIds: c.subresource_names, privateLinkServiceConnectionState: { status: 'Approved' } } }));
        }
        count++;
        yield { id, name: r.values.name ?? r.name, type: ARM_TYPES[r.type], location: r.values.location ?? 'westeurope', resourceGroup: r.values.resource_group_name ?? 'rg-hub-weu', subscriptionId: SUB, tags: r.values.tags ?? {}, sku: r.type === 'azurerm_container_registry' ? { name: r.values.sku } : null, properties };
      }
    }
  };
  // Rows are counted as they are written, so the counts follow the data (key order does not matter in JSON).
  w.write('{"data":');
  writeList(w, rows());
  w.write(`,"count":${count},"skip_token":null,"total_records":${count}}`);
  w.close();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      kind: { type: 'string', default: 'plan' },
      resources: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
    },
  });
  const total = Number(values.resources);
  const out = values.out ?? `bench/out/${values.kind}-${total}.json`;
  if (values.kind === 'snapshot') writeSnapshot(out, total, Number(values.seed));
  else writePlan(out, total, Number(values.seed));
  console.log(out);
}
