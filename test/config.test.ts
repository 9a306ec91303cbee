import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import type { ParameterSpec, Rule } from '../src/engine/rule.js';
import { loadConfig, parametersForRule, validateConfigAgainstRules, type AzfenceConfig } from '../src/config/load-config.js';
import { tempDir } from './support/run-cli.js';

function write(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** The one line a user would see after `azfence: error: `. */
function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected a UserError, got none');
}

/** A repository checkout: a directory with `.git`, as CI would have. */
function repo(): string {
  const dir = tempDir('azfence-config-');
  mkdirSync(join(dir, '.git'));
  return dir;
}

function configFrom(text: string): { dir: string; config: AzfenceConfig } {
  const dir = repo();
  write(dir, '.azfence.yaml', text);
  return { dir, config: loadConfig({ scanPaths: [], cwd: dir }) };
}

function loadError(text: string): string {
  const dir = repo();
  write(dir, '.azfence.yaml', text);
  return errorOf(() => loadConfig({ scanPaths: [], cwd: dir }));
}

function rule(id: string, parameters: Record<string, ParameterSpec> = {}): Rule {
  return {
    id,
    title: id,
    pack: id.split('-')[1]!,
    severity: 'high',
    description: 'test rule',
    help: '',
    references: [],
    tags: [],
    parameters,
    remediation: {},
    checks: [],
    origin: { file: 'test', line: 1, builtIn: true },
  };
}

const DNS_PARAMETERS: Record<string, ParameterSpec> = {
  dnsMode: { type: 'string', default: 'zoneGroups', description: 'how DNS is done', allowedValues: ['zoneGroups', 'customDns'] },
  hubVirtualNetworks: { type: 'array', default: [], description: 'hub vnets' },
  maxRecords: { type: 'number', description: 'no default' },
};

describe('finding the config file', () => {
  it('uses the config in a scanned directory, before the one in cwd', () => {
    const dir = repo();
    write(dir, '.azfence.yaml', 'failOn: low\n');
    write(dir, 'infra/.azfence.yaml', 'failOn: high\n');
    const config = loadConfig({ scanPaths: [join(dir, 'infra')], cwd: dir });
    expect(config.file).toBe('infra/.azfence.yaml');
    expect(config.failOn).toBe('high');
  });

  it("counts a scanned file's own directory, and the first scanned path with a config wins", () => {
    const dir = repo();
    write(dir, 'a/plan.json', '{}');
    write(dir, 'b/.azfence.yml', 'failOn: medium\n');
    write(dir, 'c/.azfence.yaml', 'failOn: critical\n');
    const config = loadConfig({ scanPaths: ['a/plan.json', 'missing', 'b/plan.json', 'b', 'c'], cwd: dir });
    expect(config.file).toBe('b/.azfence.yml');
    expect(config.failOn).toBe('medium');
  });

  it('falls back to cwd, and to an empty config when there is none', () => {
    const dir = repo();
    write(dir, 'infra/plan.json', '{}');
    expect(loadConfig({ scanPaths: ['infra'], cwd: dir })).toEqual({ parameters: {}, rules: {}, policies: [] });
    write(dir, '.azfence.yaml', 'failOnUnknown: true\n');
    expect(loadConfig({ scanPaths: ['infra'], cwd: dir })).toEqual({ file: '.azfence.yaml', parameters: {}, rules: {}, policies: [], failOnUnknown: true });
  });

  it('--config wins over discovery; a missing --config file is an error', () => {
    const dir = repo();
    write(dir, 'infra/.azfence.yaml', 'failOn: high\n');
    write(dir, 'ci/strict.yaml', 'failOn: low\n');
    const config = loadConfig({ explicitPath: 'ci/strict.yaml', scanPaths: ['infra'], cwd: dir });
    expect(config).toMatchObject({ file: 'ci/strict.yaml', failOn: 'low' });
    expect(errorOf(() => loadConfig({ explicitPath: 'ci/nope.yaml', scanPaths: ['infra'], cwd: dir }))).toBe('ci/nope.yaml: no such file');
    expect(errorOf(() => loadConfig({ explicitPath: 'ci', scanPaths: [], cwd: dir }))).toBe('ci: is not a file; --config expects a .azfence.yaml file');
  });
});

