import type { ScanReport } from '../report/scan-report.js';
import type { Finding } from '../findings/finding.js';
import { TOOL_VERSION } from '../version.js';
import { escapeLeftRaw } from './json-text.js';
import { summarize } from './summary.js';

/** The JSON report; its shape is documented by schemas/report.schema.json. */
export function renderJson(report: ScanReport): string {
  let text = '';
  for (const part of renderJsonParts(report)) text += part;
  return text;
}

/** Parts are handed on once they reach this many characters. */
const PART_CHARACTERS = 1 << 20;

/**
 * The JSON report in parts of about a megabyte, whose concatenation is exactly `JSON.stringify(report, null,
 * 2)`: the members around `findings` are stringified as objects of their own and each finding on its own,
 * indented to its depth. A large scan's report is never one string: a million findings make more text than
 * V8 can hold in one (~512 MB), and one 30 MB string plus its UTF-8 copy cost more time and memory than the
 * same text written a megabyte at a time.
 */
export function* renderJsonParts(report: ScanReport): Generator<string> {
  const head = {
    version: TOOL_VERSION,
    summary: summarize(report),
    inputs: report.inputs,
    configuration: report.configuration,
    notScanned: report.skipped,
    errors: report.errors,
  };
  const tail = {
    ...(report.warnings?.length ? { warnings: report.warnings } : {}),
    ...(report.baseline ? { resolved: report.baseline.resolved } : {}),
    ...(report.shard ? { shard: report.shard } : {}),
  };
  // `{\n  ...\n}` without its closing line: the findings member follows the head's last one.
  let part = `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "findings": [`;
  const { findings } = report;
  for (let i = 0; i < findings.length; i++) {
    // A finding sits two levels deep: every line of its own text is indented by four more spaces. Newlines
    // inside strings are escaped, so each one in the text is a line break.
    part += `${i === 0 ? '\n    ' : ',\n    '}${JSON.stringify(findingOf(findings[i]!), null, 2).replaceAll('\n', '\n    ')}`;
    if (part.length >= PART_CHARACTERS) {
      yield escapeLeftRaw(part);
      part = '';
    }
  }
  part += findings.length ? '\n  ]' : ']';
  // `{\n  "warnings": ...\n}` continues the report after its opening brace.
  part += Object.keys(tail).length ? `,${JSON.stringify(tail, null, 2).slice(1)}\n` : '\n}\n';
  yield escapeLeftRaw(part);
}

function findingOf(finding: Finding): Record<string, unknown> {
  return {
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
  };
}
