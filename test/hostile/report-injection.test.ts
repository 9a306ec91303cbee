import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../support/materialize.js';
import { runCli, tempDir, writeJson } from '../support/run-cli.js';
import { validateSarifText } from '../support/sarif-validator.js';
import { wrapIdentifier } from '../../src/reporters/table.js';
import { jsonText } from '../../src/reporters/json-text.js';
import { xmlAttr, xmlText } from '../../src/reporters/xml-text.js';
import { unsafeCharacters } from '../../src/reporters/terminal-text.js';
import { decodeHtml, liveMarkup, rawControls, renderMarkdown, tableRows, xmlAttributes, xmlError } from '../support/inert.js';

/**
 * The names, files and YAML a pull request controls reach terminals, step summaries, pull-request comments
 * and test tabs. Here every one of them carries what a hostile author would put there, and every output
 * is checked the way its reader would take it.
 */

/** OSC 8 hyperlink, colour, BEL, CR, a C1 CSI, a bidi override, NEL, U+FFFE, a lone surrogate and a tag character. */
const CONTROLS = 'a\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\x1b[31mred\x1b[0m\rover\x9b2J\u202eevil\u0085\ufffe\ud800\u{e0041}';
/** Raw HTML, a mention, a link, an image, backticks, pipes (plain and escaped), an autolink, a reference and a line break. */
const MARKUP = '<img src=x onerror=alert(1)>@octocat[l](https://evil.example)![i](https://evil.example/i.png)``x``|\\|www.evil.example #1\nrow';
const NAME = `acr-${CONTROLS}-${MARKUP}`;
/** A file name starting with a backslash: a character like any other outside Windows, and not a slash in a URI. */
const FILE_NAME = '\\snap-\x1b[2J\u202e\r.json';

function hostileEstate(): { dir: string; file: string } {
  const dir = tempDir();
  const registry = (name: string) => ({ type: 'Microsoft.ContainerRegistry/registries', name, sku: { name: 'Premium' }, properties: { publicNetworkAccess: 'Enabled' } });
  const file = writeJson(dir, FILE_NAME, buildSnapshot([registry(NAME), registry('acr-accepted')]));
  // A suppression reason is free text from the repository too; and a broken file whose name is hostile.
  writeFileSync(join(dir, '.azfence.yaml'), `suppressions:\n  - rule: AZF-PUB-001\n    resource: "*acr-accepted"\n    reason: "ok \\e[5m<b>@team</b>\\u202e\\r"\n`);
  writeFileSync(join(dir, 'broken-\x1b]0;title\x07.json'), '{"count": 1, "data": [');
  return { dir, file };
}

function scanAs(format: string, dir: string): { stdout: string; stderr: string; code: number } {
  return runCli(['scan', '.', '--format', format, '--fail-on', 'none'], dir);
}

describe('terminal: control characters are shown, never sent', () => {
  it('table and stderr hold no raw control character; each shows as a visible escape', () => {
    const { dir } = hostileEstate();
    const run = scanAs('table', dir);
    expect(run.code).toBe(2);
    expect(rawControls(run.stdout)).toEqual([]);
    expect(rawControls(run.stderr)).toEqual([]);
    // The reader still sees that something odd is there, and where.
    const flat = run.stdout.replace(/[│\s]+/g, '');
    for (const shown of ['\\x1b]8;;', '\\x07click', '\\rover', '\\x9b2J', '\\u202eevil', '\\x85', '\\ufffe', '\\ud800', '\\u{e0041}', '#1\\nrow']) expect(flat).toContain(shown.replace(/\s+/g, ''));
    expect(run.stdout).toContain('snap-\\x1b[2J\\u202e\\r.json');
    expect(run.stdout).toContain('ok \\x1b[5m<b>@team</b>\\u202e\\r');
    expect(run.stderr).toMatch(/^azfence: error: broken-\\x1b\]0;title\\x07\.json: is truncated JSON/m);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a long name is wrapped between characters, never between the halves of a surrogate pair', () => {
    const wrapped = wrapIdentifier(`x${'\u{10000}'.repeat(40)}`, 8);
    expect(rawControls(wrapped)).toEqual([]);
    expect(wrapped.replace(/\n/g, '')).toBe(`x${'\u{10000}'.repeat(40)}`);
  });

  it('rules and explain show a user pack rule title and help with their escapes', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'pack.yaml'),
      'pack: ACME\ntitle: t\nrules:\n  - id: ACME-NET-001\n    title: "Title \\e]0;owned\\a\\u202e"\n    severity: low\n    description: "Line one\\nline two \\e[2J"\n    help: "see \\rhelp"\n    remediation: { arm: "fix \\e[31m" }\n    checks:\n      - select: { type: Microsoft.ContainerRegistry/registries }\n        assert: { field: name, exists: true }\n        message: m\n',
    );
    const rules = runCli(['rules', '--policies', 'pack.yaml', '--pack', 'ACME'], dir);
    expect(rules.code).toBe(0);
    expect(rawControls(rules.stdout)).toEqual([]);
    expect(rules.stdout).toContain('Title \\x1b]0;owned\\x07\\u202e');
    const explain = runCli(['explain', 'ACME-NET-001', '--policies', 'pack.yaml'], dir);
    expect(explain.code).toBe(0);
    expect(rawControls(explain.stdout)).toEqual([]);
    // The description's own line break stays a line break.
    expect(explain.stdout).toContain('Line one\nline two \\x1b[2J');
    expect(explain.stdout).toContain('\\rhelp');
    expect(explain.stdout).toContain('fix \\x1b[31m');
  });

  it('a usage error quoting an argument shows its control characters escaped', () => {
    const run = runCli(['scan', 'x', '--format', 'tab\x1b[31mle']);
    expect(run.code).toBe(2);
    expect(rawControls(run.stderr)).toEqual([]);
    const missing = runCli(['scan', 'no-such-\x1b]0;t\x07.json', '--format', 'json']);
    expect(rawControls(missing.stderr)).toEqual([]);
    expect(missing.stderr).toContain('no-such-\\x1b]0;t\\x07.json');
  });
});

