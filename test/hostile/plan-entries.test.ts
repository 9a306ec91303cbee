import { describe, expect, it } from 'vitest';
import { buildPlan } from '../support/materialize.js';
import { runCli, tempDir, writeJson, type JsonReport } from '../support/run-cli.js';
import { PLAN_READERS, withEnv } from '../support/plan-readers.js';

/**
 * Issue 15, item 7: a resource_changes entry of the wrong shape is an input error (exit 2, one line naming the
 * file and the entry), never a resource silently left out, and the rest of the file and the other files are
 * still reported. Every plan reader must agree: in memory, the member reader (plans over 4 MB) and the
 * streaming reader (over 256 MB); environment variables force each on a small plan.
 */
type Json = Record<string, any>;

const REGISTRY = (name: string) => ({ type: 'azurerm_container_registry', name, values: { name: `acr${name}`, sku: 'Premium', public_network_access_enabled: true } });

/** A plan with a good public registry (index 0), the entry under test (index 1) and a role assignment (index 2). */
function plan(): Json {
  const built = buildPlan({ azurerm: [REGISTRY('good'), REGISTRY('bad'), { type: 'azurerm_role_assignment', name: 'ra', values: { scope: '/x', principal_id: 'p' } }] }) as Json;
  // The entry under test is judged from resource_changes alone.
  built['planned_values'].root_module.resources = built['planned_values'].root_module.resources.filter((resource: Json) => resource.name !== 'bad');
  return built;
}

const MALFORMED: Array<{ label: string; edit: (changes: Json[]) => void; says: RegExp }> = [
  { label: 'the entry is a string', edit: (changes) => (changes[1] = 'azurerm_container_registry.bad'), says: /resource_changes\[1\] is a string, not an object/ },
  { label: 'no address', edit: (changes) => delete changes[1].address, says: /resource_changes\[1\] has no address/ },
  { label: 'address is a number', edit: (changes) => (changes[1].address = 42), says: /resource_changes\[1\] has no address \(it is a number\)/ },
  { label: 'type is missing', edit: (changes) => delete changes[1].type, says: /resource_changes\[1\] \(azurerm_container_registry\.bad\) has no type/ },
  { label: 'mode "Managed" (wrong case)', edit: (changes) => (changes[1].mode = 'Managed'), says: /resource_changes\[1\] \(azurerm_container_registry\.bad\): mode "Managed" is neither "managed" nor "data"/ },
  { label: 'change is a string', edit: (changes) => (changes[1].change = 'create'), says: /resource_changes\[1\] \(azurerm_container_registry\.bad\): change is a string, not an object/ },
  { label: 'change is missing', edit: (changes) => delete changes[1].change, says: /resource_changes\[1\] \(azurerm_container_registry\.bad\): change is missing/ },
  { label: 'change.after is a string', edit: (changes) => (changes[1].change.after = JSON.stringify(changes[1].change.after)), says: /resource_changes\[1\] \(azurerm_container_registry\.bad\): change\.after is a string, not an object/ },
  { label: 'change.after is a list', edit: (changes) => (changes[1].change.after = [changes[1].change.after]), says: /resource_changes\[1\] \(azurerm_container_registry\.bad\): change\.after is a list, not an object/ },
  { label: 'change.after_unknown is a string', edit: (changes) => (changes[1].change.after_unknown = 'id'), says: /resource_changes\[1\] \(azurerm_container_registry\.bad\): change\.after_unknown is a string, not an object/ },
  { label: 'change.after_sensitive is a number', edit: (changes) => (changes[1].change.after_sensitive = 1), says: /resource_changes\[1\] \(azurerm_container_registry\.bad\): change\.after_sensitive is a number, not an object/ },
  { label: 'change.after is null in an entry being created', edit: (changes) => (changes[1].change.after = null), says: /resource_changes\[1\] \(azurerm_container_registry\.bad\): change\.after is null, but the entry is not being deleted/ },
  { label: 'change.after_unknown is missing (unknown values would read as absent)', edit: (changes) => delete changes[1].change.after_unknown, says: /resource_changes\[1\] \(azurerm_container_registry\.bad\): change\.after_unknown is missing, so what is known only after apply cannot be told/ },
  { label: 'change.actions is a string', edit: (changes) => (changes[1].change.actions = 'create'), says: /resource_changes\[1\] \(azurerm_container_registry\.bad\): change\.actions is a string, not a list of actions/ },
  {
    label: 'an entry of a type no rule reads (a role assignment) whose change is a list',
    edit: (changes) => (changes[2].change = []),
    says: /resource_changes\[2\] \(azurerm_role_assignment\.ra\): change is a list, not an object/,
  },
];

