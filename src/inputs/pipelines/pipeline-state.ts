import { dirname, join, normalize, posix, relative, resolve, sep } from 'node:path';
import { existsSync } from 'node:fs';
import { UserError } from '../../errors.js';
import type { Resource } from '../../model/resource.js';
import { UNKNOWN } from '../../model/values.js';
import { readText } from '../read-text.js';
import { isInside, realPath } from '../../config/repository.js';
import type { AcrCommand, ArgValue } from './az-acr-command.js';
import { scanScript, type ExpressionTable, type ScriptScope, type Substitution } from './script-commands.js';
import type { ShellDialect } from './shell-words.js';
import type { Arg } from './az-acr-command.js';
import { PIPELINE_NOTATION } from './notation.js';

const MAX_PROBLEMS = 20;

/** The normalized type of one `az acr build|run|task run` written in a pipeline or a script it runs. */
export const ACR_COMMAND_TYPE = 'Pipeline/acrCommands';

/** A file the reader reads besides the one it was given: a template, a script, a local action. */
export interface PipelineFile {
  path: string;
  /** As shown in messages: relative to the working directory, like the file that named it. */
  shownAs: string;
  lines: string[];
}

/**
 * What reading one pipeline file collects, across the templates and scripts it pulls in. Included files
 * are read once per including file and context; a cycle of templates is cut and reported.
 */
export class PipelineState {
  readonly resources: Resource[] = [];
  /** Parts that could not be read, each at its file and line: input errors (exit 2). */
  readonly problems: Array<{ file: string; line?: number; message: string }> = [];
  private readonly stack: string[] = [];
  private readonly keys = new Set<string>();
  /** Files read through this one (templates, local actions, scripts): found on their own too, they run only from here. */
  readonly included = new Set<string>();
  /** What the pipeline runs that no file of the scan holds (actions and workflows of other repositories): its coverage note. */
  readonly unread = new Set<string>();
  readonly repoRoot: string;

  constructor(readonly main: PipelineFile) {
    this.repoRoot = repositoryOf(main.path);
  }

  /** Another file named relative to `from` (or to the repository root for a leading `/`), inside the repository. */
  locate(from: PipelineFile, written: string, relativeTo: 'file' | 'root'): PipelineFile | string {
    const base = written.startsWith('/') || relativeTo === 'root' ? this.repoRoot : dirname(from.path);
    const path = resolve(base, written.replace(/^\/+/, ''));
    if (!isInside(this.repoRoot, realPath(path))) return `${written} is outside the repository`;
    if (!existsSync(path)) return `${written} does not exist`;
    const shownAs = normalize(join(dirname(this.main.shownAs), relative(dirname(this.main.path), path))).split(sep).join('/');
    let text: string;
    try {
      text = readText(path, shownAs);
    } catch (error) {
      if (error instanceof UserError) return `${written} ${error.problem}`;
      throw error;
    }
    return { path, shownAs, lines: text.replace(/\r\n?/g, '\n').split('\n') };
  }

  problem(file: PipelineFile, line: number | undefined, message: string): void {
    // A file of a million broken steps is one error with a count, not a million lines.
    if (this.problems.length === MAX_PROBLEMS) this.problems.push({ file: file.shownAs, message: 'more problems follow; fix the ones above first' });
    if (this.problems.length > MAX_PROBLEMS) return;
    this.problems.push({ file: file.shownAs, ...(line ? { line } : {}), message });
  }

  /** Runs `read` for an included file unless it is already being read (a template cycle). */
  include(file: PipelineFile, from: PipelineFile, line: number, read: () => void): void {
    if (this.stack.includes(file.path)) {
      this.problem(from, line, `${file.shownAs} includes itself (template cycle); the cycle is not followed`);
      return;
    }
    this.stack.push(file.path);
    this.included.add(file.path);
    try {
      read();
    } finally {
      this.stack.pop();
    }
  }

