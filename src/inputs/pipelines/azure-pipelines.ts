import type { Node } from 'yaml';
import { contentLine, describeNode, entries, get, isMapNode, isSeqNode, items, keysOf, lineOf, parsePipelineYaml, root, text, type YamlView } from './yaml-nodes.js';
import { placeholderFor, type ExpressionTable, type ScriptScope, type Substitution } from './script-commands.js';
import { mentionsAcrCommand, neverRuns, repositoryRelative, type PipelineFile, type PipelineState, type StepPlace } from './pipeline-state.js';
import type { ShellDialect } from './shell-words.js';

/**
 * Azure Pipelines YAML: stages, jobs (and deployment jobs' lifecycle hooks), steps (`script`, `bash`,
 * `pwsh`, `powershell`, AzureCLI/Bash/CmdLine/PowerShell tasks, inline or by path) and the templates they
 * include. Variables with literal values are substituted where Azure Pipelines substitutes them (`$(x)`
 * macros, `${{ variables.x }}`) and exported to scripts as environment variables (`a.b` -> `A_B`);
 * everything else (variable groups, template parameters, runtime expressions, predefined variables) is
 * unknown and named.
 */

const PIPELINE_KEYS = new Set([
  'name', 'trigger', 'pr', 'schedules', 'resources', 'variables', 'parameters', 'pool', 'stages', 'jobs', 'steps', 'extends', 'lockBehavior',
  'appendCommitMessageToRunName', 'container', 'workspace', 'strategy', 'continueOnError', 'timeoutInMinutes', 'cancelTimeoutInMinutes', 'condition',
  'services', 'dependsOn', 'displayName', 'queue', 'phases', 'server',
]);

export function looksLikeAzurePipeline(view: YamlView): boolean {
  const top = root(view);
  if (!isMapNode(top)) return false;
  const keys = keysOf(view, top);
  if (!keys.some((key) => key === 'stages' || key === 'jobs' || key === 'steps' || key === 'extends')) return false;
  if (!keys.every((key) => PIPELINE_KEYS.has(key) || key.startsWith('${{'))) return false;
  const steps = get(view, top, 'steps');
  const jobs = get(view, top, 'jobs');
  const stages = get(view, top, 'stages');
  const shaped = (node: Node | undefined, markers: string[]) => node === undefined || (isSeqNode(node) && items(view, node).every((item) => isMapNode(item) && keysOf(view, item).some((key) => markers.includes(key) || key.startsWith('${{'))));
  return shaped(steps, [...STEP_KINDS, 'template']) && shaped(jobs, ['job', 'deployment', 'template']) && shaped(stages, ['stage', 'template']);
}

const STEP_KINDS = ['script', 'bash', 'pwsh', 'powershell', 'task', 'checkout', 'download', 'downloadBuild', 'getPackage', 'publish', 'reviewApp', 'restoreCache', 'saveCache'];

/** Variables visible at one level: literal values, and why the others are unknown. */
interface Variables {
  values: Map<string, Substitution>;
  /** Variable groups in scope: any name not defined in the file may come from them. */
  groups: string[];
}

const PREDEFINED = /^(Agent|Build|Pipeline|Release|System|Environment|Strategy|Resources|Checks|TF)\./i;

function lookupVariable(vars: Variables, name: string): Substitution {
  for (const [candidate, value] of vars.values) if (candidate.toLowerCase() === name.toLowerCase()) return value;
  if (PREDEFINED.test(name)) return { unknown: `$(${name}) is a predefined variable, known only when the pipeline runs` };
  const groups = vars.groups.length ? ` (variable group ${vars.groups.join(', ')} may define it)` : '';
  return { unknown: `Azure Pipelines variable ${name} is not defined in this file${groups}` };
}

