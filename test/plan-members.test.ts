import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readPlan } from '../src/inputs/terraform/read-plan.js';
import { readPlanMembers } from '../src/inputs/terraform/plan-members.js';
import { documentSource } from '../src/inputs/terraform/plan-source.js';
import { readLargeInput } from '../src/inputs/stream/read-large.js';
import { corpusPlanPaths } from './support/corpus.js';
import { runCli, tempDir, writeJson } from './support/run-cli.js';

/**
 * Plans are read by locating their members and parsing only what rules read (src/inputs/terraform/
 * plan-members.ts). Whatever the plan, that must give exactly what parsing the whole document gives.
 */
type Json = Record<string, unknown>;

function readBothWays(text: string): { whole: unknown; members: unknown; streamed: unknown } {
  const file = 'plan.json';
  const whole = readPlan(documentSource(JSON.parse(text) as Json, text), file);
  const located = readPlanMembers(text, file);
  expect(located, 'the member reader declined a valid plan').toBeDefined();
  const members = readPlan(located!, file);
  // The reader for files too large for one string walks entries the same way, one captured entry at a time.
  const path = join(tempDir(), file);
  writeFileSync(path, text);
  const large = readLargeInput(path, file, 0);
  expect(large.kind).toBe('plan');
  const shape = (result: ReturnType<typeof readPlan>) => ({ resources: result.resources, unmapped: result.unmapped, problems: result.problems });
  return { whole: shape(whole), members: shape(members), streamed: large.kind === 'plan' ? shape(large.result) : undefined };
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys((value as Json)[key])]));
  return value;
}

/** The same plan written the ways other tools write it: pretty-printed, keys sorted (change before type), both. */
function variants(plan: Json): Record<string, string> {
  return {
    compact: JSON.stringify(plan),
    pretty: JSON.stringify(plan, null, 2),
    'sorted keys': JSON.stringify(sortedKeys(plan)),
    'sorted and pretty': JSON.stringify(sortedKeys(plan), null, '\t'),
  };
}

const ROOT = join(import.meta.dirname, '..');

function plansToCompare(): Array<[string, Json]> {
  const out: Array<[string, Json]> = [['fixtures/estate/plan.json', JSON.parse(readFileSync(join(ROOT, 'fixtures', 'estate', 'plan.json'), 'utf8')) as Json]];
  // A missing corpus fails here (test/support/corpus.ts), unless skipped on purpose.
  for (const path of corpusPlanPaths()) out.push([basename(path), JSON.parse(readFileSync(path, 'utf8')) as Json]);
  const generated = join(tempDir(), 'generated.json');
  execFileSync(process.execPath, [join(ROOT, 'bench', 'generate.mjs'), '--kind', 'plan', '--resources', '600', '--seed', '5', '--out', generated], { stdio: 'ignore' });
  out.push(['bench plan, 600 resources', JSON.parse(readFileSync(generated, 'utf8')) as Json]);
  return out;
}

/** A plan whose entries hold the traps: nested address/type/mode attributes, escapes, deposed twins, deletes, planned_values-only resources. */
function trickyPlan(): Json {
  const registry = (address: string, extra: Json = {}) => ({
    address,
    mode: 'managed',
    type: 'azurerm_container_registry',
    name: 'acr',
    provider_name: 'registry.terraform.io/hashicorp/azurerm',
    change: {
      actions: ['create'],
      before: null,
      after: { name: 'acr\u00e9"x', resource_group_name: 'rg', location: 'westeurope', sku: 'Premium', public_network_access_enabled: true, tags: { address: 'azurerm_key_vault.fake', type: 'azurerm_key_vault', mode: 'data' } },
      after_unknown: { id: true },
      after_sensitive: { tags: {} },
      ...extra,
    },
  });
  const role = (address: string, actions: string[]) => ({ address, mode: 'managed', type: 'azurerm_management_lock', name: 'r', change: { actions, before: null, after: { scope: '/x', principal_id: 'p' }, after_unknown: {}, after_sensitive: {} } });
  return {
    format_version: '1.2',
    terraform_version: '1.9.8',
    variables: { secret: { value: 'x' } },
    planned_values: {
      root_module: {
        resources: [{ address: 'azurerm_key_vault.only_planned', mode: 'managed', type: 'azurerm_key_vault', name: 'only_planned', values: { name: 'kv1', public_network_access_enabled: true, resource_group_name: 'rg', location: 'westeurope', sku_name: 'standard', tenant_id: 't' }, sensitive_values: {} }],
        child_modules: [{ address: 'module.m["a.b"]', resources: [] }],
      },
    },
    resource_changes: [
      registry('module.m["a.b\\"c"].azurerm_container_registry.acr'),
      registry('azurerm_container_registry.twin'),
      // The old object of a create-before-destroy replacement: Terraform lists it with its deposed key, to delete.
      { ...registry('azurerm_container_registry.twin', { actions: ['delete'], before: { name: 'old' }, after: null }), deposed: 'abc' },
      // An update: `before` (with a member named after) says the opposite of `after`, so reading the wrong one shows.
      registry('azurerm_container_registry.updated', {
        actions: ['update'],
        before: { name: 'old', public_network_access_enabled: false, sku: 'Basic', after: { public_network_access_enabled: false } },
        before_sensitive: { tags: {} },
      }),
      registry('azurerm_container_registry.gone', { actions: ['delete'] }),
      role('azurerm_management_lock.kept', ['create']),
      role('azurerm_management_lock.gone', ['delete']),
      role('module.m["a.b"].azurerm_management_lock.esc', ['no-op']),
      { address: 'data.azurerm_container_registry.read', mode: 'data', type: 'azurerm_container_registry', name: 'read', change: { actions: ['read'], after: { name: 'acrdata' }, after_unknown: {}, after_sensitive: {} } },
    ],
    prior_state: { values: { root_module: { resources: [{ address: 'x', values: { nested: [1, -2.5e3, true, false, null, 'a]b}c'] } }] } } },
    configuration: { root_module: { resources: [{ address: 'azurerm_container_registry.twin', expressions: { name: { constant_value: 'acr' } } }] } },
  };
}

