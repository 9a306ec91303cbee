import { CommanderError } from 'commander';
import { UserError, oneLine } from '../errors.js';
import { scan } from '../scan.js';
import { explainCommand, rulesCommand } from './rules-command.js';
import { mergeCommand } from './merge-command.js';
import { terminalLines, terminalText } from '../reporters/terminal-text.js';
import { emitReport, normalizeReportFlags, outputTargets, type ReportFlags } from './output-files.js';
import { checkOutputTargets } from '../write-output.js';
import { forgetFilesRead } from '../inputs/files-read.js';
import { buildProgram, type Parsed } from './program.js';
import { prepareInputs } from './prepare-inputs.js';
import { EXIT_ERROR, EXIT_OK, type Io } from './io.js';

export { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, type Io } from './io.js';

/** Scan options as commander parsed them. */
interface ScanFlags extends ReportFlags {
  config?: string;
  source?: string;
  baseline?: string;
  policies?: string[];
  check?: string[];
  skipCheck?: string[];
}

function scanCommand(paths: string[], flags: ScanFlags, io: Io): number {
  if (paths.length === 0) throw new UserError('scan needs at least one file or directory (try: azfence scan plan.json)');
  const report = normalizeReportFlags(flags);
  checkOutputTargets(outputTargets(report), io.cwd);
  const inputs = prepareInputs(paths, io);
  try {
    const result = scan({
      paths,
      policyPaths: flags.policies ?? [],
      cwd: io.cwd,
      selection: { check: flags.check, skipCheck: flags.skipCheck },
      ...(inputs.replacements.size ? { replacements: inputs.replacements } : {}),
      ...(flags.config ? { configPath: flags.config } : {}),
      ...(flags.source !== undefined ? { sourceDir: flags.source } : {}),
      ...(flags.baseline !== undefined ? { baselinePath: flags.baseline } : {}),
    });
    return emitReport(result, report, io);
  } finally {
    inputs.cleanUp();
  }
}

/**
 * Parses the command line with commander. Help and --version are printed here and end the run (exit 0);
 * a usage error becomes a UserError (one line, exit 2), with commander's "did you mean" kept.
 */
export function parseCommandLine(argv: string[], io: Io): Parsed | number {
  let parsed: Parsed | undefined;
  const program = buildProgram({ stdout: io.stdout, stderr: io.stderr }, (result) => (parsed = result));
  if (argv.length === 0) {
    io.stdout(program.helpInformation());
    return EXIT_OK;
  }
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) return EXIT_OK;
    throw new UserError(usageMessage(error));
  }
  if (!parsed) throw new UserError('no command given (try: azfence scan <file-or-dir>, or azfence --help)');
  return parsed;
}

/** commander's `error: unknown option '--formt'\n(Did you mean --format?)` as one line without its prefix. */
function usageMessage(error: CommanderError): string {
  const text = error.message
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean (.*)\?\)$/s, ' (did you mean $1?)')
    // "option '-f, --format <format>' argument 'xml' is invalid. must be one of ..." -> "--format must be one of ..."
    .replace(/^option '(?:-\w, )?(--[\w-]+)[^']*' argument '.*' is invalid\. /s, '$1 ');
  return error.code === 'commander.unknownCommand' ? `${text} (try: azfence --help)` : text;
}

/** The command the last run dispatched to; undefined when it only printed help or the version, or failed to parse. */
let commandRun: Parsed['command'] | undefined;
export function lastCommandRun(): Parsed['command'] | undefined {
  return commandRun;
}

export function main(argv: string[], io: Io): number {
  // A new run: outputs are checked against the files this run reads, not an earlier one's (tests run many).
  forgetFilesRead();
  commandRun = undefined;
  try {
    const parsed = parseCommandLine(argv, io);
    if (typeof parsed === 'number') return parsed;
    commandRun = parsed.command;
    switch (parsed.command) {
      case 'scan':
        return scanCommand(parsed.args, parsed.options as ScanFlags, io);
      case 'merge':
        return mergeCommand(parsed.args, parsed.options, io);
      case 'rules':
        return rulesCommand(parsed.args, parsed.options, io);
      case 'explain':
        return explainCommand(parsed.args, parsed.options, io);
      case 'audit':
        // Audit talks to Azure and is asynchronous: it is dispatched by run(), which the CLI calls.
        throw new UserError('audit is asynchronous: call run(), not main()');
    }
  } catch (error) {
    return reportFailure(error, io);
  }
}

/** The CLI entry: audit awaits Azure; every other command runs synchronously through main. */
export async function run(argv: string[], io: Io & { stderrIsTTY?: boolean }): Promise<number> {
  if (argv[0] !== 'audit') return main(argv, io);
  forgetFilesRead();
  commandRun = undefined;
  try {
    const parsed = parseCommandLine(argv, io);
    if (typeof parsed === 'number') return parsed;
    commandRun = parsed.command;
    // Loaded on demand so scan and rules never load the audit path (and with it, later, the Azure SDK).
    const { auditCommand } = await import('./audit-command.js');
    return await auditCommand(parsed.args, parsed.options, io);
  } catch (error) {
    return reportFailure(error, io);
  }
}

export function reportFailure(error: unknown, io: Pick<Io, 'stderr'>): number {
  if (error instanceof UserError) {
    io.stderr(`azfence: error: ${oneLine(terminalText(error.message), 400)}\n`);
    return EXIT_ERROR;
  }
  // An internal error is still one line: a stack trace helps nobody in a CI log, and may echo input.
  io.stderr(`azfence: internal error: ${oneLine(terminalText((error as Error)?.message ?? String(error)), 300)} (set AZFENCE_DEBUG=1 for details)\n`);
  if (process.env['AZFENCE_DEBUG'] === '1') io.stderr(`${terminalLines((error as Error)?.stack ?? '')}\n`);
  return EXIT_ERROR;
}
