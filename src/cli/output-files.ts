import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError, oneLine } from '../errors.js';
import { SEVERITIES, type Severity } from '../engine/rule.js';
import { gateFailures, type FailOn } from '../findings/gate.js';
import { resolveGate } from '../config/changes.js';
import { FORMATS, render, type Format } from '../reporters/index.js';
import { renderMarkdown } from '../reporters/markdown.js';
import { renderSarif } from '../reporters/sarif.js';
import { terminalText } from '../reporters/terminal-text.js';
import { errorText, type ScanReport } from '../scan.js';

/** Parses flags; Node's own messages become one-line usage errors (exit 2). */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UserError(oneLine((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, '')));
  }
}

/** Writes a report file (--output, --sarif, --markdown, --snapshot-out), creating its directory. */
export function writeOutputFile(path: string, text: string, cwd: string): void {
  const absolute = resolve(cwd, path);
  try {
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, text);
  } catch (error) {
    throw new UserError(`cannot write (${(error as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
}

/** Output and gate flags shared by scan and audit. */
export interface ReportFlags {
  format?: string | undefined;
  output?: string | undefined;
  sarif?: string | undefined;
  markdown?: string | undefined;
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
  if (flags.output) writeOutputFile(flags.output, text, io.cwd);
  else io.stdout(text);
  if (flags.sarif) writeOutputFile(flags.sarif, renderSarif(report), io.cwd);
  if (flags.markdown) writeOutputFile(flags.markdown, renderMarkdown(report), io.cwd);
  for (const warning of report.warnings ?? []) io.stderr(`azfence: warning: ${oneLine(terminalText(errorText(warning)), 400)}\n`);
  for (const error of report.errors) io.stderr(`azfence: error: ${oneLine(terminalText(errorText(error)), 400)}\n`);
  if (report.errors.length > 0) return 2;
  return gateFailures(report.findings, { failOn, failOnUnknown }).length > 0 ? 1 : 0;
}
