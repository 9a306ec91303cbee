import { describe, expect, it } from 'vitest';
import type { Check, Rule } from '../../src/engine/rule.js';
import type { Evaluation } from '../../src/engine/verdict.js';
import { fingerprintOf, makeFinding, makeUnclassifiedFinding, renderTemplate, type TemplateContext } from '../../src/findings/make-finding.js';
import type { Resource } from '../../src/model/resource.js';
import { REDACTED, UNKNOWN } from '../../src/model/values.js';
import { AZAPI_NOTATION, AZURERM_NOTATION } from '../../src/inputs/terraform/notation.js';
import { AUDIT_NOTATION } from '../../src/inputs/resource-graph/notation.js';
import { MANIFEST_NOTATION } from '../../src/inputs/kubernetes/notation.js';
import { PIPELINE_NOTATION } from '../../src/inputs/pipelines/notation.js';

/**
 * A finding is what every report prints: its message, evidence (actual and expected), remediation and
 * fingerprint. These build findings from known verdicts and check each field as users read it.
 */
const check: Check = { select: { type: ['Microsoft.ContainerRegistry/registries'] }, assert: { field: 'properties.publicNetworkAccess', equals: 'Disabled' }, message: 'Registry {name} is public' };

function rule(over: Partial<Rule> = {}): Rule {
  return {
    id: 'AZF-PUB-001',
    title: 'Registry is private',
    pack: 'PUB',
    severity: 'high',
    description: 'd',
    help: 'h',
    references: [],
    tags: [],
    parameters: {},
    remediation: {
      azurerm: 'Set public_network_access_enabled = false on {address}.',
      azapi: 'Set body.properties.publicNetworkAccess on {address}.',
      arm: 'az acr update --name {name} --resource-group {resourceGroup} --public-network-enabled false',
    },
    checks: [check],
    origin: { file: 'pub.yaml', line: 1, builtIn: true },
    ...over,
  };
}

const ID = '/subscriptions/0000/resourceGroups/rg-hub/providers/Microsoft.ContainerRegistry/registries/acrhub';

function planResource(over: Partial<Resource> = {}): Resource {
  return {
    key: 'infra/plan.json#azurerm_container_registry.hub',
    armType: 'Microsoft.ContainerRegistry/registries',
    name: 'acrhub',
    body: { properties: { publicNetworkAccess: 'Enabled', networkRuleSet: { ipRules: [{ value: '1.2.3.4' }] } } },
    source: { kind: 'plan', dialect: 'azurerm', file: 'infra/plan.json', address: 'azurerm_container_registry.hub', terraformType: 'azurerm_container_registry', line: 12, column: 5, notation: AZURERM_NOTATION },
    attributeOf: new Map<string, { attribute: string; value: unknown; defaulted?: boolean; undecided?: string }>([
      ['properties.publicNetworkAccess', { attribute: 'public_network_access_enabled', value: true }],
      ['properties.networkRuleSet.ipRules', { attribute: 'network_rule_set.ip_rule', value: undefined }],
      ['properties.zoneRedundancy', { attribute: 'zone_redundancy_enabled', value: false, defaulted: true }],
      ['properties.dataEndpointEnabled', { attribute: 'data_endpoint_enabled', value: UNKNOWN, undecided: 'not set, and its default depends on the provider' }],
    ]),
    ...over,
  };
}

function snapshotResource(over: Partial<Resource> = {}): Resource {
  return {
    key: ID.toLowerCase(),
    armType: 'Microsoft.ContainerRegistry/registries',
    name: 'acrhub',
    body: { properties: { publicNetworkAccess: 'Enabled' } },
    source: { kind: 'snapshot', dialect: 'arm', file: 'exports/estate.json', id: ID },
    ...over,
  };
}

function context(resource: Resource, extra: Partial<TemplateContext> = {}): TemplateContext {
  return { resource, field: (path) => (path === 'properties.publicNetworkAccess' ? 'Enabled' : undefined), parameters: {}, details: {}, ...extra };
}

function build(resource: Resource, evaluation: Evaluation, over: { rule?: Rule; message?: string; check?: Check } = {}) {
  const r = over.rule ?? rule();
  return makeFinding({ rule: r, check: over.check ?? r.checks[0]!, checkIndex: 0, resource, evaluation, template: context(resource), message: over.message ?? 'Registry {name} is public' });
}

