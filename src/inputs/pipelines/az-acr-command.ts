/**
 * Reads the arguments of `az acr build`, `az acr run` and `az acr task run` as the Azure CLI (argparse) does:
 * `--opt value` and `--opt=value`, `-r value` and `-rvalue`, unambiguous prefixes of long options, `@file`
 * values read from a file, and flags that take no value. Option tables: azure-cli acr/_params.py.
 */

/** A word after the script's expansions were substituted: its text, or why it is not known before the run. */
export type Arg = { text: string } | { unknown: string; quoted: boolean };

/** A value: literal, or unknown with the reason (naming the variable or expression). */
export type ArgValue = { text: string } | { unknown: string };

export type AcrSubcommand = 'build' | 'run' | 'task run';

export interface AcrCommand {
  subcommand: AcrSubcommand;
  /** `--registry` / `-r`; absent: the CLI's configured default (`defaults.acr`, AZURE_DEFAULTS_ACR). */
  registry?: ArgValue;
  /** `--agent-pool`; absent: the shared pool (build, run) or the task's own pool (task run). */
  agentPool?: ArgValue;
  /** `--name` / `-n` of `az acr task run`. */
  taskName?: ArgValue;
  /** A word that may expand to several arguments (an unquoted `$ARGS`): an option could hide in it. */
  opaque?: string;
}

const GLOBAL_VALUES = ['--subscription', '--output', '--query', '--resource-group'];
const GLOBAL_FLAGS = ['--debug', '--verbose', '--only-show-errors', '--no-logs', '--no-wait', '--no-format'];

const VALUE_OPTIONS: Record<AcrSubcommand, string[]> = {
  build: ['--registry', '--agent-pool', '--image', '--file', '--build-arg', '--secret-build-arg', '--target', '--platform', '--timeout', '--auth-mode', '--log-template', '--source-acr-auth-id'],
  run: ['--registry', '--agent-pool', '--file', '--set', '--set-secret', '--values', '--cmd', '--platform', '--timeout', '--auth-mode', '--log-template', '--source-acr-auth-id'],
  'task run': ['--registry', '--agent-pool', '--name', '--file', '--arg', '--secret-arg', '--set', '--set-secret', '--context', '--target', '--log-template', '--update-trigger-token'],
};
const FLAG_OPTIONS: Record<AcrSubcommand, string[]> = { build: ['--no-push'], run: [], 'task run': [] };
const SHORT: Record<string, string> = { '-r': '--registry', '-g': '--resource-group', '-t': '--image', '-f': '--file', '-n': '--name', '-c': '--context', '-o': '--output' };

/** Which of the three commands the words start with (after `az acr`), and how many words that took. */
export function acrSubcommand(args: readonly Arg[]): { subcommand: AcrSubcommand; length: number } | undefined {
  const text = args.map((arg) => ('text' in arg ? arg.text : undefined));
  if (text[0] !== 'acr') return undefined;
  if (text[1] === 'build') return { subcommand: 'build', length: 2 };
  if (text[1] === 'run') return { subcommand: 'run', length: 2 };
  if (text[1] === 'task' && text[2] === 'run') return { subcommand: 'task run', length: 3 };
  return undefined;
}

function longOption(subcommand: AcrSubcommand, written: string): { name: string; takesValue: boolean } | undefined {
  const values = [...VALUE_OPTIONS[subcommand], ...GLOBAL_VALUES];
  const flags = [...FLAG_OPTIONS[subcommand], ...GLOBAL_FLAGS, '--help'];
  const lower = written.toLowerCase();
  const all = [...values, ...flags];
  const exact = all.find((name) => name === lower);
  // argparse accepts an unambiguous prefix (`--agent` for `--agent-pool`): read it as that option, never as none.
  const name = exact ?? (() => {
    const matches = all.filter((candidate) => candidate.startsWith(lower));
    return matches.length === 1 ? matches[0] : undefined;
  })();
  if (!name) return undefined;
  return { name, takesValue: values.includes(name) };
}

function asValue(arg: Arg | undefined): ArgValue | undefined {
  if (!arg) return undefined;
  if ('unknown' in arg) return { unknown: arg.unknown };
  // The CLI replaces a value starting with @ by the named file's contents.
  if (arg.text.startsWith('@')) return { unknown: `the value ${arg.text} is read from a file when the command runs` };
  return { text: arg.text };
}

/** Parses the words after the subcommand; undefined for `--help`, which runs nothing. */
export function parseAcrCommand(subcommand: AcrSubcommand, args: readonly Arg[]): AcrCommand | undefined {
  const command: AcrCommand = { subcommand };
  const set = (name: string, value: ArgValue | undefined) => {
    const v = value ?? { unknown: `${name} has no value` };
    if (name === '--registry') command.registry = v;
    else if (name === '--agent-pool') command.agentPool = v;
    else if (name === '--name' && subcommand === 'task run') command.taskName = v;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if ('unknown' in arg) {
      if (!arg.quoted) command.opaque ??= arg.unknown;
      continue;
    }
    const { text } = arg;
    if (text === '-h') return undefined;
    if (text.startsWith('--')) {
      const eq = text.indexOf('=');
      const option = longOption(subcommand, eq < 0 ? text : text.slice(0, eq));
      if (!option) continue;
      if (option.name === '--help') return undefined;
      if (!option.takesValue) continue;
      if (eq >= 0) set(option.name, asValue({ text: text.slice(eq + 1) }));
      else set(option.name, asValue(args[++i]));
      continue;
    }
    if (/^-[A-Za-z]/.test(text)) {
      const long = SHORT[text.slice(0, 2)];
      if (!long) continue;
      if (text.length > 2) set(long, asValue({ text: text.slice(text[2] === '=' ? 3 : 2) }));
      else set(long, asValue(args[++i]));
    }
  }
  return command;
}
