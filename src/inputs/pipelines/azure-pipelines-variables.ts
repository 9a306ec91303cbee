import type { Node } from 'yaml';
import { entries, get, isMapNode, items, parsePipelineYaml, root, text, type YamlView } from './yaml-nodes.js';
import { placeholderFor, type ExpressionTable, type ScriptScope, type Substitution } from './script-commands.js';
import type { PipelineFile, PipelineState } from './pipeline-state.js';

/**
 * What names mean in Azure Pipelines YAML: variables (mapping and list forms, groups, variable templates),
 * template parameters, and the three expression syntaxes substituted before a script runs: `${{ }}` at
 * compile time, `$[ ]` at run time, `$(name)` macros. Literal values are resolved; everything else
 * (variable groups, runtime expressions, predefined variables, parameters nobody sets) is unknown, named.
 */

/** Variables visible at one level: literal values, and why the others are unknown. */
export interface Variables {
  values: Map<string, Substitution>;
  /** Variable groups in scope: any name not defined in the file may come from them. */
  groups: string[];
  /** Template parameters (lower-case names): the caller's values over the template's defaults. */
  parameters?: Parameters;
}

/** A template's parameters as its caller sets them, and why one without a value is unknown. */
export interface Parameters {
  values: Map<string, Substitution>;
  /** Why a parameter with neither a value from the caller nor a default is unknown. */
  missing: (name: string) => string;
}

const PREDEFINED = /^(Agent|Build|Pipeline|Release|System|Environment|Strategy|Resources|Checks|TF)\./i;

export function lookupVariable(vars: Variables, name: string): Substitution {
  for (const [candidate, value] of vars.values) if (candidate.toLowerCase() === name.toLowerCase()) return value;
  if (PREDEFINED.test(name)) return { unknown: `$(${name}) is a predefined variable, known only when the pipeline runs` };
  const groups = vars.groups.length ? ` (variable group ${vars.groups.join(', ')} may define it)` : '';
  return { unknown: `Azure Pipelines variable ${name} is not defined in this file${groups}` };
}

/** A template expression `${{ ... }}`: `variables.x` with a literal value, a quoted literal, else unknown. */
export function templateExpression(expression: string, vars: Variables): Substitution {
  const expr = expression.trim();
  const literal = /^'((?:[^']|'')*)'$/.exec(expr);
  if (literal) return { text: literal[1]!.replace(/''/g, "'") };
  const variable = /^variables(?:\.([A-Za-z0-9_.]+)|\[\s*'([^']+)'\s*\])$/.exec(expr);
  if (variable) return lookupVariable(vars, variable[1] ?? variable[2]!);
  const parameter = /^parameters(?:\.([A-Za-z0-9_-]+)|\[\s*'([^']+)'\s*\])([\s\S]*)$/.exec(expr);
  if (parameter) {
    const name = parameter[1] ?? parameter[2]!;
    // Only the value itself is evaluated: a member (`parameters.x.y`) or an operator over it is not.
    if (parameter[3]!.trim() !== '') return { unknown: `\${{ ${expr} }} is an expression over parameter ${name}` };
    const value = vars.parameters?.values.get(name.toLowerCase());
    if (value) return value;
    return { unknown: vars.parameters ? vars.parameters.missing(name) : `\${{ parameters.${name} }} is a parameter its caller or the run sets` };
  }
  return { unknown: 'a ${{ }} template expression' };
}

/** Substitutes `${{ }}`, `$[ ]` and `$(name)` macros as Azure Pipelines does before a script runs. */
export function substitute(value: string, vars: Variables, table: ExpressionTable): string {
  return value
    .replace(/\$\{\{([\s\S]*?)\}\}/g, (_all, expression: string) => placeholderFor(table, templateExpression(expression, vars)))
    .replace(/\$\[([\s\S]*?)\]/g, () => placeholderFor(table, { unknown: 'a $[ ] runtime expression' }))
    .replace(/\$\(([A-Za-z0-9_.-]+)\)/g, (_all, name: string) => placeholderFor(table, lookupVariable(vars, name)));
}

export function resolvedValue(value: string, vars: Variables): Substitution {
  const table: ExpressionTable = { entries: [] };
  const replaced = substitute(value, vars, table);
  if (table.entries.length === 0) return { text: replaced };
  return { unknown: table.entries.map((entry) => ('unknown' in entry ? entry.unknown : '')).join('; ') };
}

export function readVariables(state: PipelineState, file: PipelineFile, view: YamlView, node: Node | undefined, outer: Variables, depth = 0): Variables {
  const vars: Variables = { values: new Map(outer.values), groups: [...outer.groups], ...(outer.parameters ? { parameters: outer.parameters } : {}) };
  if (!node) return vars;
  if (isMapNode(node)) {
    for (const [name, value] of entries(view, node)) {
      const written = text(value);
      vars.values.set(name, written === undefined ? { unknown: `variable ${name} is not a plain value` } : resolvedValue(written, vars));
    }
    return vars;
  }
  for (const item of items(view, node)) {
    const name = text(get(view, item, 'name'));
    const group = text(get(view, item, 'group'));
    const template = text(get(view, item, 'template'));
    if (name !== undefined) {
      const written = text(get(view, item, 'value'));
      vars.values.set(name, written === undefined ? { unknown: `variable ${name} is not a plain value` } : resolvedValue(written, vars));
    } else if (group !== undefined) vars.groups.push(group);
    else if (template !== undefined && depth < 8) {
      const located = template.includes('@') || template.includes('${{') ? undefined : state.locate(file, template, 'file');
      if (!located || typeof located === 'string') {
        vars.groups.push(`template ${template}`);
        continue;
      }
      try {
        const included = parsePipelineYaml(located.lines.join('\n'), located.shownAs);
        const merged = readVariables(state, located, included, get(included, root(included), 'variables'), vars, depth + 1);
        for (const [key, value] of merged.values) vars.values.set(key, value);
        vars.groups.push(...merged.groups.filter((g) => !vars.groups.includes(g)));
      } catch {
        vars.groups.push(`template ${template}`);
      }
    }
  }
  return vars;
}

/** Non-secret variables reach scripts as environment variables: upper case, `.` as `_`. */
export function scopeOf(vars: Variables, env: Map<string, Substitution>, windows: boolean): ScriptScope {
  const literal = new Map<string, string>();
  const unknown = new Map<string, string>();
  for (const [name, value] of [...vars.values].map(([n, v]) => [n.replace(/\./g, '_').toUpperCase(), v] as const).concat([...env])) {
    if ('text' in value) {
      literal.set(name, value.text);
      unknown.delete(name);
    } else {
      unknown.set(name, value.unknown);
      literal.delete(name);
    }
  }
  return { env: literal, unknownEnv: unknown, caseInsensitive: windows };
}