describe('Markdown: every untrusted string is inert', () => {
  it('no live HTML, link, image, mention, reference or autolink; pipes and line breaks do not split cells or rows', () => {
    const { dir } = hostileEstate();
    const run = scanAs('markdown', dir);
    expect(rawControls(run.stdout)).toEqual([]);
    const html = renderMarkdown(run.stdout);
    expect(liveMarkup(html)).toEqual([]);
    // Every row of the findings table has the five cells of its header, and the name is whole in its cell.
    const rows = tableRows(html).filter((row) => row.length > 0);
    const findings = rows.filter((row) => row[1] === 'AZF-PUB-001');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toHaveLength(5);
    const expectedName = `acr-a\\x1b]8;;https://evil.example\\x07click\\x1b]8;;\\x07\\x1b[31mred\\x1b[0m\\rover\\x9b2J\\u202eevil\\x85\\ufffe\\ud800\\u{e0041}-<img src=x onerror=alert(1)>@octocat[l](https://evil.example)![i](https://evil.example/i.png)\`\`x\`\`|\\|www.evil.example #1\\nrow`;
    const visible = (cell: string) => cell.replace(/\u200b/g, '');
    expect(visible(findings[0]![2]!).split('\n')[0]).toBe(expectedName);
    expect(visible(findings[0]![3]!)).toContain(expectedName);
    // The fix keeps its command as code, with the name inside it.
    expect(html).toMatch(/<code>az acr update --name acr-a\\x1b/);
    // Suppression reasons and errors are text too.
    expect(visible(decodeHtml(html))).toContain('ok \\x1b[5m<b>@team</b>\\u202e\\r');
    expect(visible(decodeHtml(html))).toContain('broken-\\x1b]0;title\\x07.json: is truncated JSON');
  });

  it("a user pack's rule help, which code scanning renders from SARIF, is inert too; built-in help keeps its Markdown", () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'pack.yaml'),
      'pack: ACME\ntitle: t\nrules:\n  - id: ACME-NET-001\n    title: "<script>x</script> @octocat"\n    severity: low\n    description: "![i](https://evil.example/i.png) <img src=x onerror=alert(1)>"\n    help: "- [click](https://evil.example) #1 www.evil.example"\n    remediation: { arm: "run `az x` <b>now</b>" }\n    references: ["https://evil.example/ref"]\n    checks:\n      - select: { type: Microsoft.ContainerRegistry/registries }\n        assert: { field: name, exists: true }\n        message: m\n',
    );
    writeJson(dir, 'snapshot.json', buildSnapshot([{ type: 'Microsoft.ContainerRegistry/registries', name: 'acr', sku: { name: 'Premium' }, properties: { publicNetworkAccess: 'Enabled' } }]));
    const sarif = JSON.parse(runCli(['scan', 'snapshot.json', '--policies', 'pack.yaml', '--format', 'sarif', '--fail-on', 'none'], dir).stdout);
    const rules = sarif.runs[0].tool.driver.rules as Array<{ id: string; help: { markdown: string } }>;
    const html = renderMarkdown(rules.find((rule) => rule.id === 'ACME-NET-001')!.help.markdown);
    expect(liveMarkup(html)).toEqual([]);
    expect(html).toContain('<code>az x</code>');
    expect(renderMarkdown(rules.find((rule) => rule.id === 'AZF-PUB-001')!.help.markdown)).toMatch(/<strong>Remediation<\/strong>[\s\S]*<code>/);
  });

  it('a code span holding backticks is fenced with more of them', () => {
    const dir = tempDir();
    writeJson(dir, 'snapshot.json', buildSnapshot([{ type: 'Microsoft.ContainerRegistry/registries', name: 'a```b`', sku: { name: 'Premium' }, properties: { publicNetworkAccess: 'Enabled' } }]));
    const html = renderMarkdown(scanAs('markdown', dir).stdout);
    expect(html).toContain('<code>a```b`</code>');
  });
});

