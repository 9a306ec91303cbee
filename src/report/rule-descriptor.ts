import type { RemediationKey } from '../model/resource.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** A fix, written per dialect (`azurerm`, `arm`, ...), with `{...}` slots a finding fills in. */
export type Remediation = Partial<Record<RemediationKey, string>>;

/** What a report needs of a check: the types it selects and its own fix. Its conditions stay in the engine. */
export interface CheckDescriptor {
  select: { type: readonly string[] };
  remediation?: Remediation;
}

/**
 * A rule as reports show it: its metadata, never its conditions. The engine's Rule satisfies it, so a
 * report can carry the rules it ran without reporters depending on the rule language.
 */
export interface RuleDescriptor {
  id: string;
  title: string;
  pack: string;
  severity: Severity;
  description: string;
  help: string;
  references: readonly string[];
  tags: readonly string[];
  remediation: Remediation;
  checks: readonly CheckDescriptor[];
  /** Where the rule was defined, for telling built-in from user rules. */
  origin: { file: string; line: number; builtIn: boolean };
}

/**
 * The descriptor of a rule, copied field by field: the engine's Rule satisfies RuleDescriptor, but a report
 * built from it would carry its conditions and parameters to every reporter at run time. This one holds
 * metadata only, whatever the rule object held besides.
 */
export function ruleDescriptorOf(rule: RuleDescriptor): RuleDescriptor {
  return {
    id: rule.id,
    title: rule.title,
    pack: rule.pack,
    severity: rule.severity,
    description: rule.description,
    help: rule.help,
    references: [...rule.references],
    tags: [...rule.tags],
    remediation: { ...rule.remediation },
    checks: rule.checks.map((check) => ({ select: { type: [...check.select.type] }, ...(check.remediation ? { remediation: { ...check.remediation } } : {}) })),
    origin: { ...rule.origin },
  };
}

/**
 * Every remediation a rule shows, for documentation: the rule's, then each distinct one a check carries,
 * with the types it is for.
 */
export function remediationsOf(rule: RuleDescriptor): Array<{ types?: string[]; remediation: Remediation }> {
  const own: Array<{ types: string[]; remediation: Remediation; key: string }> = [];
  for (const check of rule.checks) {
    if (!check.remediation) continue;
    const key = JSON.stringify(check.remediation);
    const same = own.find((entry) => entry.key === key);
    if (same) same.types.push(...check.select.type.filter((type) => !same.types.includes(type)));
    else own.push({ types: [...check.select.type], remediation: check.remediation, key });
  }
  return [{ remediation: rule.remediation }, ...own.map(({ types, remediation }) => ({ types, remediation }))];
}
