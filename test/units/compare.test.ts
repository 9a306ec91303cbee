import { describe, expect, it } from 'vitest';
import { compare, compareKnown, compareRange, describeComparison } from '../../src/engine/compare.js';
import type { ComparisonOperator } from '../../src/engine/condition.js';
import { REDACTED, UNKNOWN } from '../../src/model/values.js';

/**
 * The comparison operators of the condition language, one by one, with the edge each one has: case
 * folding, absent values, lists, objects, ordering. A rule's verdict is exactly what these return.
 */
type Case = [value: unknown, operator: ComparisonOperator, operand: unknown, caseSensitive: boolean, expected: boolean];

const CASES: Case[] = [
  // equals / notEquals: strings fold case unless caseSensitive; absent is never equal
  ['Enabled', 'equals', 'enabled', false, true],
  ['Enabled', 'equals', 'enabled', true, false],
  ['Enabled', 'equals', 'Enabled', true, true],
  [undefined, 'equals', undefined, false, false],
  [null, 'equals', null, false, false],
  [3, 'equals', 3, false, true],
  [3, 'equals', '3', false, false],
  [true, 'equals', true, false, true],
  [['A', 'b'], 'equals', ['a', 'B'], false, true],
  [['A', 'b'], 'equals', ['a', 'B'], true, false],
  [['a'], 'equals', ['a', 'b'], false, false],
  [['a', 'b'], 'equals', ['a'], false, false],
  [{ k: 'V' }, 'equals', { k: 'v' }, false, true],
  [{ k: 'V' }, 'equals', { k: 'v' }, true, false],
  [{ k: 'v' }, 'equals', { k: 'v', other: 1 }, false, false],
  [{ k: 'v', other: 1 }, 'equals', { k: 'v' }, false, false],
  [{ k: 'v' }, 'equals', { j: 'v' }, false, false],
  [{ k: 'v' }, 'equals', ['v'], false, false],
  ['Enabled', 'notEquals', 'ENABLED', false, false],
  ['Enabled', 'notEquals', 'Disabled', false, true],
  [undefined, 'notEquals', 'x', false, true],
  [null, 'notEquals', 'x', false, true],
  // in / notIn: a scalar operand is a list of one
  ['b', 'in', ['A', 'B'], false, true],
  ['b', 'in', ['A', 'B'], true, false],
  ['b', 'in', 'B', false, true],
  ['a', 'in', 'abc', false, false], // a string operand is one value, not a list of its characters
  ['a', 'notIn', 'abc', false, true],
  ['c', 'in', ['a', 'b'], false, false],
  [undefined, 'in', [undefined], false, false],
  ['b', 'notIn', ['A', 'B'], false, false],
  ['c', 'notIn', ['A', 'B'], false, true],
  ['c', 'notIn', 'C', false, false],
  [undefined, 'notIn', ['a'], false, true],
  // like / notLike: `*` only; strings only
  ['Premium_LRS', 'like', 'premium*', false, true],
  ['Premium_LRS', 'like', 'premium*', true, false],
  ['Premium_LRS', 'like', 'Premium', false, false],
  [42, 'like', '*', false, false],
  [undefined, 'like', '*', false, false],
  ['Premium_LRS', 'notLike', 'Standard*', false, true],
  ['Premium_LRS', 'notLike', 'PREMIUM*', false, false],
  [42, 'notLike', '*', false, true],
  // match / notMatch: # digit, ? letter, . any; whole string
  ['ab12', 'match', '??##', false, true],
  ['AB12', 'match', '??##', false, true],
  ['ab12', 'match', '??#', false, false],
  ['xab12', 'match', '??##', false, false],
  ['a.c', 'match', 'a.c', false, true],
  ['abc', 'match', 'a.c', false, true],
  ['a+c', 'match', 'a+c', false, true],
  ['aac', 'match', 'a+c', false, false],
  ['Ab', 'match', 'ab', true, false],
  ['Ab', 'match', 'ab', false, true],
  ['a1', 'match', '?#', true, true],
  ['1a', 'match', '?#', false, false],
  ['a\nb', 'match', 'a.b', true, true],
  [12, 'match', '##', false, false],
  ['ab12', 'notMatch', '??##', false, false],
  ['abcd', 'notMatch', '??##', false, true],
  [12, 'notMatch', '##', false, true],
  // contains / notContains: substring of a string, member of a list
  ['PublicNetwork', 'contains', 'network', false, true],
  ['PublicNetwork', 'contains', 'network', true, false],
  ['PublicNetwork', 'contains', 7, false, false],
  [['A', 'B'], 'contains', 'b', false, true],
  [['A', 'B'], 'contains', 'b', true, false],
  [['A', 'B'], 'contains', 'c', false, false],
  [{ b: 1 }, 'contains', 'b', false, false],
  [undefined, 'contains', 'b', false, false],
  [['A'], 'notContains', 'a', false, false],
  [['A'], 'notContains', 'c', false, true],
  // containsKey / notContainsKey: object keys, folded
  [{ Flag: 1 }, 'containsKey', 'flag', false, true],
  [{ Flag: 1 }, 'containsKey', 'flag', true, false],
  [{ Flag: 1 }, 'containsKey', 'other', false, false],
  [['flag'], 'containsKey', 'flag', false, false],
  [{ Flag: 1 }, 'notContainsKey', 'FLAG', false, false],
  [{ Flag: 1 }, 'notContainsKey', 'other', false, true],
  [['flag'], 'notContainsKey', 'flag', false, true],
  // exists
  ['x', 'exists', true, false, true],
  ['', 'exists', true, false, true],
  [false, 'exists', true, false, true],
  [undefined, 'exists', true, false, false],
  [null, 'exists', true, false, false],
  [undefined, 'exists', false, false, true],
  ['x', 'exists', false, false, false],
  // ordering: numbers by value, strings by collation, mixed never
  [3, 'greater', 2, false, true],
  [2, 'greater', 2, false, false],
  [1, 'greater', 2, false, false],
  [3, 'greaterOrEquals', 3, false, true],
  [2, 'greaterOrEquals', 3, false, false],
  [4, 'greaterOrEquals', 3, false, true],
  [1, 'less', 2, false, true],
  [2, 'less', 2, false, false],
  [3, 'less', 2, false, false],
  [2, 'lessOrEquals', 2, false, true],
  [3, 'lessOrEquals', 2, false, false],
  [1, 'lessOrEquals', 2, false, true],
  ['b', 'greater', 'a', false, true],
  ['a', 'less', 'b', false, true],
  ['a', 'greater', 'b', false, false],
  ['3', 'greater', 2, false, false],
  ['3', 'less', 4, false, false],
  ['3', 'lessOrEquals', 4, false, false],
  ['3', 'greaterOrEquals', 2, false, false],
  [undefined, 'less', 2, false, false],
];

