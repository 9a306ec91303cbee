import { SEVERITIES } from '../engine/rule.js';
import type { ScanReport } from '../scan.js';
import { errorText } from '../scan.js';
import { summarize, summaryLine } from './summary.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** A summary for $GITHUB_STEP_SUMMARY or a pull-request comment: counts first, then the top findings and their fixes. */
export function renderMarkdown(report: ScanReport, top = 25): string {
  const summary = summarize(report);
  const out: string[] = ['## azfence', '', summaryLine(summary), ''];
  if (report.findings.length > 0) {
    out.push('| Severity | Failed | Unknown |', '| --- | ---: | ---: |');
    for (const severity of SEVERITIES) out.push(`| ${severity} | ${summary.bySeverity[severity].fail} | ${summary.bySeverity[severity].unknown} |`);
    out.push('', '| Pack | Failed | Unknown |', '| --- | ---: | ---: |');
    for (const [pack, counts] of Object.entries(summary.byPack).sort()) out.push(`| ${pack} | ${counts.fail} | ${counts.unknown} |`);
    out.push('', `### Findings${report.findings.length > top ? ` (top ${top} of ${report.findings.length})` : ''}`, '');
    out.push('| Severity | Rule | Resource | Finding | Fix |', '| --- | --- | --- | --- | --- |');
    for (const finding of report.findings.slice(0, top)) {
      const where = `\`${finding.resource.address ?? finding.resource.name}\`<br>${finding.location.file}${finding.location.line ? `:${finding.location.line}` : ''}`;
      const severity = finding.status === 'unknown' ? `${finding.severity} (unknown)` : finding.severity;
      out.push(`| ${severity} | ${finding.ruleId} | ${cell(where)} | ${cell(finding.message)} | ${cell(finding.remediation)} |`);
    }
  } else {
    out.push('No findings.');
  }
  if (report.errors.length > 0) {
    out.push('', '### Errors', '');
    for (const error of report.errors) out.push(`- ${cell(errorText(error))}`);
  }
  return `${out.join('\n')}\n`;
}
