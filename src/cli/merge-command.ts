import { mergeReports } from '../merge/merge-reports.js';
import type { Io } from './io.js';
import { emitReport, normalizeReportFlags, outputTargets, type ReportFlags } from './output-files.js';
import { checkOutputTargets } from '../write-output.js';

/** Merge options as commander parsed them (program.ts declares them). */
interface MergeFlags extends ReportFlags {
  baseline?: string;
  config?: string;
  policies?: string[];
}

export function mergeCommand(paths: string[], options: Record<string, unknown>, io: Io): number {
  const values = options as MergeFlags;
  const flags = normalizeReportFlags(values);
  checkOutputTargets(outputTargets(flags), io.cwd);
  const report = mergeReports({
    paths,
    cwd: io.cwd,
    policyPaths: values.policies ?? [],
    ...(values.config !== undefined ? { configPath: values.config } : {}),
    ...(values.baseline !== undefined ? { baselinePath: values.baseline } : {}),
  });
  return emitReport(report, flags, io);
}