/** A template expression `${{ ... }}`: `variables.x` with a literal value, a quoted literal, else unknown. */
function templateExpression(expression: string, vars: Variables): Substitution {
  const expr = expression.trim();
  const literal = /^'((?:[^']|'')*)'$/.exec(expr);
  if (literal) return { text: literal[1]!.replace(/''/g, "'") };
  const variable = /^variables(?:\.([A-Za-z0-9_.]+)|\[\s*'([^']+)'\s*\])$/.exec(expr);
  if (variable) return lookupVariable(vars, variable[1] ?? variable[2]!);
  const parameter = /^parameters(?:\.([A-Za-z0-9_]+)|\[\s*'([^']+)'\s*\])/.exec(expr);
  if (parameter) return { unknown: `\${{ parameters.${parameter[1] ?? parameter[2]} }} is a parameter its caller or the run sets` };
  return { unknown: 'a ${{ }} template expression' };
}

/** Substitutes `${{ }}`, `$[ ]` and `$(name)` macros as Azure Pipelines does before a script runs. */
function substitute(value: string, vars: Variables, table: ExpressionTable): string {
  return value
    .replace(/\$\{\{([\s\S]*?)\}\}/g, (_all, expression: string) => placeholderFor(table, templateExpression(expression, vars)))
    .replace(/\$\[([\s\S]*?)\]/g, () => placeholderFor(table, { unknown: 'a $[ ] runtime expression' }))
    .replace(/\$\(([A-Za-z0-9_.-]+)\)/g, (_all, name: string) => placeholderFor(table, lookupVariable(vars, name)));
}

function resolvedValue(value: string, vars: Variables): Substitution {
  const table: ExpressionTable = { entries: [] };
  const replaced = substitute(value, vars, table);
  if (table.entries.length === 0) return { text: replaced };
  return { unknown: table.entries.map((entry) => ('unknown' in entry ? entry.unknown : '')).join('; ') };
}

function readVariables(state: PipelineState, file: PipelineFile, view: YamlView, node: Node | undefined, outer: Variables, depth = 0): Variables {
  const vars: Variables = { values: new Map(outer.values), groups: [...outer.groups] };
  if (!node) return vars;
  if (isMapNode(node)) {
    for (const [name, value] of entries(view, node)) {
      const written = text(value);
      vars.values.set(name, written === undefined ? { unknown: `variable ${name} is not a plain value` } : resolvedValue(written, vars));
    }
    return vars;
  }
  for (const item of items(view, node)) {
    const name = text(get(view, item, 'name'));
    const group = text(get(view, item, 'group'));
    const template = text(get(view, item, 'template'));
    if (name !== undefined) {
      const written = text(get(view, item, 'value'));
      vars.values.set(name, written === undefined ? { unknown: `variable ${name} is not a plain value` } : resolvedValue(written, vars));
    } else if (group !== undefined) vars.groups.push(group);
    else if (template !== undefined && depth < 8) {
      const located = template.includes('@') || template.includes('${{') ? undefined : state.locate(file, template, 'file');
      if (!located || typeof located === 'string') {
        vars.groups.push(`template ${template}`);
        continue;
      }
      try {
        const included = parsePipelineYaml(located.lines.join('\n'), located.shownAs);
        const merged = readVariables(state, located, included, get(included, root(included), 'variables'), vars, depth + 1);
        for (const [key, value] of merged.values) vars.values.set(key, value);
        vars.groups.push(...merged.groups.filter((g) => !vars.groups.includes(g)));
      } catch {
        vars.groups.push(`template ${template}`);
      }
    }
  }
  return vars;
}

/** Non-secret variables reach scripts as environment variables: upper case, `.` as `_`. */
function scopeOf(vars: Variables, env: Map<string, Substitution>, windows: boolean): ScriptScope {
  const literal = new Map<string, string>();
  const unknown = new Map<string, string>();
  for (const [name, value] of [...vars.values].map(([n, v]) => [n.replace(/\./g, '_').toUpperCase(), v] as const).concat([...env])) {
    if ('text' in value) {
      literal.set(name, value.text);
      unknown.delete(name);
    } else {
      unknown.set(name, value.unknown);
      literal.delete(name);
    }
  }
  return { env: literal, unknownEnv: unknown, caseInsensitive: windows };
}

