import type { Severity } from '../engine/rule.js';
import { SEVERITIES } from '../engine/rule.js';
import type { ScanReport } from '../scan.js';

export interface Summary {
  files: number;
  /** Files found in a directory walk and left unread (not an input kind, or a template that does not parse). */
  notScanned: number;
  /** Resources at least one check applied to. */
  resources: number;
  /** Every resource read, including types no rule reads (role assignments, random strings, ...). */
  resourcesRead: number;
  rules: number;
  checksPassed: number;
  failed: number;
  unknown: number;
  errors: number;
  /** Findings a suppression covers: reported, but not counted above and never failing the gate. */
  suppressed: number;
  /** With --baseline: unsuppressed findings not in it (new) and in it (existing), and baseline findings gone. */
  baseline?: { new: number; existing: number; absent: number };
  bySeverity: Record<Severity, { fail: number; unknown: number }>;
  byPack: Record<string, { fail: number; unknown: number }>;
}

export function summarize(report: ScanReport): Summary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, { fail: 0, unknown: 0 }])) as Summary['bySeverity'];
  const byPack: Summary['byPack'] = {};
  const active = report.findings.filter((finding) => !finding.suppression);
  for (const finding of active) {
    bySeverity[finding.severity][finding.status]++;
    (byPack[finding.pack] ??= { fail: 0, unknown: 0 })[finding.status]++;
  }
  return {
    files: report.inputs.length,
    notScanned: report.skipped.length,
    resources: report.stats.evaluated,
    resourcesRead: report.stats.resources + report.inputs.reduce((sum, input) => sum + input.unmapped, 0),
    rules: report.rules.length,
    checksPassed: report.stats.checksPassed,
    failed: active.filter((finding) => finding.status === 'fail').length,
    unknown: active.filter((finding) => finding.status === 'unknown').length,
    errors: report.errors.length,
    suppressed: report.findings.length - active.length,
    ...(report.baseline
      ? {
          baseline: {
            new: active.filter((finding) => finding.baseline === 'new').length,
            existing: active.filter((finding) => finding.baseline === 'existing').length,
            absent: report.baseline.absent,
          },
        }
      : {}),
    bySeverity,
    byPack,
  };
}

export function summaryLine(summary: Summary): string {
  const parts = [
    `${summary.files} file${summary.files === 1 ? '' : 's'}`,
    ...(summary.notScanned ? [`${summary.notScanned} file${summary.notScanned === 1 ? '' : 's'} not scanned`] : []),
    `${summary.resourcesRead} resource${summary.resourcesRead === 1 ? '' : 's'} read, ${summary.resources} checked`,
    `${summary.failed} failed`,
    `${summary.unknown} unknown until apply`,
    `${summary.checksPassed} passed`,
  ];
  if (summary.suppressed) parts.push(`${summary.suppressed} suppressed`);
  if (summary.baseline) parts.push(`${summary.baseline.new} new since the baseline (${summary.baseline.existing} already in it, ${summary.baseline.absent} fixed)`);
  if (summary.errors) parts.push(`${summary.errors} error${summary.errors === 1 ? '' : 's'}`);
  return parts.join(', ');
}
