import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Ajv } from 'ajv';
import { ajv } from '../lazy-modules.js';
import { readPrecompiled } from './precompiled.js';
import { displayPath } from '../inputs/display-path.js';
import { isInside, resolvedPath } from '../config/repository.js';
import { UserError } from '../errors.js';
import { lineOfPointer } from '../inputs/yaml-positions.js';
import { readYamlFile } from '../inputs/read-yaml-file.js';
import { describeSchemaError, mostSpecific } from '../inputs/schema-errors.js';
import type { Check, Rule, RulePack, Severity } from './rule.js';
import type { Condition, FollowCondition } from './condition.js';
import { followSpec, FollowError } from './follow.js';
import { resolveSelect, ruleParameters, type PackDefinitions, type RawSelect } from './pack-definitions.js';
import type { CheckDefinition } from '../checks/check.js';
import { COMPARISON_OPERATORS } from './condition.js';
import { FieldPathError, parseFieldPath } from './field-path.js';
import { checkNamed, checkNames } from '../checks/registry.js';
import { BUILT_IN_POLICY_DIR, PACKAGE_ROOT } from './policy-dir.js';

/** Made when the schema is first needed (node:module too): createRequire resolves module paths and builds a module at every start, for a schema that a scan with the precompiled packs never reads. */
let require: NodeJS.Require | undefined;
export { BUILT_IN_POLICY_DIR, PACKAGE_ROOT };

const PACK_SCHEMA = join(PACKAGE_ROOT, 'schemas', 'rule-pack.schema.json');
let validatePack: ReturnType<Ajv['compile']> | undefined;
function packValidator(): ReturnType<Ajv['compile']> {
  validatePack ??= new (ajv().Ajv)({ allErrors: false, strict: true, allowUnionTypes: true }).compile((require ??= process.getBuiltinModule('node:module').createRequire(import.meta.url))(PACK_SCHEMA) as object);
  return validatePack;
}

interface RawPack extends PackDefinitions {
  pack: string;
  title: string;
  description?: string;
  rules: Array<Omit<Rule, 'pack' | 'origin' | 'checks' | 'references' | 'tags' | 'parameters' | 'help'> & {
    help?: string;
    references?: string[];
    tags?: string[];
    parameters?: Rule['parameters'];
    packParameters?: string[];
    checks: Array<Omit<Check, 'select'> & { select: RawSelect }>;
  }>;
}

export function loadPackFile(file: string, builtIn: boolean, shownAs = file): RulePack {
  const { document, lineCounter, value: raw } = readYamlFile(file, shownAs, 'policy file');
  const validate = packValidator();
  if (!validate(raw)) {
    const { problem, pointer } = describeSchemaError(mostSpecific(validate.errors ?? []), 'the pack');
    throw new UserError(problem, shownAs, lineOfPointer(document, lineCounter, pointer));
  }
  const pack = raw as RawPack;
  const rules: Rule[] = pack.rules.map((rawRule, index) => {
    const line = lineOfPointer(document, lineCounter, `/rules/${index}`) ?? 1;
    const lineIn = (pointer: string) => lineOfPointer(document, lineCounter, `/rules/${index}${pointer}`) ?? line;
    const rule: Rule = {
      id: rawRule.id,
      title: rawRule.title,
      pack: pack.pack,
      severity: rawRule.severity as Severity,
      description: rawRule.description.trim(),
      help: (rawRule.help ?? '').trim(),
      references: rawRule.references ?? [],
      ...(rawRule.examples ? { examples: rawRule.examples } : {}),
      tags: rawRule.tags ?? [],
      parameters: ruleParameters(pack, rawRule, lineIn, shownAs),
      remediation: rawRule.remediation,
      checks: rawRule.checks.map((check, i) => ({ ...check, select: resolveSelect(pack, rawRule, check.select, () => lineIn(`/checks/${i}/select/selector`), shownAs) })),
      origin: { file: shownAs, line, builtIn },
    };
    checkSemantics(rule, lineIn, shownAs);
    return rule;
  });
  return { pack: pack.pack, title: pack.title, description: pack.description ?? '', file: shownAs, rules };
}

