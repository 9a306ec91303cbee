import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, type Page } from '../support/chromium.js';
import { runCli, tempDir } from '../support/run-cli.js';

/**
 * Issue 22 item 1: the HTML report, rendered by a real browser (headless Chromium over the DevTools
 * protocol). What is checked is what a reader gets: the DOM after the page's script ran, the requests the
 * page made, the accessibility tree, keyboard use, and a screenshot.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const SNAPSHOT = join(ROOT, 'fixtures/estate/snapshot.json');
/** `AZFENCE_UPDATE_SCREENSHOT=1 npx vitest run test/html` refreshes the README's screenshot from this run. */
const README_SCREENSHOT = join(ROOT, 'docs/images/html-report.png');

type Row = Record<string, any>;
const estate = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as { count: number; data: Row[] };

function vaultRow(name: string, properties: Row = {}): Row {
  const template = estate.data.find((row) => row.name === 'kv-ci-we01')!;
  const id = template.id.replace(/kv-ci-we01$/, name);
  return { ...template, id, name, properties: { ...template.properties, publicNetworkAccess: 'Enabled', networkAcls: { bypass: 'AzureServices', defaultAction: 'Allow', ipRules: [], virtualNetworkRules: [] }, privateEndpointConnections: [], ...properties } };
}

function writeSnapshot(dir: string, name: string, rows: Row[]): void {
  writeFileSync(join(dir, name), JSON.stringify({ count: rows.length, data: rows }, null, 2));
}

/**
 * Last night's audit (baseline) had a public legacy vault that is gone today, and no container apps job:
 * today's report has the job's findings as new and the vault's as resolved.
 */
function scheduledAudit(): { dir: string; html: string; json: { findings: Array<{ baseline?: string; suppression?: unknown; ruleId: string; severity: string; status: string }>; resolved: unknown[] } } {
  const dir = tempDir('azfence-html-');
  writeSnapshot(dir, 'last-night.json', [...estate.data.filter((row) => row.name !== 'caj-ado-agent'), vaultRow('kv-legacy-we01')]);
  writeSnapshot(dir, 'estate.json', estate.data);
  expect(runCli(['scan', 'last-night.json', '--format', 'json', '--output', 'baseline.json', '--fail-on', 'none'], dir).code).toBe(0);
  const run = runCli(['scan', 'estate.json', '--format', 'json', '--output', 'today.json', '--html', 'report.html', '--baseline', 'baseline.json'], dir);
  expect(run.code).toBe(1);
  return { dir, html: join(dir, 'report.html'), json: JSON.parse(readFileSync(join(dir, 'today.json'), 'utf8')) };
}

/**
 * What a screenshot shows, as text, kept in the PNG's Description (a tEXt chunk after IHDR): the committed
 * screenshot is compared by what it says, not by its pixels, which differ with fonts and Chromium versions.
 */
const DESCRIPTION = 'Description';

