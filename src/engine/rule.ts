import type { Condition } from './condition.js';
import type { Dialect } from '../model/resource.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

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
}

export interface Rule {
  id: string;
  title: string;
  pack: string;
  severity: Severity;
  description: string;
  help: string;
  references: string[];
  tags: string[];
  parameters: Record<string, ParameterSpec>;
  remediation: Partial<Record<Dialect, string>>;
  checks: Check[];
  /** Where the rule was defined, for errors and for telling built-in from user rules. */
  origin: { file: string; line: number; builtIn: boolean };
}

export interface RulePack {
  pack: string;
  title: string;
  description: string;
  file: string;
  rules: Rule[];
}
