/**
 * Evaluation is tri-state: a value known only after apply makes a check `unknown`, never a silent pass.
 * Combination follows Kleene's three-valued logic.
 */
export type Verdict = 'pass' | 'fail' | 'unknown';

/** What a verdict rests on: the property looked at, what it held, and what the rule wanted. */
export interface Evidence {
  path: string;
  actual: unknown;
  expected: string;
  /**
   * An unknown a rule function decided (a resource not in the scan, a link it could not follow): the
   * message says why, so the evidence does not claim a reason of its own for the value it could not read.
   */
  unknownExplained?: boolean;
}

export interface Evaluation {
  verdict: Verdict;
  evidence: Evidence[];
  /** Named facts a function found, for the rule's message template, e.g. { missingZones: '...' }. */
  details?: Record<string, string>;
}

export const PASS: Evaluation = Object.freeze({ verdict: 'pass', evidence: [] }) as Evaluation;

export function negate(verdict: Verdict): Verdict {
  return verdict === 'pass' ? 'fail' : verdict === 'fail' ? 'pass' : 'unknown';
}

export function mergeDetails(evaluations: readonly Evaluation[]): Record<string, string> | undefined {
  let merged: Record<string, string> | undefined;
  for (const evaluation of evaluations) {
    if (evaluation.details) merged = { ...(merged ?? {}), ...evaluation.details };
  }
  return merged;
}
