import { UserError, oneLine } from '../errors.js';
import { gateFailures } from '../report/fail-gate.js';
import { resolveGate, type FailOn } from '../report/configuration.js';
import { render, renderParts, type Format, type RenderOptions } from '../reporters/index.js';
import { terminalText } from '../reporters/terminal-text.js';
import { errorText, type ScanReport } from '../report/scan-report.js';
import { checkOutputTargets, writeOutput, type OutputTarget } from '../write-output.js';
import { REPORT_FILES } from './report-files.js';
import { checkoutRoot } from './checkout-root.js';

/** Output and gate options shared by scan and audit, as commander parsed them (camelCase keys). */
export interface ReportFlags {
  format?: string | undefined;
  output?: string | undefined;
  sarif?: string | undefined;
  markdown?: string | undefined;
  summary?: string | undefined;
  json?: string | undefined;
  junit?: string | undefined;
  html?: string | undefined;
  failOn?: string | undefined;
  failOnUnknown?: boolean | undefined;
  quiet?: boolean | undefined;
  /** audit's */
  snapshotOut?: string | undefined;
}

/** What the CLI knows about where it prints: colours are for a person at a terminal. */
export interface ReportIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  stdoutIsTTY?: boolean | undefined;
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** `--summary` is the older name of `--markdown`; giving both is a mistake, not last-one-wins. */
export function normalizeReportFlags(flags: ReportFlags): ReportFlags {
  if (flags.markdown !== undefined && flags.summary !== undefined) throw new UserError('give --markdown or --summary, not both (they are the same option)');
  const { summary, ...rest } = flags;
  return summary !== undefined ? { ...rest, markdown: summary } : rest;
}

/** The report files the flags ask for, for checkOutputTargets: two naming one file is an error. */
export function outputTargets(flags: ReportFlags): OutputTarget[] {
  const targets: OutputTarget[] = [];
  if (flags.output) targets.push({ flag: '--output', path: flags.output });
  for (const file of REPORT_FILES) {
    const path = flags[file.key as keyof ReportFlags];
    if (typeof path === 'string' && path) targets.push({ flag: `--${file.flag}`, path });
  }
  if (flags.snapshotOut) targets.push({ flag: '--snapshot-out', path: flags.snapshotOut });
  return targets;
}

/**
 * Colours on stdout: NO_COLOR (any value) turns them off, FORCE_COLOR turns them on (0 or false off),
 * else only a terminal gets them (https://no-color.org, https://force-color.org).
 */
export function useColor(io: Pick<ReportIo, 'stdoutIsTTY' | 'env'>): boolean {
  const env = io.env ?? process.env;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  return io.stdoutIsTTY === true;
}

/**
 * Prints or writes the report in every requested form, reports warnings and errors on stderr, and returns
 * the exit code: 2 when anything could not be read, 1 when findings fail the gate, else 0. Flags win over
 * the configuration file, which wins over the defaults.
 */
export function emitReport(report: ScanReport, flags: ReportFlags, io: ReportIo): number {
  const gate = resolveGate({ failOn: flags.failOn as FailOn | undefined, failOnUnknown: flags.failOnUnknown }, report.config);
  // Reports state the gate they were judged by, and whether a flag overrode the configuration.
  report.configuration.gate = gate;
  const failing = gateFailures(report.findings, gate);
  const format = (flags.format ?? 'table') as Format;
  const base: RenderOptions = { cwd: io.cwd, root: checkoutRoot(io.cwd, io.env ?? process.env) };
  const printed = (): Iterable<string> => {
    // --quiet: a passing run prints nothing; a failing one prints what fails it (the table only: other
    // formats are read by tools and stay whole).
    if (flags.quiet && format === 'table') {
      if (failing.length === 0 && report.errors.length === 0) return [];
      return [render(report, 'table', { ...base, color: !flags.output && useColor(io), only: failing })];
    }
    return renderParts(report, format, { ...base, color: !flags.output && useColor(io) });
  };
  // Checked again now that every input has been read, before anything is written.
  checkOutputTargets(outputTargets(flags), io.cwd);
  if (flags.output) writeOutput({ flag: '--output', path: flags.output }, printed(), io.cwd);
  else for (const part of printed()) if (part) io.stdout(part);
  for (const file of REPORT_FILES) {
    const path = flags[file.key as keyof ReportFlags];
    if (typeof path === 'string' && path) writeOutput({ flag: `--${file.flag}`, path }, renderParts(report, file.format, base), io.cwd);
  }
  for (const warning of report.warnings ?? []) io.stderr(`azfence: warning: ${oneLine(terminalText(errorText(warning)), 400)}\n`);
  for (const error of report.errors) io.stderr(`azfence: error: ${oneLine(terminalText(errorText(error)), 400)}\n`);
  if (report.errors.length > 0) return 2;
  return failing.length > 0 ? 1 : 0;
}
