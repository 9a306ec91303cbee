import { isPlainObject } from '../../model/values.js';
import { locateStringValues } from '../parse-json.js';
import { sameJson } from '../json-equal.js';
import { kindOf, type JsonKind } from './plan-entries.js';

/** A place in the file, as findings show it: 1-based line, column in UTF-16 code units. */
type Place = { line: number; column: number };

/**
 * A Terraform plan as readPlan (read-plan.ts) reads it, whoever holds its text: a parsed document
 * (documentSource, below), a text read member by member (plan-members.ts), or a file too large for one
 * string, streamed (src/inputs/stream/streamed-plan.ts). readPlan checks, dedupes and normalizes the entries
 * a source hands it, the same way whatever the source; a source only finds them, and says where they are.
 */
export interface PlanSource {
  /** The plan's top-level members readPlan reads (configuration, format_version, ...), parsed. */
  readonly head: Readonly<Record<string, unknown>>;
  /** resource_changes' JSON type: 'absent' when the plan has none, 'list' when it can be read. */
  readonly changesKind: JsonKind;
  /**
   * Hands each resource_changes entry to `visit`, in order, with its index: as parsed, or as a stand-in
   * read from its text (plan-members.ts standInFor). While an entry is visited, `memo`, `same` and
   * `positionOf` speak of it.
   */
  eachChange(visit: (change: unknown, index: number) => void): void;
  /** What to keep of the entry being visited, to compare it with a later entry for the same address. */
  memo(change: unknown): unknown;
  /** Whether the entry being visited says what the entry kept as `memo` said. */
  same(memo: unknown, change: unknown): boolean;
  /** planned_values' JSON type ('absent' when the plan has none). */
  readonly plannedKind: JsonKind;
  /**
   * planned_values' resources (root_module's and its child_modules'), parsed, in order. Those whose address
   * `known` holds may be left out; none at all when every resource with an address is known.
   */
  plannedResources(known: (address: string) => boolean): unknown[];
  /** Where a resource's `"address"` key is: the entry being visited, or a planned_values resource. */
  positionOf(address: string): Place | undefined;
}

/** planned_values lists resources per module, in root_module and nested child_modules. */
export function collectPlannedResources(plannedValues: unknown): unknown[] {
  const into: unknown[] = [];
  const collect = (module: unknown, depth: number): void => {
    if (!isPlainObject(module) || depth > 100) return;
    const resources = module['resources'];
    if (Array.isArray(resources)) for (const resource of resources) into.push(resource);
    const children = module['child_modules'];
    if (Array.isArray(children)) for (const childModule of children) collect(childModule, depth + 1);
  };
  collect(isPlainObject(plannedValues) ? plannedValues['root_module'] : undefined, 0);
  return into;
}

/**
 * A parsed plan document. `text`, when the document was one string, places resources: each address is
 * found once, from resource_changes on (terraform show -json writes prior_state first, which lists the
 * same addresses), and only if a resource is read at all.
 */
export function documentSource(plan: Record<string, unknown>, text: string | undefined): PlanSource {
  let positions: Map<string, Place> | undefined;
  const changes = plan['resource_changes'];
  return {
    head: plan,
    changesKind: kindOf(changes),
    eachChange(visit) {
      if (Array.isArray(changes)) changes.forEach(visit);
    },
    memo: (change) => change,
    same: (memo, change) => sameJson(memo, change),
    plannedKind: kindOf(plan['planned_values']),
    plannedResources: () => collectPlannedResources(plan['planned_values']),
    positionOf(address) {
      if (text === undefined) return undefined;
      positions ??= locateStringValues(text, 'address', Math.max(text.indexOf('"resource_changes"'), 0));
      return positions.get(address);
    },
  };
}