/** What the schema cannot say: one operator per leaf, valid field paths, known functions and parameters. */
function checkSemantics(rule: Rule, lineAt: (pointer: string) => number, file: string): void {
  // The facts each of the rule's checks may name in `{detail:...}`: what the functions it calls declare.
  const detailsPerCheck: Array<Set<string>> = [];
  let declaredDetails = new Set<string>();
  // `types`: what the condition judges; a `follow:`'s `where` judges the types the link leads to.
  const visit = (condition: Condition, pointer: string, types: readonly string[]): void => {
    const record = condition as Record<string, unknown>;
    if ('allOf' in condition) return condition.allOf.forEach((child, i) => visit(child, `${pointer}/allOf/${i}`, types));
    if ('anyOf' in condition) return condition.anyOf.forEach((child, i) => visit(child, `${pointer}/anyOf/${i}`, types));
    if ('not' in condition) return visit(condition.not, `${pointer}/not`, types);
    if ('follow' in condition) return visitFollow(condition, pointer, types);
    if ('function' in condition) {
      const check = checkNamed(condition.function);
      if (!check) throw new UserError(`${rule.id}: unknown function "${condition.function}" (${suggestCheck(condition.function)})`, file, lineAt(pointer));
      checkArguments(rule, check, condition.with, () => lineAt(`${pointer}/with`), file);
      for (const detail of check.details) declaredDetails.add(detail);
      return;
    }
    const operators = COMPARISON_OPERATORS.filter((operator) => operator in record);
    if (operators.length !== 1) {
      throw new UserError(`${rule.id}: a condition needs exactly one operator, found ${operators.length ? operators.join(', ') : 'none'}`, file, lineAt(pointer));
    }
    // `value: { parameter: x }` reads a parameter as much as an operand does (a named selector's condition).
    for (const operator of [...operators, 'value']) {
      const operand = record[operator];
      if (operand && typeof operand === 'object' && !Array.isArray(operand)) {
        const name = (operand as { parameter: string }).parameter;
        if (!Object.hasOwn(rule.parameters, name)) throw new UserError(`${rule.id}: parameter "${name}" is not declared`, file, lineAt(pointer));
      }
    }
    const path = 'count' in condition ? condition.count.field : (record['field'] as string | undefined);
    if (path !== undefined) checkFieldPath(path, () => lineAt(pointer));
    if ('count' in condition && condition.count.where) visit(condition.count.where, `${pointer}/count/where`, types);
  };
  const visitFollow = (condition: FollowCondition, pointer: string, types: readonly string[]): void => {
    const specs = types.map((type) => {
      try {
        return followSpec(condition, type);
      } catch (error) {
        if (error instanceof FollowError) throw new UserError(`${rule.id}: ${error.message}`, file, lineAt(pointer));
        throw error;
      }
    });
    const where = typeof condition.follow === 'string' ? undefined : condition.follow.where;
    for (const spec of specs) checkFieldPath(spec.field, () => lineAt(`${pointer}/follow`));
    if (where) visit(where, `${pointer}/follow/where`, [...new Set(specs.flatMap((spec) => spec.to))]);
  };
  const checkFieldPath = (path: string, line: () => number): void => {
    try {
      parseFieldPath(path);
    } catch (error) {
      if (error instanceof FieldPathError) throw new UserError(`${rule.id}: ${error.message}`, file, line());
      throw error;
    }
  };
  rule.checks.forEach((check, i) => {
    declaredDetails = new Set(ALWAYS_DECLARED_DETAILS);
    if (check.select.where) visit(check.select.where, `/checks/${i}/select/where`, check.select.type);
    visit(check.assert, `/checks/${i}/assert`, check.select.type);
    check.messages?.forEach((variant, j) => visit(variant.when, `/checks/${i}/messages/${j}/when`, check.select.type));
    detailsPerCheck.push(declaredDetails);
    checkDetails(rule, check.message, declaredDetails, lineAt(`/checks/${i}/message`), file);
    check.messages?.forEach((variant, j) => checkDetails(rule, variant.text, declaredDetails, lineAt(`/checks/${i}/messages/${j}/text`), file));
  });
  // The remediation serves every check of the rule: a fact any of them names may appear in it.
  const anyCheck = new Set(detailsPerCheck.flatMap((details) => [...details]));
  for (const [key, text] of Object.entries(rule.remediation)) {
    if (typeof text === 'string') checkDetails(rule, text, anyCheck, lineAt(`/remediation/${key}`), file);
  }
}

/** A near miss names the check meant (a typo); otherwise the list, which the one-line error may cut. */
function suggestCheck(name: string): string {
  const names = checkNames();
  const nearest = names.map((known) => ({ known, distance: editDistance(name.toLowerCase(), known.toLowerCase()) })).sort((a, b) => a.distance - b.distance)[0];
  if (nearest && nearest.distance <= 3) return `did you mean ${nearest.known}?`;
  return `known: ${names.join(', ')}`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = current;
  }
  return previous[b.length]!;
}

/** Every unknown verdict carries its reason (see checks/results.ts). */
const ALWAYS_DECLARED_DETAILS = ['unknownReason'];

/** A `{detail:key}` (or `{detail:key|words when unknown}`) no function of the check declares: refused. */
function checkDetails(rule: Rule, text: string, declared: ReadonlySet<string>, line: number, file: string): void {
  for (const match of text.matchAll(/\{detail:([^}|]*)(?:\|[^}]*)?\}/g)) {
    const key = match[1]!;
    if (declared.has(key)) continue;
    const known = [...declared].filter((detail) => !ALWAYS_DECLARED_DETAILS.includes(detail)).sort();
    const offer = known.length ? `the functions it calls declare: ${known.join(', ')}` : 'it calls no function that declares details';
    throw new UserError(`${rule.id}: {detail:${key}} is not a detail of this check (${offer})`, file, line);
  }
}

