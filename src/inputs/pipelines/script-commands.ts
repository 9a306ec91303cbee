import { acrSubcommand, parseAcrCommand, type AcrCommand, type Arg } from './az-acr-command.js';
import { EXPRESSION_CLOSE, EXPRESSION_OPEN, splitCommands, wordSource, type ShellDialect, type Word } from './shell-words.js';

/**
 * What a script can see when it runs: variables with literal values, and for the others why they are not
 * known (a secret, a `${{ }}` expression, a variable group). Expressions a CI system fills in before the
 * shell runs are replaced by placeholders that index `expressions`.
 */
export interface ScriptScope {
  env: ReadonlyMap<string, string>;
  unknownEnv: ReadonlyMap<string, string>;
  /** Environment variable names compare case-insensitively (Windows, Azure Pipelines' mapping). */
  caseInsensitive?: boolean;
}

/** A value the CI system substitutes before the script runs: known text, or why it is unknown. */
export type Substitution = { text: string } | { unknown: string };

export interface ExpressionTable {
  entries: Substitution[];
}

export function placeholderFor(table: ExpressionTable, substitution: Substitution): string {
  if ('text' in substitution) return substitution.text;
  table.entries.push(substitution);
  return `${EXPRESSION_OPEN}${table.entries.length - 1}${EXPRESSION_CLOSE}`;
}

export interface FoundAcrCommand {
  command: AcrCommand;
  line: number;
  /** How the command was written, for messages (expansions as written, placeholders as their reason). */
  written: string;
}

export interface ScriptCall {
  path: Substitution;
  line: number;
  dialect: ShellDialect;
  /** Arguments the script is called with ($1, $2...), resolved where literal. */
  args: Arg[];
}

export interface ScriptScan {
  commands: FoundAcrCommand[];
  calls: ScriptCall[];
}

/** Words that precede a command without being it. */
const PREFIXES = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time', 'exec', 'command', 'sudo', 'nohup', 'builtin', 'env', 'xargs']);

function lookup(scope: ScriptScope, local: Map<string, Substitution>, name: string): Substitution | undefined {
  const key = scope.caseInsensitive ? name.toUpperCase() : name;
  const assigned = local.get(key);
  if (assigned) return assigned;
  for (const [candidate, value] of scope.env) if ((scope.caseInsensitive ? candidate.toUpperCase() : candidate) === key) return { text: value };
  for (const [candidate, reason] of scope.unknownEnv) if ((scope.caseInsensitive ? candidate.toUpperCase() : candidate) === key) return { unknown: reason };
  return undefined;
}

