import { UserError, oneLine } from '../errors.js';
import type { ParameterSpec, Rule } from '../engine/rule.js';
import { lineIn, pointerSegment, type AzfenceConfig } from './config.js';
import { setOwn } from '../model/values.js';

/**
 * The parameter values one rule runs with: each declared default, then top-level `parameters:` for names
 * the rule declares (other names belong to other rules), then `rules.<id>.parameters`. Values are checked
 * against the rule's ParameterSpec; a string matching an allowed value in another case is returned in the
 * rule's own spelling, so conditions compare against the value the rule author wrote.
 */
export function parametersForRule(config: AzfenceConfig, ruleId: string, declared: Record<string, ParameterSpec>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(declared)) {
    if (spec.default !== undefined) setOwn(values, name, spec.default);
  }
  for (const [name, spec] of Object.entries(declared)) {
    if (!Object.hasOwn(config.parameters, name)) continue;
    const pointer = `/parameters/${pointerSegment(name)}`;
    setOwn(values, name, checkValue(config.parameters[name], spec, { config, pointer, where: `parameters.${name}`, forRule: ` for ${ruleId}` }));
  }
  const settings = Object.hasOwn(config.rules, ruleId) ? config.rules[ruleId] : undefined;
  for (const [name, value] of Object.entries(settings?.parameters ?? {})) {
    const pointer = `/rules/${pointerSegment(ruleId)}/parameters/${pointerSegment(name)}`;
    const spec = Object.hasOwn(declared, name) ? declared[name] : undefined;
    if (!spec) {
      const names = Object.keys(declared).sort();
      const has = names.length > 0 ? `it has: ${names.join(', ')}` : 'it has none';
      throw new UserError(`${ruleId} has no parameter "${oneLine(name, 80)}" (${has})`, config.file, lineIn(config, pointer));
    }
    setOwn(values, name, checkValue(value, spec, { config, pointer, where: `rules.${ruleId}.parameters.${name}`, forRule: '' }));
  }
  return values;
}

/**
 * Checks everything in the config that needs the loaded rules, so a mistake stops the run before
 * scanning: `rules:` keys that name no rule, top-level parameters no rule declares (a typo there would
 * otherwise be silently ignored), and every parameter value against the rules that use it.
 * Pass all loaded rules, not only the ones selected for this run.
 */
export function validateConfigAgainstRules(config: AzfenceConfig, rules: readonly Rule[]): void {
  const known = new Set(rules.map((rule) => rule.id));
  for (const id of Object.keys(config.rules)) {
    if (!known.has(id)) throw new UserError(`rules.${id}: no such rule`, config.file, lineIn(config, `/rules/${pointerSegment(id)}`));
  }
  const declaredNames = new Set(rules.flatMap((rule) => Object.keys(rule.parameters)));
  for (const name of Object.keys(config.parameters)) {
    if (!declaredNames.has(name)) {
      const hint = declaredNames.size > 0 ? `known: ${[...declaredNames].sort().join(', ')}` : 'no loaded rule has parameters';
      throw new UserError(oneLine(`parameters.${name}: no rule has a parameter of this name (${hint})`), config.file, lineIn(config, `/parameters/${pointerSegment(name)}`));
    }
  }
  for (const rule of rules) parametersForRule(config, rule.id, rule.parameters);
}

interface Place {
  config: AzfenceConfig;
  pointer: string;
  /** Dotted path shown to the user, e.g. `parameters.dnsMode`. */
  where: string;
  /** ` for AZF-DNS-004` when the path alone does not say which rule objected. */
  forRule: string;
}

function checkValue(value: unknown, spec: ParameterSpec, place: Place): unknown {
  const fail = (problem: string): never => {
    throw new UserError(oneLine(`${place.where}: ${problem}${place.forRule}`), place.config.file, lineIn(place.config, place.pointer));
  };
  if (!hasType(value, spec.type)) fail(`must be ${article(spec.type)}, got ${kindOf(value)}`);
  if (!spec.allowedValues) return value;
  const allowed = spec.allowedValues;
  const listed = allowed.map((candidate) => (typeof candidate === 'string' ? candidate : JSON.stringify(candidate))).join(', ');
  // As in Azure Policy, an array parameter whose allowed values are not arrays lists the allowed elements.
  if (Array.isArray(value) && !allowed.some(Array.isArray)) {
    return value.map((item) => (allowedMatch(item, allowed) ?? fail(`${show(item)} is not allowed (allowed: ${listed})`)).value);
  }
  return (allowedMatch(value, allowed) ?? fail(`${show(value)} is not allowed (allowed: ${listed})`)).value;
}

/** The allowed value `value` matches (strings case-insensitively), boxed because `null` may be allowed. */
function allowedMatch(value: unknown, allowed: readonly unknown[]): { value: unknown } | undefined {
  for (const candidate of allowed) {
    if (typeof value === 'string' && typeof candidate === 'string') {
      if (value.toLowerCase() === candidate.toLowerCase()) return { value: candidate };
    } else if (JSON.stringify(value) === JSON.stringify(candidate)) return { value: candidate };
  }
  return undefined;
}

function hasType(value: unknown, type: ParameterSpec['type']): boolean {
  switch (type) {
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeof value === type;
  }
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return article(typeof value);
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function show(value: unknown): string {
  return oneLine(JSON.stringify(value) ?? String(value), 80);
}