describe('fingerprints', () => {
  it('an ARM resource: rule, check and lower-cased id, whatever file it was read from', () => {
    const a = fingerprintOf('AZF-PUB-001', 0, snapshotResource());
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(fingerprintOf('AZF-PUB-001', 0, snapshotResource({ source: { kind: 'audit', dialect: 'arm', file: 'azure', id: ID.toUpperCase() } }))).toBe(a);
    expect(fingerprintOf('AZF-PUB-001', 0, snapshotResource({ source: { kind: 'snapshot', dialect: 'arm', file: 'renamed.json', id: ID, line: 99 } }))).toBe(a);
    expect(fingerprintOf('AZF-PUB-002', 0, snapshotResource())).not.toBe(a);
    expect(fingerprintOf('AZF-PUB-001', 1, snapshotResource())).not.toBe(a);
    expect(fingerprintOf('AZF-PUB-001', 0, snapshotResource({ source: { kind: 'snapshot', dialect: 'arm', file: 'x.json', id: `${ID}2` } }))).not.toBe(a);
  });
  it('an ARM resource without an id falls back to its key', () => {
    const keyed = snapshotResource({ key: 'k1', source: { kind: 'manifest', dialect: 'kubernetes', file: 'a.yaml' } });
    expect(fingerprintOf('R', 0, keyed)).toBe(fingerprintOf('R', 0, { ...keyed, key: 'K1', source: { kind: 'manifest', dialect: 'kubernetes', file: 'b.yaml' } }));
    expect(fingerprintOf('R', 0, keyed)).not.toBe(fingerprintOf('R', 0, { ...keyed, key: 'k2' }));
  });
  it('a plan resource: its address within its plan file, not its line; Windows separators as /', () => {
    const a = fingerprintOf('AZF-PUB-001', 0, planResource());
    expect(fingerprintOf('AZF-PUB-001', 0, planResource({ source: { ...planResource().source, line: 400, column: 1 } }))).toBe(a);
    expect(fingerprintOf('AZF-PUB-001', 0, planResource({ source: { ...planResource().source, file: 'infra\\plan.json' } }))).toBe(a);
    expect(fingerprintOf('AZF-PUB-001', 0, planResource({ source: { ...planResource().source, file: 'other/plan.json' } }))).not.toBe(a);
    expect(fingerprintOf('AZF-PUB-001', 0, planResource({ source: { ...planResource().source, address: 'azurerm_container_registry.spoke' } }))).not.toBe(a);
    // the same name as an ARM id is another identity
    expect(a).not.toBe(fingerprintOf('AZF-PUB-001', 0, snapshotResource({ source: { kind: 'snapshot', dialect: 'arm', file: 'infra/plan.json', id: 'azurerm_container_registry.hub' } })));
  });
});

