import { UserError } from '../../errors.js';
import type { Resource } from '../../model/resource.js';
import { isPlainObject } from '../../model/values.js';
import { buildPlanContext } from '../terraform/plan-context.js';
import { configurationAddress, readPlan, type PlanReadResult } from '../terraform/read-plan.js';
import { CONTROL_CHARACTER, memberParser, standInFor } from '../terraform/plan-members.js';
import { decodeToken, scanEntry } from '../terraform/change-entries.js';
import { a, changeEntryProblem, ENTRY_INDEX, entryLabel, isDeposed, kindAt, sameEntry } from '../terraform/plan-entries.js';
import { JsonStream } from './json-stream.js';
import { parseAt, positionOfKey, type Mark, type Position } from './positions.js';

const BATCH = 20_000;
const OBJECT = 0x7b;
const ARRAY = 0x5b;

/** A resource_changes entry without what no rule reads (`before` is as large as `after` on updates). */
function slim(change: unknown): unknown {
  if (!isPlainObject(change) || !isPlainObject(change['change'])) return change;
  const { before: _before, before_sensitive: _beforeSensitive, ...detail } = change['change'];
  return { ...change, change: detail };
}

/** The text of the value at a byte offset of the file, read again (to compare an address the plan lists twice). */
function entryAt(path: string, offset: number): string {
  const again = new JsonStream(path, 0);
  try {
    again.seek({ offset, line: 1, lineStart: offset, columnOffset: offset, columnUnits: 0 });
    return again.capture().text;
  } finally {
    again.close();
  }
}

/**
 * A plan too large for one string. `terraform show -json` writes planned_values and resource_changes before
 * configuration, but a resource cannot be normalized without its configuration block (what is configured,
 * what it references): so the first pass (read-large.ts) reads the small top-level values and the
 * configuration into `head` and only marks where resource_changes and planned_values start. Here
 * resource_changes is streamed in batches through the ordinary reader (readPlan), so normalization is the
 * same code either way, and each batch's raw JSON is garbage as soon as it is normalized. planned_values is
 * streamed last, for resources resource_changes does not list.
 */
