import { relative, sep } from 'node:path';
import type { Node } from 'yaml';
import { entries, get, items, keysOf, lineOf, contentLine, parsePipelineYaml, root, text, describeNode, isMapNode, type YamlView } from './yaml-nodes.js';
import { placeholderFor, type ExpressionTable, type ScriptScope, type Substitution } from './script-commands.js';
import { mentionsAcrCommand, neverRuns, repositoryRelative, type PipelineFile, type PipelineState, type StepPlace } from './pipeline-state.js';
import type { ShellDialect } from './shell-words.js';

/**
 * GitHub Actions workflows (`.github/workflows/*.yml`) and composite actions (`action.yml`): `run` steps
 * with their shell, `azure/cli` inline scripts, and the local actions and reusable workflows they use.
 * `${{ }}` is filled in before the shell runs: `env.X` with a literal value is substituted, anything else
 * (secrets, vars, inputs, matrix, step outputs) is unknown and named.
 */

export function looksLikeGithubWorkflow(view: YamlView): boolean {
  const top = root(view);
  if (!isMapNode(top)) return false;
  const keys = keysOf(view, top);
  if (keys.includes('apiVersion') || keys.includes('kind')) return false;
  const jobs = get(view, top, 'jobs');
  if (isMapNode(jobs) && (keys.includes('on') || entries(view, jobs).every(([, job]) => isMapNode(job) && keysOf(view, job).some((key) => key === 'runs-on' || key === 'uses')))) return true;
  const runs = get(view, top, 'runs');
  return text(get(view, runs, 'using')) === 'composite';
}

type Env = Map<string, Substitution>;

/** The `inputs` context of a composite action or reusable workflow: the caller's `with:` over the defaults. */
interface Inputs {
  values: Map<string, Substitution>;
  /** Why an input with neither a value from the caller nor a default is unknown. */
  missing: (name: string) => string;
}

/** What `${{ }}` can read in one place: the environment, and the inputs where the file is called with them. */
interface Scope {
  env: Env;
  inputs?: Inputs;
}

function scopeOf(env: Env): ScriptScope {
  const literal = new Map<string, string>();
  const unknown = new Map<string, string>();
  for (const [name, value] of env) {
    if ('text' in value) literal.set(name, value.text);
    else unknown.set(name, value.unknown);
  }
  return { env: literal, unknownEnv: unknown };
}

const CONTEXT_WORDS: Record<string, string> = {
  secrets: 'the secret',
  vars: 'the configuration variable',
  inputs: 'the input',
  matrix: 'the matrix value',
  needs: 'the job output',
  steps: 'the step output',
  github: 'the github context value',
  env: 'the environment variable',
};

/** One `${{ }}` expression: a literal, `env.X` or `inputs.x` it can evaluate, else why not, naming what it reads. */
function evaluateExpression(expression: string, scope: Scope): Substitution {
  const { env, inputs } = scope;
  const expr = expression.trim();
  const literal = /^'((?:[^']|'')*)'$/.exec(expr);
  if (literal) return { text: literal[1]!.replace(/''/g, "'") };
  const reference = /^([a-z]+)(?:\.([A-Za-z_][A-Za-z0-9_-]*)|\[\s*'([^']+)'\s*\])((?:\.[A-Za-z_][A-Za-z0-9_-]*)*)$/.exec(expr);
  if (reference) {
    const [, context, dotted, bracketed, rest] = reference;
    const name = dotted ?? bracketed!;
    if (context === 'env' && !rest) {
      const value = env.get(name);
      if (value) return value;
      return { unknown: `\${{ env.${name} }} is not set in this workflow` };
    }
    if (context === 'inputs' && !rest && inputs) return inputs.values.get(name.toLowerCase()) ?? { unknown: inputs.missing(name) };
    const what = CONTEXT_WORDS[context!];
    if (what) return { unknown: `\${{ ${context}.${name}${rest ?? ''} }} is ${what} ${name}, known only when the workflow runs` };
  }
  return { unknown: 'a ${{ }} expression is evaluated only when the workflow runs' };
}

/** Text with its `${{ }}` expressions substituted or replaced by placeholders. */
function substitute(value: string, scope: Scope, table: ExpressionTable): string {
  return value.replace(/\$\{\{([\s\S]*?)\}\}/g, (_all, expression: string) => placeholderFor(table, evaluateExpression(expression, scope)));
}

/** An env or input value: literal text, or unknown when it holds an expression that cannot be evaluated here. */
function envValue(value: string, outer: Scope): Substitution {
  if (!value.includes('${{')) return { text: value };
  const table: ExpressionTable = { entries: [] };
  const replaced = substitute(value, outer, table);
  if (table.entries.length === 0) return { text: replaced };
  return { unknown: table.entries.map((entry) => ('unknown' in entry ? entry.unknown : '')).join('; ') };
}

