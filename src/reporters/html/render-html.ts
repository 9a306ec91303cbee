import { SEVERITIES, type RuleDescriptor } from '../../report/rule-descriptor.js';
import { SEVERITY_ORDER, type Finding, type ResolvedFinding } from '../../findings/finding.js';
import { gateFailures } from '../../report/fail-gate.js';
import { configurationLine, resolveGate } from '../../report/configuration.js';
import { errorText, type ScanReport } from '../../report/scan-report.js';
import { documentTemplate } from '../../report/template-slots.js';
import { TOOL_VERSION } from '../../version.js';
import { summarize, summaryLine, unreadLines, type Summary } from '../summary.js';
import { barChart } from './charts.js';
import { htmlAttr, htmlId, htmlText } from './html-text.js';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';

/**
 * The HTML report: one file that needs nothing else (style, script and charts inline) and fetches nothing:
 * its Content-Security-Policy allows its own script and style by hash, images only as data: URIs, and no
 * connection of any kind. Every table is a real table (header cells, scopes, a caption), sortable columns
 * say how they are sorted (aria-sort), and every control has a label.
 */
export function renderHtml(report: ScanReport): string {
  const summary = summarize(report);
  const { createHash } = process.getBuiltinModule('node:crypto');
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  const policy = `default-src 'none'; script-src ${hash(PAGE_SCRIPT)}; style-src ${hash(PAGE_STYLE)}; img-src data:; base-uri 'none'; form-action 'none'`;
  const verdict = gateVerdict(report);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>azfence report: ${htmlText(verdict.short)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>azfence report</h1>
<p class="verdict verdict-${verdict.tone}" id="verdict">${htmlText(verdict.text)}</p>
<p class="summary">${htmlText(summaryLine(summary))}</p>
${configurationParagraph(report)}</header>
<main>
${overview(summary)}
${changes(report, summary)}
${findingsSection(report, summary)}
${rulesSection(report)}
${problems(report)}
${inputsSection(report)}
</main>
<footer>azfence ${htmlText(TOOL_VERSION)}</footer>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

interface Verdict {
  tone: 'pass' | 'fail' | 'error';
  text: string;
  short: string;
}

/** What the gate decided, as the exit code does: errors first (2), then failures (1), else passed (0). */
function gateVerdict(report: ScanReport): Verdict {
  const gate = report.configuration.gate ?? resolveGate({}, report.config);
  const threshold = `${gate.failOn} or above${gate.failOnUnknown ? ', unknowns included' : ''}`;
  if (report.errors.length > 0) {
    const text = `Gate: error. ${report.errors.length} input${report.errors.length === 1 ? '' : 's'} or check${report.errors.length === 1 ? '' : 's'} could not be read (exit 2): the findings below are not the whole estate.`;
    return { tone: 'error', text, short: 'error' };
  }
  if (gate.failOn === 'none') return { tone: 'pass', text: 'Gate: passed. The gate is off (fail-on none): findings are reported, none fails the run.', short: 'passed (gate off)' };
  const failures = gateFailures(report.findings, gate).length;
  if (failures > 0) return { tone: 'fail', text: `Gate: failed. ${failures} finding${failures === 1 ? '' : 's'} at ${threshold}${report.baseline ? ', new since the baseline' : ''}.`, short: `failed (${failures})` };
  return { tone: 'pass', text: `Gate: passed. Nothing fails at ${threshold}${report.baseline ? ' that is new since the baseline' : ''}.`, short: 'passed' };
}

function configurationParagraph(report: ScanReport): string {
  const line = configurationLine(report.configuration);
  return line ? `<p class="summary">${htmlText(line)}</p>\n` : '';
}

function overview(summary: Summary): string {
  const severityBars = SEVERITIES.map((severity) => ({ label: severity, ...summary.bySeverity[severity], tone: `severity-${severity}` }));
  const packBars = Object.entries(summary.byPack)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([pack, counts]) => ({ label: pack, ...counts, tone: 'pack' }));
  const countsTable = [
    '<table class="counts"><caption>Findings by severity</caption>',
    '<thead><tr><th scope="col">Severity</th><th scope="col">Failed</th><th scope="col">Unknown</th></tr></thead><tbody>',
    ...SEVERITIES.map((severity) => `<tr><th scope="row">${severity}</th><td>${summary.bySeverity[severity].fail}</td><td>${summary.bySeverity[severity].unknown}</td></tr>`),
    '</tbody></table>',
  ].join('');
  return `<section aria-labelledby="overview-heading">
<h2 id="overview-heading">Overview</h2>
<div class="charts">
<figure>${barChart('chart-severity', 'Findings by severity', severityBars)}<figcaption>By severity</figcaption></figure>
<figure>${barChart('chart-pack', 'Findings by rule pack', packBars)}<figcaption>By rule pack</figcaption></figure>
${countsTable}
</div>
<p class="legend">Solid: failed. Light: unknown (could not be decided from what was read). Suppressed findings are not counted.</p>
</section>`;
}

function changes(report: ScanReport, summary: Summary): string {
  if (!report.baseline || !summary.baseline) return '';
  const resolved = report.baseline.resolved;
  const table = resolved.length
    ? [
        `<table id="resolved-table"><caption>Resolved since the baseline: findings it held that this run no longer reports</caption>`,
        '<thead><tr><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">Resource</th><th scope="col">Was</th></tr></thead><tbody>',
        ...resolved.map(resolvedRow),
        '</tbody></table>',
      ].join('\n')
    : '<p>Nothing the baseline held is gone.</p>';
  return `<section aria-labelledby="changes-heading">
<h2 id="changes-heading">Since the baseline</h2>
<p>Compared with <code>${htmlText(report.baseline.file)}</code>: <strong>${summary.baseline.new} new</strong>, ${summary.baseline.existing} already in it, ${summary.baseline.absent} resolved.</p>
${table}
</section>`;
}

function resolvedRow(entry: ResolvedFinding): string {
  const name = entry.resource.address ?? entry.resource.name ?? entry.resource.id;
  const where = entry.location ? `<br><span class="where">${htmlText(location(entry.location))}</span>` : '';
  return `<tr><td>${entry.severity ? severityBadge(entry.severity) : ''}</td><td>${htmlText(entry.ruleId)}</td><td><code>${htmlText(name)}</code>${where}</td><td>${htmlText(entry.status)}${entry.message ? `: ${prose(entry.message)}` : ''}</td></tr>`;
}

function location(where: { file: string; line?: number }): string {
  return `${where.file}${where.line ? `:${where.line}` : ''}`;
}

function severityBadge(severity: string): string {
  return `<span class="badge sev-${htmlAttr(severity)}">${htmlText(severity)}</span>`;
}

/** Rules wrote commands and settings between single backticks: shown as code, everything as text. */
function prose(text: string): string {
  const parts = text.split(/(?<!`)`(?!`)/);
  if (parts.length % 2 === 0) return htmlText(text);
  return parts.map((part, index) => (index % 2 === 1 ? `<code>${htmlText(part)}</code>` : htmlText(part))).join('');
}

function changeOf(finding: Finding): string {
  if (finding.suppression) return 'suppressed';
  return finding.baseline ?? '';
}

function findingsSection(report: ScanReport, summary: Summary): string {
  const packs = [...new Set(report.findings.map((finding) => finding.pack))].sort();
  const option = (value: string, label = value) => `<option value="${htmlAttr(value)}">${htmlText(label)}</option>`;
  const changeFilter = report.baseline || summary.suppressed
    ? `<label for="filter-change">Change<select id="filter-change" data-filter="change">${option('', 'All')}${report.baseline ? option('new') + option('existing') : ''}${summary.suppressed ? option('suppressed') : ''}</select></label>`
    : '';
  const header = (key: string, label: string, type = 'text', sort?: 'descending') =>
    `<th scope="col" data-key="${key}" data-type="${type}"${sort ? ` aria-sort="${sort}"` : ''}><button type="button">${label}</button></th>`;
  const rows = report.findings.map((finding, index) => findingRow(finding, index));
  return `<section aria-labelledby="findings-heading">
<h2 id="findings-heading">Findings (${report.findings.length})</h2>
<div class="filters" role="search" aria-label="Filter findings">
<label for="filter-text">Search<input type="search" id="filter-text" placeholder="rule, resource, text"></label>
<label for="filter-severity">Severity<select id="filter-severity" data-filter="severity">${option('', 'All')}${SEVERITIES.map((severity) => option(severity)).join('')}</select></label>
<label for="filter-status">Status<select id="filter-status" data-filter="status">${option('', 'All')}${option('fail', 'failed')}${option('unknown')}</select></label>
<label for="filter-pack">Pack<select id="filter-pack" data-filter="pack">${option('', 'All')}${packs.map((pack) => option(pack)).join('')}</select></label>
${changeFilter}
</div>
<p id="findings-count" role="status" aria-live="polite">${report.findings.length} findings</p>
<p id="sort-status" class="visually-hidden" aria-live="polite"></p>
<div class="scroll" role="region" aria-label="Findings table" tabindex="0">
<table id="findings-table">
<caption>Findings, most severe first. Column headers sort; the fields above filter.</caption>
<colgroup><col class="c-severity"><col class="c-status"><col class="c-rule"><col class="c-resource"><col><col></colgroup>
<thead><tr>${header('severityRank', 'Severity', 'number', 'descending')}${header('status', 'Status')}${header('rule', 'Rule')}${header('resource', 'Resource')}<th scope="col">Finding</th><th scope="col">Fix</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</div>
</section>`;
}

function findingRow(finding: Finding, index: number): string {
  const name = finding.resource.address ?? finding.resource.name;
  const change = changeOf(finding);
  const badges = [
    finding.status === 'unknown' ? '<span class="badge badge-unknown">unknown</span>' : '<span class="badge badge-failed">failed</span>',
    finding.baseline === 'new' && !finding.suppression ? '<span class="badge badge-new">new</span>' : '',
    finding.baseline === 'existing' && !finding.suppression ? '<span class="badge badge-existing">in baseline</span>' : '',
    finding.suppression ? `<span class="badge badge-suppressed" title="${htmlAttr(finding.suppression.reason)}">suppressed</span>` : '',
  ].filter(Boolean);
  const data = [
    `data-order="${index}"`,
    `data-severity="${htmlAttr(finding.severity)}"`,
    `data-severity-rank="${SEVERITY_ORDER[finding.severity]}"`,
    `data-status="${htmlAttr(finding.status)}"`,
    `data-pack="${htmlAttr(finding.pack)}"`,
    `data-change="${htmlAttr(change)}"`,
    `data-rule="${htmlAttr(finding.ruleId)}"`,
    `data-resource="${htmlAttr(name.toLowerCase())}"`,
  ].join(' ');
  const suppression = finding.suppression ? `<br><span class="where">Suppressed: ${htmlText(finding.suppression.reason)}${finding.suppression.expires ? ` (until ${htmlText(finding.suppression.expires)})` : ''}</span>` : '';
  return `<tr ${data}><td>${severityBadge(finding.severity)}</td><td>${badges.join(' ')}</td><td><a href="#${htmlId('rule', finding.ruleId)}">${htmlText(finding.ruleId)}</a><br><span class="where">${htmlText(finding.ruleTitle)}</span></td><td><code>${htmlText(name)}</code><br><span class="where">${htmlText(location(finding.location))}</span></td><td>${prose(finding.message)}${suppression}</td><td class="fix">${prose(finding.remediation)}</td></tr>`;
}

const DIALECTS: ReadonlyMap<string, string> = new Map([
  ['azurerm', 'Terraform (azurerm)'],
  ['azapi', 'Terraform (azapi)'],
  ['arm', 'ARM / Azure CLI'],
  ['kubernetes', 'Kubernetes'],
  ['pipeline', 'CI pipelines (GitHub Actions, Azure Pipelines, scripts)'],
]);

/** The help of every rule that has a finding or a resolved entry here, linked from the findings' rule ids. */
function rulesSection(report: ScanReport): string {
  const used = new Set([...report.findings.map((finding) => finding.ruleId), ...(report.baseline?.resolved ?? []).map((entry) => entry.ruleId)]);
  const rules = report.rules.filter((rule) => used.has(rule.id));
  if (rules.length === 0) return '';
  return `<section aria-labelledby="rules-heading">
<h2 id="rules-heading">Rules and how to fix them</h2>
${rules.map(ruleHelp).join('\n')}
</section>`;
}

function ruleHelp(rule: RuleDescriptor): string {
  const paragraphs = (text: string) => text.split(/\n\s*\n/).map((part) => part.trim()).filter(Boolean).map((part) => `<p>${prose(part.replace(/\s*\n\s*/g, ' '))}</p>`).join('');
  const remediation = Object.entries(rule.remediation)
    // A template stands for every finding of the rule: what a finding fills in shows as a named slot.
    .map(([dialect, text]) => `<dt>${htmlText(DIALECTS.get(dialect) ?? dialect)}</dt><dd>${prose(documentTemplate(text!.trim().replace(/\s*\n\s*/g, ' ')))}</dd>`)
    .join('');
  // References of built-in rules are Microsoft's docs; a user pack's come with the pull request, so they stay text.
  const references = rule.references.map((url) => (rule.origin.builtIn && /^https:\/\/[^\s"<>]+$/.test(url) ? `<li><a href="${htmlAttr(url)}" rel="noopener noreferrer">${htmlText(url)}</a></li>` : `<li><code>${htmlText(url)}</code></li>`)).join('');
  return `<article class="rule-help" id="${htmlId('rule', rule.id)}" aria-labelledby="${htmlId('rule-title', rule.id)}">
<h3 id="${htmlId('rule-title', rule.id)}">${htmlText(rule.id)}: ${htmlText(rule.title)} ${severityBadge(rule.severity)}</h3>
${paragraphs(rule.description)}${paragraphs(rule.help)}
${remediation ? `<h4>Fix</h4><dl>${remediation}</dl>` : ''}
${references ? `<h4>References</h4><ul>${references}</ul>` : ''}
</article>`;
}

function problems(report: ScanReport): string {
  const out: string[] = [];
  if (report.errors.length) out.push(`<section aria-labelledby="errors-heading"><h2 id="errors-heading">Errors (${report.errors.length})</h2><ul>${report.errors.map((error) => `<li>${htmlText(errorText(error))}</li>`).join('')}</ul></section>`);
  // Files a walk found but could not read (a Helm template): named with the reason, as every other format does.
  if (report.skipped.length) out.push(`<section aria-labelledby="not-scanned-heading"><h2 id="not-scanned-heading">Not scanned (${report.skipped.length})</h2><ul>${report.skipped.map((skipped) => `<li><code>${htmlText(skipped.file)}</code>: ${htmlText(skipped.reason)}</li>`).join('')}</ul></section>`);
  const unread = unreadLines(report);
  if (unread.length) out.push(`<section aria-labelledby="unread-heading"><h2 id="unread-heading">Not read (${unread.length})</h2><ul>${unread.map((line) => `<li><code>${htmlText(line.file)}</code>: ${htmlText(line.text)}</li>`).join('')}</ul></section>`);
  if (report.warnings?.length) out.push(`<section aria-labelledby="warnings-heading"><h2 id="warnings-heading">Warnings (${report.warnings.length})</h2><ul>${report.warnings.map((warning) => `<li>${htmlText(errorText(warning))}</li>`).join('')}</ul></section>`);
  return out.join('\n');
}

function inputsSection(report: ScanReport): string {
  if (report.inputs.length === 0) return '';
  return `<section aria-labelledby="inputs-heading">
<h2 id="inputs-heading">What was read</h2>
<table><caption>Inputs</caption><thead><tr><th scope="col">Input</th><th scope="col">Kind</th><th scope="col">Resources</th></tr></thead><tbody>
${report.inputs.map((input) => `<tr><td><code>${htmlText(input.file)}</code></td><td>${htmlText(input.kind)}</td><td>${input.resources}</td></tr>`).join('\n')}
</tbody></table>
</section>`;
}
