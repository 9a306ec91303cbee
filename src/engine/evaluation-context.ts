import type { PathSegment } from './field-path.js';
import { parseFieldPath } from './field-path.js';
import { resolveRest, rootedAt } from './resource-fields.js';
import type { Evaluation, Verdict } from './verdict.js';
import type { Resource } from '../model/resource.js';
import type { Inventory } from '../model/inventory.js';

/** What conditions and rule functions are evaluated with: the resource, the scan, the rule's parameters. */
export interface FunctionContext {
  resource: Resource;
  inventory: Inventory;
  parameters: Readonly<Record<string, unknown>>;
  /** Evaluates a field path of this resource the way conditions do (for functions that read properties). */
  field(path: string): unknown;
}

export type RuleFunction = (context: FunctionContext, args: Readonly<Record<string, unknown>>) => Evaluation;

/**
 * The results of the rule functions one check called on one resource, in call order. runRules first asks
 * only for the verdict (most resources pass, and a pass needs no evidence); for the few that do not pass it
 * evaluates again for the evidence, and the functions' results are replayed from here, not computed twice.
 */
export interface FunctionTape {
  mode: 'off' | 'record' | 'replay';
  results: Evaluation[];
  at: number;
}

export interface EvaluationContext {
  /** Conditions read its body and the four view keys (`type`, `name`, `location`, `id`): see rootedAt. */
  resource: Resource;
  inventory: Inventory;
  parameters: Readonly<Record<string, unknown>>;
  functions: ReadonlyMap<string, RuleFunction>;
  /** Counts leaf evaluations, so tests can prove cost grows linearly with the estate. */
  counter: { operations: number };
  tape?: FunctionTape;
}

export interface Scope {
  prefix: readonly PathSegment[];
  element: unknown;
}

/** Outside any `count`: shared, never added to (a `count` makes a new list). */
export const NO_SCOPES: readonly Scope[] = [];

/**
 * A condition compiled once: what its keys say is worked out when it is first evaluated, not again for
 * every resource. Two ways to evaluate it, which count the same operations and call the same functions in
 * the same order: `evaluate` gives the verdict with its evidence and details (what findings show), `verdict`
 * only the verdict, allocating nothing for evidence.
 */
export interface CompiledCondition {
  evaluate(context: EvaluationContext, scopes: readonly Scope[]): Evaluation;
  verdict(context: EvaluationContext, scopes: readonly Scope[]): Verdict;
}

/** Finds the innermost `count` scope a path belongs to, so `where` clauses read the current member. */
export function scoped(segments: readonly PathSegment[], context: EvaluationContext, scopes: readonly Scope[]): { root: unknown; rest: readonly PathSegment[] } {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i]!;
    if (startsWith(segments, scope.prefix)) return { root: scope.element, rest: segments.slice(scope.prefix.length) };
  }
  return rootedAt(context.resource, segments);
}

function startsWith(segments: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  if (segments.length < prefix.length) return false;
  return prefix.every((segment, i) => {
    const other = segments[i]!;
    if ('each' in segment) return 'each' in other;
    if ('index' in segment) return 'index' in other && other.index === segment.index;
    return 'key' in other && other.key.toLowerCase() === segment.key.toLowerCase();
  });
}

export function functionContext(context: EvaluationContext, scopes: readonly Scope[]): FunctionContext {
  if (scopes.length === 0) return topLevelFunctionContext(context);
  return {
    resource: context.resource,
    inventory: context.inventory,
    parameters: context.parameters,
    // An own function, not a method: checks hand `context.field` on as a value.
    field(path: string): unknown {
      const { root, rest } = scoped(parseFieldPath(path), context, scopes);
      return resolveRest(root, rest);
    },
  };
}

/**
 * Outside a `count`, the function context of an evaluation context is one object, brought up to date at each
 * call: runRules points one evaluation context at resource after resource, and a function runs to its end
 * before the next is called, so none sees it change (a new object and closure per call were a tenth of the
 * bytes a large scan's rules allocated).
 */
const topLevel = new WeakMap<EvaluationContext, FunctionContext>();

function topLevelFunctionContext(context: EvaluationContext): FunctionContext {
  let shared = topLevel.get(context);
  if (!shared) {
    shared = {
      resource: context.resource,
      inventory: context.inventory,
      parameters: context.parameters,
      field(path: string): unknown {
        const { root, rest } = rootedAt(context.resource, parseFieldPath(path));
        return resolveRest(root, rest);
      },
    };
    topLevel.set(context, shared);
  }
  shared.resource = context.resource;
  shared.inventory = context.inventory;
  shared.parameters = context.parameters;
  return shared;
}
