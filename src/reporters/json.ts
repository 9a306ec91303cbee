import type { ScanReport } from '../report/scan-report.js';
import { TOOL_VERSION } from '../version.js';
import { jsonText } from './json-text.js';
import { summarize } from './summary.js';

/** The JSON report; its shape is documented by schemas/report.schema.json. */
export function renderJson(report: ScanReport): string {
  const output = {
    version: TOOL_VERSION,
    summary: summarize(report),
    inputs: report.inputs,
    configuration: report.configuration,
    notScanned: report.skipped,
    errors: report.errors,
    findings: report.findings.map((finding) => ({
      ruleId: finding.ruleId,
      title: finding.ruleTitle,
      pack: finding.pack,
      severity: finding.severity,
      status: finding.status,
      message: finding.message,
      resource: finding.resource,
      location: finding.location,
      remediation: finding.remediation,
      evidence: finding.evidence,
      fingerprint: finding.fingerprint,
      ...(finding.planLocation ? { planLocation: finding.planLocation } : {}),
      ...(finding.suppression ? { suppression: finding.suppression } : {}),
      ...(finding.baseline ? { baseline: finding.baseline } : {}),
      ...(finding.writtenBy ? { writtenBy: finding.writtenBy } : {}),
    })),
    ...(report.warnings?.length ? { warnings: report.warnings } : {}),
    ...(report.baseline ? { resolved: report.baseline.resolved } : {}),
    ...(report.shard ? { shard: report.shard } : {}),
  };
  return `${jsonText(output, 2)}\n`;
}
