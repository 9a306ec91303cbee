import { describe, expect, it } from 'vitest';
import { mapAttributes, normalizeAzurerm, type NormalizedBody } from '../../src/inputs/terraform/normalize-azurerm.js';
import { canonicalArmType } from '../../src/model/arm-types.js';
import { REDACTED, UNKNOWN } from '../../src/model/values.js';

/**
 * azurerm planned values as the ARM resource rules read, and where each property came from (the attribute
 * a finding names, its planned value, whether it is the provider's default). In-process, so that each
 * mutant of the normalizer is tried against these in milliseconds.
 */
const planned = (value: Record<string, unknown>, unknown: Record<string, unknown> = {}, sensitive: Record<string, unknown> = {}) => ({ value, unknown, sensitive });

function body(type: string, value: Record<string, unknown>, unknown: Record<string, unknown> = {}, sensitive: Record<string, unknown> = {}, majors?: { min: number; max: number }): NormalizedBody {
  const normalized = normalizeAzurerm(type, planned(value, unknown, sensitive), undefined, majors);
  if (!normalized || 'unclassified' in normalized) throw new Error(`${type} did not normalize to a body`);
  return normalized;
}

describe('normalized azurerm resources: the ARM properties and the attributes they came from', () => {
  it('a registry: values mapped to ARM words, defaults for what the plan leaves out, said to be defaults', () => {
    const registry = body('azurerm_container_registry', { sku: 'Premium', public_network_access_enabled: false, admin_enabled: true });
    expect(registry.armType).toBe('Microsoft.ContainerRegistry/registries');
    expect(registry.body).toMatchObject({
      sku: { name: 'Premium' },
      properties: { publicNetworkAccess: 'Disabled', adminUserEnabled: true, anonymousPullEnabled: false, networkRuleSet: { defaultAction: 'Allow' }, zoneRedundancy: 'Disabled' },
    });
    expect(registry.attributeOf.get('properties.publicNetworkAccess')).toEqual({ attribute: 'public_network_access_enabled', value: false });
    expect(registry.attributeOf.get('properties.adminUserEnabled')).toEqual({ attribute: 'admin_enabled', value: true });
    // a default in ARM words is shown as the attribute's own value: an azurerm user never wrote `Disabled`
    expect(registry.attributeOf.get('properties.zoneRedundancy')).toEqual({ attribute: 'zone_redundancy_enabled', value: false, defaulted: true });
    expect(registry.attributeOf.get('properties.anonymousPullEnabled')).toEqual({ attribute: 'anonymous_pull_enabled', value: false, defaulted: true });
    expect(registry.attributeOf.get('properties.networkRuleSet.defaultAction')).toEqual({ attribute: 'network_rule_set[0].default_action', value: 'Allow', defaulted: true });
    const open = body('azurerm_container_registry', { sku: 'Basic' });
    expect(open.body['properties']).toMatchObject({ publicNetworkAccess: 'Enabled' });
    expect(open.attributeOf.get('properties.publicNetworkAccess')).toEqual({ attribute: 'public_network_access_enabled', value: true, defaulted: true });
    // an attribute with no default and no value is not there at all
    expect(open.body['properties']).not.toHaveProperty('dataEndpointHostNames');
    expect(open.attributeOf.has('properties.dataEndpointHostNames')).toBe(false);
    // a value outside the table is kept as written
    expect(body('azurerm_container_registry', { zone_redundancy_enabled: 'maybe' }).body['properties']).toMatchObject({ zoneRedundancy: 'maybe' });
  });

  it('a resource with nothing mapped set still has properties; an unmapped type is not normalized; mapped types keep their ARM casing', () => {
    const pool = body('azurerm_managed_devops_pool', {});
    expect(pool.body).toEqual({ properties: {} });
    expect(pool.attributeOf.size).toBe(0);
    expect(normalizeAzurerm('azurerm_resource_group_policy_assignment', planned({ name: 'x' }))).toBeUndefined();
    expect(normalizeAzurerm('constructor', planned({}))).toBeUndefined();
    expect(canonicalArmType('microsoft.devopsinfrastructure/pools')).toBe('Microsoft.DevOpsInfrastructure/pools');
  });

  it('values known only after apply stay unknown, as a whole or per list member', () => {
    const registry = body('azurerm_container_registry', { sku: 'Premium', network_rule_set: [{ default_action: 'Deny', ip_rule: [{ ip_range: '1.2.3.4/32', action: 'Allow' }, {}] }] }, { public_network_access_enabled: true, network_rule_set: [{ ip_rule: [false, true] }] });
    expect(registry.body['properties']).toMatchObject({ publicNetworkAccess: UNKNOWN, networkRuleSet: { defaultAction: 'Deny', ipRules: [{ value: '1.2.3.4/32', action: 'Allow' }, UNKNOWN] } });
    expect(registry.attributeOf.get('properties.publicNetworkAccess')).toEqual({ attribute: 'public_network_access_enabled', value: UNKNOWN });
    const wholeList = body('azurerm_container_registry', { network_rule_set: [{}] }, { network_rule_set: [{ ip_rule: true }] });
    expect((wholeList.body['properties'] as { networkRuleSet: unknown }).networkRuleSet).toEqual({ defaultAction: 'Allow', ipRules: UNKNOWN });
    // a list attribute that is not a list reads as not set
    const notList = body('azurerm_container_registry', { network_rule_set: [{ ip_rule: 'x' }] });
    expect((notList.body['properties'] as { networkRuleSet: unknown }).networkRuleSet).toEqual({ defaultAction: 'Allow' });
    // a sensitive member is REDACTED, never its value
    const sensitive = body('azurerm_container_registry', { network_rule_set: [{ ip_rule: [{ ip_range: '10.0.0.1/32', action: 'Allow' }] }] }, {}, { network_rule_set: [{ ip_rule: [{ ip_range: true }] }] });
    expect((sensitive.body['properties'] as { networkRuleSet: { ipRules: unknown } }).networkRuleSet.ipRules).toEqual([{ value: REDACTED, action: 'Allow' }]);
    expect(JSON.stringify([...sensitive.attributeOf])).not.toContain('10.0.0.1');
  });

  it('a block list (object value) keeps per-member marks; an unknown the configuration does not set is the default', () => {
    const vault = body('azurerm_key_vault', { network_acls: [{ default_action: 'Deny', ip_rules: ['1.1.1.1', '2.2.2.2'] }] }, { network_acls: [{ ip_rules: [false, true] }] });
    expect(vault.body['properties']).toMatchObject({ networkAcls: { defaultAction: 'Deny', ipRules: [{ value: '1.1.1.1' }, UNKNOWN] } });
    const tagged = body('azurerm_key_vault', { tags: { owner: 'a', cost: 'b' } }, { tags: { cost: true } });
    expect(tagged.body['tags']).toEqual({ owner: 'a', cost: UNKNOWN });
    const notConfigured = normalizeAzurerm('azurerm_container_registry', planned({}, { public_network_access_enabled: true }), (attribute) => attribute !== 'public_network_access_enabled') as NormalizedBody;
    expect(notConfigured.body['properties']).toMatchObject({ publicNetworkAccess: 'Enabled' });
    expect(notConfigured.attributeOf.get('properties.publicNetworkAccess')).toMatchObject({ defaulted: true });
    const configured = normalizeAzurerm('azurerm_container_registry', planned({}, { public_network_access_enabled: true }), () => true) as NormalizedBody;
    expect(configured.body['properties']).toMatchObject({ publicNetworkAccess: UNKNOWN });
  });

  it('a default is shown in the attribute\'s own words where its value table has it, else as the ARM value', () => {
    const defaulted = (values: Record<string, unknown>, fallback: unknown) => mapAttributes([{ arm: 'properties.mode', from: { tf: 'mode', values }, default: fallback }], planned({})).attributeOf.get('properties.mode');
    expect(defaulted({ true: 'Enabled', false: 'Disabled' }, 'Disabled')).toEqual({ attribute: 'mode', value: false, defaulted: true });
    expect(defaulted({ standard: 'Standard_LRS', premium: 'Premium_LRS' }, 'Premium_LRS')).toEqual({ attribute: 'mode', value: 'premium', defaulted: true });
    expect(defaulted({ true: 'Enabled', false: 'Disabled' }, 'Automatic')).toEqual({ attribute: 'mode', value: 'Automatic', defaulted: true });
  });

  it('a default that changed with a provider major: each side of it, and unknown (with why) when the plan admits both', () => {
    const v5 = body('azurerm_storage_account', {}, {}, {}, { min: 5, max: 5 });
    expect(v5.body['properties']).toMatchObject({ allowBlobPublicAccess: false });
    expect(v5.attributeOf.get('properties.allowBlobPublicAccess')).toEqual({ attribute: 'allow_nested_items_to_be_public', value: false, defaulted: true });
    const v4 = body('azurerm_storage_account', {}, {}, {}, { min: 3, max: 4 });
    expect(v4.body['properties']).toMatchObject({ allowBlobPublicAccess: true });
    expect(v4.attributeOf.get('properties.allowBlobPublicAccess')).toEqual({ attribute: 'allow_nested_items_to_be_public', value: true, defaulted: true });
    const open = body('azurerm_storage_account', {}, {}, {}, { min: 4, max: Infinity });
    expect(open.body['properties']).toMatchObject({ allowBlobPublicAccess: UNKNOWN });
    expect(open.attributeOf.get('properties.allowBlobPublicAccess')).toEqual({
      attribute: 'allow_nested_items_to_be_public',
      value: UNKNOWN,
      undecided: "not set, and its default depends on the azurerm major version (up to v4: true; v5 on: false), which the plan's version constraints leave open (v4 or later); set it explicitly",
    });
    const from3to5 = body('azurerm_storage_account', {}, {}, {}, { min: 3, max: 5 });
    expect(from3to5.attributeOf.get('properties.allowBlobPublicAccess')!.undecided).toContain('leave open (v3 to v5)');
    // a default with two spellings and no provider version names both, and shows the default as the boolean spelling's value
    expect(body('azurerm_log_analytics_workspace', {}).attributeOf.get('properties.publicNetworkAccessForIngestion')).toEqual({ attribute: 'internet_ingestion_access_type or internet_ingestion_enabled', value: true, defaulted: true });
    // the older spelling still read; a default without a version names every spelling
    const old = body('azurerm_storage_account', { allow_blob_public_access: false });
    expect(old.attributeOf.get('properties.allowBlobPublicAccess')).toEqual({ attribute: 'allow_blob_public_access', value: false });
    expect(body('azurerm_storage_account', {}).attributeOf.get('properties.allowSharedKeyAccess')).toEqual({ attribute: 'shared_access_key_enabled', value: true, defaulted: true });
  });
});

