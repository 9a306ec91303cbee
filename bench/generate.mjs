#!/usr/bin/env node
// Generates a synthetic but realistic Terraform plan (`terraform show -json` shape) or Resource Graph
// snapshot with N resources. The same --seed gives the same file.
//   node bench/generate.mjs --kind plan --resources 10000 --seed 1 --out bench/out/plan-10k.json
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    kind: { type: 'string', default: 'plan' },
    resources: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});
const total = Number(values.resources);
let state = Number(values.seed) >>> 0 || 1;
/** mulberry32: a tiny seeded PRNG, so files are reproducible. */
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const bool = (p) => random() < p;

// The corpus mix: mostly network plumbing, some of the types the rules read.
const MIX = [
  ['azurerm_subnet', 14], ['azurerm_network_security_rule', 8], ['azurerm_resource_group', 6], ['azurerm_public_ip', 6],
  ['azurerm_virtual_network', 5], ['azurerm_role_assignment', 5], ['azurerm_network_interface', 4], ['azurerm_private_endpoint', 6],
  ['azurerm_private_dns_zone', 3], ['azurerm_private_dns_zone_virtual_network_link', 3], ['azurerm_key_vault', 4], ['azurerm_storage_account', 5],
  ['azurerm_container_registry', 3], ['azurerm_kubernetes_cluster', 2], ['azurerm_log_analytics_workspace', 2], ['azurerm_linux_web_app', 3],
  ['azurerm_mssql_server', 2], ['azurerm_container_app_environment', 2], ['azurerm_firewall_policy_rule_collection_group', 2], ['azurerm_route_table', 3],
  ['azapi_resource', 3], ['random_string', 2],
];
const weights = MIX.reduce((sum, [, w]) => sum + w, 0);
function pickType() {
  let r = random() * weights;
  for (const [type, w] of MIX) if ((r -= w) < 0) return type;
  return MIX[0][0];
}

