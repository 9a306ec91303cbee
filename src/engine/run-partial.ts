import type { Rule } from './rule.js';
import { runRules, type RunOptions, type RunResult } from './run-rules.js';
import type { RuleFunction } from './evaluate.js';
import { CHECK_FUNCTIONS } from '../checks/registry.js';
import { unknown } from '../checks/results.js';
import { Inventory } from '../model/inventory.js';
import type { Resource } from '../model/resource.js';
import { isPlaceholder } from '../model/values.js';
import { writeAt } from '../model/writes.js';

/** A function needs the resource's neighbours and the rest of its properties, which the scan does not have. */
const NOT_IN_SCAN: RuleFunction = (context) => unknown('(not in this scan)', `${context.resource.name} itself is not in this scan`);
const STUBS: ReadonlyMap<string, RuleFunction> = new Map([...CHECK_FUNCTIONS.keys()].map((name) => [name, NOT_IN_SCAN]));

/**
 * Judges resources known only through what overlays wrote to them (their target is outside the scan). A
 * check fails when what was written fails it; it is unknown only when the overlay wrote a value known
 * after apply. A check undecided because of the resource's own properties is not reported: the resource
 * is not in the scan, and whatever scans it judges those.
 */
export function runRulesOnPartials(rules: readonly Rule[], partials: readonly Resource[], options: RunOptions): RunResult {
  const inventory = new Inventory();
  for (const partial of partials) inventory.add(partial);
  return runRules(rules, inventory, {
    ...options,
    functions: STUBS,
    keep: (resource, evaluation) =>
      evaluation.verdict === 'fail' || evaluation.evidence.some((item) => isPlaceholder(item.actual) && writeAt(resource, item.path) !== undefined),
  });
}