/** A function's `with:` arguments against its module's declaration: no unknown key, none missing, right type. */
function checkArguments(rule: Rule, check: CheckDefinition, given: Readonly<Record<string, unknown>> | undefined, lineAt: () => number, file: string): void {
  const declared = check.arguments ?? {};
  const args = given ?? {};
  for (const key of Object.keys(args)) {
    if (Object.hasOwn(declared, key)) continue;
    const known = Object.keys(declared);
    throw new UserError(`${rule.id}: function ${check.name} takes no argument "${key}" (${known.length ? `it takes: ${known.join(', ')}` : 'it takes none'})`, file, lineAt());
  }
  for (const [key, spec] of Object.entries(declared)) {
    const value = args[key];
    if (value === undefined) {
      if (spec.required) throw new UserError(`${rule.id}: function ${check.name} needs the argument "${key}" (${spec.description})`, file, lineAt());
      continue;
    }
    const actual = Array.isArray(value) ? 'array' : typeof value;
    if (actual !== spec.type) throw new UserError(`${rule.id}: argument "${key}" of function ${check.name} must be a ${spec.type}, not a ${actual}`, file, lineAt());
  }
}

/**
 * The pack files of a directory: every `*.yaml`/`*.yml` entry but directories. A FIFO, a device or a broken
 * link by that name is kept, so reading it fails with an error instead of a pack being dropped unsaid.
 */
function packFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/i.test(name))
    .sort()
    .map((name) => join(dir, name))
    .filter((file) => !statSync(file, { throwIfNoEntry: false })?.isDirectory());
}

/**
 * A rule-pack path: from --policies (the operator's choice, loaded wherever it is), or from `policies:` in a
 * config, which a pull request controls, with the repository its every file must stay inside.
 */
export type PolicySource = string | { path: string; repository: string };

/**
 * Refuses a pack file from a config that leads outside the repository once symlinks are followed. Checked
 * before the file is opened, in words that do not depend on whether the target exists.
 */
function checkInsideRepository(file: string, source: PolicySource, cwd: string): void {
  if (typeof source === 'string' || isInside(source.repository, resolvedPath(file))) return;
  throw new UserError('resolves to a file outside the repository (policies: in .azfence.yaml must stay inside it)', displayPath(file, cwd));
}

export interface LoadedRules {
  packs: RulePack[];
  rules: Rule[];
}

/** The files the built-in packs are compiled from: policies/*.yaml, and the schema they are validated against. */
export function builtInPackSources(): string[] {
  return [...packFilesIn(BUILT_IN_POLICY_DIR), PACK_SCHEMA];
}

/**
 * The built-in packs: precompiled at build time (scripts/precompile.mjs) while policies/*.yaml, the schema
 * and the code are what they were compiled from, else parsed and validated here. The cached packs are
 * exactly what parsing returns (test/shipping/precompiled.test.ts).
 */
export function builtInPacks(precompiled = true): RulePack[] {
  const stored = precompiled ? readPrecompiled<RulePack[]>('packs', builtInPackSources()) : undefined;
  return stored ?? packFilesIn(BUILT_IN_POLICY_DIR).map((file) => loadPackFile(file, true, relative(PACKAGE_ROOT, file)));
}

/** Loads the built-in packs and any user packs; a user rule may not reuse a built-in id. */
export function loadRules(userPolicyPaths: readonly PolicySource[] = [], cwd = process.cwd()): LoadedRules {
  const packs: RulePack[] = [...builtInPacks()];
  const seen = new Map<string, Rule>();
  for (const rule of packs.flatMap((pack) => pack.rules)) {
    if (seen.has(rule.id)) throw new UserError(`duplicate rule id ${rule.id}`, rule.origin.file, rule.origin.line);
    seen.set(rule.id, rule);
  }
  for (const source of userPolicyPaths) {
    const userPath = typeof source === 'string' ? source : source.path;
    const absolute = resolve(cwd, userPath);
    // Before anything is looked up: whether a path outside exists is not the config's business.
    checkInsideRepository(absolute, source, cwd);
    let files: string[];
    try {
      files = statSync(absolute).isDirectory() ? packFilesIn(absolute) : [absolute];
    } catch {
      throw new UserError('policy path does not exist', userPath);
    }
    for (const file of files) {
      checkInsideRepository(file, source, cwd);
      const pack = loadPackFile(file, false, displayPath(file, cwd));
      for (const rule of pack.rules) {
        const existing = seen.get(rule.id);
        if (existing) {
          const why = existing.origin.builtIn ? 'is a built-in rule id' : `is already defined at ${existing.origin.file}:${existing.origin.line}`;
          throw new UserError(`rule id ${rule.id} ${why}; give your rule its own id`, rule.origin.file, rule.origin.line);
        }
        seen.set(rule.id, rule);
      }
      packs.push(pack);
    }
  }
  return { packs, rules: [...seen.values()] };
}