describe('a failing finding', () => {
  it('from a plan: message, Terraform attribute names and values in evidence, remediation for azurerm with the address', () => {
    const finding = build(planResource(), {
      verdict: 'fail',
      evidence: [
        { path: 'properties.publicNetworkAccess', actual: 'Enabled', expected: 'to equal "Disabled"' },
        { path: 'properties.networkRuleSet.ipRules[*].value', actual: '1.2.3.4', expected: 'to be empty' },
        { path: 'properties.zoneRedundancy', actual: 'Disabled', expected: 'to equal "Enabled"' },
      ],
    });
    expect(finding).toEqual({
      ruleId: 'AZF-PUB-001',
      ruleTitle: 'Registry is private',
      pack: 'PUB',
      severity: 'high',
      status: 'fail',
      message: 'Registry acrhub is public',
      resource: { id: 'azurerm_container_registry.hub', type: 'Microsoft.ContainerRegistry/registries', name: 'acrhub', address: 'azurerm_container_registry.hub' },
      location: { file: 'infra/plan.json', line: 12, column: 5 },
      inputKind: 'plan',
      dialect: 'azurerm',
      remediation: 'Set public_network_access_enabled = false on azurerm_container_registry.hub.',
      evidence: [
        { path: 'properties.publicNetworkAccess', attribute: 'public_network_access_enabled', actual: '"Enabled"', expected: 'to equal "Disabled"' },
        { path: 'properties.networkRuleSet.ipRules[*].value', attribute: 'network_rule_set.ip_rule', actual: '"1.2.3.4"', expected: 'to be empty' },
        { path: 'properties.zoneRedundancy', attribute: 'zone_redundancy_enabled', actual: '"Disabled"', expected: 'to equal "Enabled"' },
      ],
      fingerprint: fingerprintOf('AZF-PUB-001', 0, planResource()),
      checkIndex: 0,
    });
  });
  it('from a snapshot: ARM paths, the remediation for ARM with the name and resource group, no address', () => {
    const finding = build(snapshotResource(), { verdict: 'fail', evidence: [{ path: 'properties.publicNetworkAccess', actual: 'Enabled', expected: 'to equal "Disabled"' }] });
    expect(finding.remediation).toBe('az acr update --name acrhub --resource-group rg-hub --public-network-enabled false');
    expect(finding.resource).toEqual({ id: ID, type: 'Microsoft.ContainerRegistry/registries', name: 'acrhub' });
    expect(finding.location).toEqual({ file: 'exports/estate.json' });
    expect(finding.evidence).toEqual([{ path: 'properties.publicNetworkAccess', actual: '"Enabled"', expected: 'to equal "Disabled"' }]);
    expect(finding.inputKind).toBe('snapshot');
    expect(finding.dialect).toBe('arm');
  });
  it('the resource group column of a Resource Graph row wins over the id', () => {
    const finding = build(snapshotResource({ body: { resourceGroup: 'RG-From-Column', properties: {} } }), { verdict: 'fail', evidence: [] });
    expect(finding.remediation).toBe('az acr update --name acrhub --resource-group RG-From-Column --public-network-enabled false');
    const noGroup = build(snapshotResource({ source: { kind: 'snapshot', dialect: 'arm', file: 'x.json', id: '/subscriptions/0000/providers/x' } }), { verdict: 'fail', evidence: [] });
    expect(noGroup.remediation).toBe('az acr update --name acrhub --resource-group <resource-group> --public-network-enabled false');
  });
  it('an azapi resource: body paths in messages, the azapi remediation', () => {
    const resource = planResource({ source: { kind: 'plan', dialect: 'azapi', file: 'p.json', address: 'azapi_resource.acr', notation: AZAPI_NOTATION }, attributeOf: new Map() });
    const finding = build(resource, { verdict: 'fail', evidence: [{ path: 'properties.publicNetworkAccess', actual: 'Enabled', expected: 'x' }] }, { message: 'Set {attr:properties.publicNetworkAccess} ({field:properties.publicNetworkAccess})' });
    expect(finding.message).toBe('Set body.properties.publicNetworkAccess (Enabled)');
    expect(finding.remediation).toBe('Set body.properties.publicNetworkAccess on azapi_resource.acr.');
    expect(finding.evidence).toEqual([{ path: 'properties.publicNetworkAccess', actual: '"Enabled"', expected: 'x' }]);
  });
  it("a check's own severity and remediation win over the rule's", () => {
    const own: Check = { ...check, severity: 'critical', remediation: { arm: 'Check fix for {name}.' } };
    const finding = build(snapshotResource(), { verdict: 'fail', evidence: [] }, { rule: rule({ checks: [own] }), check: own });
    expect(finding.severity).toBe('critical');
    expect(finding.remediation).toBe('Check fix for acrhub.');
  });
  it('a dialect the rule has no remediation for gets the ARM one, else any, else none', () => {
    const k8s = snapshotResource({ source: { kind: 'manifest', dialect: 'kubernetes', file: 'm.yaml' } });
    expect(build(k8s, { verdict: 'fail', evidence: [] }).remediation).toBe('az acr update --name acrhub --resource-group <resource-group> --public-network-enabled false');
    expect(build(k8s, { verdict: 'fail', evidence: [] }, { rule: rule({ remediation: { pipeline: '  Only {name}.  ' } }) }).remediation).toBe('Only acrhub.');
    expect(build(k8s, { verdict: 'fail', evidence: [] }, { rule: rule({ remediation: {} }) }).remediation).toBe('');
  });
  it('evidence: duplicates once, at most ten', () => {
    const evidence = Array.from({ length: 14 }, (_, i) => ({ path: `properties.list[${i % 12}]`, actual: `v${i % 12}`, expected: 'e' }));
    const finding = build(snapshotResource(), { verdict: 'fail', evidence: [evidence[0]!, evidence[0]!, ...evidence] });
    expect(finding.evidence.map((item) => item.actual)).toEqual(['"v0"', '"v1"', '"v2"', '"v3"', '"v4"', '"v5"', '"v6"', '"v7"', '"v8"', '"v9"']);
    // the same path and value expected differently is another item
    const two = build(snapshotResource(), { verdict: 'fail', evidence: [{ path: 'p', actual: 1, expected: 'a' }, { path: 'p', actual: 1, expected: 'b' }, { path: 'p', actual: 2, expected: 'a' }, { path: 'q', actual: 1, expected: 'a' }] });
    expect(two.evidence).toHaveLength(4);
  });
});