describe('compareKnown: each operator on a known value', () => {
  for (const [value, operator, operand, caseSensitive, expected] of CASES) {
    it(`${JSON.stringify(value) ?? 'undefined'} ${operator} ${JSON.stringify(operand) ?? 'undefined'}${caseSensitive ? ' (case-sensitive)' : ''} is ${expected}`, () => {
      expect(compareKnown(value, operator, operand, caseSensitive)).toBe(expected);
      // compare() agrees on every known value
      expect(compare(value, operator, operand, caseSensitive)).toBe(expected ? 'pass' : 'fail');
    });
  }

  it('a match pattern is cached per case mode, not shared between them', () => {
    expect(compareKnown('AB', 'match', 'ab', true)).toBe(false);
    expect(compareKnown('AB', 'match', 'ab', false)).toBe(true);
    expect(compareKnown('AB', 'match', 'ab', true)).toBe(false);
  });
});

describe('compare: placeholders decide nothing a rule could pass on', () => {
  it('an unknown value is unknown for every operator, exists included', () => {
    for (const operator of ['equals', 'notEquals', 'exists', 'notIn', 'contains'] as const) expect(compare(UNKNOWN, operator, true, false)).toBe('unknown');
  });
  it('a sensitive value exists, and nothing else can be told of it', () => {
    expect(compare(REDACTED, 'exists', true, false)).toBe('pass');
    expect(compare(REDACTED, 'exists', false, false)).toBe('fail');
    expect(compare(REDACTED, 'equals', 'x', false)).toBe('unknown');
    expect(compare(REDACTED, 'notEquals', 'x', false)).toBe('unknown');
  });
  it('a list with an unknown member: contains is unknown unless a known member already decides', () => {
    expect(compare(['a', UNKNOWN], 'contains', 'a', false)).toBe('pass');
    expect(compare(['a', UNKNOWN], 'contains', 'b', false)).toBe('unknown');
    expect(compare(['a', REDACTED], 'contains', 'b', false)).toBe('unknown');
    expect(compare(['a', UNKNOWN], 'notContains', 'a', false)).toBe('fail');
    expect(compare(['a', UNKNOWN], 'notContains', 'b', false)).toBe('unknown');
    expect(compare(['a', 'c'], 'notContains', 'b', false)).toBe('pass');
    expect(compare(['a', 'c'], 'contains', 'b', false)).toBe('fail');
    expect(compare(['A', 'c'], 'contains', 'a', true)).toBe('fail');
    expect(compare(['A', 'c'], 'contains', 'a', false)).toBe('pass');
  });
  it('a list with an unknown member is still compared whole by other operators', () => {
    expect(compare(['a', UNKNOWN], 'equals', ['a', 'b'], false)).toBe('fail');
    expect(compare(['a', UNKNOWN], 'exists', true, false)).toBe('pass');
  });
});

