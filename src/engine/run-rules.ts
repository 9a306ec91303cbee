import type { Check, Rule } from './rule.js';
import type { Condition } from './condition.js';
import { answeredByItsFunction, whereWordsFor, compileCondition, conditionVerdict, NO_SCOPES, type CompiledCondition, type EvaluationContext, type FunctionTape, type RuleFunction } from './evaluate.js';
import { valueAt } from './resource-fields.js';
import { parseFieldPath } from './field-path.js';
import type { Evaluation, Verdict } from './verdict.js';
import { CHECK_FUNCTIONS } from '../checks/registry.js';
import type { Inventory } from '../model/inventory.js';
import type { Resource } from '../model/resource.js';
import { setOwn } from '../model/values.js';
import { makeFinding, makeUnclassifiedFinding } from '../findings/make-finding.js';
import { graphWork } from '../graph/work.js';
import type { Finding } from '../findings/finding.js';
import { shapeProblem } from './shape-check.js';

export interface RuleFailure {
  ruleId: string;
  resource: string;
  file: string;
  problem: string;
}

export interface RunResult {
  findings: Finding[];
  /** Checks that held, per rule id (for summaries and JUnit passes). */
  passed: Map<string, number>;
  /** A rule that threw on a resource: reported, and it fails the run (never a silent pass). */
  failures: RuleFailure[];
  operations: number;
  /** Resources at least one check applied to. */
  evaluated: number;
}

export interface RunOptions {
  /** Per-rule parameter values from configuration, merged over each rule's defaults. */
  parameters?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  functions?: ReadonlyMap<string, RuleFunction>;
  /** Which fail and unknown results become findings (partial resources keep only what their overlay decided). */
  keep?: (resource: Resource, evaluation: Evaluation) => boolean;
}

/**
 * A rule's parameter values: its defaults, then the configured ones. A record without a prototype, which V8
 * keeps as a dictionary with one hidden class for every rule: conditions and functions read parameters by
 * name for rule after rule, and an object literal per rule (a hidden class per set of names) made each of
 * those reads deoptimise the engine's compiled code once per new rule.
 */
function parametersFor(rule: Rule, overrides: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const values = Object.create(null) as Record<string, unknown>;
  for (const [name, spec] of Object.entries(rule.parameters)) setOwn(values, name, spec.default);
  if (overrides) for (const [name, value] of Object.entries(overrides)) setOwn(values, name, value);
  return values;
}

/** `where` decides applicability: when it is unknown, a check that passes anyway still passes. */
function implies(where: Evaluation | undefined, assertion: Evaluation): Evaluation {
  // Facts the selection found (the jobs that make an environment an agent host) are the message's too.
  if (where?.verdict === 'pass' && where.details) return { ...assertion, details: { ...where.details, ...(assertion.details ?? {}) } };
  if (!where || where.verdict === 'pass') return assertion;
  if (assertion.verdict === 'pass') return assertion;
  // Why applicability is unknown is the finding's reason, unless the assertion has one of its own.
  const whereReason = where.details?.['unknownReason'];
  const details = whereReason && !assertion.details?.['unknownReason'] ? { ...(assertion.details ?? {}), unknownReason: whereReason } : assertion.details;
  return { verdict: 'unknown', evidence: [...where.evidence, ...assertion.evidence], ...(details ? { details } : {}) };
}

/** implies(where, assertion).verdict, from the verdicts alone. */
function impliedVerdict(where: Verdict | undefined, assertion: Verdict): Verdict {
  if (where === undefined || where === 'pass' || assertion === 'pass') return assertion;
  return 'unknown';
}

/**
 * The evaluation a finding shows, for a resource whose verdict was not a pass: its conditions evaluated again
 * with their evidence, the functions' results replayed from the tape (not computed twice), and neither the
 * operations nor the graph steps of this second pass counted, so the totals are those of one evaluation.
 */
function evaluateAgain(where: CompiledCondition | undefined, assert: CompiledCondition, context: EvaluationContext, again: EvaluationContext): Evaluation {
  const tape = context.tape!;
  const steps = graphWork.steps;
  again.resource = context.resource;
  again.parameters = context.parameters;
  tape.mode = 'replay';
  tape.at = 0;
  try {
    const whereResult = where ? where.evaluate(again, NO_SCOPES) : undefined;
    return implies(whereResult, assert.evaluate(again, NO_SCOPES));
  } finally {
    tape.mode = 'off';
    graphWork.steps = steps;
  }
}

