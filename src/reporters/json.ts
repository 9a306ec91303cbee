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

/**
 * About how much text one JSON.stringify call should make. V8 builds JSON.stringify's text in a buffer that
 * doubles as it grows, then copies it into the string; past ~100 KB (measured on the 100k bench reports) each
 * call's buffers and result came from fresh pages, and copying and page faults were two thirds of
 * JSON.stringify's time (perf). Below it the same text took under half the CPU.
 */
const PART_CHARACTERS = 48 * 1024;
/** The first batch's size (findings run ~1,400 characters); later batches are sized from the text so far. */
const FIRST_BATCH = 32;
const MAX_BATCH = 1024;

/**
 * The JSON report in parts of some tens of kilobytes, whose concatenation is exactly `JSON.stringify(report,
 * null, 2)`: the members around `findings` are stringified as objects of their own, and the findings a batch
 * at a time, each batch nested two arrays deep so that JSON.stringify itself indents them to the depth they
 * have in the report. A large scan's report is never one string: a million findings make more text than V8
 * can hold in one (~512 MB), and one 30 MB string plus its UTF-8 copy cost more time and memory than the
 * same text written a part at a time. Each batch holds as many findings as make about PART_CHARACTERS of
 * text at the size of the findings before it, so a report of unusually long findings keeps small parts too.
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
  const { findings } = report;
  // `{\n  ...\n}` without its closing line: the findings member follows the head's last one.
  yield escapeLeftRaw(`${JSON.stringify(head, null, 2).slice(0, -2)},\n  "findings": [${findings.length ? '\n    ' : ''}`);
  let size = FIRST_BATCH;
  for (let from = 0; from < findings.length; ) {
    const batch = findings.slice(from, from + size).map(findingOf);
    // `[\n  [\n    {...},\n    {...}\n  ]\n]`: the findings between the inner brackets, already at depth two.
    const text = JSON.stringify([batch], null, 2);
    // Handed on as a slice, not joined to its comma: a joined string is copied whole before it is searched.
    if (from > 0) yield ',\n    ';
    yield escapeLeftRaw(text.slice(10, -6));
    from += batch.length;
    size = Math.max(1, Math.min(MAX_BATCH, Math.floor((batch.length * PART_CHARACTERS) / text.length)));
  }
  // `{\n  "warnings": ...\n}` continues the report after its opening brace.
  const rest = Object.keys(tail).length ? `,${JSON.stringify(tail, null, 2).slice(1)}\n` : '\n}\n';
  yield escapeLeftRaw(`${findings.length ? '\n  ]' : ']'}${rest}`);
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