describe('compareRange: a count known only between min and max', () => {
  const cases: Array<[number, number, ComparisonOperator, unknown, string]> = [
    [2, 2, 'equals', 2, 'pass'],
    [2, 2, 'equals', 3, 'fail'],
    [1, 3, 'equals', 2, 'unknown'],
    [1, 3, 'equals', 1, 'unknown'],
    [1, 3, 'equals', 3, 'unknown'],
    [1, 3, 'equals', 0, 'fail'],
    [1, 3, 'equals', 4, 'fail'],
    [1, 3, 'equals', '2', 'fail'],
    [1, 3, 'notEquals', 4, 'pass'],
    [1, 3, 'notEquals', 0, 'pass'],
    [1, 3, 'notEquals', 2, 'unknown'],
    [1, 3, 'in', [5, 2], 'unknown'],
    [1, 3, 'in', [5, 6], 'fail'],
    [1, 3, 'in', 2, 'unknown'],
    [1, 3, 'notIn', [5, 6], 'pass'],
    [1, 3, 'notIn', [3], 'unknown'],
    [1, 3, 'greater', 0, 'pass'],
    [1, 3, 'greater', 1, 'unknown'],
    [1, 3, 'greater', 3, 'fail'],
    [1, 3, 'less', 4, 'pass'],
    [1, 3, 'less', 3, 'unknown'],
    [1, 3, 'less', 1, 'fail'],
    [1, 3, 'greaterOrEquals', 1, 'pass'],
    [1, 3, 'lessOrEquals', 3, 'pass'],
    [1, 3, 'lessOrEquals', 2, 'unknown'],
    [0, 1, 'greaterOrEquals', 2, 'fail'],
  ];
  for (const [min, max, operator, operand, expected] of cases) {
    it(`${min}..${max} ${operator} ${JSON.stringify(operand)} is ${expected}`, () => expect(compareRange(min, max, operator, operand)).toBe(expected));
  }
});

