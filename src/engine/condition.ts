/**
 * The condition language of azfence rules. It follows Azure Policy's `if` grammar, which Azure users
 * already read: `field` + operator leaves, `allOf` / `anyOf` / `not`, and `count` over `[*]` arrays.
 * Like Azure Policy, string comparisons ignore case unless `caseSensitive: true` is set on the leaf.
 *
 * A check about a linked resource follows the link: `{ follow: <link name> }` or
 * `{ follow: { link | field + to, where } }`, with `where` judged on the resource the link names.
 * Where a check needs more of the resource graph or a table, a leaf calls a named function written in
 * TypeScript: `{ function: <check name>, with: { ... } }`.
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

/**
 * A link to follow: one the catalog names for the selected types (src/graph/named-links.ts), or a field path
 * holding ARM ids and the types they may name; `where` must hold on every resource the link names.
 */
export type FollowTarget = ({ link: string } | { field: string; to: string | string[] }) & { where?: Condition };
export type FollowCondition = { follow: string | FollowTarget };

export type Condition =
  | { allOf: Condition[] }
  | { anyOf: Condition[] }
  | { not: Condition }
  | FieldCondition
  | ValueCondition
  | CountCondition
  | FollowCondition
  | FunctionCondition;
