import { isPlainObject } from '../../model/values.js';
import { CONTROL_CHARACTER, memberParser, standInFor } from '../terraform/plan-members.js';
import { decodeToken, scanEntry } from '../terraform/change-entries.js';
import { sameJson } from '../json-equal.js';
import { kindAt } from '../terraform/plan-entries.js';
import type { PlanSource } from '../terraform/plan-source.js';
import { readPlan, type PlanReadResult } from '../terraform/read-plan.js';
import { JsonStream } from './json-stream.js';
import { parseAt, positionOfKey, type Mark, type Position } from './positions.js';

const OBJECT = 0x7b;
const ARRAY = 0x5b;

/** A plan too large for one string, read by the same reader as any other (src/inputs/terraform/read-plan.ts). */
export function readStreamedPlan(stream: JsonStream, path: string, file: string, head: Record<string, unknown>, marks: ReadonlyMap<string, Mark>): PlanReadResult {
  return readPlan(streamedPlanSource(stream, path, head, marks), file);
}

/**
 * A plan too large for one string, as a plan source (src/inputs/terraform/plan-source.ts). `terraform show
 * -json` writes resource_changes and planned_values before configuration, but no resource can be normalized
 * without its configuration block: so the first pass (read-large.ts) reads the small top-level members and
 * the configuration into `head` and marks where the two large ones start, and readPlan then walks them here,
 * one entry at a time, each captured entry garbage as soon as readPlan has read it.
 */
function streamedPlanSource(stream: JsonStream, path: string, head: Record<string, unknown>, marks: ReadonlyMap<string, Mark>): PlanSource {
  const changesAt = marks.get('resource_changes');
  const plannedAt = marks.get('planned_values');
  /** The entry being visited: its text, where it starts in the file, and its byte offset. */
  let current: { text: string; start: Position; offset: number } | undefined;
  return {
    head,
    changesKind: kindOfMarked(stream, changesAt),
    eachChange(visit) {
      if (!changesAt) return;
      stream.seek(changesAt);
      let index = -1;
      if (stream.open(ARRAY)) {
        do {
          index++;
          stream.peek();
          const offset = stream.offset();
          const { text, start } = stream.capture();
          current = { text, start, offset };
          visit(changeEntry(text, start), index);
        } while (stream.next(0x5d));
      }
      current = undefined;
    },
    // Not the entry: every entry's text kept would hold the whole file. Its offset, to read it again.
    memo: () => current!.offset,
    same(memo, _change) {
      const text = current!.text;
      const earlier = entryAt(path, memo as number);
      return earlier === text || sameJson(JSON.parse(earlier) as unknown, JSON.parse(text) as unknown);
    },
    plannedKind: kindOfMarked(stream, plannedAt),
    plannedResources(known) {
      if (!plannedAt) return [];
      stream.seek(plannedAt);
      const unknown: unknown[] = [];
      walkPlannedModule(stream, 'planned_values', ({ text, start }) => {
        // Most planned resources are in resource_changes too: their address is read without parsing them.
        const address = addressOf(text);
        if (address !== undefined && known(address)) return;
        const resource = parseAt(text, start);
        if (isPlainObject(resource) && typeof resource['address'] === 'string' && known(resource['address'])) return;
        unknown.push(resource);
      });
      return unknown;
    },
    // Planned_values resources are not placed: their text is gone by the time they are read.
    positionOf: () => (current ? positionOfKey(current.text, current.start, 'address') : undefined),
  };
}

function kindOfMarked(stream: JsonStream, mark: Mark | undefined): ReturnType<typeof kindAt> {
  if (!mark) return 'absent';
  stream.seek(mark);
  return kindAt(String.fromCharCode(stream.peek()), 0);
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
 * One resource_changes entry, as the one-string reader makes it (src/inputs/terraform/plan-members.ts): a
 * stand-in read without parsing, whose planned state is parsed only if its type is one a rule reads. An
 * entry the walk cannot read is parsed whole, so a broken one is reported at its line.
 */
function changeEntry(text: string, start: Position): unknown {
  const span = scanCaptured(text);
  if (!span || text.slice(span.end).trim() !== '') return parseAt(text, start);
  return standInFor(text, span, memberParser(text, () => parseAt(text, start)));
}

/** A captured planned_values resource's own address, read without parsing it; undefined if the walk cannot tell. */
function addressOf(text: string): string | undefined {
  const span = scanCaptured(text);
  return span && span.addressStart !== -1 ? decodeToken(text, span.addressStart, span.addressEnd) : undefined;
}

/** A captured value walked as a plan entry; undefined where the walk cannot read it (a raw control character is JSON.parse's to refuse). */
function scanCaptured(text: string): ReturnType<typeof scanEntry> {
  return CONTROL_CHARACTER.test(text) ? undefined : scanEntry(text, 0);
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