/** What one run has learnt about a resource, kept by its position in its type's list. */
const SHAPE_READ = 1;
const MISSHAPEN = 2;
const EVALUATED = 4;

/**
 * Marks per resource for one run, one byte each in an array per type list: a Set of resources (which ones
 * were evaluated, which are misshapen, which a check met already) cost a hash-table insert or lookup per
 * resource per check, about a fifth of the engine's own time on a large estate.
 */
class RunMarks {
  private readonly byList = new Map<readonly Resource[], Uint8Array>();
  of(list: readonly Resource[]): Uint8Array {
    let marks = this.byList.get(list);
    if (!marks) this.byList.set(list, (marks = new Uint8Array(list.length)));
    return marks;
  }
  count(mark: number): number {
    let count = 0;
    for (const marks of this.byList.values()) for (const value of marks) if (value & mark) count++;
    return count;
  }
}

/** The resource lists a check selects, each once: every resource is listed under its one type, in any casing. */
function listsOf(inventory: Inventory, types: readonly string[]): Array<readonly Resource[]> {
  const lists: Array<readonly Resource[]> = [];
  for (const type of types) {
    const list = inventory.ofType(type);
    if (list.length > 0 && !lists.includes(list)) lists.push(list);
  }
  return lists;
}

/** One check of one rule as it runs: what its loop reads, in one object of one class (see RunState). */
class CheckRun {
  passes = 0;
  /** Its findings' evaluation is the function's recorded answer where `where` passed (answeredByItsFunction). */
  readonly answeredByItsFunction: boolean;
  constructor(
    readonly rule: Rule,
    readonly check: Check,
    readonly checkIndex: number,
    readonly parameters: Record<string, unknown>,
    readonly where: CompiledCondition | undefined,
    readonly assert: CompiledCondition,
  ) {
    this.answeredByItsFunction = answeredByItsFunction(where, assert);
  }
}

/**
 * One run's state, and its per-resource loop as methods of its own. Why not one closure per check: V8
 * optimised that closure while it ran the first checks and then threw the code away (a "wrong map"
 * deoptimisation) at each check whose rule, check or conditions had another shape, and compiled it again with
 * everything it had inlined: most of a cold run's CPU. Here the loop reads only objects of one class each,
 * and a finding is built in a method of its own, so what is compiled again after a deoptimisation is smaller.
 */
class RunState {
  readonly findings: Finding[] = [];
  readonly failures: RuleFailure[] = [];
  // Issue 10 (fail closed): a resource of a covered type whose shape no rule can read is reported once, then skipped.
  readonly marks = new RunMarks();
  readonly tape: FunctionTape = { mode: 'off', results: [], at: 0 };
  readonly counter = { operations: 0 };
  // One context for the run, pointed at each resource in turn: conditions and functions read it synchronously.
  readonly context: EvaluationContext;
  // The same for evaluating a finding again, counting nothing (see evaluateAgain).
  readonly again: EvaluationContext;
  constructor(
    inventory: Inventory,
    private readonly options: RunOptions,
  ) {
    this.context = { resource: undefined as unknown as Resource, inventory, parameters: {}, functions: options.functions ?? CHECK_FUNCTIONS, counter: this.counter, tape: this.tape };
    this.again = { ...this.context, counter: { operations: 0 } };
  }

  /** The check on every resource of one type list. */
  checkList(run: CheckRun, list: readonly Resource[]): void {
    const { context, tape } = this;
    const listMarks = this.marks.of(list);
    for (let position = 0; position < list.length; position++) {
      const resource = list[position]!;
      if (resource.source.managed === false) continue;
      const mark = listMarks[position]!;
      if (mark & MISSHAPEN) continue;
      if (!(mark & SHAPE_READ)) {
        const shape = shapeProblem(resource);
        if (shape) {
          listMarks[position] = mark | SHAPE_READ | MISSHAPEN;
          this.fail(run, resource, shape);
          continue;
        }
        listMarks[position] = mark | SHAPE_READ;
      }
      context.resource = resource;
      try {
        tape.mode = 'record';
        tape.results.length = 0;
        const whereVerdict = run.where ? run.where.verdict(context, NO_SCOPES) : undefined;
        if (whereVerdict === 'fail') {
          tape.mode = 'off';
          continue;
        }
        listMarks[position]! |= EVALUATED;
        const verdict = impliedVerdict(whereVerdict, run.assert.verdict(context, NO_SCOPES));
        tape.mode = 'off';
        if (verdict === 'pass') {
          run.passes++;
          continue;
        }
        this.report(run, resource, verdict, whereVerdict);
      } catch (error) {
        tape.mode = 'off';
        this.fail(run, resource, (error as Error).message);
      }
    }
  }

