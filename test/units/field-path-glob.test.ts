import { describe, expect, it } from 'vitest';
import { FieldPathError, formatFieldPath, getKey, hasEach, parseFieldPath, resolveEach, resolveSingle } from '../../src/engine/field-path.js';
import { wildcardMatch } from '../../src/engine/glob.js';
import { openObject, REDACTED, UNKNOWN } from '../../src/model/values.js';

/** Field paths name what a rule reads and what evidence points at; wildcards decide `like` and suppressions. */
describe('parseFieldPath', () => {
  it('splits keys, indexes, [*] and quoted keys', () => {
    expect(parseFieldPath('properties.networkRuleSet.ipRules[*].value')).toEqual([{ key: 'properties' }, { key: 'networkRuleSet' }, { key: 'ipRules' }, { each: true }, { key: 'value' }]);
    expect(parseFieldPath("tags['cost.center']")).toEqual([{ key: 'tags' }, { key: 'cost.center' }]);
    expect(parseFieldPath('tags["a b"]')).toEqual([{ key: 'tags' }, { key: 'a b' }]);
    expect(parseFieldPath('list[12].x')).toEqual([{ key: 'list' }, { index: 12 }, { key: 'x' }]);
    expect(parseFieldPath('list[ * ]')).toEqual([{ key: 'list' }, { each: true }]);
    expect(parseFieldPath('a-b:c/d@e$f_g')).toEqual([{ key: 'a-b:c/d@e$f_g' }]);
  });
  it('gives the same segments for the same path twice (cached)', () => {
    expect(parseFieldPath('sku.name')).toBe(parseFieldPath('sku.name'));
  });
  const invalid: Array<[string, string]> = [
    ['.a', 'field path ".a" has a stray "."'],
    ['a.', 'field path "a." has a stray "."'],
    ['a[1', 'field path "a[1" has an unclosed "["'],
    ['a[x]', 'field path "a[x]" has an invalid index [x]'],
    ["a['x]", `field path "a['x]" has an invalid index ['x]`],
    ['a[-1]', 'field path "a[-1]" has an invalid index [-1]'],
    ['a b', 'field path "a b" has an invalid name "a b"'],
    ['', 'field path is empty'],
  ];
  for (const [path, message] of invalid) {
    it(`refuses ${JSON.stringify(path)}: ${message}`, () => {
      expect(() => parseFieldPath(path)).toThrow(FieldPathError);
      expect(() => parseFieldPath(path)).toThrow(message);
    });
  }
  it('accepts a path of an index only and a dot after a bracket', () => {
    expect(parseFieldPath('[0]')).toEqual([{ index: 0 }]);
    expect(parseFieldPath('a[0].b')).toEqual([{ key: 'a' }, { index: 0 }, { key: 'b' }]);
  });
});

describe('formatFieldPath', () => {
  it('writes keys dotted, odd keys quoted, indexes and [*] in brackets', () => {
    expect(formatFieldPath(parseFieldPath("properties.rules[*].x['cost.center'][2]"))).toBe("properties.rules[*].x['cost.center'][2]");
    expect(formatFieldPath([{ key: 'a-b' }])).toBe("['a-b']");
    expect(formatFieldPath([{ key: '1a' }])).toBe("['1a']");
    expect(formatFieldPath([{ key: 'a1' }, { key: '_b$' }])).toBe('a1._b$');
    expect(formatFieldPath([{ key: 'x y' }, { key: 'z' }])).toBe("['x y'].z");
    expect(formatFieldPath([])).toBe('');
  });
  it('hasEach tells a [*] path from a single one', () => {
    expect(hasEach(parseFieldPath('a[*].b'))).toBe(true);
    expect(hasEach(parseFieldPath('a[0].b'))).toBe(false);
  });
});

