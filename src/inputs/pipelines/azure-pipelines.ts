import { relative, sep } from 'node:path';
import type { Node } from 'yaml';
import { contentLine, describeNode, entries, get, isMapNode, isSeqNode, items, keysOf, lineOf, parsePipelineYaml, root, text, type YamlView } from './yaml-nodes.js';
import type { ExpressionTable, Substitution } from './script-commands.js';
import { readVariables, resolvedValue, scopeOf, substitute, type Parameters, type Variables } from './azure-pipelines-variables.js';
import { mentionsAcrCommand, neverRuns, repositoryRelative, type PipelineFile, type PipelineState, type StepPlace } from './pipeline-state.js';
import type { ShellDialect } from './shell-words.js';

/**
 * Azure Pipelines YAML: stages, jobs (and deployment jobs' lifecycle hooks), steps (`script`, `bash`,
 * `pwsh`, `powershell`, AzureCLI/Bash/CmdLine/PowerShell tasks, inline or by path) and the templates they
 * include. Variables with literal values are substituted where Azure Pipelines substitutes them (`$(x)`
 * macros, `${{ variables.x }}`) and exported to scripts as environment variables (`a.b` -> `A_B`).
 * A template is read through each item that includes it, with the literal parameters that item passes over
 * the template's defaults, in the caller's scope: every call site is judged and addressed on its own.
 * Everything else (variable groups, parameters nobody sets, runtime expressions, predefined variables) is
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

interface Level {
  vars: Variables;
  at: string;
  windows: boolean;
  /** Set inside a template read through the item that includes it. */
  via?: Via;
}

/** Where a template's items were included from: each call site is judged (and addressed) on its own. */
interface Via {
  /** Prefix of every address inside the template: the including item's address and the template's path. */
  prefix: string;
  /** The template's path in the repository. */
  template: string;
  /** The include sites, innermost first: `jobs.yml:6, from azure-pipelines.yml:2`. */
  callers: string;
  /** The stage and job of the caller the template's items run in (`stage build, job image`). */
  context: string;
}

/** A template read through the item that includes it: the parameters it passes and the scope it runs in. */
interface TemplateCall {
  /** Parameters the caller passes (lower-case names), resolved in the caller's scope. */
  passed: Map<string, Substitution>;
  /** Why every parameter is unknown, when the caller passes them as one expression. */
  passedUnknown?: string;
  outer: Level;
  via: Via;
  /** The include site, for messages: `azure-pipelines.yml:4`. */
  site: string;
}

/** More template inclusions than any real pipeline makes; a fan-out of templates is cut here, and said so. */
const MAX_TEMPLATE_READS = 200;
const MAX_TEMPLATE_DEPTH = 20;
const templateReads = new WeakMap<PipelineState, number>();

export function readAzurePipeline(state: PipelineState, file: PipelineFile, view: YamlView, depth = 0, call?: TemplateCall): void {
  const top = root(view);
  if (!isMapNode(top)) {
    state.problem(file, lineOf(view, top), `is ${describeNode(top)}, not an Azure Pipelines definition (a mapping with stages, jobs or steps)`);
    return;
  }
  const parameters = parametersOf(view, get(view, top, 'parameters'), call);
  // A steps or jobs template runs in its caller's job or stage: the caller's variables are in scope.
  const base: Variables = { values: new Map(call?.outer.vars.values ?? []), groups: [...(call?.outer.vars.groups ?? [])], parameters };
  const vars = readVariables(state, file, view, get(view, top, 'variables'), base);
  const level: Level = { vars, at: '', windows: (call?.outer.windows ?? false) || isWindowsPool(view, get(view, top, 'pool')), ...(call ? { via: call.via } : {}) };
  const extendsNode = get(view, top, 'extends');
  if (extendsNode) includeTemplate(state, file, view, extendsNode, level, 'extends', depth);
  readStages(state, file, view, get(view, top, 'stages'), level, depth);
  readJobs(state, file, view, get(view, top, 'jobs'), level, depth);
  readSteps(state, file, view, get(view, top, 'steps'), level, depth);
}

