import { describe, expect, it } from 'vitest';
import { scanHcl } from '../../src/inputs/terraform/hcl-scanner.js';
import { parseAnnotationDirectives, parseCommentDirective, globMatches } from '../../src/post-process/suppression-directive.js';
import { applySuppressions } from '../../src/post-process/apply-suppressions.js';
import { blockKeyOf } from '../../src/post-process/map-to-source.js';
import type { Finding } from '../../src/findings/finding.js';

function resources(text: string) {
  return scanHcl(text)
    .blocks.filter((block) => block.type === 'resource')
    .map((block) => ({ id: block.labels.join('.'), line: block.line, end: block.endLine, attributes: Object.fromEntries([...block.attributes].map(([name, item]) => [name, item.line])), blocks: Object.fromEntries([...block.blocks].map(([name, items]) => [name, items.map((item) => item.line)])) }));
}

describe('HCL scanner', () => {
  it('finds resource blocks, their attributes and nested blocks with lines', () => {
    const text = ['resource "azurerm_key_vault" "kv" {', '  name = "kv"', '', '  network_acls {', '    default_action = "Deny"', '  }', '  tags = {', '    a = "b"', '  }', '}', ''].join('\n');
    expect(resources(text)).toEqual([{ id: 'azurerm_key_vault.kv', line: 1, end: 10, attributes: { name: 2, tags: 7 }, blocks: { network_acls: [4] } }]);
  });

  it('reads identifiers with Unicode letters and numbers, dashes and underscores, and none that start with a digit', () => {
    // ASCII is told by character codes, the rest by \\p{L} and \\p{N}: both must give HCL's identifiers.
    const text = ['resource "t" "n" {', '  caf\u00e9_2 = 1', '  \u540d\u524d = 2', '  x\u0663 = 3', '  a-b = 4', '  \u03a9mega = 5', '  _z9 = 6', '}', ''].join('\n');
    expect(resources(text)).toEqual([{ id: 't.n', line: 1, end: 8, attributes: { 'caf\u00e9_2': 2, '\u540d\u524d': 3, 'x\u0663': 4, 'a-b': 5, '\u03a9mega': 6, _z9: 7 }, blocks: {} }]);
    // Not identifiers: a leading digit, and a symbol (U+20AC) or an Arabic-Indic digit (U+0663) first.
    for (const name of ['9a', '\u20acx', '\u0663x']) {
      expect(Object.keys(resources(`resource "t" "n" {\n  ${name} = 1\n}\n`)[0]!.attributes)).not.toContain(name);
    }
  });

  it('is not fooled by comments of every kind', () => {
    const text = [
      '# resource "a" "hash" {',
      '// resource "a" "slashes" {',
      '/* resource "a" "block" {',
      '   } } } */',
      'resource "a" "real" { # {{{',
      '  x = 1 // }',
      '  /* } */ y = 2',
      '}',
    ].join('\n');
    const file = scanHcl(text);
    expect(resources(text)).toEqual([{ id: 'a.real', line: 5, end: 8, attributes: { x: 6, y: 7 }, blocks: {} }]);
    expect(file.comments.map((comment) => [comment.line, comment.endLine, comment.trailing])).toEqual([
      [1, 1, false],
      [2, 2, false],
      [3, 4, false],
      [5, 5, true],
      [6, 6, true],
      [7, 7, false],
    ]);
  });

  it('skips heredocs (plain and indented) whatever they contain', () => {
    const text = [
      'resource "a" "one" {',
      '  policy = <<EOF',
      '{ "Statement": [ { "Effect": "Allow" } ',
      'resource "a" "fake" {',
      '# not a comment',
      'EOF',
      '  after = true',
      '}',
      'resource "a" "two" {',
      '  script = <<-SCRIPT',
      '    echo "}" ${var.x} %{ if true }{{%{ endif }',
      '    SCRIPT',
      '  z = "${jsonencode(<<X)}"',
      '}',
    ].join('\n');
    expect(resources(text)).toEqual([
      { id: 'a.one', line: 1, end: 8, attributes: { policy: 2, after: 7 }, blocks: {} },
      { id: 'a.two', line: 9, end: 14, attributes: { script: 10, z: 13 }, blocks: {} },
    ]);
  });

  it('reads strings with escapes, templates holding strings and braces, and literal ${ escapes', () => {
    const text = [
      'resource "a" "s" {',
      '  a = "quote \\" and { brace"',
      '  b = "${lookup(var.m, "}", "{")} and ${ {k = "v"}.k }"',
      '  c = "$${not_a_template} %%{ nor this"',
      '  d = "${',
      '    var.multi_line',
      '  }"',
      '  e = [for k, v in var.m : "${k}={${v}}" if v != "}"]',
      '}',
      'resource "a" "t" {}',
    ].join('\n');
    expect(resources(text)).toEqual([
      { id: 'a.s', line: 1, end: 9, attributes: { a: 2, b: 3, c: 4, d: 5, e: 8 }, blocks: {} },
      { id: 'a.t', line: 10, end: 10, attributes: {}, blocks: {} },
    ]);
  });

  it('handles multi-line expressions, dynamic blocks, bare labels, CRLF and a BOM', () => {
    const text = [
      '\uFEFFresource a b {',
      '  for_each = {',
      '    x = { y = [1, 2,',
      '      3] }',
      '  }',
      '  count = var.on ? 1 : 0',
      '  dynamic "delegation" {',
      '    for_each = var.d',
      '    content { name = delegation.value }',
      '  }',
      '  ok = a >= b && c <= d && e == f && g != h',
      '}',
    ].join('\r\n');
    expect(resources(text)).toEqual([{ id: 'a.b', line: 1, end: 12, attributes: { for_each: 2, count: 6, ok: 11 }, blocks: { dynamic: [7], delegation: [7] } }]);
  });

  it('reports an unterminated heredoc or string and keeps what came before', () => {
    const file = scanHcl('resource "a" "b" {\n  x = 1\n}\nresource "a" "c" {\n  y = <<EOF\nno end\n');
    expect(file.blocks[0]).toMatchObject({ labels: ['a', 'b'], line: 1, endLine: 3 });
    expect(file.problems).toEqual([{ line: 5, message: 'unterminated heredoc <<EOF' }]);
    expect(scanHcl('resource "a" "b" {\n  x = "open\n  y = 2\n}\n').blocks[0]!.attributes.get('y')?.line).toBe(3);
  });

  it('names the block of an address: modules, instance keys and data sources', () => {
    expect(blockKeyOf('module.a["x"].module.b.azurerm_subnet.this["k.e.y"]')).toBe('resource.azurerm_subnet.this');
    expect(blockKeyOf('azurerm_monitor_diagnostic_setting.firewall[0]')).toBe('resource.azurerm_monitor_diagnostic_setting.firewall');
    expect(blockKeyOf('module.net.data.azurerm_client_config.current')).toBe('data.azurerm_client_config.current');
  });
});

