import type { Condition, Operand } from './condition.js';
import { formatFieldPath } from './field-path.js';
import { evaluateFollow, followSpec, type FollowSpec } from './follow.js';
import { mergeDetails, negate, type Evaluation, type Evidence, type Verdict } from './verdict.js';
import { isPlaceholder } from '../model/values.js';
import { Count, FieldLeaf, ValueLeaf } from './compiled-leaves.js';
import { functionContext, NO_SCOPES, type CompiledCondition, type EvaluationContext, type Scope } from './evaluation-context.js';

export type { CompiledCondition, EvaluationContext, FunctionContext, FunctionTape, RuleFunction } from './evaluation-context.js';
export { NO_SCOPES } from './evaluation-context.js';

/**
 * Evaluates a rule's conditions (the language of ./condition.ts) on one resource. Each condition is compiled
 * once into a tree of small evaluators (./compiled-leaves.ts for the leaves); runRules asks a tree for the
 * verdict alone and, only where it is not a pass, for the evidence a finding shows.
 */
export function evaluateCondition(condition: Condition, context: EvaluationContext): Evaluation {
  return compileCondition(condition).evaluate(context, NO_SCOPES);
}

/** The verdict alone, as evaluateCondition(...).verdict gives it, with the same operations counted. */
export function conditionVerdict(condition: Condition, context: EvaluationContext): Verdict {
  return compileCondition(condition).verdict(context, NO_SCOPES);
}

/** Pack conditions are not changed once loaded: each is compiled the first time it is evaluated. */
const compiledConditions = new WeakMap<object, CompiledCondition>();

export function compileCondition(condition: Condition): CompiledCondition {
  if (typeof condition !== 'object' || condition === null) return new Unrecognised(condition);
  let compiled = compiledConditions.get(condition);
  if (!compiled) {
    compiled = compile(condition);
    compiledConditions.set(condition, compiled);
  }
  return compiled;
}

function compile(condition: Condition): CompiledCondition {
  try {
    return compileKeys(condition);
  } catch (error) {
    // A malformed condition (the pack loader refuses them) fails each resource it is evaluated on, as it always did.
    return new Throws(error);
  }
}

class Throws implements CompiledCondition {
  constructor(private readonly error: unknown) {}
  evaluate(): Evaluation {
    throw this.error;
  }
  verdict(): Verdict {
    throw this.error;
  }
}

function compileKeys(condition: Condition): CompiledCondition {
  if ('allOf' in condition) return new Combination(condition.allOf.map(compileCondition), 'fail');
  if ('anyOf' in condition) return new Combination(condition.anyOf.map(compileCondition), 'pass');
  if ('not' in condition) return new Not(compileCondition(condition.not));
  if ('function' in condition) return new FunctionLeaf(condition.function, condition.with ?? {});
  if ('follow' in condition) return new Follow(condition);
  if ('count' in condition) {
    const counted = condition as Condition & { count: { field: string; where?: Condition } };
    return new Count(counted, counted.count.where ? compileCondition(counted.count.where) : undefined);
  }
  if ('field' in condition) return new FieldLeaf(condition as Condition & { field: string });
  if ('value' in condition) return new ValueLeaf(condition as Condition & { value: Operand });
  return new Unrecognised(condition);
}

class Unrecognised implements CompiledCondition {
  constructor(private readonly condition: unknown) {}
  evaluate(): Evaluation {
    // One that is not an object throws what looking for its keys throws (a TypeError), as it always did.
    if (typeof this.condition !== 'object' || this.condition === null) void ('allOf' in (this.condition as object));
    throw new Error('condition has no recognised key');
  }
  verdict(): Verdict {
    return this.evaluate().verdict;
  }
}

/**
 * allOf and anyOf are one combination seen from opposite sides: one child with the deciding verdict decides
 * it (fail for allOf, pass for anyOf), else any unknown child makes it unknown, else it takes the other verdict.
 */
class Combination implements CompiledCondition {
  constructor(
    private readonly children: readonly CompiledCondition[],
    private readonly deciding: 'fail' | 'pass',
  ) {}
  evaluate(context: EvaluationContext, scopes: readonly Scope[]): Evaluation {
    const results = this.children.map((child) => child.evaluate(context, scopes));
    const decided = results.filter((result) => result.verdict === this.deciding);
    if (decided.length > 0) return combine(this.deciding, decided);
    const unknown = results.filter((result) => result.verdict === 'unknown');
    if (unknown.length > 0) return combine('unknown', unknown);
    return combine(this.deciding === 'fail' ? 'pass' : 'fail', results);
  }
  verdict(context: EvaluationContext, scopes: readonly Scope[]): Verdict {
    // Every child is evaluated, as evaluate does: the operations counted and the functions called are the same.
    let decided = false;
    let unknown = false;
    for (const child of this.children) {
      const verdict = child.verdict(context, scopes);
      if (verdict === this.deciding) decided = true;
      else if (verdict === 'unknown') unknown = true;
    }
    if (decided) return this.deciding;
    if (unknown) return 'unknown';
    return this.deciding === 'fail' ? 'pass' : 'fail';
  }
}