function withDescription(png: Buffer, text: string): Buffer {
  const data = Buffer.concat([Buffer.from(DESCRIPTION, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]);
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write('tEXt', 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  const afterHeader = 8 + 12 + png.readUInt32BE(8);
  return Buffer.concat([png.subarray(0, afterHeader), chunk, png.subarray(afterHeader)]);
}

function descriptionOf(png: Buffer): string | undefined {
  for (let at = 8; at + 12 <= png.length; at += 12 + png.readUInt32BE(at)) {
    if (png.toString('latin1', at + 4, at + 8) !== 'tEXt') continue;
    const data = png.subarray(at + 8, at + 8 + png.readUInt32BE(at));
    const nul = data.indexOf(0);
    if (data.toString('latin1', 0, nul) === DESCRIPTION) return data.toString('latin1', nul + 1);
  }
  return undefined;
}

let browser: Browser;
beforeAll(async () => {
  browser = await Browser.launch();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

async function open(file: string, size?: { width: number; height: number }): Promise<Page> {
  return browser.open(pathToFileURL(file).href, size);
}

describe('the HTML report in Chromium', () => {
  it('is one file that fetches nothing and runs only its own script, with no error', async () => {
    const { html } = scheduledAudit();
    const page = await open(html);
    expect(page.requests()).toEqual([pathToFileURL(html).href]);
    expect(page.logs()).toEqual([]);
    const dom = await page.evaluate<{ scripts: number; inlineScripts: number; styles: number; links: number; images: number; csp: string }>(`({
      scripts: document.scripts.length,
      inlineScripts: [...document.scripts].filter((s) => !s.src).length,
      styles: document.styleSheets.length,
      links: document.querySelectorAll('link').length,
      images: document.images.length,
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]').content,
    })`);
    expect(dom).toMatchObject({ scripts: 1, inlineScripts: 1, styles: 1, links: 0, images: 0 });
    expect(dom.csp).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src data:/);
    // The page's script ran under that policy: it filled in the count.
    expect(await page.evaluate('document.getElementById("findings-count").textContent')).toMatch(/^Showing all \d+ findings$/);
  });

  it('shows the gate, charts by severity and pack, every finding, and what changed since the baseline', async () => {
    const { html, json } = scheduledAudit();
    const page = await open(html);
    const dom = await page.evaluate<{ verdict: string; charts: Array<{ label: string; bars: number }>; rows: number; newBadges: number; resolved: string[]; rules: string[]; fixes: number; changes: string }>(`({
      verdict: document.getElementById('verdict').textContent,
      charts: [...document.querySelectorAll('svg.chart')].map((svg) => ({ label: svg.getAttribute('aria-labelledby').split(' ').map((id) => document.getElementById(id).textContent).join(' | '), bars: svg.querySelectorAll('rect').length })),
      rows: document.querySelectorAll('#findings-table tbody tr').length,
      newBadges: document.querySelectorAll('#findings-table .badge-new:not(.badge)').length + [...document.querySelectorAll('#findings-table .badge')].filter((b) => b.textContent === 'new').length,
      resolved: [...document.querySelectorAll('#resolved-table tbody tr')].map((tr) => tr.textContent),
      rules: [...document.querySelectorAll('article.rule-help h3')].map((h) => h.textContent),
      fixes: [...document.querySelectorAll('#findings-table td.fix')].filter((td) => td.textContent.trim().length > 10).length,
      changes: document.getElementById('changes-heading').parentElement.querySelector('p').textContent,
    })`);
    const newFindings = json.findings.filter((finding) => finding.baseline === 'new' && !finding.suppression);
    // The gate counts new failures at its threshold (high); new unknowns carry the badge but do not fail it.
    const fresh = newFindings.filter((finding) => finding.status === 'fail' && (finding.severity === 'high' || finding.severity === 'critical')).length;
    expect(fresh).toBeGreaterThan(0);
    expect(dom.verdict).toBe(`Gate: failed. ${fresh} finding${fresh === 1 ? '' : 's'} at high or above, new since the baseline.`);
    expect(dom.charts.map((chart) => chart.label.split(' | ')[0])).toEqual(['Findings by severity', 'Findings by rule pack']);
    // The description a screen reader reads carries the numbers the bars show.
    const critical = json.findings.filter((finding) => finding.severity === 'critical' && !finding.suppression).length;
    expect(dom.charts[0]!.label).toContain(`critical: ${critical} failed, 0 unknown`);
    expect(dom.charts[1]!.bars).toBeGreaterThanOrEqual(4);
    expect(dom.rows).toBe(json.findings.length);
    expect(dom.newBadges).toBe(newFindings.length);
    expect(dom.fixes).toBe(json.findings.length);
    expect(json.resolved).toHaveLength(dom.resolved.length);
    expect(dom.resolved.length).toBeGreaterThan(0);
    expect(dom.resolved.every((row) => row.includes('kv-legacy-we01'))).toBe(true);
    expect(dom.changes).toMatch(/^Compared with baseline\.json: \d+ new, \d+ already in it, \d+ resolved\.$/);
    // Each rule that has a finding has its help and fix, linked from the rule id in the table.
    for (const ruleId of new Set(json.findings.map((finding) => finding.ruleId))) expect(dom.rules.some((title) => title.startsWith(`${ruleId}:`))).toBe(true);
    expect(await page.evaluate(`document.querySelector('#findings-table tbody tr a').getAttribute('href') === '#' + document.querySelector('article.rule-help').id || !!document.querySelector(document.querySelector('#findings-table tbody tr a').getAttribute('href'))`)).toBe(true);
  });

  it('sorts from the keyboard, says how it is sorted (aria-sort), and filters by field and text', async () => {
    const { html } = scheduledAudit();
    const page = await open(html);
    const ruleOrder = () => page.evaluate<string[]>(`[...document.querySelectorAll('#findings-table tbody tr')].map((tr) => tr.dataset.rule)`);
    const sortState = () => page.evaluate<Record<string, string | null>>(`Object.fromEntries([...document.querySelectorAll('#findings-table thead th')].map((th) => [th.textContent, th.getAttribute('aria-sort')]))`);
    expect((await sortState())['Severity']).toBe('descending');

    // Tab moves through the page's controls to the Rule column's button; Enter sorts by it.
    await page.evaluate(`document.getElementById('filter-text').focus()`);
    for (let i = 0; i < 12 && (await page.evaluate<string>('document.activeElement.textContent')) !== 'Rule'; i++) await page.press('Tab');
    expect(await page.evaluate('document.activeElement.tagName + ":" + document.activeElement.textContent')).toBe('BUTTON:Rule');
    await page.press('Enter');
    const ascending = await ruleOrder();
    expect(ascending).toEqual([...ascending].sort());
    expect(await sortState()).toMatchObject({ Rule: 'ascending', Severity: null });
    expect(await page.evaluate('document.getElementById("sort-status").textContent')).toBe('Sorted by Rule, ascending');
    await page.press('Enter');
    expect(await ruleOrder()).toEqual([...ascending].sort().reverse());
    expect((await sortState())['Rule']).toBe('descending');

    // Filters: a severity, then text typed into the search field.
    const total = (await ruleOrder()).length;
    await page.evaluate(`(() => { const s = document.getElementById('filter-severity'); s.value = 'critical'; s.dispatchEvent(new Event('change')); })()`);
    const visible = () => page.evaluate<string[]>(`[...document.querySelectorAll('#findings-table tbody tr')].filter((tr) => !tr.hidden).map((tr) => tr.dataset.severity + ' ' + tr.textContent)`);
    expect((await visible()).every((row) => row.startsWith('critical '))).toBe(true);
    expect(await page.evaluate('document.getElementById("findings-count").textContent')).toBe(`Showing ${(await visible()).length} of ${total} findings`);
    await page.evaluate(`(() => { const s = document.getElementById('filter-severity'); s.value = ''; s.dispatchEvent(new Event('change')); document.getElementById('filter-text').focus(); })()`);
    await page.insertText('stciartifacts');
    const matching = await visible();
    expect(matching.length).toBeGreaterThan(0);
    expect(matching.length).toBeLessThan(total);
    expect(matching.every((row) => row.includes('stciartifacts'))).toBe(true);
  });

  it('reads as tables, named charts and labelled controls to a screen reader', async () => {
    const { html } = scheduledAudit();
    const page = await open(html);
    const tree = await page.accessibilityTree();
    const named = (role: string) => tree.filter((node) => node.role === role).map((node) => node.name);
    expect(named('table')).toEqual(expect.arrayContaining([expect.stringMatching(/^Findings, most severe first/), expect.stringMatching(/^Resolved since the baseline/)]));
    expect(named('columnheader')).toEqual(expect.arrayContaining(['Severity', 'Status', 'Rule', 'Resource', 'Finding', 'Fix']));
    // Sortable headers hold a button of the same name (the DevTools tree does not expose aria-sort; the
    // keyboard test reads it from the DOM).
    expect(named('button')).toEqual(expect.arrayContaining(['Severity', 'Status', 'Rule', 'Resource']));
    expect(named('image')).toEqual(expect.arrayContaining([expect.stringMatching(/^Findings by severity critical: \d+ failed/), expect.stringMatching(/^Findings by rule pack /)]));
    expect(named('searchbox')).toEqual(['Search']);
    expect(named('combobox').sort()).toEqual(['Change', 'Pack', 'Severity', 'Status']);
    // Every control and button has a name.
    for (const node of tree.filter((candidate) => ['button', 'combobox', 'searchbox', 'textbox'].includes(candidate.role))) expect(node.name.trim()).not.toBe('');
  });

  it('makes a screenshot of a scheduled audit report (the one in the README)', async () => {
    const { html } = scheduledAudit();
    const page = await open(html, { width: 1280, height: 1280 });
    const shows = await page.evaluate<string>(`[document.getElementById('verdict'), document.querySelector('header p.summary'), document.getElementById('changes-heading').parentElement.querySelector('p'), document.getElementById('findings-heading')].map((element) => element.textContent.replace(/\\s+/g, ' ').trim()).join(' / ')`);
    expect(shows).toMatch(/^Gate: failed\. [\x20-\x7e]+$/);
    const png = withDescription(await page.screenshot(), `azfence HTML report: ${shows}`);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1280, 1280]);
    expect(png.length).toBeGreaterThan(30_000);
    expect(descriptionOf(png)).toBe(`azfence HTML report: ${shows}`);
    const out = join(tempDir('azfence-screenshot-'), 'html-report.png');
    writeFileSync(out, png);
    if (process.env['AZFENCE_UPDATE_SCREENSHOT'] === '1') {
      mkdirSync(join(ROOT, 'docs/images'), { recursive: true });
      writeFileSync(README_SCREENSHOT, png);
    }
    // The README's screenshot is this run's report, not an older one's: what it shows is what today's report says.
    expect(descriptionOf(readFileSync(README_SCREENSHOT)), 'docs/images/html-report.png shows an older report: run AZFENCE_UPDATE_SCREENSHOT=1 npx vitest run test/html -t screenshot and commit it').toBe(`azfence HTML report: ${shows}`);
  });
});

describe('hostile names in the HTML report', () => {
  let server: Server;
  let hits: string[] = [];
  let origin = '';
  beforeAll(async () => {
    server = createServer((request, response) => {
      hits.push(request.url ?? '');
      response.end('');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('stay text: no element, attribute, script or request comes from a resource name or a baseline', async () => {
    hits = [];
    const dir = tempDir('azfence-html-hostile-');
    const name = `kv"'><img src=${origin}/img onerror="fetch('${origin}/onerror')"><script>fetch('${origin}/script')</script><svg onload=fetch('${origin}/svg')>\u202e\u001b[31m`;
    writeSnapshot(dir, 'estate.json', [vaultRow(name)]);
    // A baseline is a file too: its texts show in the resolved table.
    writeFileSync(join(dir, 'baseline.json'), JSON.stringify({
      findings: [{ ruleId: `AZF-X<iframe src=${origin}/iframe>`, severity: 'high', status: 'fail', fingerprint: 'gone', message: `<a href="javascript:fetch('${origin}/a')">click</a>`, resource: { id: `<base href=${origin}/>`, name: `<link rel=stylesheet href=${origin}/css>` } }],
    }));
    const run = runCli(['scan', 'estate.json', '--html', 'report.html', '--baseline', 'baseline.json', '--fail-on', 'none'], dir);
    expect(run.code).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('\u202e');
    expect(html).not.toContain('\u001b');

    const page = await open(join(dir, 'report.html'));
    await new Promise((done) => setTimeout(done, 300));
    expect(hits).toEqual([]);
    expect(page.requests()).toEqual([pathToFileURL(join(dir, 'report.html')).href]);
    const dom = await page.evaluate<{ images: number; scripts: number; iframes: number; links: number; bases: number; handlers: number; anchors: string[]; text: string }>(`({
      images: document.images.length,
      scripts: document.scripts.length,
      iframes: document.querySelectorAll('iframe').length,
      links: document.querySelectorAll('link').length,
      bases: document.querySelectorAll('base').length,
      handlers: [...document.querySelectorAll('*')].filter((element) => [...element.attributes].some((attribute) => attribute.name.startsWith('on'))).length,
      anchors: [...document.querySelectorAll('a')].map((a) => a.getAttribute('href')).filter((href) => !href.startsWith('#') && !href.startsWith('https://learn.microsoft.com/')),
      text: document.body.textContent,
    })`);
    expect(dom).toMatchObject({ images: 0, scripts: 1, iframes: 0, links: 0, bases: 0, handlers: 0 });
    expect(dom.anchors.filter((href) => href.includes('127.0.0.1') || href.startsWith('javascript:'))).toEqual([]);
    // The reader sees the names as they were written, controls shown as escapes.
    expect(dom.text).toContain(`<img src=${origin}/img onerror="fetch('${origin}/onerror')">`);
    expect(dom.text).toContain('\\u202e');
    expect(dom.text).toContain(`<a href="javascript:fetch('${origin}/a')">click</a>`);
    expect(page.logs()).toEqual([]);
  });
});
