import type { Condition, ComparisonOperator, Operand } from './condition.js';
import { COMPARISON_OPERATORS } from './condition.js';
import { compare, compareRange, describeComparison } from './compare.js';
import { formatFieldPath, hasEach, parseFieldPath, resolveEach, resolveSingle, type PathSegment } from './field-path.js';
import { resolveRest, rootedAt } from './resource-fields.js';
import { evaluateFollow, followSpec } from './follow.js';
import { mergeDetails, negate, type Evaluation, type Evidence, type Verdict } from './verdict.js';
import type { Resource } from '../model/resource.js';
import type { Inventory } from '../model/inventory.js';
import { isPlaceholder, isPlainObject, UNKNOWN, REDACTED } from '../model/values.js';

export interface FunctionContext {
  resource: Resource;
  inventory: Inventory;
  parameters: Readonly<Record<string, unknown>>;
  /** Evaluates a field path of this resource the way conditions do (for functions that read properties). */
  field(path: string): unknown;
}

export type RuleFunction = (context: FunctionContext, args: Readonly<Record<string, unknown>>) => Evaluation;

export interface EvaluationContext {
  /** Conditions read its body and the four view keys (`type`, `name`, `location`, `id`): see rootedAt. */
  resource: Resource;
  inventory: Inventory;
  parameters: Readonly<Record<string, unknown>>;
  functions: ReadonlyMap<string, RuleFunction>;
  /** Counts leaf evaluations, so tests can prove cost grows linearly with the estate. */
  counter: { operations: number };
}

interface Scope {
  prefix: PathSegment[];
  element: unknown;
}

export function evaluateCondition(condition: Condition, context: EvaluationContext): Evaluation {
  return evaluateIn(condition, context, []);
}

function evaluateIn(condition: Condition, context: EvaluationContext, scopes: Scope[]): Evaluation {
  if ('allOf' in condition) return allOf(condition.allOf, context, scopes);
  if ('anyOf' in condition) return anyOf(condition.anyOf, context, scopes);
  if ('not' in condition) {
    const inner = evaluateIn(condition.not, context, scopes);
    return {
      verdict: negate(inner.verdict),
      evidence: inner.evidence.map((item) => ({ ...item, expected: `not (${item.expected})` })),
      ...(inner.details ? { details: inner.details } : {}),
    };
  }
  if ('function' in condition) {
    context.counter.operations++;
    const fn = context.functions.get(condition.function);
    if (!fn) throw new Error(`unknown function "${condition.function}"`);
    const result = fn(functionContext(context, scopes), condition.with ?? {});
    // Functions read the properties as an object: unknown as a whole (a snapshot that projected the column
    // away, a body known only after apply), they read as empty, and no pass can rest on that. A failure is
    // left standing (it only makes the gate stricter), and so is a function's own, more precise unknown.
    const properties = context.resource.body['properties'];
    if (result.verdict === 'pass' && isPlaceholder(properties)) return { verdict: 'unknown', evidence: [{ path: 'properties', actual: properties, expected: 'a decidable value' }] };
    return result;
  }
  if ('follow' in condition) {
    context.counter.operations++;
    // The linked resource is judged on its own: its fields, no `count` member of the resource that links to it.
    return evaluateFollow(followSpec(condition, context.resource.armType), context.resource, context.inventory, (target, where) => evaluateIn(where, { ...context, resource: target }, []));
  }
  if ('count' in condition) return count(condition, context, scopes);
  if ('field' in condition) return fieldLeaf(condition as Condition & { field: string }, context, scopes);
  if ('value' in condition) return valueLeaf(condition as Condition & { value: Operand }, context);
  throw new Error('condition has no recognised key');
}

function allOf(conditions: Condition[], context: EvaluationContext, scopes: Scope[]): Evaluation {
  const results = conditions.map((child) => evaluateIn(child, context, scopes));
  const failed = results.filter((result) => result.verdict === 'fail');
  if (failed.length > 0) return combine('fail', failed);
  const unknown = results.filter((result) => result.verdict === 'unknown');
  if (unknown.length > 0) return combine('unknown', unknown);
  return combine('pass', results);
}

function anyOf(conditions: Condition[], context: EvaluationContext, scopes: Scope[]): Evaluation {
  const results = conditions.map((child) => evaluateIn(child, context, scopes));
  const passed = results.filter((result) => result.verdict === 'pass');
  if (passed.length > 0) return combine('pass', passed);
  const unknown = results.filter((result) => result.verdict === 'unknown');
  if (unknown.length > 0) return combine('unknown', unknown);
  return combine('fail', results);
}

function combine(verdict: Verdict, results: Evaluation[]): Evaluation {
  const evidence: Evidence[] = [];
  // Appended one by one: a [*] leaf over a 1M-member list has 1M evidence items, too many to spread as arguments.
  for (const result of results) for (const item of result.evidence) evidence.push(item);
  const details = mergeDetails(results);
  return details ? { verdict, evidence, details } : { verdict, evidence };
}

function operatorOf(condition: Record<string, unknown>): ComparisonOperator {
  for (const operator of COMPARISON_OPERATORS) if (operator in condition) return operator;
  throw new Error('condition has no operator');
}

function operandValue(operand: unknown, context: EvaluationContext): unknown {
  if (isPlainObject(operand) && typeof operand['parameter'] === 'string') return context.parameters[operand['parameter']];
  return operand;
}