describe('resolving a path', () => {
  const body = { properties: { Mode: 'On', rules: [{ v: 1 }, { v: 2 }, {}], nested: { deep: 'x' }, unknown: UNKNOWN, secret: REDACTED, list: ['a', 'b'] } };
  it('reads keys case-insensitively, preferring the exact key', () => {
    expect(getKey({ mode: 'lower', Mode: 'exact' }, 'Mode')).toBe('exact');
    expect(getKey({ MODE: 'upper' }, 'mode')).toBe('upper');
    expect(getKey({ other: 1 }, 'mode')).toBeUndefined();
    expect(getKey(Object.create({ inherited: 1 }) as Record<string, unknown>, 'inherited')).toBeUndefined();
    expect(resolveSingle(body, parseFieldPath('properties.mode'))).toBe('On');
  });

  it('finds a key in another casing even where lower-casing changes its length (a dotted capital İ)', () => {
    // 'İ' (U+0130) lower-cases to 'i' and a combining dot: 'İstanbul' is 8 units, its lower case 9.
    const tagged = { tags: { 'İstanbul': 'tr-1' } };
    expect(resolveSingle(tagged, parseFieldPath("tags['i\u0307stanbul']"))).toBe('tr-1');
    expect(resolveSingle(tagged, parseFieldPath("tags['İSTANBUL']"))).toBe('tr-1');
    expect(resolveSingle(tagged, parseFieldPath("tags['istanbul']"))).toBeUndefined();
  });
  it('one value: missing is undefined, a placeholder on the way is the answer', () => {
    expect(resolveSingle(body, parseFieldPath('properties.nested.deep'))).toBe('x');
    expect(resolveSingle(body, parseFieldPath('properties.list[1]'))).toBe('b');
    expect(resolveSingle(body, parseFieldPath('properties.list[5]'))).toBeUndefined();
    expect(resolveSingle(body, parseFieldPath('properties.nested[0]'))).toBeUndefined();
    expect(resolveSingle(body, parseFieldPath('properties.list.x'))).toBeUndefined();
    expect(resolveSingle(body, parseFieldPath('properties.missing.deeper.still'))).toBeUndefined();
    expect(resolveSingle(body, parseFieldPath('properties.unknown.deeper'))).toBe(UNKNOWN);
    expect(resolveSingle(body, parseFieldPath('properties.secret.deeper.still'))).toBe(REDACTED);
    expect(resolveSingle(body, parseFieldPath('properties.secret'))).toBe(REDACTED);
    expect(resolveSingle('text', parseFieldPath('length'))).toBeUndefined();
  });
  it('an open object (an overlay onto a resource outside the scan) reads absent keys as unknown', () => {
    const open = openObject({ set: 'yes' });
    expect(resolveSingle({ p: open }, parseFieldPath('p.set'))).toBe('yes');
    expect(resolveSingle({ p: open }, parseFieldPath('p.other'))).toBe(UNKNOWN);
    expect(resolveSingle({ p: { set: 'yes' } }, parseFieldPath('p.other'))).toBeUndefined();
  });
  it('[*]: every member, a member without the key as not set, a missing list as empty', () => {
    expect(resolveEach(body, parseFieldPath('properties.rules[*].v'))).toEqual([1, 2, undefined]);
    expect(resolveEach(body, parseFieldPath('properties.rules[*]'))).toEqual(body.properties.rules);
    expect(resolveEach(body, parseFieldPath('properties.absent[*].v'))).toEqual([]);
    expect(resolveEach(body, parseFieldPath('properties.nested[*]'))).toEqual([]);
    expect(resolveEach({ a: [[1, 2], [3]] }, parseFieldPath('a[*][*]'))).toEqual([1, 2, 3]);
    expect(resolveEach({ a: [{ b: [1] }, { b: [2, 3] }] }, parseFieldPath('a[*].b[1]'))).toEqual([undefined, 3]);
  });
  it('[*] over an unknown or sensitive list is that placeholder: not even the count is known', () => {
    expect(resolveEach(body, parseFieldPath('properties.unknown[*].v'))).toBe(UNKNOWN);
    expect(resolveEach(body, parseFieldPath('properties.secret[*]'))).toBe(REDACTED);
    expect(resolveEach({ a: [{ b: UNKNOWN }] }, parseFieldPath('a[*].b[*]'))).toBe(UNKNOWN);
    // a placeholder member at the last step is a member value, not the whole answer
    expect(resolveEach({ a: ['x', UNKNOWN] }, parseFieldPath('a[*]'))).toEqual(['x', UNKNOWN]);
  });
});

