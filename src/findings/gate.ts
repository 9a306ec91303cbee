import type { Severity } from '../engine/rule.js';
import { SEVERITY_ORDER, type Finding } from './finding.js';

export type FailOn = Severity | 'none';

export interface GateOptions {
  failOn: FailOn;
  failOnUnknown: boolean;
}

/** Findings that fail the CI gate: failures at or above the threshold, and unknowns only when asked. */
export function gateFailures(findings: readonly Finding[], options: GateOptions): Finding[] {
  if (options.failOn === 'none') return [];
  const threshold = SEVERITY_ORDER[options.failOn];
  return findings.filter((finding) => SEVERITY_ORDER[finding.severity] >= threshold && (finding.status === 'fail' || options.failOnUnknown));
}