interface Level {
  vars: Variables;
  at: string;
  windows: boolean;
}

export function readAzurePipeline(state: PipelineState, file: PipelineFile, view: YamlView, depth = 0): void {
  const top = root(view);
  if (!isMapNode(top)) {
    state.problem(file, lineOf(view, top), `is ${describeNode(top)}, not an Azure Pipelines definition (a mapping with stages, jobs or steps)`);
    return;
  }
  const vars = readVariables(state, file, view, get(view, top, 'variables'), { values: new Map(), groups: [] });
  const level: Level = { vars, at: '', windows: isWindowsPool(view, get(view, top, 'pool')) };
  const extendsNode = get(view, top, 'extends');
  if (extendsNode) includeTemplate(state, file, view, get(view, extendsNode, 'template'), depth);
  readStages(state, file, view, get(view, top, 'stages'), level, depth);
  readJobs(state, file, view, get(view, top, 'jobs'), level, depth);
  readSteps(state, file, view, get(view, top, 'steps'), level, depth);
}

function isWindowsPool(view: YamlView, pool: Node | undefined): boolean {
  return /windows|win20/i.test(text(get(view, pool, 'vmImage')) ?? '');
}

/** List items, with `${{ if }}:` / `${{ each }}:` blocks opened (both branches are read). */
function listItems(view: YamlView, node: Node | undefined): Node[] {
  const out: Node[] = [];
  for (const item of items(view, node)) {
    const keys = keysOf(view, item);
    if (keys.length > 0 && keys.every((key) => key.startsWith('${{'))) for (const [, nested] of entries(view, item)) out.push(...listItems(view, nested));
    else out.push(item);
  }
  return out;
}

function includeTemplate(state: PipelineState, file: PipelineFile, view: YamlView, templateNode: Node | undefined, depth: number): void {
  const written = text(templateNode);
  if (written === undefined) return;
  const line = lineOf(view, templateNode);
  if (written.includes('${{') || written.includes('$(')) {
    state.notScanned(file, line, `template at line ${line}`, 'includes a template whose path is an expression evaluated only when the pipeline runs');
    return;
  }
  if (written.includes('@') && !written.endsWith('@self')) {
    state.notScanned(file, line, `template ${written}`, `includes template ${written} from another repository, which this scan does not read`);
    return;
  }
  const located = state.locate(file, written.replace(/@self$/, ''), 'file');
  if (typeof located === 'string') {
    state.problem(file, line, `includes template ${located}`);
    return;
  }
  if (depth > 20) return;
  // A template is read in its own context, as it is when found on its own: its parameters are unknown.
  state.include(located, file, line, () => {
    let included: YamlView;
    try {
      included = parsePipelineYaml(located.lines.join('\n'), located.shownAs);
    } catch (error) {
      state.problem(located, (error as { line?: number }).line, (error as { problem?: string }).problem ?? 'cannot be read');
      return;
    }
    readAzurePipeline(state, located, included, depth + 1);
  });
}

function readStages(state: PipelineState, file: PipelineFile, view: YamlView, stages: Node | undefined, outer: Level, depth: number): void {
  listItems(view, stages).forEach((stage, index) => {
    if (get(view, stage, 'template')) return includeTemplate(state, file, view, get(view, stage, 'template'), depth);
    const name = text(get(view, stage, 'stage')) ?? String(index);
    const level: Level = { vars: readVariables(state, file, view, get(view, stage, 'variables'), outer.vars), at: `stages[${name}]`, windows: outer.windows || isWindowsPool(view, get(view, stage, 'pool')) };
    readJobs(state, file, view, get(view, stage, 'jobs'), level, depth);
  });
}