describe('reading the config file', () => {
  it('reads every setting', () => {
    const { dir, config } = configFrom(
      [
        'parameters:',
        '  dnsMode: zoneGroups',
        '  hubVirtualNetworks: [/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-hub]',
        'rules:',
        '  AZF-DNS-004:',
        '    enabled: false',
        '    severity: medium',
        '    parameters: { hubVirtualNetworks: [vnet-hub] }',
        'policies: [./policies, team/packs/net.yaml]',
        'failOn: high',
        'failOnUnknown: false',
      ].join('\n'),
    );
    expect(config).toEqual({
      file: '.azfence.yaml',
      parameters: { dnsMode: 'zoneGroups', hubVirtualNetworks: ['/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-hub'] },
      rules: { 'AZF-DNS-004': { enabled: false, severity: 'medium', parameters: { hubVirtualNetworks: ['vnet-hub'] } } },
      policies: [join(dir, 'policies'), join(dir, 'team/packs/net.yaml')],
      failOn: 'high',
      failOnUnknown: false,
    });
  });

  it('treats an empty or comments-only file as an empty config', () => {
    expect(configFrom('').config).toEqual({ file: '.azfence.yaml', parameters: {}, rules: {}, policies: [] });
    expect(configFrom('# nothing configured yet\n').config).toEqual({ file: '.azfence.yaml', parameters: {}, rules: {}, policies: [] });
  });

  it('treats sections whose entries are all commented out as empty', () => {
    const { config } = configFrom('parameters:\n  # dnsMode: customDns\nrules:\n  AZF-DNS-004:\n    # enabled: false\n  AZF-PUB-001:\n    enabled: false\n    parameters:\npolicies:\n');
    expect(config).toEqual({ file: '.azfence.yaml', parameters: {}, rules: { 'AZF-DNS-004': {}, 'AZF-PUB-001': { enabled: false } }, policies: [] });
  });

  it('reports an unknown key at its own line', () => {
    expect(loadError('failOn: high\nfailon: low\n')).toBe('.azfence.yaml:2: the config: unknown key "failon"');
    expect(loadError('rules:\n  AZF-DNS-004:\n    severity: low\n    enabeld: false\n')).toBe('.azfence.yaml:4: rules.AZF-DNS-004: unknown key "enabeld"');
    expect(loadError('rules:\n  AZF-DNS-004: {}\n  azf-dns-5: {}\n')).toBe('.azfence.yaml:3: rules: "azf-dns-5" is not a rule id (like AZF-DNS-004)');
    expect(loadError('"fail\\nOn": high\n')).toBe('.azfence.yaml:1: the config: unknown key "fail On"');
  });

  it('reports a bad value at its line', () => {
    expect(loadError('rules:\n  AZF-DNS-004:\n    severity: severe\n')).toBe('.azfence.yaml:3: rules.AZF-DNS-004.severity: must be one of critical, high, medium, low');
    expect(loadError('# gate\nfailOn: everything\n')).toBe('.azfence.yaml:2: failOn: must be one of critical, high, medium, low, none');
    expect(loadError('failOnUnknown: "yes"\n')).toBe('.azfence.yaml:1: failOnUnknown: must be a boolean');
    expect(loadError('policies: ./policies\n')).toBe('.azfence.yaml:1: policies: must be an array');
    expect(loadError('rules:\n  AZF-DNS-004:\n    parameters: [a]\n')).toBe('.azfence.yaml:3: rules.AZF-DNS-004.parameters: must be an object');
    expect(loadError('- failOn: high\n')).toBe('.azfence.yaml:1: the config: must be an object');
  });

  it('reports YAML errors and duplicate keys with file:line', () => {
    expect(loadError('failOn: high\nrules: @oops\n')).toBe('.azfence.yaml:2: invalid YAML: Plain value cannot start with reserved character @ (column 8)');
    expect(loadError('failOn: high\nrules:\n  AZF-DNS-004: {enabled: false\n')).toMatch(/^\.azfence\.yaml:4: invalid YAML: Flow map in block collection must be sufficiently indented and end with a \} \(column \d+\)$/);
    expect(loadError('failOn: high\nparameters: {}\nfailOn: low\n')).toBe('.azfence.yaml:3: invalid YAML: Map keys must be unique (column 1)');
  });

  it('rejects an alias bomb quickly instead of expanding it', () => {
    const lines = ['parameters:', '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const previous = String.fromCharCode(96 + i);
      lines.push(`  ${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const started = Date.now();
    expect(loadError(lines.join('\n'))).toBe('.azfence.yaml:3: YAML aliases expand too much (alias bomb?)');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('still accepts a few ordinary aliases', () => {
    const { config } = configFrom('parameters:\n  hubs: &hubs [vnet-hub]\nrules:\n  AZF-DNS-004:\n    parameters: { hubs: *hubs }\n');
    expect(config.rules['AZF-DNS-004']?.parameters).toEqual({ hubs: ['vnet-hub'] });
  });
});

describe('policies paths from an untrusted config', () => {
  it('resolves entries against the config file and allows anywhere in the repository', () => {
    const dir = repo();
    write(dir, 'infra/.azfence.yaml', 'policies: [../shared/policies, ./local]\n');
    const config = loadConfig({ scanPaths: ['infra'], cwd: dir });
    expect(config.policies).toEqual([join(dir, 'shared/policies'), join(dir, 'infra/local')]);
  });

  it('rejects entries outside the repository', () => {
    expect(loadError('failOn: high\npolicies:\n  - ./policies\n  - ../../etc\n')).toBe('.azfence.yaml:4: policies entry "../../etc" is outside the repository');
    expect(loadError('policies: [/etc]\n')).toBe('.azfence.yaml:1: policies entry "/etc" is outside the repository');
  });

  it('rejects a symlink inside the repository that points outside it', () => {
    const dir = repo();
    const outside = tempDir('azfence-outside-');
    symlinkSync(outside, join(dir, 'linked'));
    write(dir, '.azfence.yaml', 'policies:\n  - linked\n  - linked/not-yet-there\n');
    expect(errorOf(() => loadConfig({ scanPaths: [], cwd: dir }))).toBe('.azfence.yaml:2: policies entry "linked" is outside the repository');
    write(dir, '.azfence.yaml', 'policies:\n  - linked/not-yet-there\n');
    expect(errorOf(() => loadConfig({ scanPaths: [], cwd: dir }))).toBe('.azfence.yaml:2: policies entry "linked/not-yet-there" is outside the repository');
  });

  it("without a git repository, confines entries to the config file's directory", () => {
    const dir = tempDir('azfence-nogit-');
    write(dir, 'project/.azfence.yaml', 'policies: [./policies, ../sibling]\n');
    expect(errorOf(() => loadConfig({ scanPaths: ['project'], cwd: dir }))).toBe('project/.azfence.yaml:1: policies entry "../sibling" is outside the repository');
  });
});

describe('parameters for a rule', () => {
  it('merges defaults, then top-level parameters the rule declares, then per-rule parameters', () => {
    const { config } = configFrom(
      'parameters:\n  dnsMode: customDns\n  hubVirtualNetworks: [global-hub]\n  unrelated: 1\nrules:\n  AZF-DNS-004:\n    parameters:\n      hubVirtualNetworks: [rule-hub]\n',
    );
    expect(parametersForRule(config, 'AZF-DNS-004', DNS_PARAMETERS)).toEqual({ dnsMode: 'customDns', hubVirtualNetworks: ['rule-hub'] });
    expect(parametersForRule(config, 'AZF-DNS-005', DNS_PARAMETERS)).toEqual({ dnsMode: 'customDns', hubVirtualNetworks: ['global-hub'] });
    expect(parametersForRule(config, 'AZF-PUB-001', {})).toEqual({});
    expect(parametersForRule(configFrom('').config, 'AZF-DNS-004', DNS_PARAMETERS)).toEqual({ dnsMode: 'zoneGroups', hubVirtualNetworks: [] });
  });

  it("matches allowed string values case-insensitively and returns the rule's spelling", () => {
    const { config } = configFrom('parameters:\n  dnsMode: CUSTOMDNS\n');
    expect(parametersForRule(config, 'AZF-DNS-004', DNS_PARAMETERS)['dnsMode']).toBe('customDns');
  });

  it('names the parameter, rule and line when a value has the wrong type or is not allowed', () => {
    const typed = configFrom('parameters:\n  hubVirtualNetworks: vnet-hub\n').config;
    expect(errorOf(() => parametersForRule(typed, 'AZF-DNS-004', DNS_PARAMETERS))).toBe('.azfence.yaml:2: parameters.hubVirtualNetworks: must be an array, got a string for AZF-DNS-004');
    const perRule = configFrom('rules:\n  AZF-DNS-004:\n    parameters:\n      maxRecords: "10"\n').config;
    expect(errorOf(() => parametersForRule(perRule, 'AZF-DNS-004', DNS_PARAMETERS))).toBe('.azfence.yaml:4: rules.AZF-DNS-004.parameters.maxRecords: must be a number, got a string');
    const empty = configFrom('parameters:\n  dnsMode:\n').config;
    expect(errorOf(() => parametersForRule(empty, 'AZF-DNS-004', DNS_PARAMETERS))).toBe('.azfence.yaml:2: parameters.dnsMode: must be a string, got nothing for AZF-DNS-004');
    const notAllowed = configFrom('rules:\n  AZF-DNS-004:\n    parameters: { dnsMode: hosts }\n').config;
    expect(errorOf(() => parametersForRule(notAllowed, 'AZF-DNS-004', DNS_PARAMETERS))).toBe('.azfence.yaml:3: rules.AZF-DNS-004.parameters.dnsMode: "hosts" is not allowed (allowed: zoneGroups, customDns)');
  });

  it('rejects a per-rule parameter the rule does not declare', () => {
    const { config } = configFrom('rules:\n  AZF-DNS-004:\n    parameters:\n      dnsMode: zoneGroups\n      hubVnets: [vnet-hub]\n');
    expect(errorOf(() => parametersForRule(config, 'AZF-DNS-004', DNS_PARAMETERS))).toBe(
      '.azfence.yaml:5: AZF-DNS-004 has no parameter "hubVnets" (it has: dnsMode, hubVirtualNetworks, maxRecords)',
    );
    const none = configFrom('rules:\n  AZF-PUB-001:\n    parameters: { x: 1 }\n').config;
    expect(errorOf(() => parametersForRule(none, 'AZF-PUB-001', {}))).toBe('.azfence.yaml:3: AZF-PUB-001 has no parameter "x" (it has none)');
  });
});

describe('checking the config against the loaded rules', () => {
  const rules = [rule('AZF-PUB-001'), rule('AZF-DNS-004', DNS_PARAMETERS)];

  it('accepts settings for known rules and declared parameters', () => {
    const { config } = configFrom('parameters:\n  dnsMode: zoneGroups\nrules:\n  AZF-PUB-001: { enabled: false }\n  AZF-DNS-004: { severity: low }\n');
    expect(() => validateConfigAgainstRules(config, rules)).not.toThrow();
  });

  it('reports an unknown rule id at its line', () => {
    const { config } = configFrom('failOn: high\nrules:\n  AZF-PUB-001: { enabled: false }\n  AZF-DNS-999:\n    enabled: false\n');
    expect(errorOf(() => validateConfigAgainstRules(config, rules))).toBe('.azfence.yaml:4: rules.AZF-DNS-999: no such rule');
  });

  it('reports a top-level parameter no rule declares, and bad values before any scan', () => {
    const typo = configFrom('parameters:\n  dnsMode: zoneGroups\n  hubVnets: [vnet-hub]\n').config;
    expect(errorOf(() => validateConfigAgainstRules(typo, rules))).toBe(
      '.azfence.yaml:3: parameters.hubVnets: no rule has a parameter of this name (known: dnsMode, hubVirtualNetworks, maxRecords)',
    );
    const bad = configFrom('parameters:\n  maxRecords: many\n').config;
    expect(errorOf(() => validateConfigAgainstRules(bad, rules))).toBe('.azfence.yaml:2: parameters.maxRecords: must be a number, got a string for AZF-DNS-004');
  });
});
