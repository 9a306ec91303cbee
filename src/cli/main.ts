import type { ParseArgsConfig } from 'node:util';
import { UserError, oneLine } from '../errors.js';
import { scan } from '../scan.js';
import { explainCommand, rulesCommand } from './rules-command.js';
import { mergeCommand } from './merge-command.js';
import { TOOL_VERSION } from '../version.js';
import { terminalLines, terminalText } from '../reporters/terminal-text.js';
import { checkReportFlags, emitReport, outputTargets, parseFlags } from './output-files.js';
import { checkOutputTargets } from './write-output.js';
import { forgetFilesRead } from '../inputs/files-read.js';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

const HELP = `azfence ${TOOL_VERSION}: Azure network-isolation checks for Terraform plans, Resource Graph snapshots and Kubernetes manifests

Usage:
  azfence scan <file-or-dir>... [options]   scan plans (terraform show -json), snapshots (az graph query -o json)
                                            and Kubernetes manifests
  azfence audit [--subscription ID]... [options]   audit live subscriptions through Resource Graph (azfence audit --help)
  azfence merge SHARD.json...               join the JSON reports of azfence audit --shard K/N (azfence merge --help)
  azfence rules [--pack PUB] [--severity high]   list the rules
  azfence explain AZF-PUB-001               a rule's description, remediation, parameters and references
  azfence --version | --help

Scan options:
  --format table|json|sarif|markdown|junit|html   what to print (default: table)
  --output FILE          write the report to FILE instead of stdout
  --sarif FILE           also write SARIF to FILE (for GitHub code scanning)
  --html FILE            also write the HTML report to FILE (one self-contained page)
  --fail-on LEVEL        critical|high|medium|low|none: lowest severity that fails the run (default: high)
  --fail-on-unknown      also fail on checks that cannot be decided until apply
  --policies DIR         add your own rule packs (repeatable)
  --config FILE          configuration (default: .azfence.yaml beside the scanned paths)
  --markdown FILE        also write the Markdown summary to FILE (e.g. $GITHUB_STEP_SUMMARY); --summary is the same
  --source DIR           Terraform root module the plan came from: findings then point at .tf lines
                         (default: the plan's directory when it holds .tf files)
  --baseline FILE        an earlier azfence JSON or SARIF report: only findings not in it fail the gate;
                         reports mark findings new or existing and list those resolved since

Exit codes: 0 nothing failed the gate, 1 findings failed the gate, 2 usage or input error.
`;

const SCAN_OPTIONS = {
  format: { type: 'string', default: 'table' },
  output: { type: 'string' },
  sarif: { type: 'string' },
  'fail-on': { type: 'string' },
  'fail-on-unknown': { type: 'boolean' },
  config: { type: 'string' },
  markdown: { type: 'string' },
  html: { type: 'string' },
  summary: { type: 'string' },
  source: { type: 'string' },
  baseline: { type: 'string' },
  policies: { type: 'string', multiple: true, default: [] },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsConfig['options'];


function scanCommand(args: string[], io: Io): number {
  const { values, positionals } = parseFlags(args, SCAN_OPTIONS);
  if (values.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  checkReportFlags(values);
  if (positionals.length === 0) throw new UserError('scan needs at least one file or directory (try: azfence scan plan.json)');

  if (values.markdown !== undefined && values.summary !== undefined) throw new UserError('give --markdown or --summary, not both (they are the same option)');
  checkOutputTargets(outputTargets({ ...values, markdown: values.markdown ?? values.summary }), io.cwd);
  const report = scan({
    paths: positionals,
    policyPaths: values.policies,
    cwd: io.cwd,
    ...(values.config ? { configPath: values.config } : {}),
    ...(values.source !== undefined ? { sourceDir: values.source } : {}),
    ...(values.baseline !== undefined ? { baselinePath: values.baseline } : {}),
  });
  return emitReport(report, { ...values, markdown: values.markdown ?? values.summary }, io);
}

export function main(argv: string[], io: Io): number {
  // A new run: outputs are checked against the files this run reads, not an earlier one's (tests run many).
  forgetFilesRead();
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'scan':
        return scanCommand(rest, io);
      case 'merge':
        return mergeCommand(rest, io);
      case 'rules':
        return rulesCommand(rest, io);
      case 'explain':
        return explainCommand(rest, io);
      case 'audit':
        // Audit talks to Azure and is asynchronous: it is dispatched by run(), which the CLI calls.
        throw new UserError('audit is asynchronous: call run(), not main()');
      case '--version':
      case '-v':
        io.stdout(`${TOOL_VERSION}\n`);
        return EXIT_OK;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout(HELP);
        return EXIT_OK;
      default:
        throw new UserError(`unknown command "${command}" (try: azfence scan <file-or-dir>)`);
    }
  } catch (error) {
    return reportFailure(error, io);
  }
}

/** The CLI entry: audit awaits Azure; every other command runs synchronously through main. */
export async function run(argv: string[], io: Io & { stderrIsTTY?: boolean }): Promise<number> {
  if (argv[0] !== 'audit') return main(argv, io);
  forgetFilesRead();
  try {
    // Loaded on demand so scan and rules never load the audit path (and with it, later, the Azure SDK).
    const { auditCommand } = await import('./audit-command.js');
    return await auditCommand(argv.slice(1), io);
  } catch (error) {
    return reportFailure(error, io);
  }
}

function reportFailure(error: unknown, io: Io): number {
  if (error instanceof UserError) {
    io.stderr(`azfence: error: ${oneLine(terminalText(error.message), 400)}\n`);
    return EXIT_ERROR;
  }
  // An internal error is still one line: a stack trace helps nobody in a CI log, and may echo input.
  io.stderr(`azfence: internal error: ${oneLine(terminalText((error as Error)?.message ?? String(error)), 300)} (set AZFENCE_DEBUG=1 for details)\n`);
  if (process.env['AZFENCE_DEBUG'] === '1') io.stderr(`${terminalLines((error as Error)?.stack ?? '')}\n`);
  return EXIT_ERROR;
}