describe("unknown findings say what could not be read, in the input kind's words", () => {
  it('a plan value known after apply, one and several', () => {
    const one = build(planResource(), { verdict: 'unknown', evidence: [{ path: 'properties.publicNetworkAccess', actual: UNKNOWN, expected: 'to equal "Disabled"' }] });
    expect(one.status).toBe('unknown');
    expect(one.message).toBe('Cannot decide yet whether container registry acrhub meets "Registry is private": public_network_access_enabled is known only after apply.');
    expect(one.evidence).toEqual([{ path: 'properties.publicNetworkAccess', attribute: 'public_network_access_enabled', actual: '(known after apply)', expected: 'to equal "Disabled"' }]);
    const two = build(planResource(), {
      verdict: 'unknown',
      evidence: [
        { path: 'properties.publicNetworkAccess', actual: UNKNOWN, expected: 'a' },
        { path: 'properties.other', actual: UNKNOWN, expected: 'b' },
        { path: 'properties.publicNetworkAccess', actual: UNKNOWN, expected: 'c' },
      ],
    });
    expect(two.message).toBe('Cannot decide yet whether container registry acrhub meets "Registry is private": public_network_access_enabled, properties.other are known only after apply.');
  });
  it('sensitive values: never shown, said to be sensitive', () => {
    const finding = build(planResource(), {
      verdict: 'unknown',
      evidence: [
        { path: 'properties.publicNetworkAccess', actual: REDACTED, expected: 'x' },
        { path: 'properties.a', actual: REDACTED, expected: 'x' },
      ],
    });
    expect(finding.message).toBe('Cannot decide yet whether container registry acrhub meets "Registry is private": public_network_access_enabled, properties.a are marked sensitive and not read.');
    expect(finding.evidence.map((item) => item.actual)).toEqual(['(sensitive)', '(sensitive)']);
    const one = build(planResource(), { verdict: 'unknown', evidence: [{ path: 'properties.a', actual: REDACTED, expected: 'x' }, { path: 'properties.b', actual: UNKNOWN, expected: 'x' }] });
    expect(one.message).toBe('Cannot decide yet whether container registry acrhub meets "Registry is private": properties.b is known only after apply; properties.a is marked sensitive and not read.');
  });
  it('a default that depends on the provider version says so', () => {
    const finding = build(planResource(), { verdict: 'unknown', evidence: [{ path: 'properties.dataEndpointEnabled', actual: UNKNOWN, expected: 'x' }] });
    expect(finding.message).toBe('Cannot decide yet whether container registry acrhub meets "Registry is private": data_endpoint_enabled is not set, and its default depends on the provider.');
    expect(finding.evidence[0]!.actual).toBe('(not set; its default depends on the provider version)');
  });
  it('per input kind', () => {
    const evidence = [{ path: 'properties.publicNetworkAccess', actual: UNKNOWN, expected: 'x' }];
    const snapshot = build(snapshotResource(), { verdict: 'unknown', evidence });
    expect(snapshot.message).toBe('Cannot decide yet whether container registry acrhub meets "Registry is private": properties.publicNetworkAccess is not in the snapshot (project the properties and sku columns).');
    expect(snapshot.evidence[0]!.actual).toBe('(not in the snapshot)');
    const omitted = build(snapshotResource({ source: { kind: 'snapshot', dialect: 'arm', file: 'f', id: ID, omits: 'not exported by this tool' } }), { verdict: 'unknown', evidence });
    expect(omitted.message).toBe('Cannot decide yet whether container registry acrhub meets "Registry is private": properties.publicNetworkAccess is not exported by this tool.');
    const audit = build(snapshotResource({ source: { kind: 'audit', dialect: 'arm', file: 'azure', id: ID, notation: AUDIT_NOTATION } }), { verdict: 'unknown', evidence });
    expect(audit.evidence[0]!.actual).toBe('(not returned by Azure)');
    const manifest = build(snapshotResource({ source: { kind: 'manifest', dialect: 'kubernetes', file: 'm.yaml', notation: MANIFEST_NOTATION } }), { verdict: 'unknown', evidence });
    expect(manifest.message).toBe('Cannot decide yet whether container registry acrhub meets "Registry is private": properties.publicNetworkAccess is a placeholder filled in at deploy time (${...}).');
    expect(manifest.evidence[0]!.actual).toBe('(set at deploy time)');
    const pipeline = build(snapshotResource({ source: { kind: 'pipeline', dialect: 'pipeline', file: 'azure-pipelines.yml', notation: PIPELINE_NOTATION } }), { verdict: 'unknown', evidence });
    expect(pipeline.evidence[0]!.actual).toBe('(known only when the pipeline runs)');
  });
  it("a function's own reason, and an explained unknown", () => {
    const finding = build(snapshotResource(), { verdict: 'unknown', evidence: [{ path: 'properties.x', actual: UNKNOWN, expected: 'x', unknownExplained: true }], details: { unknownReason: 'the subnet is not in the scan' } });
    expect(finding.message).toBe('Cannot decide yet whether container registry acrhub meets "Registry is private": the subnet is not in the scan.');
    expect(finding.evidence[0]!.actual).toBe('(not known)');
    const nothing = build(snapshotResource(), { verdict: 'unknown', evidence: [] });
    expect(nothing.message).toBe('Cannot decide yet whether container registry acrhub meets "Registry is private": a value it depends on could not be determined.');
  });
});