describe('describeComparison: the "expected" text users read in evidence', () => {
  const cases: Array<[ComparisonOperator, unknown, string]> = [
    ['exists', true, 'to be set'],
    ['exists', false, 'not to be set'],
    ['equals', 'Disabled', 'to equal "Disabled"'],
    ['notEquals', 'Enabled', 'not to equal "Enabled"'],
    ['in', ['a', 'b'], 'to be one of ["a", "b"]'],
    ['notIn', ['a'], 'not to be one of ["a"]'],
    ['like', 'x*', 'to be like "x*"'],
    ['notLike', 'x*', 'not to be like "x*"'],
    ['match', '##', 'to match "##"'],
    ['notMatch', '##', 'not to match "##"'],
    ['contains', '*', 'to contain "*"'],
    ['notContains', '*', 'not to contain "*"'],
    ['containsKey', 'k', 'to have key "k"'],
    ['notContainsKey', 'k', 'not to have key "k"'],
    ['greater', 1, 'to be greater than 1'],
    ['greaterOrEquals', 1, 'to be at least 1'],
    ['less', 1, 'to be less than 1'],
    ['lessOrEquals', 1, 'to be at most 1'],
    ['equals', [], 'to equal []'],
    ['equals', true, 'to equal true'],
  ];
  for (const [operator, operand, text] of cases) it(`${operator} ${JSON.stringify(operand)}: "${text}"`, () => expect(describeComparison(operator, operand)).toBe(text));
});

describe('comparisons at the edges a rule can reach', () => {
  const cases: Case[] = [
    // case folding is lower-casing, and only when the comparison is case-insensitive
    ['ß', 'equals', 'ss', false, false],
    ['ABC', 'equals', 'abc', true, false],
    ['ABC', 'notLike', 'abc', true, true],
    ['ABC', 'like', 'abc', true, false],
    // a list is not equal to its only member; an object is not equal to a non-object
    [['x'], 'equals', 'x', false, false],
    [{}, 'equals', 5, false, false],
    [{ 0: 'a' }, 'equals', 'a', false, false],
    [{ a: 1, b: 2 }, 'equals', { a: 1, b: 3 }, false, false],
    [{ a: 1, b: 2 }, 'equals', { b: 2, a: 1 }, false, true],
    // keys: any key may match
    [{ a: 1, b: 2 }, 'containsKey', 'A', false, true],
    [{ a: 1, b: 2 }, 'notContainsKey', 'a', false, false],
    // strings order by locale, numbers by value, anything else does not order
    ['b', 'greater', 'a', false, true],
    ['a', 'less', 'b', false, true],
    ['a', 'greaterOrEquals', 'a', false, true],
    [5, 'greater', 'a', false, false],
    ['5', 'lessOrEquals', 6, false, false],
    // a number is not ordered against a numeric string: "3" is text, not 3
    [5, 'greater', '3', false, false],
    // a list contains a member equal to the operand, not one that contains it
    [['ab'], 'contains', 'b', false, false],
    [['ab', 'B'], 'contains', 'b', false, true],
    // a string contains only a string: the number 7 is not the text "7"
    ['Port7', 'contains', 7, false, false],
  ];
  for (const [value, operator, operand, caseSensitive, expected] of cases) {
    it(`${JSON.stringify(value)} ${operator} ${JSON.stringify(operand)}${caseSensitive ? ' (case-sensitive)' : ''} is ${expected}`, () => {
      expect(compareKnown(value, operator, operand, caseSensitive)).toBe(expected);
    });
  }
  it('a count known as a range: equals and in are unknown when the range holds the operand, decided when it cannot', () => {
    expect(compareRange(1, 3, 'equals', 2)).toBe('unknown');
    expect(compareRange(1, 3, 'in', [2, 9])).toBe('unknown');
    expect(compareRange(1, 3, 'notEquals', 2)).toBe('unknown');
    expect(compareRange(1, 3, 'equals', 5)).toBe('fail');
    expect(compareRange(1, 3, 'notIn', [5])).toBe('pass');
    expect(compareRange(1, 3, 'notIn', [2])).toBe('unknown');
    expect(compareRange(2, 2, 'equals', 2)).toBe('pass');
    expect(compareRange(1, 3, 'greater', 0)).toBe('pass');
    expect(compareRange(1, 3, 'greater', 2)).toBe('unknown');
    expect(compareRange(1, 3, 'less', 1)).toBe('fail');
  });
});