function withEnv(view: YamlView, outer: Scope, node: Node | undefined): Scope {
  const env = new Map(outer.env);
  const scope: Scope = { ...outer, env };
  const pairs = entries(view, node);
  if (node && !isMapNode(node) && text(node) !== undefined) {
    // `env: ${{ fromJSON(...) }}`: every variable may be set by it.
    return scope;
  }
  for (const [name, value] of pairs) {
    const written = text(value);
    env.set(name, written === undefined ? { unknown: `env ${name} is not a plain value` } : envValue(written, outer));
  }
  return scope;
}

function shellDialect(shell: string | undefined, windows: boolean): ShellDialect | undefined {
  if (!shell) return windows ? 'powershell' : 'posix';
  const program = shell.trim().split(/\s+/)[0]!.toLowerCase();
  if (program === 'bash' || program === 'sh') return 'posix';
  if (program === 'pwsh' || program === 'powershell') return 'powershell';
  if (program === 'cmd') return 'cmd';
  return undefined; // python or a custom program: not a shell script
}

/** A composite action or reusable workflow read through the step or job that uses it. */
interface UseCall {
  /** Inputs the caller passes in `with:` (lower-case names), resolved in the caller's scope. */
  passed: Map<string, Substitution>;
  /** The caller's environment: a composite action's steps run in the caller's job (a reusable workflow's do not). */
  env?: Env;
  windows: boolean;
  via: Via;
  /** The use site, for messages: `.github/workflows/build.yml:12`. */
  site: string;
}

/** Where a composite action's or reusable workflow's steps were used from: each use is judged on its own. */
interface Via {
  /** Prefix of every address inside: the using step's or job's address and the file's path. */
  prefix: string;
  /** The used file's path in the repository. */
  file: string;
  /** The use sites, innermost first. */
  callers: string;
  /** The caller's job (`job image`). */
  context: string;
}

export function readGithubWorkflow(state: PipelineState, file: PipelineFile, view: YamlView, call?: UseCall): void {
  const top = root(view);
  if (!isMapNode(top)) {
    state.problem(file, lineOf(view, top), `is ${describeNode(top)}, not a GitHub Actions workflow (a mapping with jobs)`);
    return;
  }
  const runs = get(view, top, 'runs');
  const composite = text(get(view, runs, 'using')) === 'composite';
  // A composite action declares `inputs:`; a reusable workflow declares them under `on.workflow_call.inputs`.
  const declared = composite ? get(view, top, 'inputs') : get(view, get(view, get(view, top, 'on'), 'workflow_call'), 'inputs');
  const inputs = inputsOf(view, declared, call, composite);
  const base: Scope = { env: new Map(call?.env ?? []), ...(inputs ? { inputs } : {}) };
  const workflowEnv = withEnv(view, base, get(view, top, 'env'));
  const workflowRun = runDefaults(view, top, { shell: undefined, workingDirectory: undefined });
  if (composite) {
    readSteps(state, file, view, get(view, runs, 'steps'), 'runs', workflowEnv, { shell: undefined, workingDirectory: undefined }, call?.windows ?? false, call?.via);
    return;
  }
  const jobs = get(view, top, 'jobs');
  if (!isMapNode(jobs)) {
    state.problem(file, lineOf(view, jobs ?? top), `jobs is ${describeNode(jobs)}, not a mapping of jobs`);
    return;
  }
  for (const [jobId, job] of entries(view, jobs)) {
    if (!isMapNode(job)) {
      state.problem(file, lineOf(view, job), `job ${jobId} is ${describeNode(job)}, not a mapping`);
      continue;
    }
    if (neverRuns(text(get(view, job, 'if')))) continue;
    const uses = text(get(view, job, 'uses'));
    if (uses && !uses.startsWith('./')) {
      // A whole job whose steps are in another repository (they may run az acr build): unknown, per job.
      const address = `${call?.via?.prefix ?? ''}jobs.${jobId}`;
      const line = lineOf(view, get(view, job, 'uses'));
      const step = `${call?.via ? `${call.via.context}, ` : ''}job ${jobId}${call?.via ? ` of ${call.via.file} (used at ${call.via.callers})` : ''}`;
      state.notScanned(file, line, address, `uses the reusable workflow ${uses} from another repository, which this scan does not read`, { file, address, step, keyLines: [lineOf(view, job)] });
      continue;
    }
    if (uses) {
      // A called workflow sees the inputs its caller passes, not the caller's env.
      readUsed(state, file, view, uses, get(view, job, 'uses'), get(view, job, 'with'), workflowEnv, `${call?.via?.prefix ?? ''}jobs.${jobId}`, call?.via, `job ${jobId}`, 'workflow', false);
      continue;
    }
    const env = withEnv(view, workflowEnv, get(view, job, 'env'));
    const windows = /windows/i.test(text(get(view, job, 'runs-on')) ?? '');
    readSteps(state, file, view, get(view, job, 'steps'), `jobs.${jobId}`, env, runDefaults(view, job, workflowRun), windows, call?.via);
  }
}

