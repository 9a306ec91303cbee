import type { RuleSetup } from '../config/rule-setup.js';
import { compareFindings } from '../findings/finding.js';
import type { ReadResult } from '../inputs/read-files.js';
import type { Inventory } from '../model/inventory.js';
import type { ReportError, ScanReport } from '../report/scan-report.js';
import { ruleDescriptorOf } from '../report/rule-descriptor.js';
import { nowMs } from '../clock.js';
import { runRulesOnPartials } from './run-partial.js';
import { runRules, type RuleFailure, type RunResult } from './run-rules.js';
import { shapeProblem } from './shape-check.js';
import { withoutTurbofan } from './rules-tiering.js';

/** Evaluates every rule over what was read and assembles the report, before post-processing. */
export function evaluateRules(setup: RuleSetup, read: ReadResult, started: number): ScanReport {
  const partials = read.partials ?? [];
  // A large estate's rules run without TurboFan (see rules-tiering.ts): fewer compiles, the same findings.
  const result = withoutTurbofan(read.inventory.size + partials.length, () =>
    combine(runRules(setup.rules, read.inventory, { parameters: setup.parameters }), partials.length ? runRulesOnPartials(setup.rules, partials, { parameters: setup.parameters }) : undefined),
  );
  const errors = [...read.errors, ...result.failures.map(ruleFailureError), ...misshapenErrors(read.inventory, result.failures)];
  const checksPassed = [...result.passed.values()].reduce((sum, n) => sum + n, 0);
  const { config } = setup;
  return {
    inputs: read.inputs,
    skipped: read.skipped,
    errors,
    rules: setup.rules.map(ruleDescriptorOf),
    config: { ...(config.file ? { file: config.file } : {}), ...(config.failOn ? { failOn: config.failOn } : {}), ...(config.failOnUnknown !== undefined ? { failOnUnknown: config.failOnUnknown } : {}) },
    configuration: setup.configuration,
    findings: result.findings.sort(compareFindings),
    stats: { resources: read.inventory.size + read.inventory.overlays.length, evaluated: result.evaluated, checksPassed, operations: result.operations, durationMs: Math.round(nowMs() - started) },
  };
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

/**
 * Resources no rule selects are still read through links (a subnet's route table, a job's environment):
 * one whose properties cannot be read would be read as empty, so it is an input error like a selected one.
 */
function misshapenErrors(inventory: Inventory, failures: readonly RuleFailure[]): ReportError[] {
  const reported = new Set(failures.map((failure) => `${failure.file}|${failure.resource}`));
  const errors: ReportError[] = [];
  for (const resource of inventory.resources) {
    const problem = shapeProblem(resource);
    if (!problem) continue;
    const name = resource.source.address ?? resource.source.id ?? resource.key;
    if (!reported.has(`${resource.source.file}|${name}`)) errors.push({ file: resource.source.file, message: `${name}: ${problem}` });
  }
  return errors;
}

function ruleFailureError(failure: RuleFailure): ReportError {
  return { file: failure.file, message: `rule ${failure.ruleId} could not evaluate ${failure.resource}: ${failure.problem}` };
}