describe('templates', () => {
  const resource = planResource();
  const render = (template: string, extra: Partial<TemplateContext> = {}) => renderTemplate(template, context(resource, extra));
  it('fills every placeholder kind', () => {
    expect(render('{name}|{type}|{label}|{address}|{id}|{resourceGroup}')).toBe('acrhub|Microsoft.ContainerRegistry/registries|container registry|azurerm_container_registry.hub|azurerm_container_registry.hub|<resource-group>');
    expect(render('{field:properties.publicNetworkAccess}')).toBe('true');
    expect(render('{field:properties.zoneRedundancy}')).toBe('false (not set; the default)');
    expect(render('{field:properties.missing}')).toBe("not set, so Azure's default applies");
    expect(render('{attr:properties.publicNetworkAccess} / {attr:properties.networkRuleSet.ipRules[*].value} / {attr:properties.unmapped}')).toBe('public_network_access_enabled / network_rule_set.ip_rule / properties.unmapped');
    expect(render('{param:zones} {param:one} [{param:none}]', { parameters: { zones: ['a', 'b'], one: 3 } })).toBe('a, b 3 []');
    expect(render('{detail:missingZones} {detail:absent}', { details: { missingZones: 'privatelink.azurecr.io' } })).toBe('privatelink.azurecr.io (absent: not known)');
    expect(render('{param:toString}{detail:constructor}', { details: {} })).toBe('(constructor: not known)');
  });
  it('text around and between placeholders is kept; unknown braces are text', () => {
    expect(render('Registry {name}, at {address}.')).toBe('Registry acrhub, at azurerm_container_registry.hub.');
    expect(render('{other} {name:} {}')).toBe('{other} {name:} {}');
    expect(render('no placeholders')).toBe('no placeholders');
    expect(render('')).toBe('');
    expect(render('{name}{name}')).toBe('acrhubacrhub');
  });
  it('a snapshot resource: its ARM id, address falls back to the id, then the name', () => {
    const snap = snapshotResource();
    expect(renderTemplate('{address} {id}', context(snap))).toBe(`${ID} ${ID}`);
    const bare = snapshotResource({ key: 'the-key', source: { kind: 'manifest', dialect: 'kubernetes', file: 'm.yaml' } });
    expect(renderTemplate('{address} {id}', context(bare))).toBe('acrhub the-key');
    // an ARM resource shows its ARM values, not a Terraform origin
    expect(renderTemplate('{field:properties.publicNetworkAccess}', context(snap))).toBe('Enabled');
  });
  it('a label for a type without one is the type', () => {
    expect(renderTemplate('{label}', context(snapshotResource({ armType: 'Microsoft.Made/up' })))).toBe('Microsoft.Made/up');
  });
});