describe('suppression directives', () => {
  it('parses rule ids, globs and reasons', () => {
    expect(parseCommentDirective(' azfence:ignore AZF-PUB-002 trusted services needed for Defender scans')).toEqual({ rules: ['AZF-PUB-002'], reason: 'trusted services needed for Defender scans' });
    expect(parseCommentDirective('azfence:ignore AZF-PUB-002, AZF-PUB-*: shared reason')).toEqual({ rules: ['AZF-PUB-002', 'AZF-PUB-*'], reason: 'shared reason' });
    expect(parseCommentDirective(' azfence:ignore AZF-PUB-002')).toEqual({ rules: ['AZF-PUB-002'], reason: '' });
    expect(parseCommentDirective(' a comment about azfence')).toBeUndefined();
    expect(parseAnnotationDirectives('AZF-KATA-004 legacy node pool; AZF-KATA-001 -- migrating in Q3\n')).toEqual([
      { rules: ['AZF-KATA-004'], reason: 'legacy node pool' },
      { rules: ['AZF-KATA-001'], reason: 'migrating in Q3' },
    ]);
    expect(globMatches('/subscriptions/*/resourceGroups/RG-CI/*', '/subscriptions/0000/resourcegroups/rg-ci/providers/x/y')).toBe(true);
    expect(globMatches('azurerm_subnet.this[*]', 'azurerm_subnet.this["a"]')).toBe(true);
    expect(globMatches('azurerm_subnet.this', 'azurerm_subnet.this["a"]')).toBe(false);
  });

  it('reads Kubernetes annotations from the resource body, generically', () => {
    const finding = (ruleId: string) =>
      ({ ruleId, resource: { id: 'ns/pod', type: 'Pod', name: 'pod' }, location: { file: 'k8s/pod.yaml', line: 3 }, message: 'm', evidence: [], dialect: 'kubernetes', inputKind: 'manifest' }) as unknown as Finding;
    const [withReason, otherRule, noReason] = [finding('AZF-KATA-004'), finding('AZF-KATA-001'), finding('AZF-KATA-002')];
    const bodies = new Map<Finding, Record<string, unknown>>([
      [withReason, { metadata: { annotations: { 'azfence.io/ignore': 'AZF-KATA-004 runs trusted first-party images only' } } }],
      [otherRule, { metadata: { annotations: { 'azfence.io/ignore': 'AZF-KATA-004 runs trusted first-party images only' } } }],
      [noReason, { metadata: { annotations: { 'azfence.io/ignore': 'AZF-KATA-002' } } }],
    ]);
    const warnings = applySuppressions([withReason, otherRule, noReason], { mapped: new Map(), bodyOf: (f) => bodies.get(f), config: {}, now: new Date('2026-01-01') });
    expect(withReason.suppression).toEqual({ kind: 'inSource', reason: 'runs trusted first-party images only', file: 'k8s/pod.yaml', line: 3 });
    expect(otherRule.suppression).toBeUndefined();
    expect(noReason.suppression).toBeUndefined();
    expect(warnings).toEqual([{ file: 'k8s/pod.yaml', line: 3, message: 'azfence:ignore AZF-KATA-002 gives no reason, so it does not suppress (write the reason after the rule id)' }]);
  });

  it('an expiry date is the last day a config suppression applies', () => {
    const make = () => ({ ruleId: 'AZF-PUB-001', resource: { id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr', type: 't', name: 'acr' }, location: { file: 'snap.json' }, message: 'm', evidence: [] }) as unknown as Finding;
    const config = { file: '.azfence.yaml', suppressions: [{ rule: 'AZF-PUB-001', resource: '*/registries/ACR', reason: 'r', expires: '2026-03-31', line: 4 }] };
    const onTheDay = make();
    expect(applySuppressions([onTheDay], { mapped: new Map(), bodyOf: () => undefined, config, now: new Date('2026-03-31T23:00:00Z') })).toEqual([]);
    expect(onTheDay.suppression?.kind).toBe('external');
    const dayAfter = make();
    const warnings = applySuppressions([dayAfter], { mapped: new Map(), bodyOf: () => undefined, config, now: new Date('2026-04-01T00:00:00Z') });
    expect(dayAfter.suppression).toBeUndefined();
    expect(dayAfter.message).toBe('m (A suppression expired on 2026-03-31: r)');
    expect(warnings).toHaveLength(1);
  });
});
