import { UserError } from './errors.js';
import { discoverInputs, type Replacement } from './inputs/discover.js';
import { readInput, type InputResult } from './inputs/read-input.js';
import { loadRules } from './engine/load-packs.js';
import { repositoryRoot } from './config/repository.js';
import { resolve } from 'node:path';
import type { Rule, Severity } from './engine/rule.js';
import { loadConfig, parametersForRule, validateConfigAgainstRules, type AzfenceConfig } from './config/load-config.js';
import { runRules, type RuleFailure, type RunResult } from './engine/run-rules.js';
import { runRulesOnPartials } from './engine/run-partial.js';
import { shapeProblem } from './engine/shape-check.js';
import { applyOverlays } from './graph/overlays.js';
import { Inventory } from './model/inventory.js';
import { compareFindings, type Finding, type ResolvedFinding } from './findings/finding.js';
import { finishReport, type GateInputs } from './suppressions/finish-report.js';
import { configurationReport, type ConfigurationReport } from './config/changes.js';
import type { ShardReport } from './audit/shard.js';
import { selectionLists, selectRules, type RuleSelectionInput } from './config/rule-selection.js';

export interface ScanOptions {
  paths: readonly string[];
  policyPaths?: readonly string[];
  cwd?: string;
  /** `--config FILE`; otherwise `.azfence.yaml` is looked for beside the scanned paths. */
  configPath?: string;
  /** `--source DIR`: the Terraform root module plan findings are mapped into. */
  sourceDir?: string;
  /** `--baseline FILE`: only findings not in this earlier report fail the gate. */
  baselinePath?: string;
  /** Today, for suppression expiry; tests pin it. */
  now?: Date;
  /** `--check` / `--skip-check`: they replace the configuration's `check:` / `skipCheck:`. */
  selection?: RuleSelectionInput;
  /** Inputs read from elsewhere than the path named: `-` (stdin) and converted binary plans. */
  replacements?: ReadonlyMap<string, Replacement>;
}

export interface InputSummary {
  file: string;
  kind: InputResult['kind'];
  resources: number;
  unmapped: number;
}

/** Everything one run produced: reporters render this and nothing else. */
export interface ScanReport {
  inputs: InputSummary[];
  skipped: Array<{ file: string; reason: string }>;
  /** Files and parts of files that could not be read, and rules that failed: each makes the run exit 2. */
  errors: Array<{ file?: string; line?: number; message: string }>;
  rules: Rule[];
  /** The configuration file used, if any, and the gate settings it holds. */
  config: Pick<AzfenceConfig, 'file' | 'failOn' | 'failOnUnknown'>;
  /** What the configuration changed against the defaults, and the gate applied: every reporter shows it. */
  configuration: ConfigurationReport;
  findings: Finding[];
  /** resources: read into the model; evaluated: at least one check applied; unmapped: types no rule reads. */
  stats: { resources: number; evaluated: number; checksPassed: number; operations: number; durationMs: number };
  /** Problems that do not stop the run (an inline suppression without a reason, an expired suppression): printed on stderr. */
  warnings?: Array<{ file?: string; line?: number; message: string }>;
  /** With `--baseline`: the baseline file, and its open findings this run no longer reports. */
  baseline?: { file: string; absent: number; resolved: ResolvedFinding[] };
  /** `azfence audit --shard K/N`: which part of the estate this report covers, for `azfence merge`. */
  shard?: ShardReport;
}

export function errorText(error: { file?: string; line?: number; message: string }): string {
  return error.file ? `${error.file}${error.line ? `:${error.line}` : ''}: ${error.message}` : error.message;
}

export function toReportError(error: UserError): ScanReport['errors'][number] {
  return { ...(error.file ? { file: error.file } : {}), ...(error.line ? { line: error.line } : {}), message: error.problem };
}

/** Rules, their parameters and the configuration, as a scan or an audit needs them. */
export interface RuleSetup {
  rules: Rule[];
  parameters: Record<string, Record<string, unknown>>;
  config: AzfenceConfig;
  configuration: ConfigurationReport;
}