describe('credentials in azurerm attributes never enter the model', () => {
  const job = (container: Record<string, unknown>, scale: Record<string, unknown> = {}, unknown: Record<string, unknown> = {}) =>
    body('azurerm_container_app_job', { template: [{ container: [container] }], event_trigger_config: [{ scale: [{ rules: [scale] }] }] }, unknown);
  const env = (normalized: NormalizedBody) => (normalized.body['properties'] as { template: { containers: Array<{ env: unknown }> } }).template.containers[0]!.env;
  const metadata = (normalized: NormalizedBody) => (normalized.body['properties'] as { configuration: { eventTriggerConfig: { scale: { rules: Array<{ metadata: unknown }> } } } }).configuration.eventTriggerConfig.scale.rules[0]!.metadata;

  it('an env value is REDACTED when set, kept when empty or known only after apply', () => {
    const normalized = job({ name: 'agent', image: 'x', env: [{ name: 'AZP_TOKEN', value: 's3cr3t' }, { name: 'EMPTY', value: '' }, { name: 'REF', secret_name: 'pat' }, { name: 'LATER', value: 'x' }] }, {}, { template: [{ container: [{ env: [false, false, false, { value: true }] }] }] });
    expect(env(normalized)).toEqual([{ name: 'AZP_TOKEN', value: REDACTED }, { name: 'EMPTY', value: '' }, { name: 'REF', secretRef: 'pat' }, { name: 'LATER', value: UNKNOWN }]);
    expect(JSON.stringify(normalized.body)).not.toContain('s3cr3t');
    const number = job({ name: 'agent', env: [{ name: 'N', value: 5 }] });
    expect(env(number)).toEqual([{ name: 'N', value: REDACTED }]);
  });

  it('a scale rule\'s metadata: values of credential keys REDACTED unless empty, null or unknown; other keys kept', () => {
    const normalized = job({ name: 'agent' }, { name: 'azp', custom_rule_type: 'azure-pipelines', metadata: { personalAccessToken: 'pat-value', poolName: 'pool', password: '', token: null, connection: 'cx', connectionStringFromEnv: 'CX' } });
    expect(metadata(normalized)).toEqual({ personalAccessToken: REDACTED, poolName: 'pool', password: '', token: null, connection: REDACTED, connectionStringFromEnv: 'CX' });
    expect(JSON.stringify(normalized.body)).not.toContain('pat-value');
    const later = job({ name: 'agent' }, { name: 'azp', metadata: { personalAccessToken: 'x', poolName: 'p' } }, { event_trigger_config: [{ scale: [{ rules: [{ metadata: { personalAccessToken: true } }] }] }] });
    expect(metadata(later)).toEqual({ personalAccessToken: UNKNOWN, poolName: 'p' });
    const unknownMap = job({ name: 'agent' }, { name: 'azp', metadata: {} }, { event_trigger_config: [{ scale: [{ rules: [{ metadata: true }] }] }] });
    expect(metadata(unknownMap)).toBe(UNKNOWN);
  });

  it('redaction by mapping: a value, a map of credential keys, and what is not a map', () => {
    const mappings = [
      { arm: 'properties.value', from: 'value', redact: 'value' as const },
      { arm: 'properties.list', from: 'list', redact: 'value' as const },
      { arm: 'properties.metadata', from: 'metadata', redact: 'credentialKeys' as const },
      { arm: 'properties.text', from: 'text', redact: 'credentialKeys' as const },
      { arm: 'properties.plain', from: 'plain' },
    ];
    const read = mapAttributes(mappings, planned({ value: 'v', list: ['a'], metadata: { secret: 's', other: 'o' }, text: 'password=1', plain: 'p' }));
    expect(read.body).toEqual({ properties: { value: REDACTED, list: REDACTED, metadata: { secret: REDACTED, other: 'o' }, text: 'password=1', plain: 'p' } });
    expect(read.attributeOf.get('properties.value')).toEqual({ attribute: 'value', value: REDACTED });
    expect(read.attributeOf.get('properties.metadata')).toEqual({ attribute: 'metadata', value: { secret: REDACTED, other: 'o' } });
    // without `redact`, a map is kept as written: a tag named like a credential is a label a rule may read
    const tags = mapAttributes([{ arm: 'tags', from: 'tags' }], planned({ tags: { 'secret-rotation': '90d', owner: 'net' } }));
    expect(tags.body['tags']).toEqual({ 'secret-rotation': '90d', owner: 'net' });
    const placeholders = mapAttributes(mappings, planned({ value: '', list: [], metadata: { secret: 'x' }, text: 'x' }, { value: false, metadata: { secret: true }, text: true }));
    expect(placeholders.body).toEqual({ properties: { value: '', list: REDACTED, metadata: { secret: UNKNOWN }, text: UNKNOWN } });
  });
});

