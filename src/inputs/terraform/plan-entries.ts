import { isPlainObject } from '../../model/values.js';

/**
 * What a plan's resource entries must look like before anything is read from them. `terraform show -json`
 * always writes a resource_changes entry as an object with a string address and type, mode "managed" or
 * "data", and an object `change` whose `actions` is a list and whose `after` is an object (or null).
 * An entry of any other shape is not something Terraform wrote, and skipping it would leave a resource out
 * of a green run: it is an input error naming the entry. readPlan runs these checks on every entry, whatever
 * its source (plan-source.ts): the parsed entry, or a stand-in whose members were already checked for type
 * (src/inputs/terraform/plan-members.ts).
 */
export type JsonKind = 'object' | 'list' | 'string' | 'number' | 'boolean' | 'null' | 'absent';

export function kindOf(value: unknown): JsonKind {
  if (value === undefined) return 'absent';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  const type = typeof value;
  return type === 'object' ? 'object' : type === 'string' ? 'string' : type === 'number' ? 'number' : type === 'boolean' ? 'boolean' : 'object';
}

/** The kind of the JSON value whose first character is at `at` (-1: absent). */
export function kindAt(text: string, at: number): JsonKind {
  if (at === -1) return 'absent';
  switch (text.charCodeAt(at)) {
    case 0x7b:
      return 'object';
    case 0x5b:
      return 'list';
    case 0x22:
      return 'string';
    case 0x74:
    case 0x66:
      return 'boolean';
    case 0x6e:
      return 'null';
    default:
      return 'number';
  }
}

/** A JSON type as a message says it: "a list", "an object", "null", "missing". */
export function a(kind: JsonKind): string {
  if (kind === 'null') return 'null';
  if (kind === 'absent') return 'missing';
  return kind === 'list' ? 'a list' : kind === 'object' ? 'an object' : `a ${kind}`;
}

/** How an entry is named in an error: its place in resource_changes, and its address when it has one. */
export function entryLabel(index: number, address: string | undefined): string {
  return address ? `resource_changes[${index}] (${address})` : `resource_changes[${index}]`;
}

/** Kinds `change.after_unknown` and `after_sensitive` may have: an object, or one boolean for the whole value. */
const MIRROR_KINDS: ReadonlySet<JsonKind> = new Set(['object', 'boolean', 'null', 'absent']);
const AFTER_KINDS: ReadonlySet<JsonKind> = new Set(['object', 'null', 'absent']);

/** Actions that leave nothing behind after apply (`delete`, or `forget` under a removed block): no planned state. */
export function isRemoval(actions: unknown): boolean {
  return Array.isArray(actions) && actions.length === 1 && (actions[0] === 'delete' || actions[0] === 'forget');
}


/**
 * On a stand-in (src/inputs/terraform/plan-members.ts): its `change.after`, `after_unknown` and
 * `after_sensitive`, which it does not hold (they are parsed only when read), were checked in the text.
 */
export const PLANNED_STATE_CHECKED = Symbol('azfence.plannedStateChecked');

