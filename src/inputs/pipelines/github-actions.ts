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

/** One `${{ }}` expression: a literal or `env.X` it can evaluate, else why not, naming what it reads. */
export function evaluateExpression(expression: string, env: Env): Substitution {
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
    const what = CONTEXT_WORDS[context!];
    if (what) return { unknown: `\${{ ${context}.${name}${rest ?? ''} }} is ${what} ${name}, known only when the workflow runs` };
  }
  return { unknown: 'a ${{ }} expression is evaluated only when the workflow runs' };
}

/** Text with its `${{ }}` expressions substituted or replaced by placeholders. */
export function substitute(value: string, env: Env, table: ExpressionTable): string {
  return value.replace(/\$\{\{([\s\S]*?)\}\}/g, (_all, expression: string) => placeholderFor(table, evaluateExpression(expression, env)));
}

/** An env value: literal text, or unknown when it holds an expression that cannot be evaluated here. */
function envValue(value: string, outer: Env): Substitution {
  if (!value.includes('${{')) return { text: value };
  const table: ExpressionTable = { entries: [] };
  const replaced = substitute(value, outer, table);
  if (table.entries.length === 0) return { text: replaced };
  return { unknown: table.entries.map((entry) => ('unknown' in entry ? entry.unknown : '')).join('; ') };
}

function withEnv(view: YamlView, outer: Env, node: Node | undefined): Env {
  const env = new Map(outer);
  const pairs = entries(view, node);
  if (node && !isMapNode(node) && text(node) !== undefined) {
    // `env: ${{ fromJSON(...) }}`: every variable may be set by it.
    return env;
  }
  for (const [name, value] of pairs) {
    const written = text(value);
    env.set(name, written === undefined ? { unknown: `env ${name} is not a plain value` } : envValue(written, outer));
  }
  return env;
}

function shellDialect(shell: string | undefined, windows: boolean): ShellDialect | undefined {
  if (!shell) return windows ? 'powershell' : 'posix';
  const program = shell.trim().split(/\s+/)[0]!.toLowerCase();
  if (program === 'bash' || program === 'sh') return 'posix';
  if (program === 'pwsh' || program === 'powershell') return 'powershell';
  if (program === 'cmd') return 'cmd';
  return undefined; // python or a custom program: not a shell script
}

export function readGithubWorkflow(state: PipelineState, file: PipelineFile, view: YamlView): void {
  const top = root(view);
  if (!isMapNode(top)) {
    state.problem(file, lineOf(view, top), `is ${describeNode(top)}, not a GitHub Actions workflow (a mapping with jobs)`);
    return;
  }
  const workflowEnv = withEnv(view, new Map(), get(view, top, 'env'));
  const workflowRun = runDefaults(view, top, { shell: undefined, workingDirectory: undefined });
  const runs = get(view, top, 'runs');
  if (text(get(view, runs, 'using')) === 'composite') {
    readSteps(state, file, view, get(view, runs, 'steps'), 'runs', workflowEnv, { shell: undefined, workingDirectory: undefined }, false);
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
    if (uses) {
      readUsed(state, file, view, uses, lineOf(view, get(view, job, 'uses')), 'workflow');
      continue;
    }
    const env = withEnv(view, workflowEnv, get(view, job, 'env'));
    const windows = /windows/i.test(text(get(view, job, 'runs-on')) ?? '');
    readSteps(state, file, view, get(view, job, 'steps'), `jobs.${jobId}`, env, runDefaults(view, job, workflowRun), windows);
  }
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

function readSteps(state: PipelineState, file: PipelineFile, view: YamlView, steps: Node | undefined, at: string, env: Env, defaults: RunDefaults, windows: boolean): void {
  items(view, steps).forEach((step, index) => {
    if (!isMapNode(step)) {
      state.problem(file, lineOf(view, step), `step ${index + 1} of ${at} is ${describeNode(step)}, not a mapping`);
      return;
    }
    if (neverRuns(text(get(view, step, 'if')))) return;
    const label = text(get(view, step, 'name')) ?? text(get(view, step, 'id'));
    const address = `${at}.steps[${label !== undefined ? JSON.stringify(label) : index}]`;
    const stepEnv = withEnv(view, env, get(view, step, 'env'));
    const run = get(view, step, 'run');
    const uses = text(get(view, step, 'uses'));
    const place = (scriptNode: Node | undefined): StepPlace => ({
      file,
      address,
      step: `${at.replace(/^jobs\./, 'job ')}, step ${label !== undefined ? JSON.stringify(label) : index + 1}`,
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
      state.scan({ ...place(run), ...(workingDirectory ? { workingDirectory } : {}) }, substitute(script, stepEnv, table), dialect, contentLine(view, run), scopeOf(stepEnv), table);
      return;
    }
    if (!uses) return;
    if (/^azure\/cli@/i.test(uses)) {
      const inline = get(view, get(view, step, 'with'), 'inlineScript');
      const script = text(inline);
      if (script === undefined) return;
      const table: ExpressionTable = { entries: [] };
      state.scan(place(inline), substitute(script, stepEnv, table), 'posix', contentLine(view, inline), scopeOf(stepEnv), table);
      return;
    }
    if (uses.startsWith('./')) readUsed(state, file, view, uses, lineOf(view, get(view, step, 'uses')), 'action');
  });
}

/** A local action or reusable workflow is read as a file of its own; one in another repository is not scanned. */
function readUsed(state: PipelineState, file: PipelineFile, view: YamlView, uses: string, line: number, what: 'action' | 'workflow'): void {
  if (!uses.startsWith('./')) {
    state.notScanned(file, line, `uses ${uses}`, `uses the ${what} ${uses} from another repository, which this scan does not read`);
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
  state.include(target, file, line, () => {
    let used: YamlView;
    try {
      used = parsePipelineYaml(target.lines.join('\n'), target.shownAs);
    } catch (error) {
      state.problem(target, (error as { line?: number }).line, (error as { problem?: string }).problem ?? 'cannot be read');
      return;
    }
    readGithubWorkflow(state, target, used);
  });
}
