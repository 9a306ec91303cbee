import type { ResolvedFinding, Finding } from '../findings/finding.js';
import type { InputKind } from '../model/resource.js';
import type { ConfigurationReport, FailOn } from './configuration.js';
import type { RuleDescriptor } from './rule-descriptor.js';

export interface InputSummary {
  file: string;
  kind: InputKind;
  resources: number;
  unmapped: number;
  /** What the input runs that the scan could not read (a pipeline's actions from other repositories): not checked. */
  unread?: string[];
}

/** A file or part of one that could not be read, or a rule that failed: each makes the run exit 2. */
export interface ReportError {
  file?: string;
  line?: number;
  message: string;
}

/** What every shard of one split agrees on: each subscription, its resource count, and the shard it is in. */
export interface ShardAssignment {
  subscription: string;
  resources: number;
  shard: number;
}

/** Written into a shard's JSON report so that `azfence merge` can check the shards cover the estate once. */
export interface ShardReport {
  index: number;
  count: number;
  /** The subscriptions this shard audited (and reports findings for). */
  subscriptions: string[];
  /** The whole split, as this shard computed it: every shard of one split must hold the same. */
  plan: ShardAssignment[];
  /** Resources read from other shards' subscriptions only to follow links (never judged here). */
  linkedResources: number;
}

/** Everything one run produced: reporters render this and nothing else. */
export interface ScanReport {
  inputs: InputSummary[];
  skipped: Array<{ file: string; reason: string }>;
  /** Files and parts of files that could not be read, and rules that failed: each makes the run exit 2. */
  errors: ReportError[];
  /** The rules that ran, as reports describe them (no conditions). */
  rules: RuleDescriptor[];
  /** The configuration file used, if any, and the gate settings it holds. */
  config: { file?: string; failOn?: FailOn; failOnUnknown?: boolean };
  /** What the configuration changed against the defaults, and the gate applied: every reporter shows it. */
  configuration: ConfigurationReport;
  findings: Finding[];
  /** resources: read into the model; evaluated: at least one check applied; unmapped: types no rule reads. */
  stats: { resources: number; evaluated: number; checksPassed: number; operations: number; durationMs: number };
  /** Problems that do not stop the run (an inline suppression without a reason, an expired suppression): printed on stderr. */
  warnings?: ReportError[];
  /** With `--baseline`: the baseline file, and its open findings this run no longer reports. */
  baseline?: { file: string; absent: number; resolved: ResolvedFinding[] };
  /** `azfence audit --shard K/N`: which part of the estate this report covers, for `azfence merge`. */
  shard?: ShardReport;
}

export function errorText(error: ReportError): string {
  return error.file ? `${error.file}${error.line ? `:${error.line}` : ''}: ${error.message}` : error.message;
}