describe('types decided by the plan\'s values (kubernetes_manifest)', () => {
  it('a workload kind is a workload; another kind is no resource; an unknown or sensitive manifest is unclassified', () => {
    const job = normalizeAzurerm('kubernetes_manifest', planned({ manifest: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: {} } } } }));
    expect(job && 'armType' in job ? job.body['kind'] : undefined).toBe('Job');
    expect(normalizeAzurerm('kubernetes_manifest', planned({ manifest: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } } }))).toBeUndefined();
    expect(normalizeAzurerm('kubernetes_manifest', planned({ manifest: {} }, { manifest: true }))).toEqual({ unclassified: { attribute: 'manifest', why: 'unknown', candidateTypes: ['Kubernetes/Workload'] } });
    expect(normalizeAzurerm('kubernetes_manifest', planned({ manifest: { kind: 'Pod' } }, {}, { manifest: { kind: true } }))).toEqual({ unclassified: { attribute: 'manifest.kind', why: 'sensitive', candidateTypes: ['Kubernetes/Workload'] } });
  });
});

describe('ConfigMaps from a plan and from a manifest: keys in the body, values kept aside', () => {
  it('kubernetes_config_map: a ConfigMap resource whose data shows keys only, an ordinary object', () => {
    const normalized = body('kubernetes_config_map_v1', { metadata: [{ name: 'agent-config', namespace: 'ci' }], data: { AZP_TOKEN: 'pat', url: 'https://dev.azure.com/x' } });
    expect(normalized.armType).toBe('Kubernetes/ConfigMap');
    expect(JSON.parse(JSON.stringify(normalized.body))).toEqual({ kind: 'ConfigMap', metadata: { name: 'agent-config', namespace: 'ci', labels: {} }, properties: { data: {}, binaryData: {} } });
    expect(JSON.stringify(normalized.body)).not.toContain('pat');
    const data = (normalized.body['properties'] as { data: Record<string, unknown> }).data;
    expect(Object.keys(data)).toEqual(['AZP_TOKEN', 'url']);
    expect(data['AZP_TOKEN']).toBe(REDACTED);
    // later steps may rewrite or drop a key like any other member
    data['url'] = 'changed';
    delete data['AZP_TOKEN'];
    expect(data).toEqual({ url: 'changed' });
  });

  it('a manifest\'s ConfigMap is a resource of the ConfigMap type', async () => {
    const { readManifests } = await import('../../src/inputs/kubernetes/read-manifests.js');
    const outcome = readManifests('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  token: x\n', 'cm.yaml', true);
    expect(outcome.status).toBe('read');
    const resources = (outcome as { resources: Array<{ armType: string; body: Record<string, unknown> }> }).resources;
    expect(resources.map((resource) => resource.armType)).toEqual(['Kubernetes/ConfigMap']);
    expect(resources[0]!.body['metadata']).toEqual({ name: 'c', namespace: 'default', labels: {} });
  });
});
