import type { ScanReport } from '../report/scan-report.js';
import { gateVerdict, summarize, summaryLine, unreadLines } from './summary.js';
import type { Severity } from '../report/rule-descriptor.js';
import type { RenderOptions } from './render-options.js';
import { configurationLine } from '../report/configuration.js';
import { terminalText as shown } from './terminal-text.js';
import { drawBoxTable, type BoxRow } from './box-table.js';

/** Breaks an identifier (address, path) after `.` or `/` so it wraps where a reader expects it to. */
export function wrapIdentifier(text: string, width: number): string {
  const lines: string[] = [];
  let current = '';
  for (const piece of text.split(/(?<=[./\\])/)) {
    if (current.length + piece.length > width && current) {
      lines.push(current);
      current = '';
    }
    let rest = piece;
    while (rest.length > width) {
      // Never between the two halves of a surrogate pair (an emoji, a CJK extension character).
      const cut = width > 1 && /[\ud800-\udbff]/.test(rest[width - 1]!) ? width - 1 : width;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    current += rest;
  }
  if (current) lines.push(current);
  return lines.join('\n');
}

/** A word longer than its column would be truncated; break such words (ids, URLs) instead. */
function breakLongWords(text: string, width: number): string {
  return text
    .split(/( +|\n)/)
    .map((word) => (word.length > width ? wrapIdentifier(word, width) : word))
    .join('');
}

/** ANSI SGR codes per severity; added after input text is escaped, so only azfence's own codes reach the terminal. */
const SEVERITY_COLORS: Record<Severity, string> = { critical: '1;31', high: '31', medium: '33', low: '36' };
const paint = (code: string, text: string): string => `\u001b[${code}m${text}\u001b[0m`;

/**
 * The human view: one row per finding, most severe first, with its fix on a full-width row beneath so
 * the remedy is read with the problem.
 */
export function renderTable(report: ScanReport, width = process.stdout.columns || 140, options: RenderOptions = {}): string {
  const summary = summarize(report);
  const lines: string[] = [];
  const color = options.color === true;
  const only = options.only ? new Set(options.only) : undefined;
  // Suppressed findings are listed apart, one line each: they are accepted, not work to do.
  const findings = report.findings.filter((finding) => !finding.suppression && (!only || only.has(finding)));
  const suppressed = only ? [] : report.findings.filter((finding) => finding.suppression);
  if (findings.length > 0) {
    const total = Math.max(width, 100);
    const resourceWidth = Math.min(46, findings.reduce((widest, f) => Math.max(widest, shown(f.resource.address ?? f.resource.name).length), 20) /* reduce, not Math.max(...): 1M findings overflow the argument stack */);
    const fixed = 11 + 14 + resourceWidth + 2;
    const findingWidth = Math.max(40, total - fixed - 6);
    const rows: BoxRow[] = [];
    // Every text from the input is escaped before the table is drawn: cli-table3's helpers measure and wrap
    // what they are given, and would carry an ESC sequence from one wrapped line to the next.
    for (const finding of findings) {
      const severity = `${color ? paint(SEVERITY_COLORS[finding.severity], finding.severity) : finding.severity}${finding.status === 'unknown' ? '\nunknown' : ''}${finding.baseline === 'existing' ? '\nbaseline' : ''}`;
      const where = `${shown(finding.location.file)}${finding.location.line ? `:${finding.location.line}` : ''}`;
      const resource = `${wrapIdentifier(shown(finding.resource.address ?? finding.resource.name), resourceWidth)}\n${wrapIdentifier(where, resourceWidth)}`;
      rows.push([severity, shown(finding.ruleId), resource, breakLongWords(shown(finding.message), findingWidth - 2)]);
      if (finding.remediation) rows.push([{ colSpan: 4, content: breakLongWords(`Fix: ${shown(finding.remediation)}`, total - 8) }]);
    }
    lines.push(drawBoxTable(['Severity', 'Rule', 'Resource', 'Finding'], [11, 14, resourceWidth + 2, findingWidth], rows));
  } else {
    lines.push(suppressed.length > 0 ? 'No findings (apart from suppressed ones).' : 'No findings.');
  }
  if (suppressed.length > 0) {
    lines.push(`Suppressed (${suppressed.length}):`);
    for (const finding of suppressed) {
      const where = `${finding.location.file}${finding.location.line ? `:${finding.location.line}` : ''}`;
      const line = `  ${finding.ruleId} ${finding.resource.address ?? finding.resource.name} (${where}): ${finding.suppression!.reason}${finding.suppression!.expires ? ` [until ${finding.suppression!.expires}]` : ''}`;
      lines.push(shown(line));
    }
  }
  if (report.skipped.length > 0) {
    lines.push(`Not scanned (${report.skipped.length}):`);
    for (const skipped of report.skipped) lines.push(shown(`  ${skipped.file}: ${skipped.reason}`));
  }
  const unread = unreadLines(report);
  if (unread.length > 0) {
    lines.push(`Not read (${unread.length}):`);
    for (const line of unread) lines.push(shown(`  ${line.file}: ${line.text}`));
  }
  const resolved = report.baseline?.resolved ?? [];
  if (resolved.length > 0) {
    lines.push(`Resolved since the baseline (${resolved.length}):`);
    for (const entry of resolved) {
      const where = entry.location ? ` (${entry.location.file}${entry.location.line ? `:${entry.location.line}` : ''})` : '';
      lines.push(shown(`  ${entry.ruleId} ${entry.resource.address ?? entry.resource.name ?? entry.resource.id}${where}: was ${entry.status}`));
    }
  }
  lines.push(summaryLine(summary));
  const configuration = configurationLine(report.configuration);
  if (configuration) lines.push(shown(configuration));
  const verdict = gateVerdict(report);
  if (verdict) lines.push(color ? paint(verdict.failed ? '1;31' : '32', verdict.text) : verdict.text);
  return `${lines.join('\n')}\n`;
}