describe('written by another resource', () => {
  it('the finding points at the writer: its file, line, address and attribute names', () => {
    const writer = planResource({
      key: 'w',
      name: 'rules',
      source: { kind: 'plan', dialect: 'azurerm', file: 'infra/net.json', address: 'azurerm_container_registry_network_rules.hub', terraformType: 'azurerm_container_registry_network_rules', line: 40, notation: AZURERM_NOTATION },
      attributeOf: new Map([['properties.publicNetworkAccess', { attribute: 'public_access', value: true }]]),
    });
    const judged = planResource();
    judged.writes = new Map([['properties.publicnetworkaccess', { writer }]]);
    const finding = build(judged, { verdict: 'fail', evidence: [{ path: 'properties.publicNetworkAccess', actual: 'Enabled', expected: 'e' }] });
    expect(finding.message).toBe('Registry acrhub is public (set by azurerm_container_registry_network_rules.hub)');
    expect(finding.location).toEqual({ file: 'infra/net.json', line: 40 });
    expect(finding.resource).toEqual({ id: 'azurerm_container_registry.hub', type: 'Microsoft.ContainerRegistry/registries', name: 'acrhub', address: 'azurerm_container_registry.hub' });
    expect(finding.remediation).toBe('Set public_network_access_enabled = false on azurerm_container_registry_network_rules.hub.');
    expect(finding.evidence).toEqual([{ path: 'properties.publicNetworkAccess', attribute: 'public_access', actual: '"Enabled"', expected: 'e' }]);
    expect(finding.writtenBy).toEqual({ address: 'azurerm_container_registry_network_rules.hub', type: 'azurerm_container_registry_network_rules' });
    expect(finding.fingerprint).toBe(fingerprintOf('AZF-PUB-001', 0, judged));
  });
  it('two writers of different values: unknown, naming both', () => {
    const writer = snapshotResource({ key: 'w1', name: 'w1', source: { kind: 'plan', dialect: 'azapi', file: 'p.json', address: 'azapi_update_resource.one', notation: AZAPI_NOTATION } });
    const other = snapshotResource({ key: 'w2', name: 'w2', source: { kind: 'plan', dialect: 'azapi', file: 'p.json' } });
    const judged = snapshotResource({ writes: new Map([['properties.publicnetworkaccess', { writer, conflictsWith: other }]]) });
    const finding = build(judged, { verdict: 'unknown', evidence: [{ path: 'properties.publicNetworkAccess', actual: UNKNOWN, expected: 'e' }] });
    expect(finding.message).toBe(
      'Cannot decide yet whether container registry acrhub meets "Registry is private": w2 and azapi_update_resource.one write different values, and which one Terraform applies last is not fixed. (set by azapi_update_resource.one)',
    );
    expect(finding.writtenBy).toEqual({ address: 'azapi_update_resource.one' });
    expect(finding.location).toEqual({ file: 'p.json' });
  });
  it('evidence no overlay wrote leaves the finding on the resource itself', () => {
    const writer = snapshotResource({ key: 'w1', source: { kind: 'plan', dialect: 'azapi', file: 'p.json', address: 'azapi_update_resource.one' } });
    const judged = snapshotResource({ writes: new Map([['properties.other', { writer }]]) });
    const finding = build(judged, { verdict: 'fail', evidence: [{ path: 'properties.publicNetworkAccess', actual: 'Enabled', expected: 'e' }] });
    expect(finding.message).toBe('Registry acrhub is public');
    expect(finding.writtenBy).toBeUndefined();
    expect(finding.location).toEqual({ file: 'exports/estate.json' });
  });
});

