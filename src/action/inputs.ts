import { UserError, oneLine } from '../errors.js';

/**
 * The GitHub Action's inputs as action.yml hands them to the scan step: each in an INPUT_* environment
 * variable (a composite action's inputs reach its script only through the `env:` it maps them to, never
 * spliced into the script, so a value cannot inject shell code). The names are action.yml's, upper-cased,
 * with `-` as `_`.
 */
export interface ActionInputs {
  paths: string[];
  format: string;
  failOn: string;
  failOnUnknown: boolean;
  baseline: string;
  config: string;
  policies: string[];
  check: string[];
  skipCheck: string[];
  source: string;
  sarifFile: string;
  stepSummary: boolean;
}

/** Every input the scan step reads, by its action.yml name. */
export const ACTION_INPUT_NAMES = [
  'paths',
  'format',
  'fail-on',
  'fail-on-unknown',
  'baseline',
  'config',
  'policies',
  'check',
  'skip-check',
  'source',
  'sarif-file',
  'step-summary',
] as const;

export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase().replace(/-/g, '_')}`;
}

type Env = Readonly<Record<string, string | undefined>>;

function text(env: Env, name: string): string {
  return (env[inputVariable(name)] ?? '').trim();
}

/** Files and directories, separated by spaces or line breaks (a YAML block scalar lists one a line). */
function list(env: Env, name: string): string[] {
  return text(env, name).split(/\s+/).filter((item) => item !== '');
}

/** Rule ids, globs and pack names, separated by commas, spaces or line breaks. */
function ruleList(env: Env, name: string): string[] {
  return text(env, name).split(/[\s,]+/).filter((item) => item !== '');
}

/** As GitHub's own actions read a boolean input (YAML 1.2 core schema): anything else is a mistake to report. */
function flag(env: Env, name: string, fallback: boolean): boolean {
  const value = text(env, name);
  if (value === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new UserError(`input ${name} must be true or false, not ${oneLine(value, 40)}`);
}

export function readInputs(env: Env): ActionInputs {
  const paths = list(env, 'paths');
  return {
    paths: paths.length > 0 ? paths : ['.'],
    format: text(env, 'format') || 'table',
    failOn: text(env, 'fail-on'),
    failOnUnknown: flag(env, 'fail-on-unknown', false),
    baseline: text(env, 'baseline'),
    config: text(env, 'config'),
    policies: list(env, 'policies'),
    check: ruleList(env, 'check'),
    skipCheck: ruleList(env, 'skip-check'),
    source: text(env, 'source'),
    sarifFile: text(env, 'sarif-file') || 'azfence.sarif',
    stepSummary: flag(env, 'step-summary', true),
  };
}

/**
 * The `azfence scan` command line for these inputs: the log gets `format`, SARIF goes to its file, the
 * Markdown summary to `summaryFile`, all from one run. Values are passed as `--flag=value` and the paths
 * after `--`, so a value that starts with `-` is read as the value or path it is, never as a flag.
 */
export function scanArguments(inputs: ActionInputs, summaryFile: string): string[] {
  const args = ['scan', `--format=${inputs.format}`, `--sarif=${inputs.sarifFile}`, `--markdown=${summaryFile}`];
  if (inputs.failOn) args.push(`--fail-on=${inputs.failOn}`);
  if (inputs.failOnUnknown) args.push('--fail-on-unknown');
  if (inputs.baseline) args.push(`--baseline=${inputs.baseline}`);
  if (inputs.config) args.push(`--config=${inputs.config}`);
  for (const dir of inputs.policies) args.push(`--policies=${dir}`);
  if (inputs.check.length > 0) args.push(`--check=${inputs.check.join(',')}`);
  if (inputs.skipCheck.length > 0) args.push(`--skip-check=${inputs.skipCheck.join(',')}`);
  if (inputs.source) args.push(`--source=${inputs.source}`);
  return [...args, '--', ...inputs.paths];
}
