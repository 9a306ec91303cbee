import type { Condition, FollowCondition } from './condition.js';
import { parseFieldPath } from './field-path.js';
import { valueAt } from './resource-fields.js';
import { mergeDetails, type Evaluation, type Evidence } from './verdict.js';
import { followLinks } from '../graph/links.js';
import { linkNames, namedLink, nounOf } from '../graph/named-links.js';
import type { Inventory } from '../model/inventory.js';
import { notationOf } from '../model/notation.js';
import type { Resource } from '../model/resource.js';
import { isPlaceholder, isRedacted, isUnknown, UNKNOWN } from '../model/values.js';

/**
 * `follow:` in a pack: a condition judged on the resource a link names (an agent pool's subnet, a subnet's
 * route table). Three-valued like every leaf: no link at all fails; a link the input leaves open and its reader
 * cannot follow, or one that names a resource not in the scan, is unknown with the reason; otherwise `where`
 * decides on each linked resource (all must hold), and without `where` the link itself is what is asked for.
 */
export interface FollowSpec {
  field: string;
  to: readonly string[];
  noun: string;
  where?: Condition;
}

/** Thrown for a link the selected type does not have (or a follow that names none); the pack loader names the file. */
export class FollowError extends Error {}

/** What a `follow:` reads on resources of `type`: its link resolved through the catalog, or its field and types. */
export function followSpec(condition: FollowCondition, type: string): FollowSpec {
  const follow = typeof condition.follow === 'string' ? { link: condition.follow } : condition.follow;
  const where = follow.where ? { where: follow.where } : {};
  const given = ['link', 'field', 'to'].filter((key) => key in follow).join(' ');
  if (given !== 'link' && given !== 'field to') throw new FollowError(`follow needs a link name, or a field and the types it names (to), not ${given ? given.replace(' ', ' and ') : 'only where'}`);
  if ('field' in follow) {
    const to = Array.isArray(follow.to) ? follow.to : [follow.to];
    return { field: follow.field, to, noun: nounOf(to[0]!), ...where };
  }
  const link = namedLink(type, follow.link);
  if (!link) {
    const known = linkNames(type);
    throw new FollowError(`${type} has no link "${follow.link}" to follow (${known.length ? `its links: ${known.join(', ')}` : 'it has none; follow a field instead: { field: <path of the id>, to: <type> }'})`);
  }
  return { field: link.field, to: link.to, noun: link.noun, ...where };
}

/** The ARM types a `follow:` may lead to from resources of `types` (the audit reads them). */
export function followedTypes(condition: FollowCondition, types: readonly string[]): string[] {
  return types.flatMap((type) => {
    try {
      return [...followSpec(condition, type).to];
    } catch (error) {
      if (error instanceof FollowError) return [];
      throw error;
    }
  });
}

/** An unknown whose reason the message states (as a check function's unknown does). */
function unknownBecause(path: string, reason: string): Evaluation {
  return { verdict: 'unknown', evidence: [{ path, actual: UNKNOWN, expected: 'a decidable value', unknownExplained: true }], details: { unknownReason: reason } };
}

/** Why a condition on a linked resource could not decide, in the linked resource's own words. */
function reasonOn(target: Resource, noun: string, result: Evaluation): string {
  const own = result.details?.['unknownReason'];
  const said = own ?? [...new Set(result.evidence.filter((item) => isUnknown(item.actual) || isRedacted(item.actual)).map((item) => notationOf(target).nameOf(target, item.path)))].join(', ');
  const why = own ? '' : ` ${said.includes(', ') ? 'are' : 'is'} ${target.source.omits ?? notationOf(target).explains}`;
  return `${noun} ${target.name}: ${said || 'a value it depends on'}${why}`;
}

export function evaluateFollow(spec: FollowSpec, resource: Resource, inventory: Inventory, judge: (target: Resource, where: Condition) => Evaluation): Evaluation {
  const { links, unresolved } = followLinks(inventory, resource, spec.field, { targetTypes: spec.to });
  if (links.length === 0) {
    const value = valueAt(resource, parseFieldPath(spec.field));
    if (unresolved.length || isPlaceholder(value)) return unknownBecause(spec.field, unresolved.join('; ') || `${spec.field} is known only after apply`);
    return { verdict: 'fail', evidence: [{ path: spec.field, actual: value, expected: `${/^[aeiou]/i.test(spec.noun) ? 'an' : 'a'} ${spec.noun} id` }] };
  }
  if (!spec.where) return { verdict: 'pass', evidence: [] };
  const failed: Evidence[] = [];
  const undecided: string[] = [];
  // What functions in `where` found, for the rule's message (`{detail:...}`), as a condition on the resource itself gives.
  const judged: Evaluation[] = [];
  for (const link of links) {
    if (!link.target) {
      undecided.push(`${spec.noun} ${link.name ?? link.id} is not in this scan`);
      continue;
    }
    const result = judge(link.target, spec.where);
    judged.push(result);
    const on = `${spec.noun} ${link.target.name}`;
    if (result.verdict === 'fail') {
      for (const item of result.evidence) failed.push({ path: spec.field, actual: item.actual, expected: `${on} with ${item.path} ${item.expected}` });
      if (result.evidence.length === 0) failed.push({ path: spec.field, actual: link.target.name, expected: `${on} meeting the condition` });
    }
    if (result.verdict === 'unknown') undecided.push(reasonOn(link.target, spec.noun, result));
  }
  const details = mergeDetails(judged.filter((result) => result.verdict === (failed.length ? 'fail' : 'pass')));
  const withDetails = (evaluation: Evaluation): Evaluation => (details ? { ...evaluation, details: { ...details, ...evaluation.details } } : evaluation);
  if (failed.length) return withDetails({ verdict: 'fail', evidence: failed });
  undecided.push(...unresolved);
  if (undecided.length) return unknownBecause(spec.field, undecided.join('; '));
  return withDetails({ verdict: 'pass', evidence: [] });
}