const AZAPI_TYPES: Array<{ label: string; type: unknown; says: RegExp }> = [
  { label: 'a number', type: 7, says: /its type is a number, not Microsoft\.X\/y@api-version/ },
  { label: 'null', type: null, says: /its type is missing/ },
  { label: 'no namespace', type: 'registries@2023-07-01', says: /its type is not Microsoft\.X\/y@api-version/ },
  { label: 'an empty segment', type: 'Microsoft.ContainerRegistry//registries@2023-07-01', says: /its type is not Microsoft\.X\/y@api-version/ },
];

function scanWith(dir: string, env: Record<string, string>): { code: number; lines: string[]; report: JsonReport } {
  withEnv(env);
  const run = runCli(['scan', 'plan.json', 'other.json', '--format', 'json'], dir);
  return { code: run.code, lines: run.stderr.trim().split('\n').filter(Boolean), report: JSON.parse(run.stdout) as JsonReport };
}

function otherFile(dir: string): void {
  writeJson(dir, 'other.json', buildPlan({ azurerm: [{ type: 'azurerm_key_vault', name: 'kv', values: { name: 'kvopen', public_network_access_enabled: true, sku_name: 'standard', tenant_id: 't' } }] }));
}

function expectReported(result: ReturnType<typeof scanWith>, says: RegExp, label: string): void {
  expect(result.code, label).toBe(2);
  expect(result.lines, label).toEqual([expect.stringMatching(new RegExp(`^azfence: error: plan\\.json: ${says.source}`))]);
  const failing = result.report.findings.map((finding) => `${finding.ruleId} ${finding.resource.name}`);
  // The good registry in the same file, and the other file, are still judged.
  expect(failing, label).toContain('AZF-PUB-001 acrgood');
  expect(failing, label).toContain('AZF-PUB-005 kvopen');
}

