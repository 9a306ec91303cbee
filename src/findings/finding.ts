import type { Severity } from '../report/rule-descriptor.js';
import type { Dialect, InputKind } from '../model/resource.js';

export type FindingStatus = 'fail' | 'unknown';

/** Evidence as shown to users: the value is already rendered, so no reporter can print more than this. */
export interface ShownEvidence {
  path: string;
  /** The Terraform attribute the ARM path was read from, when the resource came from azurerm. */
  attribute?: string;
  actual: string;
  expected: string;
}

/**
 * Everything a reporter needs, so reporters never reach back into rules or readers.
 */
export interface Finding {
  ruleId: string;
  ruleTitle: string;
  pack: string;
  severity: Severity;
  status: FindingStatus;
  message: string;
  resource: { id: string; type: string; name: string; address?: string };
  location: { file: string; line?: number; column?: number };
  inputKind: InputKind;
  dialect: Dialect;
  remediation: string;
  evidence: ShownEvidence[];
  /** Stable across runs: the identity GitHub code scanning and baselines key on. */
  fingerprint: string;
  /** Which check of the rule produced it (rules can check several things). */
  checkIndex: number;
  /**
   * Plan findings mapped to their .tf source: `location` then names the .tf file and line, and this keeps
   * where the plan itself holds the resource (SARIF shows it as a related location).
   */
  planLocation?: { file: string; line?: number; column?: number };
  /** A suppression that applies: the finding is still reported but never fails the gate. */
  suppression?: FindingSuppression;
  /** With `--baseline`: whether the finding was already in the baseline (only new ones fail the gate). */
  baseline?: 'new' | 'existing';
  /**
   * The resource that wrote what the finding is about onto `resource` (azapi_update_resource, network rules
   * resources...): `location`, the remediation and the evidence's attribute names are the writer's.
   */
  writtenBy?: { address?: string; type?: string };
}

/**
 * A finding an earlier report (the baseline) held open that this run no longer reports in any status: fixed
 * or removed. Only what the earlier report said is known, so most fields are optional.
 */
export interface ResolvedFinding {
  ruleId: string;
  title?: string;
  pack?: string;
  severity?: Severity;
  status: FindingStatus;
  message?: string;
  resource: { id: string; name?: string; type?: string; address?: string };
  location?: { file: string; line?: number };
  fingerprint: string;
}

export interface FindingSuppression {
  /** inSource: a comment in the .tf file or a manifest annotation; external: `.azfence.yaml`. */
  kind: 'inSource' | 'external';
  reason: string;
  /** YYYY-MM-DD, the last day the suppression applies (config suppressions). */
  expires?: string;
  /** Where the suppression is written. */
  file?: string;
  line?: number;
}

export const SEVERITY_ORDER: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1 };

/**
 * Code-unit order, not localeCompare: a report must list findings in the same order on every machine,
 * whatever its locale (and building a collator cost a small scan several milliseconds).
 */
function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity] ||
    (a.status === b.status ? 0 : a.status === 'fail' ? -1 : 1) ||
    ordinal(a.ruleId, b.ruleId) ||
    ordinal(a.location.file, b.location.file) ||
    (a.location.line ?? 0) - (b.location.line ?? 0) ||
    (a.location.column ?? 0) - (b.location.column ?? 0) ||
    ordinal(a.resource.id, b.resource.id) ||
    a.checkIndex - b.checkIndex
  );
}