export function setUpRules(options: { scanPaths: readonly string[]; policyPaths?: readonly string[]; configPath?: string; cwd: string; selection?: RuleSelectionInput }): RuleSetup {
  const { cwd } = options;
  const config = loadConfig({ ...(options.configPath ? { explicitPath: options.configPath } : {}), scanPaths: options.scanPaths, cwd });
  // Packs named by the config come from the repository and must stay in it, file by file.
  const repository = config.file && config.policies.length > 0 ? repositoryRoot(resolve(cwd, config.file)) : undefined;
  const fromConfig = repository ? config.policies.map((path) => ({ path, repository })) : [];
  const { rules: allRules } = loadRules([...fromConfig, ...(options.policyPaths ?? [])], cwd);
  validateConfigAgainstRules(config, allRules);
  const enabled = allRules.filter((rule) => config.rules[rule.id]?.enabled !== false).map((rule) => withSeverity(rule, config.rules[rule.id]?.severity));
  const { rules, notRun } = selectRules(enabled, selectionLists(config, options.selection ?? {}), allRules);
  const parameters = Object.fromEntries(rules.map((rule) => [rule.id, parametersForRule(config, rule.id, rule.parameters)]));
  const configuration = configurationReport(config, allRules, cwd);
  return { rules, parameters, config, configuration: notRun.length ? { ...configuration, rulesNotRun: notRun } : configuration };
}

/** What was read, from files (scan) or from Azure (audit): the evaluation does not care which. */
export interface ReadResult {
  inventory: Inventory;
  inputs: InputSummary[];
  skipped: ScanReport['skipped'];
  errors: ScanReport['errors'];
}

/** Evaluates every rule over what was read and assembles the report. */
/** Milliseconds from hrtime: the performance global would load perf_hooks, a few milliseconds of every small scan. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function evaluate(setup: RuleSetup, read: ReadResult, started: number, gate: GateInputs = { cwd: process.cwd() }): ScanReport {
  // Resources that change other resources are applied first: rules judge the state after apply.
  const partials = applyOverlays(read.inventory);
  const result = combine(runRules(setup.rules, read.inventory, { parameters: setup.parameters }), partials.length ? runRulesOnPartials(setup.rules, partials, { parameters: setup.parameters }) : undefined);
  const errors = [...read.errors, ...result.failures.map(ruleFailureError), ...misshapenErrors(read.inventory, result.failures)];
  const checksPassed = [...result.passed.values()].reduce((sum, n) => sum + n, 0);
  const { config } = setup;
  const report: ScanReport = {
    inputs: read.inputs,
    skipped: read.skipped,
    errors,
    rules: setup.rules,
    config: { ...(config.file ? { file: config.file } : {}), ...(config.failOn ? { failOn: config.failOn } : {}), ...(config.failOnUnknown !== undefined ? { failOnUnknown: config.failOnUnknown } : {}) },
    configuration: setup.configuration,
    findings: result.findings.sort(compareFindings),
    stats: { resources: read.inventory.size + read.inventory.overlays.length, evaluated: result.evaluated, checksPassed, operations: result.operations, durationMs: Math.round(nowMs() - started) },
  };
  // Source mapping, suppressions and the baseline: every caller (scan, audit) gets config suppressions.
  finishReport(report, read, config, gate);
  return report;
}

/** Reads files into one inventory; a broken file is reported and the others still read. */
export function readFiles(paths: readonly string[], cwd: string, replacements?: ReadonlyMap<string, Replacement>): ReadResult {
  const discovery = discoverInputs(paths, cwd, replacements);
  const errors: ScanReport['errors'] = discovery.errors.map(toReportError);
  const inputs: InputSummary[] = [];
  const skipped: ScanReport['skipped'] = [];
  const inventory = new Inventory();
  for (const candidate of discovery.candidates) {
    try {
      const outcome = readInput(candidate);
      if (outcome.status === 'skipped') {
        skipped.push({ file: outcome.file, reason: outcome.reason });
        continue;
      }
      const { input } = outcome;
      // A template or local action read on its own and through a pipeline that includes it is read in its own
      // context both times, so the same key is the same command: counted once.
      for (const resource of input.resources) if (input.kind !== 'pipeline' || !inventory.get(resource.key)) inventory.add(resource);
      if (input.planContext) inventory.plans.set(input.file, input.planContext);
      if (input.overlays) inventory.overlays.push(...input.overlays);
      for (const problem of input.problems) errors.push({ file: input.file, message: problem });
      // A template included by two pipelines has its problems found twice: each is reported once.
      for (const problem of input.locatedProblems ?? []) if (!errors.some((known) => errorText(known) === errorText(problem))) errors.push(problem);
      inputs.push({ file: input.file, kind: input.kind, resources: input.resources.length + (input.overlays?.length ?? 0), unmapped: input.unmapped });
    } catch (error) {
      if (error instanceof UserError) errors.push(toReportError(error));
      else throw error;
    }
  }
  if (discovery.candidates.length === 0 && discovery.errors.length === 0) {
    errors.push({ message: `no Terraform plan, Resource Graph snapshot, Kubernetes manifest or CI pipeline found in ${paths.join(', ')}` });
  }
  return { inventory, inputs, skipped, errors };
}

