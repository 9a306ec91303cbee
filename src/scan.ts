import { UserError } from './errors.js';
import { discoverInputs } from './inputs/discover.js';
import { readInput, type InputResult } from './inputs/read-input.js';
import { loadRules } from './engine/load-packs.js';
import type { Rule } from './engine/rule.js';
import { runRules, type RuleFailure } from './engine/run-rules.js';
import { Inventory } from './model/inventory.js';
import { compareFindings, type Finding } from './findings/finding.js';

export interface ScanOptions {
  paths: readonly string[];
  policyPaths?: readonly string[];
  cwd?: string;
  parameters?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
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
  findings: Finding[];
  /** resources: read into the model; evaluated: at least one check applied; unmapped: types no rule reads. */
  stats: { resources: number; evaluated: number; checksPassed: number; operations: number; durationMs: number };
}

export function errorText(error: { file?: string; line?: number; message: string }): string {
  return error.file ? `${error.file}${error.line ? `:${error.line}` : ''}: ${error.message}` : error.message;
}

export function toReportError(error: UserError): ScanReport['errors'][number] {
  return { ...(error.file ? { file: error.file } : {}), ...(error.line ? { line: error.line } : {}), message: error.problem };
}

/**
 * One scan: discover files, read each into resources (a broken file is reported and the others still
 * scanned), evaluate every rule, and collect findings.
 */
export function scan(options: ScanOptions): ScanReport {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const { rules } = loadRules(options.policyPaths ?? [], cwd);
  const discovery = discoverInputs(options.paths, cwd);
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
      for (const resource of input.resources) inventory.add(resource);
      for (const problem of input.problems) errors.push({ file: input.file, message: problem });
      inputs.push({ file: input.file, kind: input.kind, resources: input.resources.length, unmapped: input.unmapped });
    } catch (error) {
      if (error instanceof UserError) errors.push(toReportError(error));
      else throw error;
    }
  }
  if (discovery.candidates.length === 0 && discovery.errors.length === 0) {
    errors.push({ message: `no Terraform plan or Resource Graph snapshot found in ${options.paths.join(', ')}` });
  }
  const result = runRules(rules, inventory, options.parameters ? { parameters: options.parameters } : {});
  for (const failure of result.failures) errors.push(ruleFailureError(failure));
  const checksPassed = [...result.passed.values()].reduce((sum, n) => sum + n, 0);
  return {
    inputs,
    skipped,
    errors,
    rules,
    findings: result.findings.sort(compareFindings),
    stats: { resources: inventory.size, evaluated: result.evaluated, checksPassed, operations: result.operations, durationMs: Math.round(performance.now() - started) },
  };
}

function ruleFailureError(failure: RuleFailure): ScanReport['errors'][number] {
  return { file: failure.file, message: `rule ${failure.ruleId} could not evaluate ${failure.resource}: ${failure.problem}` };
}
