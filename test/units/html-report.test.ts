import { describe, expect, it } from 'vitest';
import type { Finding, ResolvedFinding } from '../../src/findings/finding.js';
import type { RuleDescriptor } from '../../src/report/rule-descriptor.js';
import type { ScanReport } from '../../src/report/scan-report.js';
import { renderHtml } from '../../src/reporters/html/render-html.js';
import { plainEstate, recordedEstate } from './recorded-estate.js';

/** Elements that only group others: text placed directly in one is text a reader sees loose on the page. */
const CONTAINERS = new Set(['html', 'head', 'body', 'header', 'main', 'section', 'article', 'div', 'figure', 'dl', 'ul', 'ol', 'table', 'thead', 'tbody', 'tr', 'colgroup', 'select', 'svg']);
const VOID = new Set(['meta', 'input', 'col', 'br', 'img', 'link', 'hr']);

/** Every piece of text that sits directly in a grouping element (not in a paragraph, cell, item, heading...). */
function looseText(html: string): string[] {
  const page = html.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>').replace(/<style>[\s\S]*?<\/style>/g, '<style></style>');
  const open: string[] = [];
  const loose: string[] = [];
  for (const token of page.split(/(<[^>]+>)/)) {
    if (token.startsWith('<!')) continue;
    const tag = /^<(\/?)([a-zA-Z0-9]+)/.exec(token);
    if (tag) {
      const name = tag[2]!.toLowerCase();
      if (tag[1]) open.splice(open.lastIndexOf(name));
      else if (!VOID.has(name) && !token.endsWith('/>')) open.push(name);
      continue;
    }
    if (token.trim() && CONTAINERS.has(open.at(-1) ?? 'html')) loose.push(`${open.at(-1)}: ${token.trim()}`);
  }
  return loose;
}

/** The help article of one rule. */
function article(html: string, ruleId: string): string {
  return new RegExp(`<article class="rule-help" id="rule-${ruleId}"[\\s\\S]*?</article>`).exec(html)?.[0] ?? '';
}

const USER_RULE_ID = 'ORG-001';

function userRule(base: RuleDescriptor, change: Partial<RuleDescriptor>): RuleDescriptor {
  return { ...base, id: USER_RULE_ID, title: 'Org rule', severity: 'low', references: [], remediation: {}, ...change };
}

describe('HTML: every text sits in an element of its own', () => {
  it('nothing configured, compared, found or read: the page holds no loose text where a section is left out', () => {
    const html = renderHtml({ ...plainEstate(), findings: [], inputs: [] });
    expect(looseText(html)).toEqual([]);
    // the sections left out are absent, and the header ends with the summary
    expect(html).toMatch(/<p class="summary">[^<]*<\/p>\n<\/header>\n<main>\n<section aria-labelledby="overview-heading">/);
    expect(html).not.toContain('unread-heading');
  });

  it('the estate with two errors, two files not read, two warnings and a rule without fix or references', () => {
    const estate = recordedEstate();
    const finding = estate.findings[0]!;
    const bare = userRule(estate.rules[0]!, { description: 'First.\n\nSecond.', help: '' });
    const report: ScanReport = {
      ...estate,
      inputs: [...estate.inputs, { file: 'deploy.yml', kind: 'pipeline', resources: 1, unmapped: 0, unread: ['action a/b@v1: not in this repository'] }],
      rules: [...estate.rules, bare],
      findings: [...estate.findings, { ...finding, ruleId: USER_RULE_ID }],
      errors: [{ file: 'a.json', message: 'bad' }, { file: 'b.json', message: 'worse' }],
      warnings: [{ file: 'w.tf', message: 'one' }, { file: 'v.tf', message: 'two' }],
    };
    const html = renderHtml(report);
    expect(looseText(html)).toEqual([]);
    expect(html).toContain('<ul><li>a.json: bad</li><li>b.json: worse</li></ul>');
    expect(html).toContain('<ul><li>w.tf: one</li><li>v.tf: two</li></ul>');
    expect(html).toMatch(/<h2 id="unread-heading">Not read \(2\)<\/h2><ul><li><code>[^<]+<\/code>: [^<]+<\/li><li><code>deploy\.yml<\/code>: not read: action a\/b@v1: not in this repository<\/li><\/ul>/);
    expect(article(html, USER_RULE_ID)).toBe(
      [
        `<article class="rule-help" id="rule-${USER_RULE_ID}" aria-labelledby="rule-title-${USER_RULE_ID}">`,
        `<h3 id="rule-title-${USER_RULE_ID}">${USER_RULE_ID}: Org rule <span class="badge sev-low">low</span></h3>`,
        '<p>First.</p><p>Second.</p>',
        '',
        '',
        '</article>',
      ].join('\n'),
    );
  });
  it('files a walk found but could not read are named, each with its reason, in a Not scanned section', () => {
    const skipped = [
      { file: 'chart/templates/deploy.yaml', reason: 'a Helm template: render it with `helm template` first' },
      { file: 'chart/templates/<svc>.yaml', reason: 'a Helm template & more' },
    ];
    const html = renderHtml({ ...plainEstate(), skipped });
    expect(looseText(html)).toEqual([]);
    expect(html).toContain(
      '<section aria-labelledby="not-scanned-heading"><h2 id="not-scanned-heading">Not scanned (2)</h2><ul>' +
        '<li><code>chart/templates/deploy.yaml</code>: a Helm template: render it with `helm template` first</li>' +
        '<li><code>chart/templates/&lt;svc&gt;.yaml</code>: a Helm template &amp; more</li></ul></section>',
    );
    expect(renderHtml({ ...plainEstate(), skipped: [] })).not.toContain('not-scanned-heading');
  });
});

