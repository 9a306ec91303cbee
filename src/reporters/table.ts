import Table from 'cli-table3';
import type { ScanReport } from '../scan.js';
import { summarize, summaryLine } from './summary.js';

function location(file: string, line?: number): string {
  return line ? `${file}:${line}` : file;
}

/** The human view: one row per finding, most severe first, with the fix beside the problem. */
export function renderTable(report: ScanReport, width = process.stdout.columns || 140): string {
  const summary = summarize(report);
  const lines: string[] = [];
  if (report.findings.length > 0) {
    const usable = Math.max(width, 100) - 16;
    const widths = [10, 14, Math.floor(usable * 0.22), Math.floor(usable * 0.42), Math.floor(usable * 0.36) - 14];
    const table = new Table({
      head: ['Severity', 'Rule', 'Resource', 'Finding', 'Fix'],
      colWidths: widths,
      wordWrap: true,
      wrapOnWordBoundary: false,
      style: { head: [], border: [], compact: false },
    });
    for (const finding of report.findings) {
      const severity = finding.status === 'unknown' ? `${finding.severity}\n(unknown)` : finding.severity;
      const resource = `${finding.resource.address ?? finding.resource.name}\n${location(finding.location.file, finding.location.line)}`;
      table.push([severity, finding.ruleId, resource, finding.message, finding.remediation]);
    }
    lines.push(table.toString());
  } else {
    lines.push('No findings.');
  }
  lines.push(summaryLine(summary));
  return `${lines.join('\n')}\n`;
}