describe('JUnit: XML 1.0 whatever the input holds', () => {
  it('every BMP character, tag characters and lone surrogates make valid XML 1.0 as text and as an attribute', () => {
    let all = '';
    for (let code = 0; code <= 0xffff; code++) all += String.fromCharCode(code);
    for (let code = 0xe0000; code <= 0xe007f; code++) all += String.fromCodePoint(code);
    const document = `<?xml version="1.0" encoding="UTF-8"?>\n<a b="${xmlAttr(all)}" c='${xmlAttr(all)}'>${xmlText(all)}</a>\n`;
    expect(xmlError(document)).toBeUndefined();
    expect(rawControls(document, '\n\t')).toEqual([]);
  });

  it('parses with a strict XML parser and names the resource with visible escapes', () => {
    const { dir } = hostileEstate();
    const run = scanAs('junit', dir);
    expect(xmlError(run.stdout)).toBeUndefined();
    expect(rawControls(run.stdout)).toEqual([]);
    // Test names are the rule and the resource: the resource part is what the input chose.
    const names = xmlAttributes(run.stdout, 'testcase', 'name').map((name) => name.replace(/^AZF-[A-Z]+-\d{3} /, ''));
    expect(names.some((name) => name.startsWith('/subscriptions/') && name.includes('acr-a\\x1b]8;;https://evil.example\\x07click') && name.includes('\\ufffe\\ud800') && name.includes('#1\\nrow'))).toBe(true);
    expect(names.some((name) => name.includes('broken-\\x1b]0;title\\x07.json'))).toBe(true);
  });
});

describe('JSON and SARIF keep the exact values, escaped', () => {
  it('every unsafe character, one by one, is escaped in JSON text and parses back to itself', () => {
    const all: string[] = [];
    for (let code = 0; code <= 0xffff; code++) all.push(String.fromCharCode(code));
    for (let code = 0xe0000; code <= 0xe007f; code++) all.push(String.fromCodePoint(code));
    const unsafe = all.filter((character) => new RegExp(unsafeCharacters().source, 'u').test(character));
    expect(unsafe.length).toBeGreaterThan(200);
    const text = jsonText({ unsafe }, 2);
    expect(text.replace(/\n/g, '')).not.toMatch(new RegExp(unsafeCharacters().source, 'u'));
    expect(JSON.parse(text).unsafe).toEqual(unsafe);
  });

  it('JSON holds no raw control character and parses back to the input name', () => {
    const { dir } = hostileEstate();
    const run = scanAs('json', dir);
    expect(rawControls(run.stdout)).toEqual([]);
    const report = JSON.parse(run.stdout);
    expect(report.findings.find((finding: { ruleId: string }) => finding.ruleId === 'AZF-PUB-001').resource.name).toBe(NAME);
  });

  it('SARIF holds no raw control character, validates, and shows messages with visible escapes', () => {
    const { dir } = hostileEstate();
    const run = scanAs('sarif', dir);
    expect(rawControls(run.stdout)).toEqual([]);
    expect(validateSarifText(run.stdout)).toEqual([]);
    const sarif = JSON.parse(run.stdout);
    const result = sarif.runs[0].results.find((candidate: { ruleId: string }) => candidate.ruleId === 'AZF-PUB-001');
    expect(result.message.text).toContain('acr-a\\x1b]8;;https://evil.example\\x07click');
    // Plain-text SARIF messages may embed links ([text](target)); a name cannot make one.
    expect(result.message.text).not.toMatch(/\]\(/);
    expect(result.logicalLocations ?? result.locations[0].logicalLocations[0].name).toBeDefined();
    expect(result.locations[0].logicalLocations[0].name).toBe(NAME);
  });

  it('a --markdown and --sarif file are written the same way', () => {
    const { dir } = hostileEstate();
    const run = runCli(['scan', '.', '--fail-on', 'none', '--sarif', 'out.sarif', '--markdown', 'out.md', '--output', 'out.txt'], dir);
    expect(run.code).toBe(2);
    for (const name of ['out.sarif', 'out.md', 'out.txt']) expect(rawControls(readFileSync(join(dir, name), 'utf8')), name).toEqual([]);
  });
});

