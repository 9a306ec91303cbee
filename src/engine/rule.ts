import type { Condition } from './condition.js';
import type { Remediation, RuleDescriptor, Severity } from '../report/rule-descriptor.js';

// Severities belong to the report (reporters rank by them); the rule language uses the same ones.
export { SEVERITIES, type Severity } from '../report/rule-descriptor.js';

export interface ParameterSpec {
  type: 'string' | 'number' | 'boolean' | 'array' | 'object';
  default?: unknown;
  description: string;
  allowedValues?: unknown[];
}

export interface MessageVariant {
  when: Condition;
  text: string;
}

/** One thing a rule checks on one set of resource types. */
export interface Check {
  select: { type: string[]; where?: Condition };
  assert: Condition;
  message: string;
  messages?: MessageVariant[];
  severity?: Severity;
  /** The fix for the types this check selects, where the rule's does not fit them (per input, over the rule's). */
  remediation?: Remediation;
}

/** Input that fails or passes a rule, for its doc page. */
export interface RuleExample {
  verdict: 'fail' | 'pass';
  title: string;
  language: 'hcl' | 'json' | 'yaml';
  code: string;
}

/** A rule as the engine runs it: what reports show (RuleDescriptor), plus its parameters and conditions. */
export interface Rule extends RuleDescriptor {
  references: string[];
  examples?: RuleExample[];
  tags: string[];
  parameters: Record<string, ParameterSpec>;
  checks: Check[];
}

export interface RulePack {
  pack: string;
  title: string;
  description: string;
  file: string;
  rules: Rule[];
}

/** The remediation templates findings of a check are shown with: the check's own, over the rule's. */
export function remediationFor(rule: Rule, check: Check): Remediation {
  if (!check.remediation) return rule.remediation;
  // Merged once per check and rule, not again for each of its findings (callers only read it).
  let byRule = mergedRemediations.get(check);
  if (!byRule) mergedRemediations.set(check, (byRule = new WeakMap()));
  let merged = byRule.get(rule);
  if (!merged) byRule.set(rule, (merged = { ...rule.remediation, ...check.remediation }));
  return merged;
}

const mergedRemediations = new WeakMap<Check, WeakMap<Rule, Remediation>>();