/**
 * The inputs a composite action or reusable workflow sees: the caller's `with:` values over the declared
 * defaults. A composite action found on its own runs with its defaults; a workflow on its own is not a call
 * (its `inputs` may come from a manual dispatch): undefined, so they stay unknown.
 */
function inputsOf(view: YamlView, declared: Node | undefined, call: UseCall | undefined, composite: boolean): Inputs | undefined {
  if (!call && !composite) return undefined;
  const values = new Map<string, Substitution>();
  for (const [name, spec] of entries(view, declared)) {
    const node = get(view, spec, 'default');
    if (node === undefined) continue;
    const written = text(node);
    values.set(name.toLowerCase(), written === undefined ? { unknown: `the default of input ${name} is ${describeNode(node)}, not a plain value` } : { text: written });
  }
  if (!call) return { values, missing: (name) => `\${{ inputs.${name} }} is the input ${name}, which a caller sets` };
  for (const [name, value] of call.passed) values.set(name, value);
  return { values, missing: (name) => `input ${name} has no default and ${call.site} passes none` };
}

/** `defaults.run` of a workflow or job: the shell and working directory of its `run` steps. */
interface RunDefaults {
  shell: string | undefined;
  workingDirectory: string | undefined;
}

function runDefaults(view: YamlView, node: Node | undefined, outer: RunDefaults): RunDefaults {
  const run = get(view, get(view, node, 'defaults'), 'run');
  return { shell: text(get(view, run, 'shell')) ?? outer.shell, workingDirectory: text(get(view, run, 'working-directory')) ?? outer.workingDirectory };
}

/** Actions that run a script written in their `with:` (which may hold `az acr build`): read as a step of that shell. */
const SCRIPT_ACTIONS: Array<{ uses: RegExp; input: string; dialect: ShellDialect }> = [
  // Azure/cli action.yml: `inlineScript` (required), run by bash in an Azure CLI container.
  { uses: /^azure\/cli@/i, input: 'inlineScript', dialect: 'posix' },
  // Azure/powershell action.yml: `inlineScript`, run by pwsh on the runner, where the Azure CLI is installed too.
  { uses: /^azure\/powershell@/i, input: 'inlineScript', dialect: 'powershell' },
];

function readSteps(state: PipelineState, file: PipelineFile, view: YamlView, steps: Node | undefined, at: string, env: Scope, defaults: RunDefaults, windows: boolean, via: Via | undefined): void {
  items(view, steps).forEach((step, index) => {
    if (!isMapNode(step)) {
      state.problem(file, lineOf(view, step), `step ${index + 1} of ${at} is ${describeNode(step)}, not a mapping`);
      return;
    }
    if (neverRuns(text(get(view, step, 'if')))) return;
    const label = text(get(view, step, 'name')) ?? text(get(view, step, 'id'));
    const address = `${via?.prefix ?? ''}${at}.steps[${label !== undefined ? JSON.stringify(label) : index}]`;
    const stepEnv = withEnv(view, env, get(view, step, 'env'));
    const run = get(view, step, 'run');
    const uses = text(get(view, step, 'uses'));
    const context = [via?.context, at.startsWith('jobs.') ? at.replace(/^jobs\./, 'job ') : undefined].filter((part) => part).join(', ');
    const stepText = `${context ? `${context}, ` : ''}step ${label !== undefined ? JSON.stringify(label) : index + 1}${via ? ` of ${via.file} (used at ${via.callers})` : ''}`;
    const place = (scriptNode: Node | undefined): StepPlace => ({
      file,
      address,
      step: stepText,
      keyLines: [lineOf(view, step), lineOf(view, scriptNode)],
      scriptsRelativeTo: 'root',
    });
    if (run) {
      const script = text(run);
      if (script === undefined) {
        state.problem(file, lineOf(view, run), `run of ${address} is ${describeNode(run)}, not a script`);
        return;
      }
      const shell = text(get(view, step, 'shell')) ?? defaults.shell;
      const dialect = shellDialect(shell, windows);
      if (!dialect) {
        if (mentionsAcrCommand(script)) state.notScanned(file, lineOf(view, run), address, `runs a ${shell!.trim().split(/\s+/)[0]} script, which this scan does not parse, and it names az acr`, place(run));
        return;
      }
      const written = text(get(view, step, 'working-directory')) ?? defaults.workingDirectory;
      const workingDirectory = written === undefined ? undefined : envValue(repositoryRelative(written), stepEnv);
      const table: ExpressionTable = { entries: [] };
      state.scan({ ...place(run), ...(workingDirectory ? { workingDirectory } : {}) }, substitute(script, stepEnv, table), dialect, contentLine(view, run), scopeOf(stepEnv.env), table);
      return;
    }
    if (!uses) return;
    const scriptAction = SCRIPT_ACTIONS.find((candidate) => candidate.uses.test(uses));
    if (scriptAction) {
      const inline = get(view, get(view, step, 'with'), scriptAction.input);
      const script = text(inline);
      if (script === undefined) return;
      const table: ExpressionTable = { entries: [] };
      state.scan(place(inline), substitute(script, stepEnv, table), scriptAction.dialect, contentLine(view, inline), scopeOf(stepEnv.env), table);
      return;
    }
    // A composite action runs in the caller's job: it sees the step's env, and the inputs the step passes.
    readUsed(state, file, view, uses, get(view, step, 'uses'), get(view, step, 'with'), stepEnv, address, via, context, 'action', windows);
  });
}