describe("a workflow's actions from other repositories: one 'not read' line per file in every format, inert", () => {
  /** The workflow's file name and its `uses:` value are both the pull request's. */
  const WORKFLOW = '.github/workflows/ci-\x1b]0;t\x07<b>.yml';
  function unreadEstate(): string {
    const dir = tempDir();
    mkdirSync(join(dir, '.git'));
    mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
    const uses = 'evil/act\\e[31m\\u202e<img src=x onerror=alert(1)>@octocat[l](https://evil.example)|x|\\nrow@v1';
    writeFileSync(join(dir, WORKFLOW), `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: "${uses}"\n      - run: az acr build -r acrci01 --agent-pool pool .\n`);
    return dir;
  }
  const SHOWN_USES = 'evil/act\\x1b[31m\\u202e<img src=x onerror=alert(1)>@octocat[l](https://evil.example)|x|\\nrow@v1';

  it('table: a visible escape for every control character', () => {
    const run = scanAs('table', unreadEstate());
    expect(run.stderr).toBe('');
    expect(rawControls(run.stdout)).toEqual([]);
    const lines = run.stdout.split('\n');
    const at = lines.indexOf('Not read (1):');
    expect(at).toBeGreaterThan(-1);
    expect(lines[at + 1]).toContain('ci-\\x1b]0;t\\x07<b>.yml: not read: action actions/checkout@v4: not in this repository');
    expect(lines[at + 1]).toContain(`action ${SHOWN_USES}: not in this repository`);
  });

  it('Markdown: no live markup, the line whole', () => {
    const run = scanAs('markdown', unreadEstate());
    expect(rawControls(run.stdout)).toEqual([]);
    expect(run.stdout).toContain('### Not read');
    const html = renderMarkdown(run.stdout);
    expect(liveMarkup(html)).toEqual([]);
    const text = decodeHtml(html).replace(/\u200b/g, '');
    expect(text).toContain('ci-\\x1b]0;t\\x07<b>.yml: not read: action actions/checkout@v4');
    expect(text).toContain(`action ${SHOWN_USES}: not in this repository`);
  });

  it('JUnit: a skipped case per file, strict XML', () => {
    const run = scanAs('junit', unreadEstate());
    expect(xmlError(run.stdout)).toBeUndefined();
    expect(rawControls(run.stdout)).toEqual([]);
    expect(run.stdout).toContain('<testsuite name="azfence not read" tests="1" failures="0" errors="0" skipped="1"');
    expect(xmlAttributes(run.stdout, 'testcase', 'name').filter((name) => name.endsWith('ci-\\x1b]0;t\\x07<b>.yml'))).toHaveLength(1);
    const message = xmlAttributes(run.stdout, 'skipped', 'message').find((candidate) => candidate.startsWith('not read:'))!;
    expect(message).toContain(`action ${SHOWN_USES}: not in this repository`);
  });

  it('SARIF: a warning notification per file at the workflow, valid, no link from the input', () => {
    const run = scanAs('sarif', unreadEstate());
    expect(rawControls(run.stdout)).toEqual([]);
    expect(validateSarifText(run.stdout)).toEqual([]);
    const notes = JSON.parse(run.stdout).runs[0].invocations[0].toolExecutionNotifications as Array<{ level: string; message: { text: string }; locations?: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
    const unread = notes.filter((note) => note.message.text.startsWith('not read:'));
    expect(unread).toHaveLength(1);
    expect(unread[0]!.level).toBe('warning');
    expect(unread[0]!.message.text).toContain('action evil/act\\x1b[31m\\u202e<img src=x onerror=alert(1)>@octocat[l] (https://evil.example)');
    expect(unread[0]!.message.text).not.toMatch(/\]\(/);
    expect(decodeURIComponent(unread[0]!.locations![0]!.physicalLocation.artifactLocation.uri)).toContain('.github/workflows/ci-');
  });

  it('HTML: text, never markup', () => {
    const run = scanAs('html', unreadEstate());
    expect(rawControls(run.stdout)).toEqual([]);
    expect(run.stdout).toContain('<h2 id="unread-heading">Not read (1)</h2>');
    const section = /<section aria-labelledby="unread-heading">([\s\S]*?)<\/section>/.exec(run.stdout)![1]!;
    expect(section).not.toMatch(/<img|<b>/);
    expect(decodeHtml(section)).toContain(`action ${SHOWN_USES}: not in this repository`);
  });
});
