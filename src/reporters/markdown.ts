import { SEVERITIES } from '../report/rule-descriptor.js';
import { errorText, type ScanReport } from '../report/scan-report.js';
import { gateVerdict, summarize, summaryLine, unreadLines } from './summary.js';
import { configurationLine } from '../report/configuration.js';
import { markdownCode, markdownProse, markdownText } from './markdown-text.js';
import type { Finding } from '../findings/finding.js';

/** The resource as code and its file and line as text, one under the other in a cell. */
function where(finding: Finding): string {
  const location = `${finding.location.file}${finding.location.line ? `:${finding.location.line}` : ''}`;
  return `${markdownCode(finding.resource.address ?? finding.resource.name)}<br>${markdownText(location)}`;
}

/** A summary for $GITHUB_STEP_SUMMARY or a pull-request comment: counts first, then the top findings and their fixes. */
export function renderMarkdown(report: ScanReport, top = 25): string {
  const summary = summarize(report);
  const out: string[] = ['## azfence', ''];
  const verdict = gateVerdict(report);
  // The verdict first: a pull-request comment is read top down, and this is what decides the check.
  if (verdict) out.push(`**${verdict.failed ? ':x:' : ':white_check_mark:'} ${markdownText(verdict.text)}**`, '');
  out.push(summaryLine(summary), '');
  const configuration = configurationLine(report.configuration);
  // File and pack paths a pull request chose: shown as text, never as markup.
  if (configuration) out.push(`**Configuration** ${markdownText(configuration.slice('Configuration '.length))}`, '');
  // Suppressed findings get their own short section; the counts and the table are what is left to fix.
  const findings = report.findings.filter((finding) => !finding.suppression);
  const suppressed = report.findings.filter((finding) => finding.suppression);
  if (summary.baseline || suppressed.length > 0) {
    const parts: string[] = [];
    if (summary.baseline) parts.push(`**${summary.baseline.new} new** since the baseline`, `${summary.baseline.existing} already in it`, `${summary.baseline.absent} fixed`);
    if (suppressed.length > 0) parts.push(`${suppressed.length} suppressed`);
    out.push(parts.join(' · '), '');
  }
  if (findings.length > 0) {
    out.push('| Severity | Failed | Unknown |', '| --- | ---: | ---: |');
    for (const severity of SEVERITIES) out.push(`| ${severity} | ${summary.bySeverity[severity].fail} | ${summary.bySeverity[severity].unknown} |`);
    out.push('', '| Pack | Failed | Unknown |', '| --- | ---: | ---: |');
    for (const [pack, counts] of Object.entries(summary.byPack).sort()) out.push(`| ${markdownText(pack)} | ${counts.fail} | ${counts.unknown} |`);
    // New findings first: in a pull request they are the ones to act on.
    const ordered = summary.baseline ? [...findings.filter((finding) => finding.baseline !== 'existing'), ...findings.filter((finding) => finding.baseline === 'existing')] : findings;
    out.push('', `### Findings${findings.length > top ? ` (top ${top} of ${findings.length})` : ''}`, '');
    out.push('| Severity | Rule | Resource | Finding | Fix |', '| --- | --- | --- | --- | --- |');
    for (const finding of ordered.slice(0, top)) {
      const marks = [finding.status === 'unknown' ? 'unknown' : '', finding.baseline === 'new' ? '**new**' : finding.baseline === 'existing' ? 'baseline' : ''].filter(Boolean);
      const severity = marks.length ? `${finding.severity} (${marks.join(', ')})` : finding.severity;
      out.push(`| ${severity} | ${markdownText(finding.ruleId)} | ${where(finding)} | ${markdownProse(finding.message)} | ${markdownProse(finding.remediation)} |`);
    }
  } else {
    out.push(suppressed.length > 0 ? 'No findings apart from suppressed ones.' : 'No findings.');
  }
  const resolved = report.baseline?.resolved ?? [];
  if (resolved.length > 0) {
    out.push('', `### Resolved since the baseline (${resolved.length})`, '', '| Severity | Rule | Resource | Was |', '| --- | --- | --- | --- |');
    for (const entry of resolved.slice(0, top)) {
      const resource = entry.resource.address ?? entry.resource.name ?? entry.resource.id;
      const location = entry.location ? `${entry.location.file}${entry.location.line ? `:${entry.location.line}` : ''}` : '';
      out.push(`| ${entry.severity ?? ''} | ${markdownText(entry.ruleId)} | ${markdownCode(resource)}${location ? `<br>${markdownText(location)}` : ''} | ${entry.status}${entry.message ? `: ${markdownProse(entry.message)}` : ''} |`);
    }
    if (resolved.length > top) out.push('', `${resolved.length - top} more in the JSON report (resolved[]).`);
  }
  if (suppressed.length > 0) {
    out.push('', `<details><summary>Suppressed (${suppressed.length})</summary>`, '', '| Rule | Resource | Kind | Reason |', '| --- | --- | --- | --- |');
    for (const finding of suppressed) {
      const reason = `${finding.suppression!.reason}${finding.suppression!.expires ? ` (until ${finding.suppression!.expires})` : ''}`;
      out.push(`| ${markdownText(finding.ruleId)} | ${where(finding)} | ${finding.suppression!.kind === 'inSource' ? 'in source' : 'config'} | ${markdownText(reason)} |`);
    }
    out.push('', '</details>');
  }
  if (report.skipped.length > 0) {
    out.push('', '### Not scanned', '');
    for (const skipped of report.skipped) out.push(`- ${markdownText(skipped.file)}: ${markdownText(skipped.reason)}`);
  }
  const unread = unreadLines(report);
  if (unread.length > 0) {
    out.push('', '### Not read', '');
    for (const line of unread) out.push(`- ${markdownText(line.file)}: ${markdownText(line.text)}`);
  }
  if (report.warnings?.length) {
    out.push('', '### Warnings', '');
    for (const warning of report.warnings) out.push(`- ${markdownText(errorText(warning))}`);
  }
  if (report.errors.length > 0) {
    out.push('', '### Errors', '');
    for (const error of report.errors) out.push(`- ${markdownText(errorText(error))}`);
  }
  return `${out.join('\n')}\n`;
}