/** Why a resource_changes entry cannot be read, or undefined when its shape is Terraform's. */
export function changeEntryProblem(change: unknown, index: number): string | undefined {
  if (!isPlainObject(change)) return `${entryLabel(index, undefined)} is ${a(kindOf(change))}, not an object`;
  const address = change['address'];
  if (typeof address !== 'string' || address === '') {
    return `${entryLabel(index, undefined)} has no address${address === undefined || address === '' ? '' : ` (it is ${a(kindOf(address))})`}`;
  }
  const label = entryLabel(index, address);
  if (typeof change['type'] !== 'string' || change['type'] === '') return `${label} has no type`;
  const mode = change['mode'];
  if (mode !== undefined && mode !== 'managed' && mode !== 'data') {
    const shown = typeof mode === 'string' ? `"${mode.slice(0, 40)}"` : a(kindOf(mode));
    return `${label}: mode ${shown} is neither "managed" nor "data"`;
  }
  const detail = change['change'];
  if (detail === undefined) return `${label}: change is missing`;
  if (!isPlainObject(detail)) return `${label}: change is ${a(kindOf(detail))}, not an object`;
  const actions = detail['actions'];
  if (actions !== undefined) {
    if (!Array.isArray(actions)) return `${label}: change.actions is ${a(kindOf(actions))}, not a list of actions`;
    const odd = actions.find((action) => typeof action !== 'string');
    if (odd !== undefined) return `${label}: change.actions holds ${a(kindOf(odd))}, not an action name`;
  }
  const removal = isRemoval(actions);
  if (!(change as { [PLANNED_STATE_CHECKED]?: boolean })[PLANNED_STATE_CHECKED]) {
    const problem = plannedStateProblem(detail, removal);
    if (problem) return `${label}: ${problem}`;
  }
  const deposed = change['deposed'];
  if (deposed !== undefined && deposed !== null) {
    // A deposed object is the old instance of a create-before-destroy replacement: Terraform only removes it.
    if (!removal) return `${label} is a deposed object (${typeof deposed === 'string' ? deposed.slice(0, 40) : a(kindOf(deposed))}) whose actions are not a removal; Terraform only deletes deposed objects`;
  }
  return undefined;
}

/** `change.after` and its mirrors: what exists after apply, what is unknown, what is sensitive. */
function plannedStateProblem(detail: Record<string, unknown>, removal: boolean): string | undefined {
  if (!AFTER_KINDS.has(kindOf(detail['after']))) return `change.after is ${a(kindOf(detail['after']))}, not an object`;
  for (const mirror of ['after_unknown', 'after_sensitive']) {
    if (!MIRROR_KINDS.has(kindOf(detail[mirror]))) return `change.${mirror} is ${a(kindOf(detail[mirror]))}, not an object`;
  }
  if (removal) return undefined;
  // What exists after apply is `after` with `after_unknown` marking what Terraform does not know yet. Without
  // either, values would read as absent and take their defaults: a plan Terraform never writes.
  const after = kindOf(detail['after']);
  if (after !== 'object') return `change.after is ${a(after)}, but the entry is not being deleted`;
  const unknown = kindOf(detail['after_unknown']);
  if (unknown === 'absent' || unknown === 'null') return `change.after_unknown is ${a(unknown)}, so what is known only after apply cannot be told`;
  return undefined;
}

/** Whether the entry is a deposed object (being removed): not a resource that exists after apply. */
export function isDeposed(change: Record<string, unknown>): boolean {
  return change['deposed'] !== undefined && change['deposed'] !== null;
}

/**
 * A planned_values resource read as a resource (its address is not in resource_changes): why it cannot be
 * read, or undefined.
 */
export function plannedResourceProblem(resource: unknown): string | undefined {
  if (!isPlainObject(resource)) return `planned_values lists a resource that is ${a(kindOf(resource))}, not an object`;
  const address = resource['address'];
  if (typeof address !== 'string' || address === '') return 'planned_values lists a resource with no address';
  if (typeof resource['type'] !== 'string' || resource['type'] === '') return `planned_values resource ${address} has no type`;
  const mode = resource['mode'];
  if (mode !== undefined && mode !== 'managed' && mode !== 'data') return `planned_values resource ${address}: mode ${typeof mode === 'string' ? `"${mode.slice(0, 40)}"` : a(kindOf(mode))} is neither "managed" nor "data"`;
  if (kindOf(resource['values']) !== 'object') return `planned_values resource ${address}: values is ${a(kindOf(resource['values']))}, not an object`;
  if (!MIRROR_KINDS.has(kindOf(resource['sensitive_values']))) return `planned_values resource ${address}: sensitive_values is ${a(kindOf(resource['sensitive_values']))}, not an object`;
  return undefined;
}