describe('wildcardMatch', () => {
  const cases: Array<[string, string, { caseSensitive?: boolean; questionMark?: boolean }, boolean]> = [
    ['abc', 'abc', {}, true],
    ['abc', 'ABC', {}, true],
    ['abc', 'ABC', { caseSensitive: true }, false],
    ['ABC', 'abc', { caseSensitive: true }, false],
    ['abc', 'abcd', {}, false],
    ['abcd', 'abc', {}, false],
    ['a*', 'a', {}, true],
    ['a*', 'abc', {}, true],
    ['a*', 'ba', {}, false],
    ['*c', 'abc', {}, true],
    ['*c', 'abcd', {}, false],
    ['*', '', {}, true],
    ['a*b', 'ab', {}, true],
    ['ab*ab', 'ab', {}, false],
    ['ab*ba', 'aba', {}, false],
    ['a*b*c', 'axxbyyc', {}, true],
    ['a*b*c', 'axxcyyb', {}, false],
    ['a*b*b*c', 'abc', {}, false],
    ['a*b*b*c', 'abbc', {}, true],
    ['a**c', 'ac', {}, true],
    ['*x*', 'axb', {}, true],
    ['*x*', 'ab', {}, false],
    ['*bc*bc', 'abcbc', {}, true],
    ['*bcd*', 'abc', {}, false],
    ['a*B*c', 'AxbxC', { caseSensitive: true }, false],
    ['a*B*c', 'axBxc', { caseSensitive: true }, true],
    // `?` is literal for Azure Policy's like, one character for suppression globs
    ['a?c', 'abc', {}, false],
    ['a?c', 'a?c', {}, true],
    ['a?c', 'abc', { questionMark: true }, true],
    ['a?c', 'ac', { questionMark: true }, false],
    ['a?c', 'abbc', { questionMark: true }, false],
    ['?', '', { questionMark: true }, false],
    ['*?', '', { questionMark: true }, false],
    ['*?', 'x', { questionMark: true }, true],
    ['?*', 'xy', { questionMark: true }, true],
    ['*b?d*', 'abxdz', { questionMark: true }, true],
    ['*b?d*', 'abxez', { questionMark: true }, false],
    ['x*b?d*y', 'xaabcdy', { questionMark: true }, true],
    ['x*b?d*y', 'xaabcy', { questionMark: true }, false],
    ['x*?b*y', 'xby', { questionMark: true }, false],
    ['x*?b*y', 'xaby', { questionMark: true }, true],
    ['x*b?*y', 'xbzy', { questionMark: true }, true],
    ['x*b?*y', 'xby', { questionMark: true }, false],
    ['x*b?d*y', 'xbdy', { questionMark: true }, false],
  ];
  for (const [pattern, text, options, expected] of cases) {
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(text)} ${JSON.stringify(options)}`, () =>
      expect(wildcardMatch(pattern, text, options)).toBe(expected));
  }
});

describe('edges of paths and wildcards a rule or a suppression can reach', () => {
  it('an index is digits only, a quoted key is quoted at both ends', () => {
    for (const path of ['a[1x]', "a[x'y']", "a['y'x]", 'a[x"y"]', 'a["y"x]']) expect(() => parseFieldPath(path), path).toThrow(FieldPathError);
  });
  it('a path read from a placeholder is that placeholder (a member of a list known only after apply)', () => {
    expect(resolveSingle(UNKNOWN, parseFieldPath('value'))).toBe(UNKNOWN);
    expect(resolveSingle(REDACTED, parseFieldPath('value.x'))).toBe(REDACTED);
    expect(resolveSingle({ value: UNKNOWN }, parseFieldPath('value.x'))).toBe(UNKNOWN);
  });
  it('a `?` is literal unless asked for, even between stars', () => {
    expect(wildcardMatch('*x?*', 'axyb')).toBe(false);
    expect(wildcardMatch('*x?*', 'ax?b')).toBe(true);
    expect(wildcardMatch('*x?*', 'axyb', { questionMark: true })).toBe(true);
  });
  it('a middle piece must be found, and before the suffix', () => {
    expect(wildcardMatch('*x*', 'abc')).toBe(false);
    expect(wildcardMatch('a*x*c', 'abc')).toBe(false);
    expect(wildcardMatch('*ab*b', 'ab')).toBe(false);
    expect(wildcardMatch('*ab*b', 'abb')).toBe(true);
    expect(wildcardMatch('*b?*b', 'abb', { questionMark: true })).toBe(false);
    expect(wildcardMatch('*b?*b', 'abxyb', { questionMark: true })).toBe(true);
  });
});
