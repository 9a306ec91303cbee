import type { AzfenceConfig } from '../config/config.js';
import { applyBaseline, baselineWarnings, readBaseline } from './baseline.js';
import { compareFindings, type Finding } from '../findings/finding.js';
import { resourceId } from '../model/resource.js';
import { isPlainObject } from '../model/values.js';
import type { ReadResult } from '../inputs/read-files.js';
import type { ScanReport } from '../report/scan-report.js';
import { mapFindingsToSource } from './map-to-source.js';
import { applySuppressions } from './apply-suppressions.js';

/** What post-processing needs besides the report: where findings are written, what is accepted, and what is new. */
export interface PostProcessOptions {
  cwd: string;
  /** `--source DIR`; by default each plan's own directory when it holds .tf files. */
  sourceDir?: string;
  /** `--baseline FILE`: an earlier azfence JSON or SARIF report. */
  baselinePath?: string;
  /** Today, for suppression expiry (tests pin it). */
  now?: Date;
}

/**
 * Runs after evaluation, in this order because each step needs the one before: map plan findings to
 * their .tf lines (inline suppressions are comments on those lines), apply suppressions, then compare
 * with the baseline. Mutates the report's findings and adds warnings.
 */
export function postProcess(report: ScanReport, read: ReadResult, config: Pick<AzfenceConfig, 'file' | 'suppressions'>, options: PostProcessOptions): void {
  const baseline = options.baselinePath !== undefined ? readBaseline(options.baselinePath, options.cwd) : undefined;
  const { mapped, warnings } = mapFindingsToSource(report.findings, read.inventory.plans, { cwd: options.cwd, ...(options.sourceDir !== undefined ? { sourceDir: options.sourceDir } : {}) });

  // Findings name their resource by id and file; manifests' annotations live in the resource body.
  // Only bodies with metadata carry annotations (manifests, kubernetes_* plan resources): indexing every
  // resource of a large estate by a string key cost more than the rest of the suppression pass.
  const annotated = new Map(read.inventory.resources.filter((resource) => isPlainObject(resource.body['metadata'])).map((resource) => [`${resource.source.file}#${resourceId(resource)}`, resource] as const));
  const bodyOf = (finding: Finding) => (annotated.size === 0 ? undefined : annotated.get(`${finding.planLocation?.file ?? finding.location.file}#${finding.resource.id}`)?.body);
  // Pipeline readers keep the suppression comments beside each command, by the same key.
  const commented = new Map(read.inventory.resources.filter((resource) => resource.source.directives).map((resource) => [`${resource.source.file}#${resourceId(resource)}`, resource.source.directives] as const));
  const commentsOf = (finding: Finding) => (commented.size === 0 ? undefined : commented.get(`${finding.location.file}#${finding.resource.id}`));
  warnings.push(...applySuppressions(report.findings, { mapped, bodyOf, commentsOf, config, now: options.now ?? new Date() }));

  if (baseline) {
    const { absent, resolved } = applyBaseline(report.findings, baseline);
    report.baseline = { file: baseline.file, absent, resolved };
    warnings.push(...baselineWarnings(baseline));
  }
  report.findings.sort(compareFindings);
  report.warnings = [...(report.warnings ?? []), ...warnings];
}