/** More uses of local actions and workflows than any real workflow makes; a fan-out is cut here, and said so. */
const MAX_USES_READ = 200;
const MAX_USE_DEPTH = 10;
const usesRead = new WeakMap<PipelineState, number>();

function inRepository(state: PipelineState, path: string): string {
  return relative(state.repoRoot, path).split(sep).join('/');
}

/**
 * A local composite action or reusable workflow is read through the step or job that uses it, with the
 * inputs it passes. An action in another repository cannot be read: it is listed once in the input's
 * coverage note (never judged, never counted as checked); a reusable workflow there is a whole job, an
 * unknown of its own (readGithubWorkflow).
 */
function readUsed(state: PipelineState, file: PipelineFile, view: YamlView, uses: string, usesNode: Node | undefined, withNode: Node | undefined, caller: Scope, address: string, via: Via | undefined, context: string, what: 'action' | 'workflow', windows: boolean): void {
  const line = lineOf(view, usesNode);
  if (!uses.startsWith('./')) {
    state.unread.add(`${uses.startsWith('docker://') ? 'container action' : 'action'} ${uses}: not in this repository, so az acr commands in it are not checked`);
    return;
  }
  const candidates = what === 'action' ? [`${uses}/action.yml`, `${uses}/action.yaml`] : [uses];
  let located: PipelineFile | string = `${uses} does not exist`;
  for (const candidate of candidates) {
    located = state.locate(file, candidate, 'root');
    if (typeof located !== 'string') break;
  }
  if (typeof located === 'string') {
    state.notScanned(file, line, `uses ${uses}`, `uses ${located}`);
    return;
  }
  const target = located;
  const reads = usesRead.get(state) ?? 0;
  const depth = via ? via.callers.split(', from ').length : 0;
  if (depth >= MAX_USE_DEPTH || reads >= MAX_USES_READ) {
    state.notScanned(file, line, 'uses beyond the bound', `${depth >= MAX_USE_DEPTH ? `nests local actions and workflows more than ${MAX_USE_DEPTH} deep` : `uses local actions and workflows more than ${MAX_USES_READ} times over`}; the ones beyond are not read`);
    return;
  }
  usesRead.set(state, reads + 1);
  const passed = new Map<string, Substitution>();
  for (const [name, value] of entries(view, withNode)) {
    const written = text(value);
    passed.set(name.toLowerCase(), written === undefined ? { unknown: `input ${name} is ${describeNode(value)}, not a plain value` } : envValue(written, caller));
  }
  const site = `${inRepository(state, file.path)}:${line}`;
  const used = inRepository(state, target.path);
  const call: UseCall = {
    passed,
    ...(what === 'action' ? { env: caller.env } : {}),
    windows,
    site,
    via: { prefix: `${address} > ${used} > `, file: used, callers: via ? `${site}, from ${via.callers}` : site, context },
  };
  state.include(target, file, line, () => {
    let parsed: YamlView;
    try {
      parsed = parsePipelineYaml(target.lines.join('\n'), target.shownAs);
    } catch (error) {
      state.problem(target, (error as { line?: number }).line, (error as { problem?: string }).problem ?? 'cannot be read');
      return;
    }
    readGithubWorkflow(state, target, parsed, call);
  });
}
