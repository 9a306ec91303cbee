import type { Condition, ComparisonOperator, Operand } from './condition.js';
import { COMPARISON_OPERATORS } from './condition.js';
import { compare, compareRange, describeComparison } from './compare.js';
import { hasEach, parseFieldPath, resolveEach, resolveSingle, type PathSegment } from './field-path.js';
import { rootPlan, rootOf, type RootPlan } from './resource-fields.js';
import type { Evaluation, Evidence, Verdict } from './verdict.js';
import { isPlainObject, UNKNOWN, REDACTED } from '../model/values.js';
import { scoped, type CompiledCondition, type EvaluationContext, type Scope } from './evaluation-context.js';

/**
 * The leaves of a compiled condition: a field or a value compared with an operand, and a `count` of array
 * members. Each works out its operator, operand and path once; see CompiledCondition for its two ways of
 * being evaluated.
 */
function operatorOf(condition: Record<string, unknown>): ComparisonOperator | undefined {
  for (const operator of COMPARISON_OPERATORS) if (operator in condition) return operator;
  return undefined;
}

/** A comparison's operand: a literal, or the name of a parameter whose value is fixed for the run. */
class OperandOf {
  private readonly parameter: string | undefined;
  private readonly literal: unknown;
  constructor(operand: unknown) {
    this.parameter = isPlainObject(operand) && typeof operand['parameter'] === 'string' ? operand['parameter'] : undefined;
    this.literal = operand;
  }
  value(context: EvaluationContext): unknown {
    return this.parameter === undefined ? this.literal : context.parameters[this.parameter];
  }
}

/** A leaf's operator and operand, and the words for what it expects, worked out again only for another operand. */
class Comparison {
  readonly operator: ComparisonOperator | undefined;
  private readonly operand: OperandOf | undefined;
  private describedFor: unknown;
  private described: string | undefined;
  constructor(condition: Record<string, unknown>) {
    this.operator = operatorOf(condition);
    this.operand = this.operator ? new OperandOf(condition[this.operator]) : undefined;
  }
  /** The operator, or the error a leaf without one has always raised. */
  checkedOperator(): ComparisonOperator {
    if (!this.operator) throw new Error('condition has no operator');
    return this.operator;
  }
  operandValue(context: EvaluationContext): unknown {
    return this.operand!.value(context);
  }
  expected(operand: unknown): string {
    if (this.described === undefined || this.describedFor !== operand) {
      this.described = describeComparison(this.operator!, operand);
      this.describedFor = operand;
    }
    return this.described;
  }
}

/** A field path read from a resource, or from the current member of an enclosing `count`. */
class FieldPath {
  private segments: PathSegment[] | undefined;
  private plan: RootPlan | undefined;
  private each = false;
  constructor(readonly path: string) {}
  /** Parsed on first use: a path that does not parse throws each time it is evaluated, as it always did. */
  parsed(): PathSegment[] {
    if (!this.segments) {
      const segments = parseFieldPath(this.path);
      this.plan = rootPlan(segments);
      this.each = hasEach(this.plan.rest);
      this.segments = segments;
    }
    return this.segments;
  }
  /** Where the path starts and what is left of it, without allocating outside a `count`. */
  root(context: EvaluationContext, scopes: readonly Scope[]): unknown {
    const segments = this.parsed();
    if (scopes.length === 0) {
      this.restNow = this.plan!.rest;
      this.eachNow = this.each;
      return rootOf(context.resource, this.plan!);
    }
    const { root, rest } = scoped(segments, context, scopes);
    this.restNow = rest;
    this.eachNow = hasEach(rest);
    return root;
  }
  /** Set by root(): the rest of the path from that root, and whether it visits members. */
  restNow: readonly PathSegment[] = [];
  eachNow = false;
}

export class FieldLeaf implements CompiledCondition {
  private readonly comparison: Comparison;
  private readonly path: FieldPath;
  private readonly caseSensitive: boolean;
  constructor(condition: Record<string, unknown> & { field: string }) {
    this.comparison = new Comparison(condition);
    this.path = new FieldPath(condition.field);
    this.caseSensitive = condition['caseSensitive'] === true;
  }
  evaluate(context: EvaluationContext, scopes: readonly Scope[]): Evaluation {
    context.counter.operations++;
    const operator = this.comparison.checkedOperator();
    const operand = this.comparison.operandValue(context);
    const expected = this.comparison.expected(operand);
    const caseSensitive = this.caseSensitive;
    const path = this.path.path;
    const root = this.path.root(context, scopes);
    const rest = this.path.restNow;
    if (rest.length === 0) {
      const verdict = compare(root, operator, operand, caseSensitive);
      return { verdict, evidence: [{ path, actual: root, expected }] };
    }
    if (!this.path.eachNow) {
      const actual = resolveSingle(root, rest);
      return { verdict: compare(actual, operator, operand, caseSensitive), evidence: [{ path, actual, expected }] };
    }
    // As in Azure Policy, a `[*]` leaf holds when every member satisfies it (vacuously for an empty array).
    const members = resolveEach(root, rest);
    if (members === UNKNOWN || members === REDACTED) return { verdict: 'unknown', evidence: [{ path, actual: members, expected }] };
    let verdict: Verdict = 'pass';
    const evidence: Evidence[] = [];
    for (const member of members) {
      const result = compare(member, operator, operand, caseSensitive);
      if (result === 'pass') continue;
      if (result === 'fail') verdict = 'fail';
      else if (verdict === 'pass') verdict = 'unknown';
      evidence.push({ path, actual: member, expected });
    }
    return { verdict, evidence };
  }
  /** What this leaf says it expects, as its evidence says it (see whereWordsFor). */
  expectedText(context: EvaluationContext): string {
    return this.comparison.expected(this.comparison.operandValue(context));
  }
  verdict(context: EvaluationContext, scopes: readonly Scope[]): Verdict {
    context.counter.operations++;
    const operator = this.comparison.checkedOperator();
    const operand = this.comparison.operandValue(context);
    const caseSensitive = this.caseSensitive;
    const root = this.path.root(context, scopes);
    const rest = this.path.restNow;
    if (rest.length === 0) return compare(root, operator, operand, caseSensitive);
    if (!this.path.eachNow) return compare(resolveSingle(root, rest), operator, operand, caseSensitive);
    const members = resolveEach(root, rest);
    if (members === UNKNOWN || members === REDACTED) return 'unknown';
    let verdict: Verdict = 'pass';
    for (const member of members) {
      const result = compare(member, operator, operand, caseSensitive);
      if (result === 'fail') return 'fail';
      if (result === 'unknown') verdict = 'unknown';
    }
    return verdict;
  }
}