describe('a resource whose type cannot be told', () => {
  const r = rule();
  it('known after apply: unknown, naming the attribute, the fix to make it known', () => {
    const resource = planResource({ armType: 'azfence/Unclassified', unclassified: { attribute: 'type', why: 'unknown' } });
    const finding = makeUnclassifiedFinding(r, 0, resource);
    expect(finding.status).toBe('unknown');
    expect(finding.message).toBe('Cannot decide yet whether resource acrhub meets "Registry is private": its type is known only after apply, so what kind of resource it is, and whether this rule applies, cannot be told.');
    expect(finding.remediation).toBe(
      'Make type of azurerm_container_registry.hub known at plan time (a literal, or values that do not depend on resources created in the same apply), so azfence can tell what it is and check it.',
    );
    expect(finding.evidence).toEqual([{ path: 'type', actual: '(known after apply)', expected: 'known, to tell what kind of resource this is' }]);
  });
  it('sensitive, and a deploy-time placeholder', () => {
    const sensitive = makeUnclassifiedFinding(r, 0, planResource({ unclassified: { attribute: 'type', why: 'sensitive' } }));
    expect(sensitive.message).toContain(': its type is marked sensitive and not read, so what kind');
    expect(sensitive.evidence[0]!.actual).toBe('(sensitive)');
    const manifest = snapshotResource({ source: { kind: 'manifest', dialect: 'kubernetes', file: 'm.yaml' }, unclassified: { attribute: 'kind', why: 'placeholder' } });
    const placeholder = makeUnclassifiedFinding(r, 0, manifest);
    expect(placeholder.message).toContain(': its kind is a placeholder filled in at deploy time, so what kind');
    expect(placeholder.remediation).toBe('Scan the manifest as it is deployed (with kind filled in), or write kind literally.');
    const named = makeUnclassifiedFinding(r, 0, snapshotResource({ unclassified: { attribute: 'type', why: 'unknown' } }));
    expect(named.remediation).toContain('Make type of acrhub known at plan time');
  });
});

describe('edges of naming and placing a finding', () => {
  it('evidence below a mapped block names the block’s attribute', () => {
    const resource = planResource({ attributeOf: new Map([['properties.networkRuleSet', { attribute: 'network_rule_set', value: undefined }]]) });
    const finding = build(resource, { verdict: 'fail', evidence: [{ path: 'properties.networkRuleSet.defaultAction', actual: 'Allow', expected: 'to equal "Deny"' }] });
    expect(finding.evidence).toEqual([{ path: 'properties.networkRuleSet.defaultAction', attribute: 'network_rule_set', actual: '"Allow"', expected: 'to equal "Deny"' }]);
    // a mapped name that is only a prefix of another key is not its parent
    const sibling = build(resource, { verdict: 'fail', evidence: [{ path: 'properties.networkRuleSetX', actual: 1, expected: 'e' }] });
    expect(sibling.evidence).toEqual([{ path: 'properties.networkRuleSetX', actual: '1', expected: 'e' }]);
  });
  it('a {field:} over a list of strings shows the list as written, quotes and all', () => {
    const snap = snapshotResource();
    expect(renderTemplate('{field:properties.ipRules}', { ...context(snap), field: () => ['1.2.3.4/32', '5.6.7.8/32'] })).toBe('["1.2.3.4/32", "5.6.7.8/32"]');
    expect(renderTemplate('{field:properties.mode}', { ...context(snap), field: () => 'say "hi"' })).toBe('say "hi"');
  });
  it('the overlay that wrote any piece of evidence places the finding, not only the first', () => {
    const writer = snapshotResource({ key: 'w1', source: { kind: 'plan', dialect: 'azapi', file: 'p.json', address: 'azapi_update_resource.one', line: 3 } });
    const judged = snapshotResource({ writes: new Map([['properties.publicnetworkaccess', { writer }]]) });
    const finding = build(judged, {
      verdict: 'fail',
      evidence: [
        { path: 'properties.sku', actual: 'Basic', expected: 'e' },
        { path: 'properties.publicNetworkAccess', actual: 'Enabled', expected: 'e' },
      ],
    });
    expect(finding.location).toEqual({ file: 'p.json', line: 3 });
    expect(finding.message).toBe('Registry acrhub is public (set by azapi_update_resource.one)');
  });
  it('a resource recorded as its own writer is not said to be set by itself', () => {
    const judged = planResource();
    judged.writes = new Map([['properties.publicnetworkaccess', { writer: judged }]]);
    const finding = build(judged, { verdict: 'fail', evidence: [{ path: 'properties.publicNetworkAccess', actual: 'Enabled', expected: 'e' }] });
    expect(finding.message).toBe('Registry acrhub is public');
    expect(finding.writtenBy).toEqual({ address: 'azurerm_container_registry.hub', type: 'azurerm_container_registry' });
  });
});