class Not implements CompiledCondition {
  constructor(private readonly inner: CompiledCondition) {}
  evaluate(context: EvaluationContext, scopes: readonly Scope[]): Evaluation {
    const inner = this.inner.evaluate(context, scopes);
    return {
      verdict: negate(inner.verdict),
      evidence: inner.evidence.map((item) => ({ ...item, expected: `not (${item.expected})` })),
      ...(inner.details ? { details: inner.details } : {}),
    };
  }
  verdict(context: EvaluationContext, scopes: readonly Scope[]): Verdict {
    return negate(this.inner.verdict(context, scopes));
  }
}

class FunctionLeaf implements CompiledCondition {
  constructor(
    private readonly name: string,
    private readonly args: Readonly<Record<string, unknown>>,
  ) {}
  evaluate(context: EvaluationContext, scopes: readonly Scope[]): Evaluation {
    context.counter.operations++;
    const tape = context.tape;
    if (tape !== undefined && tape.mode === 'replay') return tape.results[tape.at++]!;
    const result = this.call(context, scopes);
    if (tape !== undefined && tape.mode === 'record') tape.results.push(result);
    return result;
  }
  verdict(context: EvaluationContext, scopes: readonly Scope[]): Verdict {
    return this.evaluate(context, scopes).verdict;
  }
  private call(context: EvaluationContext, scopes: readonly Scope[]): Evaluation {
    const fn = context.functions.get(this.name);
    if (!fn) throw new Error(`unknown function "${this.name}"`);
    const result = fn(functionContext(context, scopes), this.args);
    // Functions read the properties as an object: unknown as a whole (a snapshot that projected the column
    // away, a body known only after apply), they read as empty, and no pass can rest on that. A failure is
    // left standing (it only makes the gate stricter), and so is a function's own, more precise unknown.
    const properties = context.resource.body['properties'];
    if (result.verdict === 'pass' && isPlaceholder(properties)) return { verdict: 'unknown', evidence: [{ path: 'properties', actual: properties, expected: 'a decidable value' }] };
    return result;
  }
}

class Follow implements CompiledCondition {
  /** The link read on each type of resource it meets (a named link resolves per type). */
  private readonly specs = new Map<string, FollowSpec>();
  constructor(private readonly condition: Condition & { follow: unknown }) {}
  evaluate(context: EvaluationContext): Evaluation {
    context.counter.operations++;
    const { resource } = context;
    let spec = this.specs.get(resource.armType);
    if (!spec) {
      spec = followSpec(this.condition as Parameters<typeof followSpec>[0], resource.armType);
      this.specs.set(resource.armType, spec);
    }
    // The linked resource is judged on its own: its fields, no `count` member of the resource that links to it.
    return evaluateFollow(spec, resource, context.inventory, (target, where) =>
      compileCondition(where).evaluate({ resource: target, inventory: context.inventory, parameters: context.parameters, functions: context.functions, counter: context.counter, ...(context.tape ? { tape: context.tape } : {}) }, NO_SCOPES),
    );
  }
  verdict(context: EvaluationContext): Verdict {
    return this.evaluate(context).verdict;
  }
}

/**
 * Whether a check's evaluation with evidence, on a resource its `where` passed, is its function's answer as
 * the verdict recorded it: the assertion is one function (replayed from the tape, it answers what it
 * answered), and the `where` is at most one field or value comparison, whose pass carries no details for
 * the finding to take over (see implies in run-rules.ts). Evaluating such a check again made nothing new.
 */
export function answeredByItsFunction(where: CompiledCondition | undefined, assert: CompiledCondition): boolean {
  return assert instanceof FunctionLeaf && (where === undefined || where instanceof FieldLeaf || where instanceof ValueLeaf);
}

/**
 * The one step of evaluating such a `where` again that its verdict did not take: putting what it expects
 * into words. That can throw (JSON.stringify of an operand it cannot show), and then the resource is reported as one
 * the rule could not evaluate, as evaluating again reported it.
 */
export function whereWordsFor(where: CompiledCondition | undefined, context: EvaluationContext): void {
  if (where instanceof FieldLeaf || where instanceof ValueLeaf) where.expectedText(context);
}

function combine(verdict: Verdict, results: Evaluation[]): Evaluation {
  const evidence: Evidence[] = [];
  // Appended one by one: a [*] leaf over a 1M-member list has 1M evidence items, too many to spread as arguments.
  for (const result of results) for (const item of result.evidence) evidence.push(item);
  const details = mergeDetails(results);
  return details ? { verdict, evidence, details } : { verdict, evidence };
}

export { formatFieldPath };
export { valueAt } from './resource-fields.js';
