import type { RuleFunction } from '../engine/evaluate.js';

/** One argument a check takes in a pack's `with:` block. */
export interface CheckArgument {
  type: 'string' | 'array';
  required: boolean;
  description: string;
}

/**
 * A function-backed check: everything a pack, the loader and the audit need to know about it, in the one
 * module that evaluates it. The registry (./registry.ts) collects these; nothing else names a check.
 */
export interface CheckDefinition {
  /** What a pack writes after `function:`. */
  name: string;
  /**
   * ARM types (lower-case) the evaluation reads besides the resource it judges: the audit asks Resource
   * Graph for them, or the check would turn unknown for want of data Azure has.
   */
  reads: readonly string[];
  /** The facts its evaluation names for messages and remediation (`{detail:key}`). */
  details: readonly string[];
  /** Its `with:` arguments; a key not listed here is refused when the pack loads. */
  arguments?: Readonly<Record<string, CheckArgument>>;
  evaluate: RuleFunction;
}

/** Identity at run time; at compile time it holds each check module to the contract above. */
export function defineCheck(definition: CheckDefinition): CheckDefinition {
  return definition;
}
