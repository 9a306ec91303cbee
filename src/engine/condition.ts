/**
 * The condition language of azfence rules. It follows Azure Policy's `if` grammar, which Azure users
 * already read: `field` + operator leaves, `allOf` / `anyOf` / `not`, and `count` over `[*]` arrays.
 * Like Azure Policy, string comparisons ignore case unless `caseSensitive: true` is set on the leaf.
 *
 * Where a check needs the resource graph or a table, a leaf calls a named function written in TypeScript:
 * `{ function: <check name>, with: { ... } }`.
 */
export type Operand = string | number | boolean | null | Operand[] | { parameter: string };

export const COMPARISON_OPERATORS = [
  'equals',
  'notEquals',
  'in',
  'notIn',
  'like',
  'notLike',
  'match',
  'notMatch',
  'contains',
  'notContains',
  'containsKey',
  'notContainsKey',
  'exists',
  'greater',
  'greaterOrEquals',
  'less',
  'lessOrEquals',
] as const;

export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export type Comparison = Partial<Record<ComparisonOperator, Operand>> & { caseSensitive?: boolean };

export type FieldCondition = Comparison & { field: string };
export type ValueCondition = Comparison & { value: Operand };
export type CountCondition = Comparison & { count: { field: string; where?: Condition } };
export type FunctionCondition = { function: string; with?: Record<string, unknown> };

export type Condition =
  | { allOf: Condition[] }
  | { anyOf: Condition[] }
  | { not: Condition }
  | FieldCondition
  | ValueCondition
  | CountCondition
  | FunctionCondition;