describe('malformed resource_changes entries are input errors in every plan reader', () => {
  for (const reader of PLAN_READERS) {
    for (const { label, edit, says } of MALFORMED) {
      it(`${reader.name}: ${label}`, () => {
        const dir = tempDir();
        const built = plan();
        edit(built['resource_changes']);
        writeJson(dir, 'plan.json', built);
        otherFile(dir);
        expectReported(scanWith(dir, reader.env), says, label);
      });
    }

    for (const { label, type, says } of AZAPI_TYPES) {
      it(`${reader.name}: an azapi type that is ${label}`, () => {
        const dir = tempDir();
        const built = plan();
        const azapi = buildPlan({ azapi: [{ type: 'Microsoft.ContainerRegistry/registries@2023-07-01', name: 'odd', body: { sku: { name: 'Premium' }, properties: { publicNetworkAccess: 'Enabled' } } }] }) as Json;
        const entry = azapi['resource_changes'][0];
        entry.change.after.type = type;
        built['resource_changes'][1] = entry;
        writeJson(dir, 'plan.json', built);
        otherFile(dir);
        expectReported(scanWith(dir, reader.env), new RegExp(`resource_changes\\[1\\] \\(azapi_resource\\.odd\\): ${says.source}`), label);
      });
    }
  }

  it('real plans (the estate) have no such entries: they still scan without errors', () => {
    const run = runCli(['scan', 'fixtures/estate/plan.json', '--format', 'json', '--fail-on', 'none']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});

/** Issue 15, item 10 (plans): an address listed twice is read once if both entries agree, and is an error if they differ. */
describe('an address listed twice', () => {
  function twice(second: (entry: Json) => void): Json {
    const built = plan();
    const copy = structuredClone(built['resource_changes'][1]);
    second(copy);
    built['resource_changes'].push(copy);
    return built;
  }

  for (const reader of PLAN_READERS) {
    it(`${reader.name}: in resource_changes with different values is an error naming the address; the rest is reported`, () => {
      const dir = tempDir();
      // The first entry says the registry is closed; the second, the one a first-wins reader dropped, opens it.
      const built = twice((entry) => (entry.change.after.public_network_access_enabled = true));
      built['resource_changes'][1].change.after.public_network_access_enabled = false;
      writeJson(dir, 'plan.json', built);
      otherFile(dir);
      expectReported(scanWith(dir, reader.env), /resource_changes\[3\] \(azurerm_container_registry\.bad\): the plan lists this address more than once, with different values/, 'twice');
    });

    it(`${reader.name}: in resource_changes with the same values (keys in another order) is read once, without an error`, () => {
      const dir = tempDir();
      const built = twice((entry) => (entry.change = Object.fromEntries(Object.entries(entry.change).reverse())));
      writeJson(dir, 'plan.json', built);
      otherFile(dir);
      const result = scanWith(dir, reader.env);
      expect(result.lines).toEqual([]);
      expect(result.report.findings.filter((finding) => finding.ruleId === 'AZF-PUB-001').map((finding) => finding.resource.name).sort()).toEqual(['acrbad', 'acrgood']);
    });

    it(`${reader.name}: a deposed twin (being deleted) is skipped; a deposed entry planned to be created is an error`, () => {
      const dir = tempDir();
      const built = plan();
      const old = structuredClone(built['resource_changes'][1]);
      old.deposed = '00abc';
      old.change = { actions: ['delete'], before: { ...old.change.after, public_network_access_enabled: false }, after: null, after_unknown: {}, after_sensitive: false, before_sensitive: {} };
      built['resource_changes'].splice(1, 0, old);
      writeJson(dir, 'plan.json', built);
      otherFile(dir);
      const clean = scanWith(dir, reader.env);
      expect(clean.lines).toEqual([]);
      expect(clean.report.findings.filter((finding) => finding.ruleId === 'AZF-PUB-001').map((finding) => finding.resource.name).sort()).toEqual(['acrbad', 'acrgood']);
      // A hostile "deposed" entry in front of the real one must not stand for it.
      old.change = { ...built['resource_changes'][2].change, after: { ...built['resource_changes'][2].change.after, public_network_access_enabled: false } };
      writeJson(dir, 'plan.json', built);
      expectReported(scanWith(dir, reader.env), /resource_changes\[1\] \(azurerm_container_registry\.bad\) is a deposed object \(00abc\) whose actions are not a removal/, 'deposed create');
    });
  }

  it('planned_values listing a module resource resource_changes does not hold, twice: the same values read once, different ones an error', () => {
    const dir = tempDir();
    const built = buildPlan({ azurerm: [{ ...REGISTRY('mod'), address: 'module.reg.azurerm_container_registry.mod' }] }) as Json;
    // Terraform before 0.15 left resources without changes out of resource_changes: planned_values holds them.
    built['resource_changes'] = [];
    const module = { address: 'module.reg', resources: built['planned_values'].root_module.resources };
    built['planned_values'].root_module = { resources: [], child_modules: [module, structuredClone(module)] };
    writeJson(dir, 'plan.json', built);
    otherFile(dir);
    for (const reader of PLAN_READERS) {
      const same = scanWith(dir, reader.env);
      expect(same.lines, reader.name).toEqual([]);
      expect(same.report.findings.filter((finding) => finding.ruleId === 'AZF-PUB-001').map((finding) => finding.resource.address), reader.name).toEqual(['module.reg.azurerm_container_registry.mod']);
    }
    built['planned_values'].root_module.child_modules[1].resources[0].values.public_network_access_enabled = false;
    writeJson(dir, 'plan.json', built);
    for (const reader of PLAN_READERS) {
      const result = scanWith(dir, reader.env);
      expect(result.code, reader.name).toBe(2);
      expect(result.lines, reader.name).toEqual([expect.stringMatching(/plan\.json: planned_values lists module\.reg\.azurerm_container_registry\.mod more than once, with different values/)]);
      expect(result.report.findings.map((finding) => finding.resource.name), reader.name).toContain('kvopen');
    }
  });
});

/** What a plan as a whole must hold for its entries to be read as Terraform meant them. */
describe('the members a plan needs around its entries', () => {
  const CASES: Array<{ label: string; edit: (plan: Json) => void; says: RegExp }> = [
    { label: 'no configuration (references between new resources cannot be followed)', edit: (plan) => delete plan['configuration'], says: /plan\.json: has no configuration, so references between the resources it creates cannot be followed/ },
    { label: 'configuration of another type', edit: (plan) => (plan['configuration'] = JSON.stringify(plan['configuration'])), says: /plan\.json: configuration is a string, not an object/ },
    { label: 'planned_values of another type', edit: (plan) => (plan['planned_values'] = [plan['planned_values']]), says: /plan\.json: planned_values is a list, not an object/ },
    { label: 'no resource_changes while planned_values lists resources (their unknown values are left out)', edit: (plan) => delete plan['resource_changes'], says: /plan\.json: has no resource_changes, so values known only after apply cannot be told from absent ones/ },
  ];
  for (const reader of PLAN_READERS) {
    for (const { label, edit, says } of CASES) {
      it(`${reader.name}: ${label} is an input error`, () => {
        const dir = tempDir();
        const built = buildPlan({ azurerm: [REGISTRY('good')] }) as Json;
        edit(built);
        writeJson(dir, 'plan.json', built);
        otherFile(dir);
        const result = scanWith(dir, reader.env);
        expect(result.code, label).toBe(2);
        expect(result.lines, label).toEqual([expect.stringMatching(new RegExp(`^azfence: error: ${says.source}`))]);
        expect(result.report.findings.map((finding) => finding.resource.name), label).toContain('kvopen');
      });
    }
  }
});