function readJobs(state: PipelineState, file: PipelineFile, view: YamlView, jobs: Node | undefined, outer: Level, depth: number): void {
  listItems(view, jobs).forEach((job, index) => {
    if (get(view, job, 'template')) return includeTemplate(state, file, view, get(view, job, 'template'), depth);
    if (neverRuns(text(get(view, job, 'condition')))) return;
    const name = text(get(view, job, 'job')) ?? text(get(view, job, 'deployment')) ?? String(index);
    const level: Level = {
      vars: readVariables(state, file, view, get(view, job, 'variables'), outer.vars),
      at: `${outer.at ? `${outer.at}.` : ''}jobs[${name}]`,
      windows: outer.windows || isWindowsPool(view, get(view, job, 'pool')),
    };
    readSteps(state, file, view, get(view, job, 'steps'), level, depth);
    const strategy = get(view, job, 'strategy');
    for (const [strategyName, body] of entries(view, strategy)) {
      for (const [hook, hookNode] of entries(view, body)) {
        if (hook === 'on') {
          for (const [outcome, outcomeNode] of entries(view, hookNode)) readSteps(state, file, view, get(view, outcomeNode, 'steps'), { ...level, at: `${level.at}.${strategyName}.on.${outcome}` }, depth);
        } else readSteps(state, file, view, get(view, hookNode, 'steps'), { ...level, at: `${level.at}.${strategyName}.${hook}` }, depth);
      }
    }
  });
}

const SCRIPT_STEPS: Record<string, (windows: boolean) => ShellDialect> = {
  script: (windows) => (windows ? 'cmd' : 'posix'),
  bash: () => 'posix',
  pwsh: () => 'powershell',
  powershell: () => 'powershell',
};

/** How a message names where steps sit, as GitHub steps are named: `stages[build].jobs[image]` -> `stage build, job image`. */
function describeLevel(at: string): string {
  return at.replace(/\bstages\[([^\]]*)\]\./, 'stage $1, ').replace(/\bstages\[([^\]]*)\]/, 'stage $1').replace(/\bjobs\[([^\]]*)\]/, 'job $1');
}

