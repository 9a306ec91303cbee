import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/engine/load-packs.js';
import { generateRuleDocs, RULE_DOCS_DIR } from '../../src/cli/rule-docs.js';
import { loadRuleExamples } from '../../src/cli/rule-examples.js';
import { runCli } from '../support/run-cli.js';
import { buildSarif, renderSarif, SARIF_LIMITS } from '../../src/reporters/sarif.js';
import { scan } from '../../src/scan.js';
import { validateSarifText } from '../support/sarif-validator.js';

describe('rule docs', () => {
  it('docs/rules/*.md match the packs (regenerate with npm run docs:rules)', () => {
    const expected = generateRuleDocs(loadRules().packs, loadRuleExamples());
    const onDisk = existsSync(RULE_DOCS_DIR) ? readdirSync(RULE_DOCS_DIR).filter((name) => name.endsWith('.md')).map((name) => `${RULE_DOCS_DIR}/${name}`) : [];
    const stale = [...expected].filter(([path, content]) => !existsSync(path) || readFileSync(path, 'utf8') !== content).map(([path]) => path);
    const leftOver = onDisk.filter((path) => !expected.has(path));
    expect({ stale, leftOver }, 'rule docs are stale: run npm run docs:rules').toEqual({ stale: [], leftOver: [] });
  });

  it('rule docs and explain render message placeholders as readable text, never raw {detail:...}', () => {
    const docs = generateRuleDocs(loadRules().packs);
    const raw = [...docs].flatMap(([path, content]) => [...content.matchAll(/\{(?:detail|attr|field|param|name|address|id|type|label|resourceGroup)(?::[^}]*)?\}/g)].map((match) => `${path}: ${match[0]}`));
    expect(raw).toEqual([]);
    // A property slot sits inside the pack's code span: it must not open a code span of its own.
    expect([...docs].filter(([, content]) => /(^|[^`])``([^`]|$)/m.test(content)).map(([path]) => path)).toEqual([]);
    expect(docs.get('docs/rules/AZF-PUB-005.md')).toContain('(`<attribute for properties.publicNetworkAccess>` = false');
    expect(docs.get('docs/rules/AZF-POOL-001.md')).toContain('to an azurerm_container_registry_agent_pool of \\<registry\\> with `virtual_network_subnet_id` set (pools now: \\<pools\\>)');
    expect(runCli(['explain', 'AZF-DNS-001']).stdout).not.toMatch(/\{detail:/);
  });

  it('SARIF rule help, which code scanning shows with every alert, renders placeholders as readable text too', () => {
    const rules = buildSarif(scan({ paths: ['fixtures/estate/plan.json'], cwd: process.cwd() })).runs[0]!.tool.driver.rules;
    expect(rules.length).toBe(loadRules().rules.length);
    const texts = rules.flatMap((rule) => [rule.help.text, rule.help.markdown, rule.fullDescription.text].map((text) => ({ id: rule.id, text })));
    const raw = texts.flatMap(({ id, text }) => [...text.matchAll(/\{(?:detail|attr|field|param|name|address|id|type|label|resourceGroup)(?::[^}]*)?\}/g)].map((match) => `${id}: ${match[0]}`));
    expect(raw).toEqual([]);
    const dns001 = rules.find((rule) => rule.id === 'AZF-DNS-001')!;
    expect(dns001.help.text).toContain('block to <resource address> with the zones <needed zones>.');
    // help.markdown is rendered: a slot outside a code span is escaped so it is not read as an HTML tag.
    expect(dns001.help.markdown).toContain('block to \\<resource address\\> with the zones \\<needed zones\\>.');
    expect(dns001.help.markdown).toContain('`az network private-endpoint dns-zone-group create --endpoint-name <resource name> --resource-group <resource group>');
    expect(rules.find((rule) => rule.id === 'AZF-KATA-002')!.help.text).toContain('a `vm_size` of the families <kataVmFamilies>');
  });

  it('a check with a remediation of its own is documented with the types it is for', () => {
    const doc = generateRuleDocs(loadRules().packs).get('docs/rules/AZF-PUB-006.md')!;
    expect(doc).toContain('\nFor Microsoft.Insights/privateLinkScopes:\n\n- **Terraform (azurerm):** Set `ingestion_access_mode = "PrivateOnly"`');
    expect(doc.match(/For Microsoft\.Insights\/privateLinkScopes/g)).toHaveLength(1);
    const explain = runCli(['explain', 'AZF-PUB-006']).stdout;
    expect(explain).toContain('Remediation:\n  Terraform (azurerm): Set `internet_ingestion_enabled = false`');
    expect(explain).toContain('Remediation for Microsoft.Insights/privateLinkScopes:\n  Terraform (azurerm): Set `ingestion_access_mode = "PrivateOnly"`');
  });

  it('azfence explain prints a rule\'s help; azfence rules filters by pack and severity', () => {
    const explain = runCli(['explain', 'azf-dns-004']);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/^AZF-DNS-004: Needed zones are linked to the endpoint's VNet\nSeverity: high {4}Pack: DNS/);
    expect(explain.stdout).toContain('Remediation:\n  Terraform (azurerm): Add an azurerm_private_dns_zone_virtual_network_link');
    expect(explain.stdout).toContain('  hubVirtualNetworks (array, default []): ');
    expect(explain.stdout).toContain('References:\n  https://learn.microsoft.com/');
    expect(explain.stdout).toContain('Docs: docs/rules/AZF-DNS-004.md');
    const missing = runCli(['explain', 'AZF-DNS-999']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no rule AZF-DNS-999 (similar: AZF-DNS-001');

    const rules = runCli(['rules', '--pack', 'pub', '--severity', 'medium']);
    expect(rules.code).toBe(0);
    const lines = rules.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^AZF-PUB-\d{3} +medium +\S/);
    expect(runCli(['rules', '--severity', 'urgent']).code).toBe(2);
  });
});

describe('SARIF limits', () => {
  it('caps results, says what was left out, and stays valid', () => {
    const report = scan({ paths: ['fixtures/estate/plan.json'], cwd: process.cwd() });
    expect(report.findings.length).toBeGreaterThan(2);
    const limits = { ...SARIF_LIMITS, maxResults: 2 };
    const log = buildSarif(report, limits);
    const run = log.runs[0]!;
    expect(run.results).toHaveLength(2);
    expect(run.properties).toEqual({ resultsOmitted: report.findings.length - 2, resultsTotal: report.findings.length, resultsLimit: 2 });
    expect(run.invocations[0]!.toolExecutionNotifications.at(-1)!.message.text).toContain(`${report.findings.length - 2} of ${report.findings.length} results were left out`);
    expect(validateSarifText(renderSarif(report, limits))).toEqual([]);
    // The size cap halves results until the compressed log fits.
    const tiny = JSON.parse(renderSarif(report, { ...SARIF_LIMITS, maxGzipBytes: 1 })) as typeof log;
    expect(tiny.runs[0]!.results).toHaveLength(0);
    expect(tiny.runs[0]!.properties?.resultsOmitted).toBe(report.findings.length);
  });
});
