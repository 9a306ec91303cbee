import { SEVERITY_ORDER, type Finding } from '../findings/finding.js';
import type { FailOn } from './configuration.js';

export interface GateOptions {
  failOn: FailOn;
  failOnUnknown: boolean;
}

/**
 * Findings that fail the CI gate: failures at or above the threshold, and unknowns only when asked.
 * Suppressed findings and findings already in the baseline are reported but never fail it.
 */
export function gateFailures(findings: readonly Finding[], options: GateOptions): Finding[] {
  if (options.failOn === 'none') return [];
  const threshold = SEVERITY_ORDER[options.failOn];
  return findings.filter(
    (finding) =>
      !finding.suppression && finding.baseline !== 'existing' && SEVERITY_ORDER[finding.severity] >= threshold && (finding.status === 'fail' || options.failOnUnknown),
  );
}