/**
 * The template's declared parameters with their defaults (the list form `- name: x` / `default: y`, or the
 * old map form `x: y`), overlaid by what the caller passes. A parameter with neither is unknown, named.
 */
function parametersOf(view: YamlView, declared: Node | undefined, call: TemplateCall | undefined): Parameters {
  const values = new Map<string, Substitution>();
  const plain = (name: string, node: Node | undefined): Substitution => {
    const written = text(node);
    return written === undefined ? { unknown: `the default of parameter ${name} is ${describeNode(node)}, not a plain value` } : { text: written };
  };
  if (isMapNode(declared)) {
    for (const [name, node] of entries(view, declared)) values.set(name.toLowerCase(), plain(name, node));
  } else {
    for (const item of items(view, declared)) {
      const name = text(get(view, item, 'name'));
      if (name === undefined || !keysOf(view, item).includes('default')) continue;
      values.set(name.toLowerCase(), plain(name, get(view, item, 'default')));
    }
  }
  if (!call) return { values, missing: (name) => `\${{ parameters.${name} }} is a parameter its caller or the run sets` };
  for (const [name, value] of call.passed) values.set(name, value);
  const passedUnknown = call.passedUnknown;
  return { values, missing: (name) => passedUnknown ?? `parameter ${name} has no default and ${call.site} passes none` };
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

/** A path in the repository as addresses and messages show it: the same wherever the scan runs from. */
function inRepository(state: PipelineState, path: string): string {
  return relative(state.repoRoot, path).split(sep).join('/');
}

/**
 * A `template:` item (a stage, job or step, or `extends`) read with the parameters it passes, in the scope
 * of the level that includes it. `address` is the including item's own address.
 */
function includeTemplate(state: PipelineState, file: PipelineFile, view: YamlView, item: Node, outer: Level, address: string, depth: number): void {
  const templateNode = get(view, item, 'template');
  const written = text(templateNode);
  if (written === undefined) return;
  const line = lineOf(view, templateNode);
  const path = written.includes('${{') || written.includes('$(') ? resolvedValue(written, outer.vars) : { text: written };
  if ('unknown' in path) {
    state.notScanned(file, line, `template at line ${line}`, `includes a template whose path is an expression evaluated only when the pipeline runs (${path.unknown})`);
    return;
  }
  const target = path.text;
  if (target.includes('@') && !target.endsWith('@self')) {
    state.notScanned(file, line, `template ${target}`, `includes template ${target} from another repository, which this scan does not read`);
    return;
  }
  const located = state.locate(file, target.replace(/@self$/, ''), 'file');
  if (typeof located === 'string') {
    state.problem(file, line, `includes template ${located}`);
    return;
  }
  const reads = templateReads.get(state) ?? 0;
  if (depth >= MAX_TEMPLATE_DEPTH || reads >= MAX_TEMPLATE_READS) {
    // Not a silent pass: what the templates beyond the bound run is not known.
    const why = depth >= MAX_TEMPLATE_DEPTH ? `nests templates more than ${MAX_TEMPLATE_DEPTH} deep` : `includes templates more than ${MAX_TEMPLATE_READS} times over`;
    state.notScanned(file, line, `templates beyond the bound`, `${why}; the templates beyond are not read`);
    return;
  }
  templateReads.set(state, reads + 1);
  const site = `${inRepository(state, file.path)}:${line}`;
  const template = inRepository(state, located.path);
  const via: Via = {
    prefix: `${outer.via?.prefix ?? ''}${address} > ${template} > `,
    template,
    callers: outer.via ? `${site}, from ${outer.via.callers}` : site,
    context: [outer.via?.context, outer.at ? describeLevel(outer.at) : undefined].filter((part) => part).join(', '),
  };
  const call: TemplateCall = { ...passedParameters(view, get(view, item, 'parameters'), outer), outer, via, site };
  state.include(located, file, line, () => {
    let included: YamlView;
    try {
      included = parsePipelineYaml(located.lines.join('\n'), located.shownAs);
    } catch (error) {
      state.problem(located, (error as { line?: number }).line, (error as { problem?: string }).problem ?? 'cannot be read');
      return;
    }
    readAzurePipeline(state, located, included, depth + 1, call);
  });
}

/** The parameters an include passes, each resolved in the caller's scope (its variables and its own parameters). */
function passedParameters(view: YamlView, node: Node | undefined, outer: Level): Pick<TemplateCall, 'passed' | 'passedUnknown'> {
  const passed = new Map<string, Substitution>();
  const whole = text(node);
  if (whole !== undefined) {
    // `parameters: ${{ parameters }}` hands the caller's own parameters on.
    if (/^\s*\$\{\{\s*parameters\s*\}\}\s*$/.test(whole) && outer.vars.parameters) return { passed: new Map(outer.vars.parameters.values) };
    return { passed, passedUnknown: `the parameters are passed as ${whole.includes('${{') ? 'a ${{ }} template expression' : 'one value'}, not one by one` };
  }
  for (const [name, value] of entries(view, node)) {
    const written = text(value);
    passed.set(name.toLowerCase(), written === undefined ? { unknown: `parameter ${name} is ${describeNode(value)}, not a plain value` } : resolvedValue(written, outer.vars));
  }
  return { passed };
}

function readStages(state: PipelineState, file: PipelineFile, view: YamlView, stages: Node | undefined, outer: Level, depth: number): void {
  listItems(view, stages).forEach((stage, index) => {
    if (get(view, stage, 'template')) return includeTemplate(state, file, view, stage, outer, `stages[${index}]`, depth);
    const name = text(get(view, stage, 'stage')) ?? String(index);
    const level: Level = { ...outer, vars: readVariables(state, file, view, get(view, stage, 'variables'), outer.vars), at: `stages[${name}]`, windows: outer.windows || isWindowsPool(view, get(view, stage, 'pool')) };
    readJobs(state, file, view, get(view, stage, 'jobs'), level, depth);
  });
}

function readJobs(state: PipelineState, file: PipelineFile, view: YamlView, jobs: Node | undefined, outer: Level, depth: number): void {
  listItems(view, jobs).forEach((job, index) => {
    if (get(view, job, 'template')) return includeTemplate(state, file, view, job, outer, `${outer.at ? `${outer.at}.` : ''}jobs[${index}]`, depth);
    if (neverRuns(text(get(view, job, 'condition')))) return;
    const name = text(get(view, job, 'job')) ?? text(get(view, job, 'deployment')) ?? String(index);
    const level: Level = {
      ...outer,
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
    if (get(view, step, 'template')) return includeTemplate(state, file, view, step, level, `${level.at ? `${level.at}.` : ''}steps[${index}]`, depth);
    if (neverRuns(text(get(view, step, 'condition'))) || text(get(view, step, 'enabled'))?.trim().toLowerCase() === 'false') return;
    const label = text(get(view, step, 'displayName')) ?? text(get(view, step, 'name'));
    const address = `${level.via?.prefix ?? ''}${level.at ? `${level.at}.` : ''}steps[${label !== undefined ? JSON.stringify(label) : index}]`;
    const context = [level.via?.context, level.at ? describeLevel(level.at) : undefined].filter((part) => part).join(', ');
    const env = new Map<string, Substitution>();
    for (const [name, value] of entries(view, get(view, step, 'env'))) {
      const written = text(value);
      env.set(name, written === undefined ? { unknown: `env ${name} is not a plain value` } : resolvedValue(written, level.vars));
    }
    const scope = scopeOf(level.vars, env, level.windows);
    const place = (scriptNode: Node | undefined): StepPlace => ({
      file,
      address,
      step: `${context ? `${context}, ` : ''}step ${label !== undefined ? JSON.stringify(label) : index + 1}${level.via ? ` of ${level.via.template} (included at ${level.via.callers})` : ''}`,
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
