import { Command, InvalidArgumentError, Option } from 'commander';
import { SEVERITIES } from '../engine/rule.js';
import { FORMATS } from '../reporters/index.js';
import { TOOL_VERSION } from '../version.js';
import { REPORT_FILES } from './report-files.js';

/**
 * The command line as data: every command and option is declared here, and commander turns the
 * declarations into parsing, per-command help and "did you mean" suggestions. A command adds what it needs
 * with the helpers below (addReportOptions, addRuleOptions), so a new command or report file is one
 * declaration, not a new parser. Parsing only collects: main.ts dispatches, so scan stays synchronous.
 *
 * commander, rather than node:util parseArgs: parseArgs has no help, no subcommands and no suggestions,
 * and each of those was hand-written here before (and `azfence rules --help` was an error).
 */

/** A single-valued option given twice is an error, not last-one-wins (two --format flags are a mistake). */
export function once(validate?: (value: string) => string): (value: string, previous: unknown) => string {
  return (value, previous) => {
    if (previous !== undefined) throw new InvalidArgumentError(`given twice ("${String(previous)}" and "${value}"); give it once`);
    if (validate) validate(value);
    return value;
  };
}

function oneOf(choices: readonly string[]): (value: string) => string {
  return (value) => {
    if (!choices.includes(value)) throw new InvalidArgumentError(`must be one of ${choices.join(', ')}`);
    return value;
  };
}

/** A repeatable option: every value, in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const FAIL_ON = [...SEVERITIES, 'none'] as const;

/** Output and gate options shared by scan and audit. */
export function addReportOptions(command: Command): Command {
  command
    .option('-f, --format <format>', `what to print: ${FORMATS.join('|')} (default: table)`, once(oneOf(FORMATS)))
    .option('-o, --output <file>', 'write the printed report to FILE instead of stdout', once());
  for (const file of REPORT_FILES) command.option(`--${file.flag} <file>`, file.help, once());
  command
    .addOption(new Option('--summary <file>', 'the same as --markdown').hideHelp().argParser(once()))
    .option('--fail-on <severity>', `lowest severity that fails the run: ${FAIL_ON.join('|')} (default: high)`, once(oneOf(FAIL_ON)))
    .option('--fail-on-unknown', 'also fail on checks that cannot be decided (unknown until apply)')
    .option('-q, --quiet', 'print the report only when the gate fails, and then only what fails it (report files are written in full)');
  return command;
}

/** Which rules run: shared by scan, audit and rules. */
export function addRuleOptions(command: Command, { selection = true } = {}): Command {
  command.option('--policies <dir>', 'add your own rule packs (repeatable)', collect);
  if (selection) {
    command
      .option('--check <rules>', 'run only these rules: ids, globs (AZF-KATA-*) or packs (KATA), comma-separated, repeatable', collect)
      .option('--skip-check <rules>', 'do not run these rules: ids, globs or packs, comma-separated, repeatable', collect);
  }
  return command;
}

/** What parsing found: the command, its positional arguments and its options (camelCase keys). */
export interface Parsed {
  command: 'scan' | 'audit' | 'merge' | 'rules' | 'explain';
  args: string[];
  options: Record<string, unknown>;
}

/** Help in the style of the rest of azfence's texts: `--format FORMAT`, not `--format <format>`. */
function optionTerm(option: Option): string {
  return option.flags.replace(/<([^>]+)>/g, (_whole, name: string) => name.toUpperCase());
}

export interface ProgramOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Terminal width for help text; 100 when not a terminal, so help in a test or log is stable. */
  columns?: number;
}