function resolveWord(word: Word, scope: ScriptScope, local: Map<string, Substitution>, table: ExpressionTable, args: readonly Arg[]): Arg {
  let text = '';
  const unknown: string[] = [];
  for (const part of word.parts) {
    if ('text' in part) {
      text += part.text;
      continue;
    }
    if (part.expansion.startsWith(EXPRESSION_OPEN)) {
      const entry = table.entries[Number(part.expansion.slice(1, -1))];
      if (entry && 'text' in entry) text += entry.text;
      else unknown.push(entry?.unknown ?? 'an expression');
      continue;
    }
    if (/^[0-9]$/.test(part.expansion) && part.expansion !== '0') {
      const arg = args[Number(part.expansion) - 1];
      if (arg && 'text' in arg) text += arg.text;
      else unknown.push(arg && 'unknown' in arg ? arg.unknown : `${part.raw} is an argument the script is called with`);
      continue;
    }
    if (part.expansion.startsWith('$(') || part.expansion.startsWith('`')) {
      // Only the program is named: the rest of a command line may carry a credential.
      const program = /^(?:\$\(|`)\s*([A-Za-z0-9_./-]{1,40})/.exec(part.raw)?.[1] ?? '...';
      unknown.push(`the output of ${program} (${part.raw.startsWith('`') ? '`...`' : '$(...)'}) is known only when the script runs`);
      continue;
    }
    const value = lookup(scope, local, part.expansion);
    if (value && 'text' in value) text += value.text;
    else unknown.push(value?.unknown ?? `${part.raw} is not set in this file`);
  }
  if (unknown.length) return { unknown: [...new Set(unknown)].join('; '), quoted: word.quoted };
  return { text };
}

/** A word's source for messages: placeholders become the expression they stand for. */
function shown(word: Word, table: ExpressionTable): string {
  return wordSource(word).replace(new RegExp(`${EXPRESSION_OPEN}(\\d+)${EXPRESSION_CLOSE}`, 'g'), (_all, index: string) => {
    const entry = table.entries[Number(index)];
    return entry && 'unknown' in entry ? `<${entry.unknown}>` : '<expression>';
  });
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/**
 * Finds `az acr build|run|task run` commands and calls of other scripts in one script. Variables the script
 * assigns before a command (`ACR=name`, `export ACR=name`) count for the commands after it.
 */
export function scanScript(script: string, dialect: ShellDialect, firstLine: number, scope: ScriptScope, table: ExpressionTable, args: readonly Arg[] = []): ScriptScan {
  const commands: FoundAcrCommand[] = [];
  const calls: ScriptCall[] = [];
  const local = new Map<string, Substitution>();
  for (const command of splitCommands(script, dialect, firstLine)) {
    let words = command.words;
    // Assignments alone set shell variables; before a command they set its environment (counted alike here).
    while (words.length && words[0]!.parts[0] && 'text' in words[0]!.parts[0]! && ASSIGNMENT.test((words[0]!.parts[0] as { text: string }).text)) {
      assign(words[0]!, scope, local, table, args, dialect);
      words = words.slice(1);
    }
    if (dialect === 'powershell' && words.length >= 3 && /^\$/.test(wordSource(words[0]!)) && wordSource(words[1]!) === '=') {
      const name = wordSource(words[0]!).replace(/^\$(env:)?/i, '');
      const value = resolveWord(words[2]!, scope, local, table, args);
      local.set(scope.caseInsensitive ? name.toUpperCase() : name, 'text' in value ? { text: value.text } : { unknown: `${name} is set to ${value.unknown}` });
      continue;
    }
    if (words[0] && /^(export|declare|local|readonly|set)$/.test(wordSource(words[0]))) {
      for (const word of words.slice(1)) if (word.parts[0] && 'text' in word.parts[0] && ASSIGNMENT.test(word.parts[0].text)) assign(word, scope, local, table, args, dialect);
      continue;
    }
    while (words.length && PREFIXES.has(wordSource(words[0]!))) words = words.slice(1);
    if (!words.length) continue;
    const head = resolveWord(words[0]!, scope, local, table, args);
    const rest = words.slice(1).map((word) => resolveWord(word, scope, local, table, args));
    const program = 'text' in head ? head.text.replace(/\.(cmd|exe)$/i, '') : undefined;
    if (program === 'az' || program?.endsWith('/az')) {
      const sub = acrSubcommand(rest);
      if (!sub) continue;
      const parsed = parseAcrCommand(sub.subcommand, rest.slice(sub.length));
      if (parsed) commands.push({ command: parsed, line: command.line, written: words.map((word) => shown(word, table)).join(' ') });
      continue;
    }
    const call = scriptCall(program, head, rest, dialect);
    if (call) calls.push({ ...call, line: command.line });
  }
  return { commands, calls };
}

function assign(word: Word, scope: ScriptScope, local: Map<string, Substitution>, table: ExpressionTable, args: readonly Arg[], _dialect: ShellDialect): void {
  const first = word.parts[0] as { text: string };
  const name = ASSIGNMENT.exec(first.text)![1]!;
  const valueWord: Word = { ...word, parts: [{ text: first.text.slice(name.length + 1) }, ...word.parts.slice(1)] };
  const value = resolveWord(valueWord, scope, local, table, args);
  local.set(scope.caseInsensitive ? name.toUpperCase() : name, 'text' in value ? { text: value.text } : { unknown: `${name} is set to a value known only when the script runs (${value.unknown})` });
}

const SCRIPT_FILE = /\.(sh|bash|ps1)$/i;

/** `./build.sh`, `bash scripts/build.sh`, `source x.sh`, `pwsh -File build.ps1`: another file the step runs. */
function scriptCall(program: string | undefined, head: Arg, rest: Arg[], dialect: ShellDialect): Omit<ScriptCall, 'line'> | undefined {
  const asPath = (arg: Arg | undefined): Substitution | undefined => (!arg ? undefined : 'text' in arg ? { text: arg.text } : { unknown: arg.unknown });
  if (program !== undefined && SCRIPT_FILE.test(program)) return { path: { text: program }, dialect: /\.ps1$/i.test(program) ? 'powershell' : 'posix', args: rest };
  if (program === undefined && 'unknown' in head && rest.length === 0) return undefined;
  if (program && /^(bash|sh|zsh|dash|ksh|source|\.)$/.test(program)) {
    const index = rest.findIndex((arg) => !('text' in arg) || !arg.text.startsWith('-'));
    const path = asPath(rest[index]);
    if (path && ('unknown' in path || SCRIPT_FILE.test(path.text) || path.text.includes('/'))) return { path, dialect: 'posix', args: rest.slice(index + 1) };
  }
  if (program && /^(pwsh|powershell)(\.exe)?$/i.test(program)) {
    const fileFlag = rest.findIndex((arg) => 'text' in arg && /^-f(ile)?$/i.test(arg.text));
    const path = asPath(fileFlag >= 0 ? rest[fileFlag + 1] : rest.find((arg) => 'text' in arg && /\.ps1$/i.test(arg.text)));
    if (path) return { path, dialect: 'powershell', args: [] };
  }
  if (dialect === 'powershell' && program === '&') {
    const path = asPath(rest[0]);
    if (path && ('unknown' in path || /\.ps1$/i.test(path.text))) return { path, dialect: 'powershell', args: rest.slice(1) };
  }
  return undefined;
}