describe('HTML: rule help as a reader reads it', () => {
  it('paragraphs split at blank lines, lines joined by a space, white space at the ends dropped', () => {
    const estate = plainEstate();
    const finding = estate.findings[0]!;
    const rule = userRule(estate.rules[0]!, {
      description: '  \n\nFirst line\nnext\n \nsecond  ',
      help: 'Run `az x`\n  then y.',
      remediation: { azurerm: 'Set `x`\non y.\t\n', kubernetes: 'Use the kata runtime class.' },
    });
    const html = renderHtml({ ...estate, rules: [rule], findings: [{ ...finding, ruleId: USER_RULE_ID }] });
    const help = article(html, USER_RULE_ID);
    expect(help).toContain('\n<p>First line next</p><p>second</p><p>Run <code>az x</code> then y.</p>\n');
    expect(help).toContain('<h4>Fix</h4><dl><dt>Terraform (azurerm)</dt><dd>Set <code>x</code> on y.</dd><dt>Kubernetes</dt><dd>Use the kata runtime class.</dd></dl>');
  });

  it('a rule no finding names but a resolved baseline entry does has its help', () => {
    const estate = plainEstate();
    const rule = estate.rules.find((candidate) => candidate.id === 'AZF-DNS-001')!;
    const resolved: ResolvedFinding = { ruleId: rule.id, status: 'fail', resource: { id: '/s/x' }, fingerprint: 'f' };
    const html = renderHtml({ ...estate, findings: estate.findings.filter((finding) => finding.ruleId !== rule.id), baseline: { file: 'b.json', absent: 1, resolved: [resolved] } });
    expect(article(html, rule.id)).toContain(`<h3 id="rule-title-${rule.id}">${rule.id}: `);
  });

  it('a built-in reference is a link only when it is an https URL from its first character', () => {
    const estate = plainEstate();
    const finding = estate.findings[0]!;
    const rule = estate.rules.find((candidate) => candidate.id === finding.ruleId)!;
    const html = renderHtml({ ...estate, rules: [{ ...rule, references: ['javascript:alert(1)//https://example.com/x', 'see https://example.com/y'] }], findings: [finding] });
    expect(html).toContain('<h4>References</h4><ul><li><code>javascript:alert(1)//https://example.com/x</code></li><li><code>see https://example.com/y</code></li></ul>');
  });
});

describe('HTML: the rows a reader scans', () => {
  it('resolved entries with and without severity, location, line and message', () => {
    const estate = plainEstate();
    const resolved: ResolvedFinding[] = [
      { ruleId: 'R-1', status: 'fail', resource: { id: '/s/1' }, fingerprint: 'a' },
      { ruleId: 'R-2', status: 'unknown', severity: 'high', resource: { id: '/s/2', name: 'two' }, location: { file: 'old.json' }, message: 'was `x`', fingerprint: 'b' },
      { ruleId: 'R-3', status: 'fail', resource: { id: '/s/3', address: 'a.b' }, location: { file: 'old.json', line: 4 }, fingerprint: 'c' },
    ];
    const html = renderHtml({ ...estate, findings: [], baseline: { file: 'b.json', absent: 3, resolved } });
    const rows = /<table id="resolved-table">[\s\S]*?<tbody>\n([\s\S]*?)\n<\/tbody>/.exec(html)![1]!.split('\n');
    expect(rows).toEqual([
      '<tr><td></td><td>R-1</td><td><code>/s/1</code></td><td>fail</td></tr>',
      '<tr><td><span class="badge sev-high">high</span></td><td>R-2</td><td><code>two</code><br><span class="where">old.json</span></td><td>unknown: was <code>x</code></td></tr>',
      '<tr><td></td><td>R-3</td><td><code>a.b</code><br><span class="where">old.json:4</span></td><td>fail</td></tr>',
    ]);
  });

  it('a message with an unpaired backtick is shown as written; a suppression without an end date says only why', () => {
    const estate = plainEstate();
    const finding: Finding = { ...estate.findings[0]!, message: 'a `b` c `d', remediation: 'Set `x`.', suppression: { kind: 'external', reason: 'accepted' } };
    const html = renderHtml({ ...estate, findings: [finding] });
    expect(html).toContain('<td>a `b` c `d<br><span class="where">Suppressed: accepted</span></td><td class="fix">Set <code>x</code>.</td></tr>');
  });

  it('the change filter offers what the report holds: suppressed only, or new and existing with a baseline', () => {
    const estate = plainEstate();
    const finding = estate.findings[0]!;
    const select = (html: string) => /<select id="filter-change"[^>]*>(.*?)<\/select>/.exec(html)?.[1];
    expect(select(renderHtml({ ...estate, findings: [{ ...finding, suppression: { kind: 'external', reason: 'r' } }] }))).toBe('<option value="">All</option><option value="suppressed">suppressed</option>');
    expect(select(renderHtml({ ...estate, findings: [{ ...finding, baseline: 'new' }], baseline: { file: 'b.json', absent: 0, resolved: [] } }))).toBe('<option value="">All</option><option value="new">new</option><option value="existing">existing</option>');
    expect(select(renderHtml({ ...estate, findings: [finding] }))).toBeUndefined();
  });

  it('the pack chart lists packs alphabetically, whatever order the findings came in', () => {
    const estate = plainEstate();
    const byPack = (pack: string) => estate.findings.find((finding) => finding.pack === pack)!;
    const findings = ['PUB', 'POOL', 'EGR', 'DNS'].map(byPack);
    const html = renderHtml({ ...estate, findings });
    const desc = /<desc id="chart-pack-desc">([^<]*)<\/desc>/.exec(html)![1]!;
    expect(desc.split('; ').map((part) => part.split(':')[0])).toEqual(['DNS', 'EGR', 'POOL', 'PUB']);
  });
});