function readSteps(state: PipelineState, file: PipelineFile, view: YamlView, steps: Node | undefined, level: Level, depth: number): void {
  listItems(view, steps).forEach((step, index) => {
    if (!isMapNode(step)) {
      state.problem(file, lineOf(view, step), `step ${index + 1} of ${level.at || 'steps'} is ${describeNode(step)}, not a mapping`);
      return;
    }
    if (get(view, step, 'template')) return includeTemplate(state, file, view, get(view, step, 'template'), depth);
    if (neverRuns(text(get(view, step, 'condition'))) || text(get(view, step, 'enabled'))?.trim().toLowerCase() === 'false') return;
    const label = text(get(view, step, 'displayName')) ?? text(get(view, step, 'name'));
    const address = `${level.at ? `${level.at}.` : ''}steps[${label !== undefined ? JSON.stringify(label) : index}]`;
    const env = new Map<string, Substitution>();
    for (const [name, value] of entries(view, get(view, step, 'env'))) {
      const written = text(value);
      env.set(name, written === undefined ? { unknown: `env ${name} is not a plain value` } : resolvedValue(written, level.vars));
    }
    const scope = scopeOf(level.vars, env, level.windows);
    const place = (scriptNode: Node | undefined): StepPlace => ({
      file,
      address,
      step: `${level.at ? `${describeLevel(level.at)}, ` : ''}step ${label !== undefined ? JSON.stringify(label) : index + 1}`,
      keyLines: [lineOf(view, step), lineOf(view, scriptNode)],
      scriptsRelativeTo: 'root',
    });
    const inputs = get(view, step, 'inputs');
    const input = (...names: string[]) => names.map((name) => get(view, inputs, name)).find((node) => node !== undefined);
    // Script steps take `workingDirectory` beside the script, tasks among their inputs.
    const writtenDirectory = text(get(view, step, 'workingDirectory') ?? input('workingDirectory', 'cwd'));
    const workingDirectory = writtenDirectory === undefined ? undefined : resolvedValue(repositoryRelative(writtenDirectory), level.vars);
    const inline = (node: Node | undefined, dialect: ShellDialect) => {
      const script = text(node);
      if (script === undefined) {
        if (node) state.problem(file, lineOf(view, node), `the script of ${address} is ${describeNode(node)}, not text`);
        return;
      }
      const table: ExpressionTable = { entries: [] };
      state.scan({ ...place(node), ...(workingDirectory ? { workingDirectory } : {}) }, substitute(script, level.vars, table), dialect, contentLine(view, node), scope, table);
    };
    const byPath = (node: Node | undefined, dialect: ShellDialect, argsNode: Node | undefined) => {
      const written = text(node);
      const table: ExpressionTable = { entries: [] };
      if (written === undefined) {
        state.notScanned(file, lineOf(view, node ?? step), address, `${address} runs a script by path but names none`);
        return;
      }
      const path = resolvedValue(written.replace(/^\$\((System\.DefaultWorkingDirectory|Build\.SourcesDirectory|Build\.Repository\.LocalPath)\)[\\/]/i, ''), level.vars);
      const args = text(argsNode);
      const parsedArgs = args === undefined ? [] : argsOf(substitute(args, level.vars, table));
      // A task's script path is relative to the sources directory; the scripts it calls, to its working directory.
      state.followScript({ ...place(node), ...(workingDirectory ? { workingDirectory } : {}) }, path, lineOf(view, node), dialect, scope, table, parsedArgs, 0, true);
    };
    for (const [kind, dialectOf] of Object.entries(SCRIPT_STEPS)) {
      const node = get(view, step, kind);
      if (node) return inline(node, dialectOf(level.windows));
    }
    const task = text(get(view, step, 'task'));
    if (!task) return;
    const [taskName, version] = task.split('@');
    const lower = (taskName ?? '').toLowerCase();
    if (lower === 'azurecli') {
      const scriptType = (text(input('scriptType')) ?? (level.windows ? 'batch' : 'bash')).toLowerCase();
      const dialect: ShellDialect = scriptType === 'ps' || scriptType === 'pscore' ? 'powershell' : scriptType === 'batch' ? 'cmd' : 'posix';
      // AzureCLI@2 and @3: scriptLocation defaults to scriptPath (task reference).
      const location = (text(input('scriptLocation')) ?? 'scriptPath').toLowerCase();
      if (location === 'inlinescript') inline(input('inlineScript'), dialect);
      else byPath(input('scriptPath'), dialect, input('arguments', 'scriptArguments', 'args'));
      void version;
      return;
    }
    if (lower === 'bash' || lower === 'powershell' || lower === 'cmdline') {
      const dialect: ShellDialect = lower === 'powershell' ? 'powershell' : lower === 'cmdline' && level.windows ? 'cmd' : 'posix';
      const targetType = (text(input('targetType')) ?? (lower === 'cmdline' ? 'inline' : 'filePath')).toLowerCase();
      if (targetType === 'inline') inline(input('script'), dialect);
      else byPath(input('filePath'), dialect, input('arguments'));
      return;
    }
    if (lower === 'pythonscript') {
      const script = text(input('script'));
      if (script !== undefined && mentionsAcrCommand(script)) state.notScanned(file, lineOf(view, input('script')), address, 'runs a python script, which this scan does not parse, and it names az acr', place(input('script')));
    }
  });
}

/** Arguments written in a task input, split like the agent splits them (whitespace, double quotes). */
function argsOf(value: string): Array<{ text: string } | { unknown: string; quoted: boolean }> {
  const out: Array<{ text: string } | { unknown: string; quoted: boolean }> = [];
  for (const match of value.matchAll(/"([^"]*)"|(\S+)/g)) {
    const word = match[1] ?? match[2] ?? '';
    out.push(/\uE000/.test(word) ? { unknown: 'an argument set by a pipeline expression', quoted: match[1] !== undefined } : { text: word });
  }
  return out;
}
