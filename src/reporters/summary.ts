import { SEVERITIES, type Severity } from '../report/rule-descriptor.js';
import type { ScanReport } from '../report/scan-report.js';
import { gateFailures } from '../report/fail-gate.js';
import { SEVERITY_ORDER } from '../findings/finding.js';

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

/**
 * Inputs that run what the scan could not read (a pipeline's actions from other repositories): one line per
 * file, for every format to show where it shows files not scanned. Raw text: each format escapes it.
 */
export function unreadLines(report: ScanReport): Array<{ file: string; text: string }> {
  return report.inputs.filter((input) => input.unread?.length).map((input) => ({ file: input.file, text: `not read: ${input.unread!.join('; ')}` }));
}

/**
 * The counts, each saying what it counts: input files, resources read and how many a rule applied to,
 * then checks (one rule's check on one resource) that passed, failed and could not be decided.
 */
export function summaryLine(summary: Summary): string {
  const plural = (count: number, word: string, many = `${word}s`) => `${count} ${count === 1 ? word : many}`;
  const parts = [
    `${plural(summary.files, 'input file')}`,
    ...(summary.notScanned ? [`${plural(summary.notScanned, 'file')} not scanned`] : []),
    `${plural(summary.resourcesRead, 'resource')} read, ${summary.resources} checked by a rule`,
    `${plural(summary.checksPassed, 'check')} passed, ${summary.failed} failed, ${summary.unknown} unknown until apply`,
  ];
  if (summary.suppressed) parts.push(`${plural(summary.suppressed, 'finding')} suppressed`);
  if (summary.baseline) parts.push(`${summary.baseline.new} new since the baseline (${summary.baseline.existing} already in it, ${summary.baseline.absent} fixed)`);
  if (summary.errors) parts.push(plural(summary.errors, 'error'));
  return parts.join('; ');
}

/**
 * The gate's verdict in words, for people reading a table or a pull-request comment: "gate failed: 3
 * findings at or above high". Undefined until the CLI has resolved the gate (report.configuration.gate).
 */
export function gateVerdict(report: ScanReport): { failed: boolean; text: string } | undefined {
  const gate = report.configuration.gate;
  if (!gate) return undefined;
  const failing = gateFailures(report.findings, gate);
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const threshold = gate.failOn === 'none' ? undefined : SEVERITY_ORDER[gate.failOn];
  const unknownAbove = threshold === undefined ? 0 : report.findings.filter((f) => f.status === 'unknown' && !f.suppression && f.baseline !== 'existing' && SEVERITY_ORDER[f.severity] >= threshold).length;
  const unknownFailing = failing.filter((finding) => finding.status === 'unknown').length;
  const what = `${plural(failing.length, report.baseline ? 'new finding' : 'finding')} at or above ${gate.failOn}${unknownFailing ? ` (${unknownFailing} unknown until apply, --fail-on-unknown)` : ''}`;
  if (report.errors.length > 0) {
    return { failed: true, text: `gate failed: ${plural(report.errors.length, 'error')} (not everything could be read and checked)${failing.length ? `, and ${what}` : ''}` };
  }
  if (gate.failOn === 'none') return { failed: false, text: 'gate passed: findings never fail this run (--fail-on none)' };
  if (failing.length > 0) return { failed: true, text: `gate failed: ${what}` };
  const note = !gate.failOnUnknown && unknownAbove > 0 ? `; ${plural(unknownAbove, 'check')} at or above ${gate.failOn} unknown until apply (they fail only with --fail-on-unknown)` : '';
  return { failed: false, text: `gate passed: no findings at or above ${gate.failOn}${note}` };
}