describe('reading only the plan members rules need', () => {
  it('gives the same resources as parsing the whole plan, read as one string or streamed, for the estate, the corpus and a generated estate, in every layout', () => {
    for (const [name, plan] of plansToCompare()) {
      for (const [layout, text] of Object.entries(variants(plan))) {
        const { whole, members, streamed } = readBothWays(text);
        expect(members, `${name} (${layout})`).toEqual(whole);
        expect(streamed, `${name} (${layout}), streamed`).toEqual(whole);
      }
    }
  });

  it('is not fooled by nested address/type attributes, escaped addresses, deposed twins, deletes or planned_values-only resources', () => {
    for (const [layout, text] of Object.entries(variants(trickyPlan()))) {
      const { whole, members, streamed } = readBothWays(text);
      expect(members, layout).toEqual(whole);
      expect(streamed, `${layout}, streamed`).toEqual(whole);
      const addresses = (members as { resources: Array<{ source: { address: string } }> }).resources.map((r) => r.source.address).sort();
      expect(addresses, layout).toEqual([
        'azurerm_container_registry.twin',
        'azurerm_container_registry.updated',
        'azurerm_key_vault.only_planned',
        'data.azurerm_container_registry.read',
        'module.m["a.b\\"c"].azurerm_container_registry.acr',
      ]);
    }
  });

  it('reads entry keys as JSON.parse does: escaped spellings, and the last of duplicate keys', () => {
    const compact = JSON.stringify(trickyPlan());
    const once = (text: string, from: string, to: string) => {
      expect(text, from).toContain(from);
      return text.replace(from, to);
    };
    let text = once(compact, '"type":"azurerm_container_registry"', '"typ\\u0065":"azurerm_container_registry"');
    // A management lock entry whose first "type" says key vault: the last one (a lock, which no rule reads) wins.
    text = once(text, '{"address":"azurerm_management_lock.kept","mode":"managed",', '{"address":"azurerm_management_lock.kept","type":"azurerm_key_vault","mode":"managed",');
    // A deleted registry whose change says delete last: it is dropped, as JSON.parse would have it.
    text = once(text, '"actions":["create"],"before":null,"after":{"name":"acr\u00e9', '"actions":["delete"],"actions":["create"],"before":null,"after":{"name":"acr\u00e9');
    text = once(text, '"actions":["delete"],"before":null,"after":{"name":"acr', '"actions":["create"],"before":null,"actions":["delete"],"after":{"name":"acr');
    // An earlier `after` and `after_unknown` in the same change: the last of each wins.
    text = once(text, '"before":null,"after":{"name":"acr', '"after":{"name":"decoy","sku":"Basic"},"after_unknown":{"sku":true},"before":null,"after":{"name":"acr');
    const { whole, members, streamed } = readBothWays(text);
    expect(members).toEqual(whole);
    expect(streamed).toEqual(whole);
    const addresses = (members as { resources: Array<{ source: { address: string } }> }).resources.map((r) => r.source.address).sort();
    expect(addresses).toEqual(['azurerm_container_registry.twin', 'azurerm_container_registry.updated', 'azurerm_key_vault.only_planned', 'data.azurerm_container_registry.read', 'module.m["a.b\\"c"].azurerm_container_registry.acr']);
  });

  it('leaves a file it cannot split to JSON.parse, so stray text anywhere, even in members no rule reads, is still an error', () => {
    const good = JSON.stringify(trickyPlan());
    const dir = tempDir();
    const broken: Record<string, string> = {
      'in-prior-state.json': good.replace('"nested":[1,', '"nested":[1, oops,'),
      'in-an-unread-entry.json': good.replace('"principal_id":"p"', '"principal_id":p'),
      'control-character-in-planned-values.json': good.replace('"kv1"', '"k\u0002v1"'),
      'bad-literal-in-variables.json': good.replace('"value":"x"', '"value":tru'),
    };
    // The CLI reads plans this small whole; force the member reader, whose errors are under test.
    const previous = process.env['AZFENCE_MEMBER_READ_ABOVE_BYTES'];
    process.env['AZFENCE_MEMBER_READ_ABOVE_BYTES'] = '0';
    onTestFinished(() => {
      if (previous === undefined) delete process.env['AZFENCE_MEMBER_READ_ABOVE_BYTES'];
      else process.env['AZFENCE_MEMBER_READ_ABOVE_BYTES'] = previous;
    });
    for (const [name, content] of Object.entries(broken)) {
      expect(content, name).not.toBe(good);
      writeFileSync(join(dir, name), content);
      const run = runCli(['scan', join(dir, name), '--format', 'json'], dir);
      expect(run.code, name).toBe(2);
      expect(run.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(run.stderr, name).toMatch(new RegExp(`${name.replace('.', '\\.')}(:\\d+)?: is not valid JSON`));
    }
    // The good file scans, so the errors above are the edits', not the plan's.
    writeJson(dir, 'good.json', trickyPlan());
    expect(runCli(['scan', join(dir, 'good.json'), '--format', 'json', '--fail-on', 'none'], dir).code).toBe(0);
  });
});
