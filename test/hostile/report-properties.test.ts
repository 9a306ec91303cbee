import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../support/materialize.js';
import { runCli, tempDir } from '../support/run-cli.js';
import { validateSarif } from '../support/sarif-validator.js';
import { liveMarkup, rawControls, renderMarkdown, tableRows, xmlError } from '../support/inert.js';

/**
 * Property: whatever a pull request names its resources, files and suppression reasons (any Unicode,
 * control characters, lone surrogates, markup), every format still parses as what it claims to be, holds no
 * raw control character, and renders no live HTML. The names go through a real scan of a snapshot: a
 * failing registry named by the input, in a file named by the input, next to a broken file also named by
 * it, with a suppression reason from the input.
 */

/** What a hostile author reaches for, mixed with arbitrary code points (surrogate halves included). */
const FRAGMENTS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '<!--',
  ']]>',
  '&lt;b&gt;',
  '&#x3c;i&#x3e;',
  '@octocat',
  '@org/team',
  '[link](https://evil.example)',
  '![img](https://evil.example/i.png)',
  '<https://evil.example>',
  'https://evil.example',
  'www.evil.example',
  'a@evil.example',
  '#1',
  'GH-2',
  '`',
  '``',
  '```',
  '|',
  '\\|',
  '\\',
  '$x$',
  '**b**',
  '~~s~~',
  '\r',
  '\n',
  '\r\n',
  '\t',
  '\x00',
  '\x07',
  '\x1b[31m',
  '\x1b]8;;https://evil.example\x07',
  '\x7f',
  '\x85',
  '\x9b2J',
  '\u2028',
  '\u202e',
  '\u2066',
  '\ufeff',
  '\ufffe',
  '\uffff',
  '\ud800',
  '\udfff',
  '\u{e0041}',
  '# heading',
  '- item',
  '1. item',
  '> quote',
  '    code',
];

const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'binary', maxLength: 6 }), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join(''))
  .filter((text) => text.length > 0);

/** A file name Linux accepts: no `/` or NUL, at most 255 bytes; lone surrogates cannot be written as names. */
const fileName = hostileText.map((text) => `${text.replace(/[/\0]/g, '_').replace(/[\ud800-\udfff]/g, '_').slice(0, 40)}.json`).filter((name) => name !== '.json' && name !== '..json' && Buffer.byteLength(name) <= 255);

const FORMATS = ['table', 'json', 'sarif', 'markdown', 'junit', 'html'] as const;

/** The elements the HTML report writes itself; any other tag, or any event handler, came from the input. */
const HTML_TAGS = new Set('html head meta title style body header h1 h2 h3 h4 p main section div figure figcaption svg desc text rect table caption colgroup col thead tbody tr th td code br span a label input select option button article dl dt dd ul li footer script strong'.split(' '));

function liveHtml(html: string): string[] {
  const live: string[] = [];
  for (const match of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)) {
    if (!HTML_TAGS.has(match[1]!.toLowerCase())) live.push(match[0]);
    // Attribute names only (values are quoted and escaped): no handler, no src, no style.
    const names = match[2]!.replace(/"[^"]*"/g, '""').match(/[a-zA-Z-]+(?==)/g) ?? [];
    live.push(...names.filter((name) => /^on|^src$|^style$|^srcdoc$|^formaction$/i.test(name)));
  }
  if ((html.match(/<script/gi) ?? []).length !== 1) live.push('a second <script>');
  return live;
}

describe('reports stay what they claim to be, whatever the input names', () => {
  it('table, Markdown, JUnit, SARIF, JSON and HTML: parse, no raw control characters, no live HTML', { timeout: 240_000 }, () => {
    const sarifFiles: string[] = [];
    let runs = 0;
    fc.assert(
      fc.property(hostileText.filter((name) => !name.includes('/')), fileName, fileName, hostileText, (name, file, broken, reason) => {
        runs++;
        const dir = tempDir();
        const registries = [name, 'acr-accepted'].map((registry) => ({ type: 'Microsoft.ContainerRegistry/registries', name: registry, sku: { name: 'Premium' }, properties: { publicNetworkAccess: 'Enabled' } }));
        const snapshotName = file === broken ? `a-${file}` : file;
        writeFileSync(join(dir, snapshotName), JSON.stringify(buildSnapshot(registries)));
        writeFileSync(join(dir, broken), '{"count": 1, "data": [');
        // JSON is YAML: the reason goes in exactly as generated (after a word: a blank reason is refused).
        writeFileSync(join(dir, '.azfence.yaml'), JSON.stringify({ suppressions: [{ rule: 'AZF-PUB-001', resource: '*acr-accepted', reason: `ok ${reason}` }] }));
        for (const format of FORMATS) {
          const run = runCli(['scan', '.', '--format', format, '--fail-on', 'none'], dir);
          const label = `${format} for ${JSON.stringify(name)} in ${JSON.stringify(file)}`;
          expect(run.stderr, label).not.toMatch(/internal error/);
          expect(run.code, label).toBe(2); // the broken file
          expect(rawControls(run.stdout), label).toEqual([]);
          expect(rawControls(run.stderr), label).toEqual([]);
          if (format === 'json') {
            const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; resource: { name: string } }> };
            // The exact name survives the escaping (lone surrogates included).
            expect(report.findings.map((finding) => finding.resource.name), label).toContain(name);
          }
          if (format === 'sarif') {
            JSON.parse(run.stdout);
            // The validator takes seconds per call: every fifth log is kept and all are validated at once.
            if (runs % 5 === 1) {
              const sarifDir = join(tempDir(), 'sarif');
              mkdirSync(sarifDir);
              sarifFiles.push(join(sarifDir, `run-${runs}.sarif`));
              writeFileSync(sarifFiles.at(-1)!, run.stdout);
            }
          }
          if (format === 'junit') expect(xmlError(run.stdout), label).toBeUndefined();
          if (format === 'html') expect(liveHtml(run.stdout), label).toEqual([]);
          if (format === 'markdown') {
            const html = renderMarkdown(run.stdout);
            expect(liveMarkup(html), label).toEqual([]);
            // Every table row keeps its header's cells: no | or line break from the input split one.
            for (const table of html.split('<table>').slice(1)) {
              const rows = tableRows(`<table>${table.split('</table>')[0]}`);
              for (const row of rows) expect(row.length, label).toBe(rows[0]!.length);
            }
          }
        }
      }),
      { numRuns: Number(process.env['AZFENCE_PROPERTY_RUNS'] ?? 40) },
    );
    expect(validateSarif(sarifFiles)).toEqual([]);
  });
});
