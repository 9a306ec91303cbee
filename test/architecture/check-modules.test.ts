import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/registry.js';
import { planQuery } from '../../src/audit/query-plan.js';
import { loadRules } from '../../src/engine/load-packs.js';
import { runCli, tempDir } from '../support/run-cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('a function-backed check is one module', () => {
  const files = sourceFiles(SRC).map((file) => ({ file: relative(ROOT, file), text: readFileSync(file, 'utf8') }));

  it('every function a built-in pack calls is a check module, and every module is called', () => {
    const { rules } = loadRules([], ROOT);
    const called = new Set(JSON.stringify(rules.flatMap((rule) => rule.checks)).match(/"function":"\w+"/g)!.map((text) => text.slice(12, -1)));
    expect([...called].sort()).toEqual(CHECKS.map((check) => check.name).sort());
  });

  it.each(CHECKS.map((check) => [check.name]))('%s is spelled in exactly one source file, its module', (name) => {
    const spelled = files.filter(({ text }) => new RegExp(`(?<![\\w$])${name}(?![\\w$])`).test(text)).map(({ file }) => file);
    expect(spelled, `${name} is spelled in ${spelled.join(', ')}`).toHaveLength(1);
    expect(spelled[0]).toMatch(/^src\/checks\/[a-z]+\/[a-z-]+\.ts$/);
  });

  it('the audit reads what the enabled checks declare they read, and no more', () => {
    const { rules } = loadRules([], ROOT);
    const pub = rules.filter((rule) => rule.pack === 'PUB');
    const publicOnly = planQuery(pub.map((rule) => ({ ...rule, checks: rule.checks.filter((check) => !JSON.stringify(check).includes('"function"')) })));
    const dns = planQuery(rules.filter((rule) => rule.id === 'AZF-DNS-005'));
    // AZF-DNS-005 reads private endpoints beside the resources it selects: declared by its module, nowhere else.
    expect(dns.graphTypes).toContain('microsoft.network/privateendpoints');
    expect(publicOnly.graphTypes).not.toContain('microsoft.network/privateendpoints');
  });
});

describe('loading a pack refuses what no check module declares', () => {
  const dir = tempDir();
  const pack = (name: string, check: string, remediation = "{ arm: 'r' }"): string => {
    mkdirSync(join(dir, 'packs'), { recursive: true });
    const file = join(dir, 'packs', `${name}.yaml`);
    writeFileSync(file, `pack: ACME\ntitle: t\nrules:\n  - id: ACME-${name.toUpperCase()}-001\n    title: t\n    severity: low\n    description: d\n    remediation: ${remediation}\n    checks:\n      - select: { type: Microsoft.Network/privateEndpoints }\n${check}`);
    return `packs/${name}.yaml`;
  };
  const scan = (file: string) => runCli(['scan', join(ROOT, 'fixtures', 'estate', 'snapshot.json'), '--policies', file], dir);

  it('a function no module declares: exit 2, naming the pack file, line and the function', () => {
    const file = pack('nofn', '        assert: { function: privateEndpointHasZoneGroups }\n        message: m\n');
    const run = scan(file);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toMatch(/^azfence: error: packs\/nofn\.yaml:11: ACME-NOFN-001: unknown function "privateEndpointHasZoneGroups" \(did you mean privateEndpointHasZoneGroup\?\)$/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    const far = scan(pack('farfn', '        assert: { function: somethingElse }\n        message: m\n'));
    // No near miss: the list of what a pack may call, in order.
    expect(far.stderr).toMatch(/unknown function "somethingElse" \(known: agentPoolReachesRegistryPrivately, aksBootstrapCacheZoneRedundant, aksBootstrapsFromPrivateCache, clusterHasKataPool, /);
  });

  it('a {detail:} key the check\'s functions do not declare, in a message: exit 2, naming the key', () => {
    const file = pack('typo', '        assert: { function: privateEndpointHasZoneGroup }\n        message: "{name} needs {detail:neededZone}"\n');
    const run = scan(file);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('azfence: error: packs/typo.yaml:12: ACME-TYPO-001: {detail:neededZone} is not a detail of this check (the functions it calls declare: groupIds, neededZones, vnet)');
  });

  it('a {detail:} key in a remediation, or in a rule that calls no function: exit 2', () => {
    const remediation = scan(pack('fix', '        assert: { function: privateEndpointHasZoneGroup }\n        message: m\n', "{ arm: 'add {detail:zones}' }"));
    expect(remediation.code).toBe(2);
    expect(remediation.stderr).toMatch(/^azfence: error: packs\/fix\.yaml:\d+: ACME-FIX-001: \{detail:zones\} is not a detail of this check/);
    const declarative = scan(pack('plain', "        assert: { field: name, equals: x }\n        message: 'has {detail:problem}'\n"));
    expect(declarative.code).toBe(2);
    expect(declarative.stderr).toContain('{detail:problem} is not a detail of this check (it calls no function that declares details)');
  });

  it('a `with:` argument the function does not take, or lacks: exit 2', () => {
    const extra = scan(pack('extra', '        assert: { function: taskUsesAgentPool, with: { agentPool: properties.x, pool: y } }\n        message: m\n'));
    expect(extra.code).toBe(2);
    expect(extra.stderr.trim()).toBe('azfence: error: packs/extra.yaml:11: ACME-EXTRA-001: function taskUsesAgentPool takes no argument "pool" (it takes: agentPool)');
    const missing = scan(pack('missing', '        assert: { function: taskUsesAgentPool }\n        message: m\n'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('function taskUsesAgentPool needs the argument "agentPool"');
  });

  it('a declared detail still renders', () => {
    const run = runCli(['scan', join(ROOT, 'fixtures', 'estate', 'plan.json'), '--policies', pack('ok', '        assert: { function: privateEndpointHasZoneGroup }\n        message: "{name} needs {detail:neededZones}"\n'), '--format', 'json', '--fail-on', 'none'], dir);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).findings.filter((finding: { ruleId: string }) => finding.ruleId === 'ACME-OK-001').map((finding: { message: string }) => finding.message)).toEqual(['pe-kv-ci-we01 needs privatelink.vaultcore.azure.net']);
  });
});