function valuesFor(type, name) {
  const common = { name, location: pick(['westeurope', 'northeurope', 'eastus2']), resource_group_name: `rg-${name.slice(0, 6)}`, tags: { env: pick(['dev', 'prod']), owner: 'platform' } };
  switch (type) {
    case 'azurerm_container_registry':
      return { ...common, sku: pick(['Basic', 'Standard', 'Premium', 'Premium']), admin_enabled: bool(0.3), public_network_access_enabled: bool(0.5), network_rule_bypass_option: pick(['AzureServices', 'None']), anonymous_pull_enabled: false, data_endpoint_enabled: false, network_rule_set: bool(0.3) ? [{ default_action: 'Deny', ip_rule: bool(0.5) ? [{ action: 'Allow', ip_range: '203.0.113.0/24' }] : [] }] : [] };
    case 'azurerm_key_vault':
      return { ...common, sku_name: 'standard', tenant_id: '00000000-0000-0000-0000-000000000000', public_network_access_enabled: bool(0.5), network_acls: [{ default_action: pick(['Allow', 'Deny']), bypass: 'AzureServices', ip_rules: [] }] };
    case 'azurerm_storage_account':
      return { ...common, account_tier: 'Standard', account_replication_type: 'LRS', account_kind: 'StorageV2', public_network_access_enabled: bool(0.5), allow_nested_items_to_be_public: bool(0.3), shared_access_key_enabled: true };
    case 'azurerm_kubernetes_cluster':
      return { ...common, dns_prefix: name, private_cluster_enabled: bool(0.5), default_node_pool: [{ name: 'system', vm_size: 'Standard_D4s_v5', node_count: 3 }], network_profile: [{ network_plugin: 'azure', outbound_type: pick(['loadBalancer', 'userDefinedRouting']) }] };
    case 'azurerm_log_analytics_workspace':
      return { ...common, sku: 'PerGB2018', internet_ingestion_enabled: bool(0.5), internet_query_enabled: bool(0.5) };
    case 'azurerm_private_endpoint':
      return { ...common, subnet_id: null, private_service_connection: [{ name: `${name}-psc`, is_manual_connection: false, subresource_names: [pick(['registry', 'vault', 'blob'])] }], private_dns_zone_group: bool(0.7) ? [{ name: 'default', private_dns_zone_ids: [] }] : [] };
    case 'azurerm_subnet':
      return { name, resource_group_name: common.resource_group_name, virtual_network_name: `vnet-${name.slice(0, 4)}`, address_prefixes: [`10.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}.0/24`], delegation: [] };
    case 'azurerm_firewall_policy_rule_collection_group':
      return { name, priority: 100, application_rule_collection: [{ name: 'allow-web', priority: 100, action: 'Allow', rule: Array.from({ length: 8 }, (_, i) => ({ name: `r${i}`, source_addresses: ['10.0.0.0/8'], destination_fqdns: [pick(['mcr.microsoft.com', '*.data.mcr.microsoft.com', 'dev.azure.com', 'login.microsoftonline.com'])], protocols: [{ type: 'Https', port: 443 }] })) }] };
    case 'azapi_resource':
      return { type: 'Microsoft.ContainerRegistry/registries@2023-07-01', name, location: common.location, parent_id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg', body: { sku: { name: 'Premium' }, properties: { publicNetworkAccess: pick(['Enabled', 'Disabled']), adminUserEnabled: false } } };
    default:
      return common;
  }
}

function planResources() {
  const resources = [];
  const modules = Math.max(1, Math.floor(total / 250));
  for (let i = 0; i < total; i++) {
    const type = pickType();
    const moduleIndex = i % (modules + 1);
    const module = moduleIndex === 0 ? '' : `module.app${moduleIndex}["${pick(['a', 'b', 'c'])}${moduleIndex}"].`;
    const name = `r${i}`;
    resources.push({ address: `${module}${type}.${name}`, module: module.slice(0, -1), type, name, values: valuesFor(type, `${type.replace(/^azurerm_|^azapi_/, '').slice(0, 8)}${i}`) });
  }
  return resources;
}

function writePlan(out) {
  const resources = planResources();
  const byModule = new Map();
  for (const r of resources) {
    if (!byModule.has(r.module)) byModule.set(r.module, []);
    byModule.get(r.module).push(r);
  }
  const planned = (r) => ({ address: r.address, mode: 'managed', type: r.type, name: r.name, provider_name: r.type.startsWith('azapi') ? 'registry.terraform.io/azure/azapi' : 'registry.terraform.io/hashicorp/azurerm', schema_version: 0, values: r.values, sensitive_values: {} });
  const childModules = [...byModule.entries()].filter(([module]) => module).map(([module, list]) => ({ address: module, resources: list.map(planned) }));
  const configurationModules = {};
  for (const [module, list] of byModule) {
    if (!module) continue;
    const callName = module.replace(/^module\.|\[.*$/g, '');
    configurationModules[callName] ??= { source: `./modules/${callName}`, module: { resources: [] } };
    for (const r of list) configurationModules[callName].module.resources.push({ address: `${r.type}.${r.name}`, mode: 'managed', type: r.type, name: r.name, expressions: Object.fromEntries(Object.keys(r.values).map((k) => [k, { constant_value: r.values[k] }])) });
  }
  const plan = {
    format_version: '1.2',
    terraform_version: '1.9.4',
    planned_values: { root_module: { resources: (byModule.get('') ?? []).map(planned), child_modules: childModules } },
    resource_changes: resources.map((r) => ({ address: r.address, ...(r.module ? { module_address: r.module } : {}), mode: 'managed', type: r.type, name: r.name, provider_name: planned(r).provider_name, change: { actions: ['create'], before: null, after: r.values, after_unknown: { id: true }, before_sensitive: false, after_sensitive: {} } })),
    configuration: { root_module: { resources: (byModule.get('') ?? []).map((r) => ({ address: r.address, mode: 'managed', type: r.type, name: r.name, expressions: {} })), module_calls: configurationModules } },
  };
  return writeStreamed(out, plan);
}

const ARM_TYPES = {
  azurerm_container_registry: 'microsoft.containerregistry/registries', azurerm_key_vault: 'microsoft.keyvault/vaults', azurerm_storage_account: 'microsoft.storage/storageaccounts',
  azurerm_kubernetes_cluster: 'microsoft.containerservice/managedclusters', azurerm_log_analytics_workspace: 'microsoft.operationalinsights/workspaces', azurerm_private_endpoint: 'microsoft.network/privateendpoints',
  azurerm_subnet: 'microsoft.network/virtualnetworks', azurerm_linux_web_app: 'microsoft.web/sites', azurerm_mssql_server: 'microsoft.sql/servers', azurerm_public_ip: 'microsoft.network/publicipaddresses',
};
function writeSnapshot(out) {
  const rows = [];
  for (let i = 0; i < total; i++) {
    const type = ARM_TYPES[pickType()] ?? 'microsoft.network/networksecuritygroups';
    const name = `res${i}`;
    const [provider, ...rest] = type.split('/');
    rows.push({ id: `/subscriptions/00000000-0000-0000-0000-00000000000${i % 10}/resourceGroups/rg-${i % 97}/providers/${provider}/${rest.join('/')}/${name}`, name, type, location: 'westeurope', resourceGroup: `rg-${i % 97}`, subscriptionId: '00000000-0000-0000-0000-000000000000', tags: {}, sku: type.endsWith('registries') ? { name: pick(['Basic', 'Premium']) } : null, properties: { publicNetworkAccess: pick(['Enabled', 'Disabled']), allowBlobPublicAccess: bool(0.3), adminUserEnabled: bool(0.2) } });
  }
  return writeStreamed(out, { count: rows.length, data: rows, skip_token: null, total_records: rows.length });
}

/** Writes large documents piecewise: one JSON.stringify of a 500k-resource plan would exceed V8's string limit. */
function writeStreamed(out, document) {
  mkdirSync(dirname(out), { recursive: true });
  const stream = createWriteStream(out);
  const write = (value) => {
    if (Array.isArray(value) && value.length > 1000) {
      stream.write('[');
      value.forEach((item, i) => {
        if (i) stream.write(',');
        write(item);
      });
      stream.write(']');
    } else if (value && typeof value === 'object' && !Array.isArray(value) && JSON.stringify(value).length > 1_000_000) {
      stream.write('{');
      Object.entries(value).forEach(([key, item], i) => {
        if (i) stream.write(',');
        stream.write(`${JSON.stringify(key)}:`);
        write(item);
      });
      stream.write('}');
    } else stream.write(JSON.stringify(value));
  };
  write(document);
  return new Promise((resolve) => stream.end(resolve));
}

const out = values.out ?? `bench/out/${values.kind}-${total}.json`;
await (values.kind === 'snapshot' ? writeSnapshot(out) : writePlan(out));
console.log(out);