export function readStreamedPlan(stream: JsonStream, path: string, file: string, head: Record<string, unknown>, marks: ReadonlyMap<string, Mark>): PlanReadResult {
  const reread = (offset: number): string => entryAt(path, offset);
  const resources: Resource[] = [];
  const problems: string[] = [];
  const overlays: PlanReadResult['overlays'] = [];
  /** Addresses that are resources after apply (planned_values adds no second copy of them). */
  const seen = new Set<string>();
  /** Every address resource_changes lists, with where its first entry starts, to compare a second one. */
  const listed = new Map<string, number>();
  let unmapped = 0;
  let context: PlanReadResult['context'] | undefined;
  // A problem with the plan as a whole (its configuration) comes back from every batch: said once.
  const said = new Set<string>();
  const run = (batch: Record<string, unknown>, positions: Map<string, Position>): void => {
    const result = readPlan({ ...head, ...batch }, file, positions);
    for (const resource of result.resources) resources.push(resource);
    for (const problem of result.problems) if (!said.has(problem)) said.add(problem), problems.push(problem);
    overlays.push(...result.overlays);
    unmapped += result.unmapped;
    context ??= result.context;
  };

  const changesAt = marks.get('resource_changes');
  if (changesAt) {
    stream.seek(changesAt);
    if (stream.peek() !== ARRAY) throw new UserError('is not a valid Terraform plan: resource_changes is not a list', file);
    let batch: unknown[] = [];
    let positions = new Map<string, Position>();
    let index = -1;
    if (stream.open(ARRAY)) {
      do {
        index++;
        stream.peek();
        const offset = stream.offset();
        const { text, start } = stream.capture();
        const change = changeEntry(text, start);
        // The checks readPlan makes on a whole plan, made here with the entry's place in the whole file.
        const problem = changeEntryProblem(change, index);
        if (problem) {
          problems.push(problem);
          continue;
        }
        const record = change as Record<string | symbol, unknown>;
        if (isDeposed(record)) continue;
        const address = record['address'] as string;
        // One entry per address across batches: a second identical one is dropped, a different one is a problem.
        const first = listed.get(address);
        if (first !== undefined) {
          const earlier = reread(first);
          if (earlier !== text && !sameEntry(JSON.parse(earlier) as unknown, JSON.parse(text) as unknown)) problems.push(`${entryLabel(index, address)}: the plan lists this address more than once, with different values`);
          continue;
        }
        listed.set(address, offset);
        const actions = (record['change'] as Record<string, unknown>)['actions'];
        if (!(Array.isArray(actions) && actions.length === 1 && actions[0] === 'delete')) seen.add(address);
        const at = positionOfKey(text, start, 'address');
        if (at && !positions.has(address)) positions.set(address, at);
        record[ENTRY_INDEX] = index;
        batch.push(change);
        if (batch.length >= BATCH) {
          run({ resource_changes: batch }, positions);
          batch = [];
          positions = new Map();
        }
      } while (stream.next(0x5d));
    }
    if (batch.length) run({ resource_changes: batch }, positions);
  }

  const plannedAt = marks.get('planned_values');
  if (plannedAt) {
    stream.seek(plannedAt);
    const first = stream.peek();
    if (first !== OBJECT) problems.push(`planned_values is ${a(kindAt(String.fromCharCode(first), 0))}, not an object`);
    const unseen: unknown[] = [];
    walkPlannedModule(stream, 'planned_values', ({ text, start }) => {
      // Most planned resources are in resource_changes too: their address is read without parsing them.
      const known = addressOf(text);
      if (known !== undefined && seen.has(known)) return;
      const resource = parseAt(text, start);
      if (isPlainObject(resource) && typeof resource['address'] === 'string' && seen.has(resource['address'])) return;
      // readPlan checks the rest, and reads an address listed twice once (or reports it, when they differ).
      unseen.push(resource);
    });
    // resource_changes, when the file has it, was read above: readPlan must not take its absence for the file's.
    if (unseen.length) run({ planned_values: { root_module: { resources: unseen } }, ...(changesAt ? { resource_changes: [] } : {}) }, new Map());
  }
  if (!context) run({}, new Map());
  // One context over every batch's resources (the batches each indexed only their own).
  const whole = { ...context!, ...buildPlanContext(file, context!.root, resources, configurationAddress) };
  return { resources, unmapped, problems, context: whole, overlays };
}

/**
 * One resource_changes entry, as the one-string reader makes it (src/inputs/terraform/plan-members.ts): a
 * stand-in read without parsing, whose planned state is parsed only if its type is one a rule reads. An
 * entry the walk cannot read is parsed whole, so a broken one is reported at its line.
 */
function changeEntry(text: string, start: Position): unknown {
  const span = CONTROL_CHARACTER.test(text) ? undefined : scanEntry(text, 0);
  if (!span || text.slice(span.end).trim() !== '') return slim(parseAt(text, start));
  return standInFor(text, span, memberParser(text, () => parseAt(text, start)));
}

/** A captured planned_values resource's own address, read without parsing it; undefined if the walk cannot tell. */
function addressOf(text: string): string | undefined {
  const span = CONTROL_CHARACTER.test(text) ? undefined : scanEntry(text, 0);
  return span && span.addressStart !== -1 ? decodeToken(text, span.addressStart, span.addressEnd) : undefined;
}

/** planned_values -> root_module -> resources[] and child_modules[] (recursively), one resource at a time. */
function walkPlannedModule(stream: JsonStream, level: 'planned_values' | 'module', onResource: (resource: { text: string; start: Position }) => void, depth = 0): void {
  if (stream.peek() !== OBJECT || depth > 100) {
    stream.skip();
    return;
  }
  if (!stream.open(OBJECT)) return;
  do {
    const key = stream.key();
    if (level === 'planned_values' && key === 'root_module') walkPlannedModule(stream, 'module', onResource, depth + 1);
    else if (level === 'module' && (key === 'resources' || key === 'child_modules') && stream.peek() === ARRAY) {
      if (!stream.open(ARRAY)) continue;
      do {
        if (key === 'resources') onResource(stream.capture());
        else walkPlannedModule(stream, 'module', onResource, depth + 1);
      } while (stream.next(0x5d));
    } else stream.skip();
  } while (stream.next(0x7d));
}
