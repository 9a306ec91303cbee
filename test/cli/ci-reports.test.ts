import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../src/cli/main.js';
import { buildPlan } from '../support/materialize.js';
import { tempDir, writeJson, type CliRun } from '../support/run-cli.js';
import { validateSarif } from '../support/sarif-validator.js';

/**
 * Issue 18 item 6: the reports CI systems read. JUnit as the test tabs of Azure DevOps, GitLab and Jenkins
 * take it; SARIF whose locations code scanning resolves against the repository, wherever the scan ran.
 */

function cli(args: string[], cwd: string, env: Record<string, string | undefined> = {}): CliRun {
  let stdout = '';
  let stderr = '';
  const code = main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd, env: { PATH: process.env['PATH'], ...env } } satisfies Io);
  return { code, stdout, stderr };
}

interface Element {
  name: string;
  attributes: Record<string, string>;
  children: Element[];
}

/** The XML as a tree, through a strict parser: a malformed document fails the test here. */
function xmlTree(text: string): Element {
  const parser = new SaxesParser();
  const root: Element = { name: '#document', attributes: {}, children: [] };
  const stack = [root];
  parser.on('opentag', (tag) => {
    const element: Element = { name: tag.name, attributes: tag.attributes as Record<string, string>, children: [] };
    stack.at(-1)!.children.push(element);
    stack.push(element);
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(text).close();
  return root.children[0]!;
}

const all = (element: Element, name: string): Element[] => [...(element.name === name ? [element] : []), ...element.children.flatMap((child) => all(child, name))];

/** Two high failures (public access, admin user), one medium (IP allowlist) and one unknown (a vault's public access). */
function plan(): object {
  return buildPlan({
    azurerm: [
      {
        type: 'azurerm_container_registry',
        name: 'acr',
        values: {
          name: 'acrci',
          sku: 'Premium',
          public_network_access_enabled: true,
          admin_enabled: true,
          network_rule_bypass_option: 'None',
          network_rule_set: [{ default_action: 'Deny', ip_rule: [{ action: 'Allow', ip_range: '203.0.113.0/24' }] }],
        },
      },
      { type: 'azurerm_key_vault', name: 'kv', values: { name: 'kv-app' }, unknown: ['public_network_access_enabled'] },
    ],
  });
}

function junit(extra: string[] = [], dir = tempDir()): { tree: Element; text: string; code: number } {
  writeJson(dir, 'plan.json', plan());
  const run = cli(['scan', 'plan.json', '--check', 'AZF-PUB-001,AZF-PUB-003,AZF-PUB-004,AZF-PUB-005', '-f', 'junit', ...extra], dir);
  return { tree: xmlTree(run.stdout), text: run.stdout, code: run.code };
}

function testcase(tree: Element, name: string): Element {
  const found = all(tree, 'testcase').find((element) => element.attributes['name'] === name);
  expect(found, `${name} in ${all(tree, 'testcase').map((element) => element.attributes['name']).join(', ')}`).toBeDefined();
  return found!;
}

describe('JUnit', () => {
  it('testsuites and every testsuite carry tests, failures, errors, skipped, time and timestamp that add up', () => {
    const { tree } = junit();
    expect(tree.name).toBe('testsuites');
    for (const element of [tree, ...all(tree, 'testsuite')]) {
      expect(Object.keys(element.attributes)).toEqual(expect.arrayContaining(['tests', 'failures', 'errors', 'skipped', 'time', 'timestamp']));
      expect(element.attributes['time']).toMatch(/^\d+\.\d{3}$/);
      expect(element.attributes['timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      expect(Math.abs(Date.parse(`${element.attributes['timestamp']}Z`) - Date.now())).toBeLessThan(60_000);
      const cases = all(element, 'testcase');
      expect(Number(element.attributes['tests'])).toBe(cases.length);
      expect(Number(element.attributes['failures'])).toBe(cases.filter((c) => c.children.some((child) => child.name === 'failure')).length);
      expect(Number(element.attributes['skipped'])).toBe(cases.filter((c) => c.children.some((child) => child.name === 'skipped')).length);
    }
    expect(tree.attributes['failures']).toBe('2');
  });

  it('findings below the gate are skipped with the reason, not failures', () => {
    const { tree } = junit();
    const medium = testcase(tree, 'AZF-PUB-003 azurerm_container_registry.acr');
    expect(medium.children.map((child) => child.name)).toEqual(['skipped']);
    expect(medium.children[0]!.attributes['message']).toMatch(/^medium, below the gate \(fails at high or above\): Registry acrci allowlists public IP ranges/);
    // Lowering the gate turns it into a failure.
    const strict = junit(['--fail-on', 'medium']);
    expect(testcase(strict.tree, 'AZF-PUB-003 azurerm_container_registry.acr').children[0]!.name).toBe('failure');
    expect(strict.tree.attributes['failures']).toBe('3');
  });

  it('unknowns are test cases: skipped, or failed under --fail-on-unknown', () => {
    const { tree } = junit();
    const unknown = testcase(tree, 'AZF-PUB-005 azurerm_key_vault.kv');
    expect(unknown.children[0]!.name).toBe('skipped');
    expect(unknown.children[0]!.attributes['message']).toMatch(/^unknown until apply \(fails only with --fail-on-unknown\): /);
    const strict = junit(['--fail-on-unknown']);
    const failed = testcase(strict.tree, 'AZF-PUB-005 azurerm_key_vault.kv');
    expect(failed.children[0]!.name).toBe('failure');
    expect(failed.children[0]!.attributes['type']).toBe('high unknown');
    expect(strict.code).toBe(1);
  });

  it('test names are the rule and the resource, the same from run to run', () => {
    const first = junit();
    const second = junit([], tempDir('azfence-other-'));
    const names = (tree: Element) => all(tree, 'testcase').map((element) => `${element.attributes['classname']} / ${element.attributes['name']}`);
    expect(names(first.tree)).toEqual(names(second.tree));
    expect(names(first.tree)).toEqual(
      expect.arrayContaining(['AZF-PUB-001 / AZF-PUB-001 azurerm_container_registry.acr', 'AZF-PUB-004 / AZF-PUB-004 azurerm_container_registry.acr']),
    );
    expect(new Set(names(first.tree)).size).toBe(names(first.tree).length);
  });

  it('--fail-on none: nothing fails in the tab, as nothing fails the run', () => {
    const { tree, code } = junit(['--fail-on', 'none']);
    expect(code).toBe(0);
    expect(tree.attributes['failures']).toBe('0');
    expect(all(tree, 'failure')).toEqual([]);
  });
});

describe('SARIF locations are relative to the repository root', () => {
  function checkout(): string {
    const root = tempDir();
    mkdirSync(join(root, '.git'));
    mkdirSync(join(root, 'infra', 'prod'), { recursive: true });
    writeJson(join(root, 'infra', 'prod'), 'plan.json', plan());
    return root;
  }

  const uris = (sarifText: string): string[] => (JSON.parse(sarifText) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }> }> }> }).runs[0]!.results.map((result) => `${result.locations[0]!.physicalLocation.artifactLocation.uriBaseId ?? ''}|${result.locations[0]!.physicalLocation.artifactLocation.uri}`);

  it('scanned from a subdirectory, a plan is still named from the git top level', () => {
    const root = checkout();
    const fromSub = cli(['scan', 'plan.json', '--sarif', 'out.sarif'], join(root, 'infra', 'prod'));
    expect(fromSub.code).toBe(1);
    const sub = uris(readFileSync(join(root, 'infra', 'prod', 'out.sarif'), 'utf8'));
    expect(new Set(sub)).toEqual(new Set(['%SRCROOT%|infra/prod/plan.json']));
    // The same scan from the root names the same files.
    cli(['scan', 'infra/prod/plan.json', '--sarif', 'out.sarif'], root);
    expect(uris(readFileSync(join(root, 'out.sarif'), 'utf8'))).toEqual(sub);
    expect(validateSarif([join(root, 'out.sarif')], { warnings: true })).toEqual([]);
  });

  it('GITHUB_WORKSPACE wins over the git top level', () => {
    const root = checkout();
    const run = cli(['scan', 'plan.json', '-f', 'sarif'], join(root, 'infra', 'prod'), { GITHUB_WORKSPACE: join(root, 'infra') });
    expect(new Set(uris(run.stdout))).toEqual(new Set(['%SRCROOT%|prod/plan.json']));
  });

  it('a file outside the checkout is a file: URI', () => {
    const root = checkout();
    const outside = tempDir();
    writeJson(outside, 'plan.json', plan());
    const run = cli(['scan', join(outside, 'plan.json'), '-f', 'sarif'], root);
    expect(new Set(uris(run.stdout))).toEqual(new Set([`|${pathToFileURL(join(outside, 'plan.json')).href}`]));
  });

  it('the configuration notification points at the config file from the root too', () => {
    const root = checkout();
    writeFileSync(join(root, 'infra', 'prod', '.azfence.yaml'), 'skipCheck: [AZF-PUB-003]\n');
    const run = cli(['scan', 'plan.json', '-f', 'sarif'], join(root, 'infra', 'prod'));
    const notification = JSON.parse(run.stdout).runs[0].invocations[0].toolConfigurationNotifications[0];
    expect(notification.locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'infra/prod/.azfence.yaml', uriBaseId: '%SRCROOT%' });
  });
});