  /** A check that could not judge a resource: reported as a failure of the run, never as a pass. */
  private fail(run: CheckRun, resource: Resource, problem: string): void {
    this.failures.push({ ruleId: run.rule.id, resource: resource.source.address ?? resource.source.id ?? resource.key, file: resource.source.file, problem });
  }

  /** The finding for a resource whose verdict is not a pass (unless the run's `keep` drops it). */
  private report(run: CheckRun, resource: Resource, verdict: Verdict, whereVerdict: Verdict | undefined): void {
    const { context } = this;
    // Most findings (every DNS one) come from a check that is one function: its answer, recorded on the tape
    // while the verdict was worked out, is what evaluating again would return. Not where `where` was unknown:
    // then the finding's evidence is the two put together.
    let result: Evaluation;
    if (run.answeredByItsFunction && whereVerdict !== 'unknown') {
      whereWordsFor(run.where, context);
      result = this.tape.results[0]!;
    } else result = evaluateAgain(run.where, run.assert, context, this.again);
    if (result.verdict !== verdict) throw new Error(`the engine judged it ${verdict}, then ${result.verdict} (an internal error: please report it)`);
    if (this.options.keep && !this.options.keep(resource, result)) return;
    const field = (path: string): unknown => valueAt(resource, parseFieldPath(path));
    const { rule, check, checkIndex, parameters } = run;
    const message = pickMessage(check.messages, check.message, context);
    this.findings.push(
      makeFinding({
        rule,
        check,
        checkIndex,
        resource,
        evaluation: result,
        message,
        template: { resource, field, parameters, details: result.details ?? {} },
      }),
    );
  }
}

export function runRules(rules: readonly Rule[], inventory: Inventory, options: RunOptions = {}): RunResult {
  const state = new RunState(inventory, options);
  const { findings, marks, context } = state;
  const passed = new Map<string, number>();
  const graphStepsBefore = graphWork.steps;
  const unclassifiedEvaluated = new Set<Resource>();

  for (const rule of rules) {
    const parameters = parametersFor(rule, options.parameters?.[rule.id]);
    context.parameters = parameters;
    rule.checks.forEach((check, checkIndex) => {
      const where = check.select.where ? compileCondition(check.select.where) : undefined;
      const run = new CheckRun(rule, check, checkIndex, parameters, where, compileCondition(check.assert));
      for (const list of listsOf(inventory, check.select.type)) state.checkList(run, list);
      if (run.passes > 0) passed.set(rule.id, (passed.get(rule.id) ?? 0) + run.passes);
    });
    // A resource whose type could not be told is unknown under every rule that could apply to it: never a pass.
    for (const resource of inventory.unclassified) {
      if (resource.source.managed === false) continue;
      const checkIndex = checkThatMaySelect(rule, resource.unclassified?.candidateTypes);
      if (checkIndex === -1) continue;
      unclassifiedEvaluated.add(resource);
      findings.push(makeUnclassifiedFinding(rule, checkIndex, resource));
    }
  }
  // Graph lookup steps count too, so a loop hidden inside a function leaf shows in the total.
  return { findings, passed, failures: state.failures, operations: state.counter.operations + (graphWork.steps - graphStepsBefore), evaluated: marks.count(EVALUATED) + unclassifiedEvaluated.size };
}

/** The first check of the rule that selects one of `candidates` (any check when the type could be anything); -1 if none. */
function checkThatMaySelect(rule: Rule, candidates: readonly string[] | undefined): number {
  if (!candidates) return rule.checks.length > 0 ? 0 : -1;
  const wanted = new Set(candidates.map((type) => type.toLowerCase()));
  return rule.checks.findIndex((check) => check.select.type.some((type) => wanted.has(type.toLowerCase())));
}

function pickMessage(variants: ReadonlyArray<{ when: Condition; text: string }> | undefined, fallback: string, context: EvaluationContext): string {
  for (const variant of variants ?? []) if (conditionVerdict(variant.when, context) === 'pass') return variant.text;
  return fallback;
}