/** Finds the innermost `count` scope a path belongs to, so `where` clauses read the current member. */
function scoped(segments: PathSegment[], context: EvaluationContext, scopes: Scope[]): { root: unknown; rest: readonly PathSegment[] } {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i]!;
    if (startsWith(segments, scope.prefix)) return { root: scope.element, rest: segments.slice(scope.prefix.length) };
  }
  return rootedAt(context.resource, segments);
}

function startsWith(segments: PathSegment[], prefix: PathSegment[]): boolean {
  if (segments.length < prefix.length) return false;
  return prefix.every((segment, i) => {
    const other = segments[i]!;
    if ('each' in segment) return 'each' in other;
    if ('index' in segment) return 'index' in other && other.index === segment.index;
    return 'key' in other && other.key.toLowerCase() === segment.key.toLowerCase();
  });
}

/**
 * A leaf's operator and the text of what it expects, worked out once per condition: a pack's leaves are
 * evaluated for every resource of their types, and the operand is the same each time (a literal, or a
 * parameter whose value is fixed for the run). Kept with the operand it was described for, so a
 * different parameter value is described afresh.
 */
const leafFacts = new WeakMap<object, { operator: ComparisonOperator; operand: unknown; expected: string }>();

function factsOf(condition: Record<string, unknown>, context: EvaluationContext): { operator: ComparisonOperator; operand: unknown; expected: string } {
  const kept = leafFacts.get(condition);
  if (kept && kept.operand === operandValue(condition[kept.operator], context)) return kept;
  const operator = operatorOf(condition);
  const operand = operandValue(condition[operator], context);
  const facts = { operator, operand, expected: describeComparison(operator, operand) };
  leafFacts.set(condition, facts);
  return facts;
}

function fieldLeaf(condition: Record<string, unknown> & { field: string }, context: EvaluationContext, scopes: Scope[]): Evaluation {
  context.counter.operations++;
  const { operator, operand, expected } = factsOf(condition, context);
  const caseSensitive = condition['caseSensitive'] === true;
  const segments = parseFieldPath(condition.field);
  const { root, rest } = scoped(segments, context, scopes);
  if (rest.length === 0) {
    const verdict = compare(root, operator, operand, caseSensitive);
    return { verdict, evidence: [{ path: condition.field, actual: root, expected }] };
  }
  if (!hasEach(rest)) {
    const actual = resolveSingle(root, rest);
    return { verdict: compare(actual, operator, operand, caseSensitive), evidence: [{ path: condition.field, actual, expected }] };
  }
  // As in Azure Policy, a `[*]` leaf holds when every member satisfies it (vacuously for an empty array).
  const members = resolveEach(root, rest);
  if (members === UNKNOWN || members === REDACTED) return { verdict: 'unknown', evidence: [{ path: condition.field, actual: members, expected }] };
  let verdict: Verdict = 'pass';
  const evidence: Evidence[] = [];
  for (const member of members) {
    const result = compare(member, operator, operand, caseSensitive);
    if (result === 'pass') continue;
    if (result === 'fail') verdict = 'fail';
    else if (verdict === 'pass') verdict = 'unknown';
    evidence.push({ path: condition.field, actual: member, expected });
  }
  return { verdict, evidence };
}

function valueLeaf(condition: Record<string, unknown> & { value: Operand }, context: EvaluationContext): Evaluation {
  context.counter.operations++;
  const operator = operatorOf(condition);
  const operand = operandValue(condition[operator], context);
  const actual = operandValue(condition.value, context);
  const verdict = compare(actual, operator, operand, condition['caseSensitive'] === true);
  const path = isPlainObject(condition.value) ? `parameter ${String(condition.value['parameter'])}` : 'value';
  return { verdict, evidence: [{ path, actual, expected: describeComparison(operator, operand) }] };
}

function count(condition: Record<string, unknown> & { count: { field: string; where?: Condition } }, context: EvaluationContext, scopes: Scope[]): Evaluation {
  context.counter.operations++;
  const operator = operatorOf(condition);
  const operand = operandValue(condition[operator], context);
  const segments = parseFieldPath(condition.count.field);
  const { root, rest } = scoped(segments, context, scopes);
  const members = resolveEach(root, rest);
  const described = `count of ${condition.count.field}${condition.count.where ? ' (filtered)' : ''} ${describeComparison(operator, operand)}`;
  if (members === UNKNOWN || members === REDACTED) {
    return { verdict: 'unknown', evidence: [{ path: condition.count.field, actual: members, expected: described }] };
  }
  let min = 0;
  let max = 0;
  const where = condition.count.where;
  const evidence: Evidence[] = [];
  for (const member of members) {
    if (!where) {
      min++;
      max++;
      continue;
    }
    const result = evaluateIn(where, context, [...scopes, { prefix: segments, element: member }]);
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
  return { verdict, evidence: [{ path: condition.count.field, actual: shownCount, expected: described }, ...(verdict === 'unknown' ? evidence : [])] };
}

function functionContext(context: EvaluationContext, scopes: Scope[]): FunctionContext {
  return {
    resource: context.resource,
    inventory: context.inventory,
    parameters: context.parameters,
    field(path: string): unknown {
      const { root, rest } = scoped(parseFieldPath(path), context, scopes);
      return resolveRest(root, rest);
    },
  };
}

export { formatFieldPath };
export { valueAt } from './resource-fields.js';