  /** Scans a script and records its commands; follows the scripts it calls. */
  scan(where: StepPlace, script: string, dialect: ShellDialect, firstLine: number, scope: ScriptScope, table: ExpressionTable, args: readonly Arg[] = [], depth = 0): void {
    const scanned = scanScript(script, dialect, firstLine, scope, table, args);
    scanned.commands.forEach((found, index) => this.addCommand(where, found.command, found.line, index));
    for (const call of scanned.calls) this.followScript(where, call.path, call.line, call.dialect, scope, table, call.args, depth);
  }

  /**
   * A script a step runs by path: read with the step's environment, or listed as not scanned. A relative
   * path starts in the step's working directory, unless the step names its script `fromRoot` (task inputs).
   */
  followScript(where: StepPlace, path: Substitution, line: number, dialect: ShellDialect, scope: ScriptScope, table: ExpressionTable, args: readonly Arg[], depth: number, fromRoot = false): void {
    if ('unknown' in path) {
      this.notScanned(where.file, line, `${where.address} > script`, `runs a script whose path is known only when it runs (${path.unknown})`, where);
      return;
    }
    if (depth > 8) return;
    let written = path.text.replace(/^\.\//, '');
    const workingDirectory = where.scriptsRelativeTo === 'root' && !written.startsWith('/') && !fromRoot ? where.workingDirectory : undefined;
    if (workingDirectory && 'unknown' in workingDirectory) {
      // The same relative path names a different script in every directory: judging one would be a guess.
      this.notScanned(where.file, line, `${where.address} > ${path.text}`, `runs ${path.text} in a working directory known only when it runs (${workingDirectory.unknown})`, where);
      return;
    }
    if (workingDirectory) written = posix.join(workingDirectory.text, written);
    const located = this.locate(where.file, written, where.scriptsRelativeTo === 'root' ? 'root' : 'file');
    if (typeof located === 'string') {
      // A script that is not in the checkout (downloaded, generated) cannot be judged: say so, never pass it.
      this.notScanned(where.file, line, `${where.address} > ${path.text}`, `runs ${located}`, where);
      return;
    }
    // The address names the script by its path in the repository: the same wherever the scan runs from.
    const inRepository = relative(this.repoRoot, located.path).split(sep).join('/');
    const place: StepPlace = { ...where, file: located, address: `${where.address} > ${inRepository}`, keyLines: [] };
    this.include(located, where.file, line, () => this.scan(place, located.lines.join('\n'), dialect, 1, scope, table, args, depth + 1));
  }

  /**
   * A template, action or script the pipeline runs but this scan cannot read: an unknown of its own, never a
   * silent pass (the author of a pull request controls which files a pipeline pulls in).
   */
  notScanned(file: PipelineFile, line: number, address: string, reason: string, where?: StepPlace): void {
    const key = `${file.shownAs}#${address}`;
    if (this.keys.has(key.toLowerCase())) return;
    this.keys.add(key.toLowerCase());
    const directives = directivesNear(file.lines, [line, ...(where?.keyLines ?? [])]);
    this.resources.push({
      key,
      armType: ACR_COMMAND_TYPE,
      // Named by where it is: the unknown's message reads "whether pipeline command jobs.build meets ...".
      name: address,
      body: { properties: { notScanned: `${reason}, so az acr commands in it are not checked`, ...(where ? { step: where.step } : {}) } },
      source: { kind: 'pipeline', dialect: 'pipeline', file: file.shownAs, address, line, managed: true, notation: PIPELINE_NOTATION, ...(directives.length ? { directives } : {}) },
    });
  }

  addCommand(where: StepPlace, command: AcrCommand, line: number, index: number): void {
    const address = `${where.address}[${index}]`;
    let key = `${where.file.shownAs}#${address}`;
    for (let n = 2; this.keys.has(key.toLowerCase()); n++) key = `${where.file.shownAs}#${address}#${n}`;
    this.keys.add(key.toLowerCase());
    const unresolved: Record<string, string> = {};
    const value = (name: string, arg: ArgValue | undefined): unknown => {
      if (!arg) return undefined;
      if ('text' in arg) return arg.text;
      unresolved[name] = arg.unknown;
      return UNKNOWN;
    };
    const properties: Record<string, unknown> = {
      command: `az acr ${command.subcommand}`,
      registry: value('registry', command.registry),
      agentPoolName: value('agentPoolName', command.agentPool),
      step: where.step,
    };
    if (command.subcommand === 'task run') properties['taskName'] = value('taskName', command.taskName);
    if (command.opaque) unresolved['arguments'] = command.opaque;
    properties['unresolved'] = unresolved;
    const directives = directivesNear(where.file.lines, [line, ...where.keyLines.filter((keyLine) => keyLine <= line)]);
    this.resources.push({
      key,
      armType: ACR_COMMAND_TYPE,
      name: `az acr ${command.subcommand}`,
      body: { properties },
      source: {
        kind: 'pipeline',
        dialect: 'pipeline',
        file: where.file.shownAs,
        address,
        line,
        managed: true,
        notation: PIPELINE_NOTATION,
        ...(directives.length ? { directives } : {}),
      },
    });
  }
}

/** Where a script sits: its file, an address stable across edits above it, and the lines whose comments may suppress. */
export interface StepPlace {
  file: PipelineFile;
  address: string;
  /** For messages: `job build, step "Build image"`. */
  step: string;
  /** The step's first line and its script key's line: a suppression comment above either covers the step. */
  keyLines: number[];
  /** Where relative script paths start: the repository root (GitHub, Azure Pipelines) or the calling script's directory. */
  scriptsRelativeTo?: 'root' | 'file';
  /** The directory the step runs in, relative to the repository root, when it is not the root. */
  workingDirectory?: Substitution;
}

/**
 * A working directory as written, relative to the repository root: the workspace prefixes both CI systems
 * put in front of it are the root itself.
 */
export function repositoryRelative(written: string): string {
  return written
    .replace(/^(?:\$\((?:System\.DefaultWorkingDirectory|Build\.SourcesDirectory|Build\.Repository\.LocalPath)\)|\$\{\{\s*github\.workspace\s*\}\}|\$\{?GITHUB_WORKSPACE\}?)(?=[\\/]|$)/i, '')
    .replace(/^[\\/]+/, '')
    .replace(/^\.\/?/, '');
}

/** A step's text that is not a shell script (python, a custom program) but names `az acr`: it may run a quick build. */
export function mentionsAcrCommand(script: string): boolean {
  return /\baz\b["',\s]{1,8}acr\b/i.test(script);
}

/** A step or job condition written as a literal false: it never runs. */
export function neverRuns(condition: string | undefined): boolean {
  if (condition === undefined) return false;
  return /^\s*(?:\$\{\{\s*false\s*\}\}|false)\s*$/i.test(condition);
}

/**
 * `# azfence:ignore ...` comments that apply to a line: written at its end, or in the run of comment lines
 * directly above it (YAML, shell and PowerShell comments all start with #).
 */
export function directivesNear(lines: readonly string[], lineNumbers: readonly number[]): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  const seen = new Set<number>();
  const take = (n: number, text: string) => {
    if (seen.has(n) || !/azfence:ignore/.test(text)) return;
    seen.add(n);
    out.push({ line: n, text });
  };
  for (const line of lineNumbers) {
    const own = lines[line - 1] ?? '';
    const trailing = /(?:^|\s)#(.*azfence:ignore.*)$/.exec(own);
    if (trailing) take(line, trailing[1]!);
    for (let n = line - 1; n >= 1; n--) {
      const text = (lines[n - 1] ?? '').trim();
      if (!text.startsWith('#')) break;
      take(n, text.slice(1));
    }
  }
  return out;
}

function repositoryOf(path: string): string {
  const start = realPath(dirname(path));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) break;
  }
  // No repository (a copied file): a workflow's repository is above .github/workflows, else its own directory.
  const github = /^(.*)[\\/]\.github[\\/]/.exec(start + sep);
  return github ? github[1]! : start;
}
