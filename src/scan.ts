import { nowMs } from './clock.js';
import { setUpRules, type RuleSetup } from './config/rule-setup.js';
import type { RuleSelectionInput } from './config/rule-selection.js';
import { evaluateRules } from './engine/evaluate-rules.js';
import type { Replacement } from './inputs/discover.js';
import { readFiles, type ReadResult } from './inputs/read-files.js';
import type { ScanReport } from './report/scan-report.js';
import { postProcess, type PostProcessOptions } from './post-process/post-process.js';

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

/**
 * One scan, in the order every run takes: set up the rules, read the files into one inventory, evaluate
 * every rule over it, then post-process the findings (source mapping, suppressions, baseline). Reporters
 * render the report this returns.
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
  const read = readFiles(options.paths, cwd, options.replacements);
  return evaluateAndPostProcess(setup, read, started, {
    cwd,
    ...(options.sourceDir !== undefined ? { sourceDir: options.sourceDir } : {}),
    ...(options.baselinePath !== undefined ? { baselinePath: options.baselinePath } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}

/** The steps after reading, shared by a scan and an audit: whatever was read is judged the same way. */
export function evaluateAndPostProcess(setup: RuleSetup, read: ReadResult, started: number, postProcessing: PostProcessOptions = { cwd: process.cwd() }): ScanReport {
  const report = evaluateRules(setup, read, started);
  // Every caller (scan, audit) gets source mapping, the configuration's suppressions and the baseline.
  postProcess(report, read, setup.config, postProcessing);
  return report;
}
