import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError, oneLine } from '../errors.js';
import { SEVERITIES, type Severity } from '../engine/rule.js';
import { gateFailures, type FailOn } from '../findings/gate.js';
import { resolveGate } from '../config/changes.js';
import { FORMATS, render, type Format } from '../reporters/index.js';
import { renderHtml } from '../reporters/html/render-html.js';
import { renderMarkdown } from '../reporters/markdown.js';
import { renderSarif } from '../reporters/sarif.js';
import { terminalText } from '../reporters/terminal-text.js';
import { errorText, type ScanReport } from '../scan.js';
import { checkOutputTargets, writeOutput, type OutputTarget } from './write-output.js';

/** Parses flags; Node's own messages become one-line usage errors (exit 2). */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UserError(oneLine((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, '')));
  }
}

/** The report files the flags ask for (--snapshot-out is audit's), for checkOutputTargets. */
export function outputTargets(flags: ReportFlags & { 'snapshot-out'?: string | undefined }): OutputTarget[] {
  const targets: OutputTarget[] = [];
  if (flags.output) targets.push({ flag: '--output', path: flags.output });
  if (flags.sarif) targets.push({ flag: '--sarif', path: flags.sarif });
  if (flags.markdown) targets.push({ flag: '--markdown', path: flags.markdown });
  if (flags.html) targets.push({ flag: '--html', path: flags.html });
  if (flags['snapshot-out']) targets.push({ flag: '--snapshot-out', path: flags['snapshot-out'] });
  return targets;
}

/** Output and gate flags shared by scan and audit. */
export interface ReportFlags {
  format?: string | undefined;
  output?: string | undefined;
  sarif?: string | undefined;
  markdown?: string | undefined;
  html?: string | undefined;
  'fail-on'?: string | undefined;
  'fail-on-unknown'?: boolean | undefined;
}

/** Rejects bad output and gate flags before any work is done. */
export function checkReportFlags(flags: ReportFlags): void {
  if (!FORMATS.includes(flags.format as Format)) throw new UserError(`--format must be one of ${FORMATS.join(', ')}`);
  const failOn = flags['fail-on'];
  if (failOn !== undefined && failOn !== 'none' && !SEVERITIES.includes(failOn as Severity)) throw new UserError(`--fail-on must be one of ${SEVERITIES.join(', ')}, none`);
}

/**
 * Prints or writes the report in every requested form, reports warnings and errors on stderr, and returns
 * the exit code: 2 when anything could not be read, 1 when findings fail the gate, else 0. Flags win over
 * the configuration file, which wins over the defaults.
 */
export function emitReport(report: ScanReport, flags: ReportFlags, io: { stdout(text: string): void; stderr(text: string): void; cwd: string }): number {
  const gate = resolveGate({ failOn: flags['fail-on'] as FailOn | undefined, failOnUnknown: flags['fail-on-unknown'] }, report.config);
  const { failOn, failOnUnknown } = gate;
  // Reports state the gate they were judged by, and whether a flag overrode the configuration.
  report.configuration.gate = gate;
  const text = render(report, flags.format as Format);
  // Checked again now that every input has been read, before anything is written.
  checkOutputTargets(outputTargets(flags), io.cwd);
  if (flags.output) writeOutput({ flag: '--output', path: flags.output }, text, io.cwd);
  else io.stdout(text);
  if (flags.sarif) writeOutput({ flag: '--sarif', path: flags.sarif }, renderSarif(report), io.cwd);
  if (flags.markdown) writeOutput({ flag: '--markdown', path: flags.markdown }, renderMarkdown(report), io.cwd);
  if (flags.html) writeOutput({ flag: '--html', path: flags.html }, renderHtml(report), io.cwd);
  for (const warning of report.warnings ?? []) io.stderr(`azfence: warning: ${oneLine(terminalText(errorText(warning)), 400)}\n`);
  for (const error of report.errors) io.stderr(`azfence: error: ${oneLine(terminalText(errorText(error)), 400)}\n`);
  if (report.errors.length > 0) return 2;
  return gateFailures(report.findings, { failOn, failOnUnknown }).length > 0 ? 1 : 0;
}