export class ValueLeaf implements CompiledCondition {
  private readonly comparison: Comparison;
  private readonly value: OperandOf;
  private readonly caseSensitive: boolean;
  private readonly path: string;
  constructor(condition: Record<string, unknown> & { value: Operand }) {
    this.comparison = new Comparison(condition);
    this.value = new OperandOf(condition.value);
    this.caseSensitive = condition['caseSensitive'] === true;
    this.path = isPlainObject(condition.value) ? `parameter ${String(condition.value['parameter'])}` : 'value';
  }
  evaluate(context: EvaluationContext): Evaluation {
    context.counter.operations++;
    const operator = this.comparison.checkedOperator();
    const operand = this.comparison.operandValue(context);
    const actual = this.value.value(context);
    const verdict = compare(actual, operator, operand, this.caseSensitive);
    return { verdict, evidence: [{ path: this.path, actual, expected: this.comparison.expected(operand) }] };
  }
  /** What this leaf says it expects, as its evidence says it (see whereWordsFor). */
  expectedText(context: EvaluationContext): string {
    return this.comparison.expected(this.comparison.operandValue(context));
  }
  verdict(context: EvaluationContext): Verdict {
    context.counter.operations++;
    const operator = this.comparison.checkedOperator();
    return compare(this.value.value(context), operator, this.comparison.operandValue(context), this.caseSensitive);
  }
}

export class Count implements CompiledCondition {
  private readonly comparison: Comparison;
  private readonly path: FieldPath;
  private readonly where: CompiledCondition | undefined;
  private readonly filtered: string;
  private describedFor: unknown;
  private described: string | undefined;
  constructor(condition: Record<string, unknown> & { count: { field: string; where?: Condition } }, where: CompiledCondition | undefined) {
    this.comparison = new Comparison(condition);
    this.path = new FieldPath(condition.count.field);
    this.where = where;
    this.filtered = condition.count.where ? ' (filtered)' : '';
  }
  private expected(operand: unknown): string {
    if (this.described === undefined || this.describedFor !== operand) {
      this.described = `count of ${this.path.path}${this.filtered} ${describeComparison(this.comparison.operator!, operand)}`;
      this.describedFor = operand;
    }
    return this.described;
  }
  private members(context: EvaluationContext, scopes: readonly Scope[]): unknown[] | typeof UNKNOWN | typeof REDACTED {
    const root = this.path.root(context, scopes);
    return resolveEach(root, this.path.restNow);
  }
  evaluate(context: EvaluationContext, scopes: readonly Scope[]): Evaluation {
    context.counter.operations++;
    const operator = this.comparison.checkedOperator();
    const operand = this.comparison.operandValue(context);
    const segments = this.path.parsed();
    const members = this.members(context, scopes);
    const described = this.expected(operand);
    const field = this.path.path;
    if (members === UNKNOWN || members === REDACTED) return { verdict: 'unknown', evidence: [{ path: field, actual: members, expected: described }] };
    let min = 0;
    let max = 0;
    const where = this.where;
    const evidence: Evidence[] = [];
    for (const member of members) {
      if (!where) {
        min++;
        max++;
        continue;
      }
      const result = where.evaluate(context, [...scopes, { prefix: segments, element: member }]);
      if (result.verdict === 'pass') {
        min++;
        max++;
      } else if (result.verdict === 'unknown') {
        max++;
        for (const item of result.evidence) evidence.push(item); // not a spread: see combine()
      }
    }
    const verdict = compareRange(min, max, operator, operand);
    const shownCount = min === max ? min : `${min}..${max}`;
    return { verdict, evidence: [{ path: field, actual: shownCount, expected: described }, ...(verdict === 'unknown' ? evidence : [])] };
  }
  verdict(context: EvaluationContext, scopes: readonly Scope[]): Verdict {
    context.counter.operations++;
    const operator = this.comparison.checkedOperator();
    const operand = this.comparison.operandValue(context);
    const segments = this.path.parsed();
    const members = this.members(context, scopes);
    if (members === UNKNOWN || members === REDACTED) return 'unknown';
    const where = this.where;
    if (!where) return compareRange(members.length, members.length, operator, operand);
    let min = 0;
    let max = 0;
    for (const member of members) {
      const verdict = where.verdict(context, [...scopes, { prefix: segments, element: member }]);
      if (verdict === 'pass') {
        min++;
        max++;
      } else if (verdict === 'unknown') max++;
    }
    return compareRange(min, max, operator, operand);
  }
}