/** Builds the command tree; `onParsed` receives the one command the arguments name. */
export function buildProgram(output: ProgramOutput, onParsed: (parsed: Parsed) => void): Command {
  const program = new Command('azfence');
  program
    .description('Azure network-isolation checks for Terraform plans, Resource Graph snapshots, live subscriptions and Kubernetes manifests.')
    .version(TOOL_VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help (azfence COMMAND --help for a command)')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: output.stdout, writeErr: output.stderr, outputError: () => undefined, getOutHelpWidth: () => output.columns ?? 100, getErrHelpWidth: () => output.columns ?? 100 })
    .addHelpText('after', '\nExit codes: 0 nothing failed the gate, 1 findings failed the gate, 2 usage or input error.\n');
  program.configureHelp({ optionTerm });

  const scan = program
    .command('scan')
    .summary('scan Terraform plans, Resource Graph snapshots and Kubernetes manifests')
    .description(
      'Scan Terraform plans (terraform show -json, or a saved binary plan when terraform is on PATH), Resource Graph snapshots (az graph query -o json) and Kubernetes manifests. A directory is searched for .json and .yaml inputs; - reads one input from stdin.',
    )
    .argument('[paths...]', 'files or directories to scan; - for stdin');
  addReportOptions(scan);
  addRuleOptions(scan);
  scan
    .option('--config <file>', 'configuration file (default: .azfence.yaml beside the scanned paths)', once())
    .option('--source <dir>', "Terraform root module the plan came from, so findings point at .tf lines (default: the plan's directory when it holds .tf files)", once())
    .option('--baseline <file>', 'an earlier azfence JSON or SARIF report: only findings not in it fail the gate', once())
    .addHelpText('after', '\nExamples:\n  terraform show -json tfplan > plan.json && azfence scan plan.json --sarif azfence.sarif\n  terraform show -json tfplan | azfence scan - --check AZF-PUB-*,DNS -f json -o report.json\n')
    .action((paths: string[], options: Record<string, unknown>) => onParsed({ command: 'scan', args: paths, options }));

  const audit = program
    .command('audit')
    .summary('audit live subscriptions through Azure Resource Graph')
    .description(
      'Read the live estate through Azure Resource Graph (and ARM for the child resources it does not index), evaluate the same rules as scan, and report the same way. Signs in with DefaultAzureCredential as its environment configures it (AZURE_TOKEN_CREDENTIALS, workload identity, managed identity, Azure CLI). Without a scope, every subscription the identity can read is audited.',
    )
    // Files are refused with a hint to use scan (audit-command.ts), not with commander's generic message.
    .allowExcessArguments(true)
    .option('--subscription <ID>', 'a subscription to audit (repeatable)', collect)
    .option('--management-group <ID>', 'every subscription under a management group', once())
    .option('--shard <K/N>', 'audit the K-th of N parts of the scope, split by resource count (one Resource Graph count query), for a CI matrix; join the parts\' JSON reports with azfence merge', once())
    .option('--cloud <name>', 'AzureCloud|AzureUSGovernment|AzureChinaCloud (default: AzureCloud)', once())
    .option('--arm-endpoint <url>', 'Resource Manager of a custom cloud (Azure Stack); token scope is URL/.default', once())
    .option('--authority-host <url>', 'Entra ID authority of a custom cloud', once())
    .option('--snapshot-out <file>', 'also write what was read as a snapshot azfence scan accepts', once());
  addReportOptions(audit);
  addRuleOptions(audit);
  audit
    .option('--config <file>', 'configuration (default: .azfence.yaml in the working directory)', once())
    .option('--baseline <file>', "the last run's JSON or SARIF report: findings are marked new or existing, those resolved since are listed, and only new ones fail the gate", once())
    .addHelpText('after', '\nExit codes: 0 nothing failed the gate, 1 findings failed the gate, 2 usage error, sign-in failure, or a\nsubscription that could not be read (named on stderr; the findings that were read are still reported).\n')
    .action((options: Record<string, unknown>, command: Command) => onParsed({ command: 'audit', args: command.args, options }));

  const merge = program
    .command('merge')
    .summary('join the JSON reports of azfence audit --shard K/N')
    .description(
      'Join the JSON reports of `azfence audit --shard K/N --format json` (all N of one run) into one report, write it in any format, and apply the gate over the whole estate. A missing or repeated shard, or shards that split the subscriptions differently, is an error (exit 2): the gate never passes on part of an estate.',
    )
    .argument('[reports...]', 'the shards\' JSON reports');
  addReportOptions(merge);
  addRuleOptions(merge, { selection: false });
  merge
    .option('--config <file>', 'the configuration the shards ran with (default: .azfence.yaml in the working directory)', once())
    .option('--baseline <file>', 'the last merged report (JSON or SARIF): new, existing and resolved findings', once())
    .addHelpText('after', '\nExit codes: 0 nothing failed the gate, 1 findings failed the gate, 2 usage error, a shard missing, or a\nshard that could not read part of its estate.\n')
    .action((reports: string[], options: Record<string, unknown>) => onParsed({ command: 'merge', args: reports, options }));

  const rules = program
    .command('rules')
    .summary('list the rules')
    .description('List the rules, one line each: id, severity and title.')
    .allowExcessArguments(true)
    .option('--pack <pack>', 'only this pack (PUB, DNS, POOL, KATA, EGR or one of --policies)', once())
    .option('--severity <severity>', `only this severity: ${SEVERITIES.join('|')}`, once(oneOf(SEVERITIES)));
  addRuleOptions(rules, { selection: false });
  rules.action((options: Record<string, unknown>, command: Command) => onParsed({ command: 'rules', args: command.args, options }));

  const explain = program
    .command('explain')
    .summary("a rule's description, remediation, parameters and references")
    .description("Print a rule's description, remediation, parameters and references (as docs/rules/<id>.md has them).")
    .argument('[rule]', 'a rule id, e.g. AZF-PUB-001')
    .allowExcessArguments(true);
  addRuleOptions(explain, { selection: false });
  explain.action((_id: string | undefined, options: Record<string, unknown>, command: Command) => onParsed({ command: 'explain', args: command.args, options }));

  return program;
}