/**
 * One scan: discover files, read each into resources, evaluate every rule, and collect findings.
 */
export function scan(options: ScanOptions): ScanReport {
  const started = nowMs();
  const cwd = options.cwd ?? process.cwd();
  const setup = setUpRules({
    scanPaths: options.paths,
    ...(options.policyPaths ? { policyPaths: options.policyPaths } : {}),
    ...(options.configPath ? { configPath: options.configPath } : {}),
    ...(options.selection ? { selection: options.selection } : {}),
    cwd,
  });
  const gate: GateInputs = {
    cwd,
    ...(options.sourceDir !== undefined ? { sourceDir: options.sourceDir } : {}),
    ...(options.baselinePath !== undefined ? { baselinePath: options.baselinePath } : {}),
    ...(options.now ? { now: options.now } : {}),
  };
  return evaluate(setup, readFiles(options.paths, cwd, options.replacements), started, gate);
}

function combine(main: RunResult, partial: RunResult | undefined): RunResult {
  if (!partial) return main;
  const passed = new Map(main.passed);
  for (const [rule, count] of partial.passed) passed.set(rule, (passed.get(rule) ?? 0) + count);
  return {
    findings: [...main.findings, ...partial.findings],
    passed,
    failures: [...main.failures, ...partial.failures],
    operations: main.operations + partial.operations,
    evaluated: main.evaluated + partial.evaluated,
  };
}

/** A team may rank a rule differently: the configured severity replaces the rule's and its checks'. */
function withSeverity(rule: Rule, severity: Severity | undefined): Rule {
  if (!severity) return rule;
  return { ...rule, severity, checks: rule.checks.map(({ severity: _ignored, ...check }) => check) };
}

/**
 * Resources no rule selects are still read through links (a subnet's route table, a job's environment):
 * one whose properties cannot be read would be read as empty, so it is an input error like a selected one.
 */
function misshapenErrors(inventory: Inventory, failures: readonly RuleFailure[]): ScanReport['errors'] {
  const reported = new Set(failures.map((failure) => `${failure.file}|${failure.resource}`));
  const errors: ScanReport['errors'] = [];
  for (const resource of inventory.resources) {
    const problem = shapeProblem(resource);
    if (!problem) continue;
    const name = resource.source.address ?? resource.source.id ?? resource.key;
    if (!reported.has(`${resource.source.file}|${name}`)) errors.push({ file: resource.source.file, message: `${name}: ${problem}` });
  }
  return errors;
}

function ruleFailureError(failure: RuleFailure): ScanReport['errors'][number] {
  return { file: failure.file, message: `rule ${failure.ruleId} could not evaluate ${failure.resource}: ${failure.problem}` };
}
