import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError, oneLine } from '../errors.js';
import { gateFailures, type FailOn } from '../findings/gate.js';
import { FORMATS, render, type Format } from '../reporters/index.js';
import { renderSarif } from '../reporters/sarif.js';
import { errorText, scan } from '../scan.js';
import { loadRules } from '../engine/load-packs.js';
import { SEVERITIES } from '../engine/rule.js';
import { TOOL_VERSION } from '../version.js';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

const HELP = `azfence ${TOOL_VERSION}: Azure network-isolation checks for Terraform plans and Resource Graph snapshots

Usage:
  azfence scan <file-or-dir>... [options]   scan plans (terraform show -json) and snapshots (az graph query -o json)
  azfence rules [--pack PUB] [--severity high]   list the rules
  azfence --version | --help

Scan options:
  --format table|json|sarif|markdown|junit   what to print (default: table)
  --output FILE          write the report to FILE instead of stdout
  --sarif FILE           also write SARIF to FILE (for GitHub code scanning)
  --fail-on LEVEL        critical|high|medium|low|none: lowest severity that fails the run (default: high)
  --fail-on-unknown      also fail on checks that cannot be decided until apply
  --policies DIR         add your own rule packs (repeatable)
  --config FILE          configuration (default: .azfence.yaml beside the scanned paths)

Exit codes: 0 nothing failed the gate, 1 findings failed the gate, 2 usage or input error.
`;

const SCAN_OPTIONS = {
  format: { type: 'string', default: 'table' },
  output: { type: 'string' },
  sarif: { type: 'string' },
  'fail-on': { type: 'string' },
  'fail-on-unknown': { type: 'boolean' },
  config: { type: 'string' },
  policies: { type: 'string', multiple: true, default: [] },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsConfig['options'];

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UserError(oneLine((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, '')));
  }
}

function writeFile(path: string, text: string, cwd: string): void {
  const absolute = resolve(cwd, path);
  try {
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, text);
  } catch (error) {
    throw new UserError(`cannot write (${(error as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
}

function scanCommand(args: string[], io: Io): number {
  const { values, positionals } = parse(args, SCAN_OPTIONS);
  if (values.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (!FORMATS.includes(values.format as Format)) throw new UserError(`--format must be one of ${FORMATS.join(', ')}`);
  const failOnFlag = values['fail-on'] as FailOn | undefined;
  if (failOnFlag !== undefined && failOnFlag !== 'none' && !SEVERITIES.includes(failOnFlag)) throw new UserError(`--fail-on must be one of ${SEVERITIES.join(', ')}, none`);
  if (positionals.length === 0) throw new UserError('scan needs at least one file or directory (try: azfence scan plan.json)');

  const report = scan({ paths: positionals, policyPaths: values.policies, cwd: io.cwd, ...(values.config ? { configPath: values.config } : {}) });
  // Flags win over the configuration file, which wins over the defaults.
  const failOn: FailOn = failOnFlag ?? report.config.failOn ?? 'high';
  const failOnUnknown = values['fail-on-unknown'] ?? report.config.failOnUnknown ?? false;
  const text = render(report, values.format as Format);
  if (values.output) writeFile(values.output, text, io.cwd);
  else io.stdout(text);
  if (values.sarif) writeFile(values.sarif, renderSarif(report), io.cwd);
  for (const error of report.errors) io.stderr(`azfence: error: ${oneLine(errorText(error), 400)}\n`);
  if (report.errors.length > 0) return EXIT_ERROR;
  return gateFailures(report.findings, { failOn, failOnUnknown }).length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

function rulesCommand(args: string[], io: Io): number {
  const { values } = parse(args, {
    pack: { type: 'string' },
    severity: { type: 'string' },
    policies: { type: 'string', multiple: true, default: [] },
  });
  const { rules } = loadRules(values.policies, io.cwd);
  const selected = rules.filter(
    (rule) => (!values.pack || rule.pack.toLowerCase() === values.pack.toLowerCase()) && (!values.severity || rule.severity === values.severity),
  );
  for (const rule of selected) io.stdout(`${rule.id.padEnd(13)} ${rule.severity.padEnd(9)} ${rule.title}\n`);
  return EXIT_OK;
}

export function main(argv: string[], io: Io): number {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'scan':
        return scanCommand(rest, io);
      case 'rules':
        return rulesCommand(rest, io);
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
    if (error instanceof UserError) {
      io.stderr(`azfence: error: ${oneLine(error.message, 400)}\n`);
      return EXIT_ERROR;
    }
    // An internal error is still one line: a stack trace helps nobody in a CI log, and may echo input.
    io.stderr(`azfence: internal error: ${oneLine((error as Error)?.message ?? String(error), 300)} (set AZFENCE_DEBUG=1 for details)\n`);
    if (process.env['AZFENCE_DEBUG'] === '1') io.stderr(`${(error as Error)?.stack ?? ''}\n`);
    return EXIT_ERROR;
  }
}
