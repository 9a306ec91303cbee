import { UserError } from '../errors.js';
import type { Condition } from './condition.js';
import type { ParameterSpec } from './rule.js';

/**
 * What a pack declares once and its rules use by name (PSRule's named selectors, and parameters several
 * rules share): a rule gets a copy of each, so the engine, the configuration and the docs see the same
 * rules as if every rule had spelled them out.
 */

/** A selector as a check writes it: types and a condition, or a named selector (plus a condition of its own). */
export interface RawSelect {
  type?: string | string[];
  selector?: string;
  where?: Condition;
}

export interface NamedSelector {
  type: string | string[];
  where?: Condition;
}

export interface PackDefinitions {
  parameters?: Record<string, ParameterSpec>;
  selectors?: Record<string, NamedSelector>;
}

interface RawRuleUses {
  id: string;
  parameters?: Record<string, ParameterSpec>;
  packParameters?: string[];
  checks: Array<{ select: RawSelect }>;
}

function names(map: Record<string, unknown> | undefined): string {
  const known = Object.keys(map ?? {});
  return known.length ? `the pack declares: ${known.join(', ')}` : 'the pack declares none';
}

/** The rule's parameters: the pack's it lists, then its own under `packParameters`; a name declared twice is refused. */
export function ruleParameters(pack: PackDefinitions, rule: RawRuleUses, lineAt: (pointer: string) => number, file: string): Record<string, ParameterSpec> {
  const own = rule.parameters ?? {};
  const shared = pack.parameters ?? {};
  for (const name of Object.keys(own)) {
    if (Object.hasOwn(shared, name)) {
      throw new UserError(`${rule.id}: parameter "${name}" is declared by the pack; list it under packParameters instead of declaring it again`, file, lineAt(`/parameters/${name}`));
    }
  }
  const parameters: Record<string, ParameterSpec> = {};
  (rule.packParameters ?? []).forEach((name, index) => {
    if (!Object.hasOwn(shared, name)) throw new UserError(`${rule.id}: packParameters names "${name}", which the pack does not declare (${names(shared)})`, file, lineAt(`/packParameters/${index}`));
    parameters[name] = shared[name]!;
  });
  return { ...parameters, ...own };
}

/** A check's selector with a named selector resolved: its types, and its condition and the check's own both holding. */
export function resolveSelect(pack: PackDefinitions, rule: RawRuleUses, select: RawSelect, lineAt: () => number, file: string): { type: string[]; where?: Condition } {
  if (select.selector === undefined) {
    const type = select.type!;
    return { type: Array.isArray(type) ? type : [type], ...(select.where ? { where: select.where } : {}) };
  }
  const named = pack.selectors?.[select.selector];
  if (!named || !Object.hasOwn(pack.selectors!, select.selector)) throw new UserError(`${rule.id}: unknown selector "${select.selector}" (${names(pack.selectors)})`, file, lineAt());
  const conditions = [named.where, select.where].filter((condition): condition is Condition => condition !== undefined);
  const where = conditions.length > 1 ? { allOf: conditions } : conditions[0];
  return { type: Array.isArray(named.type) ? [...named.type] : [named.type], ...(where ? { where } : {}) };
}
