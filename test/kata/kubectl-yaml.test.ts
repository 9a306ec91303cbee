import { describe, expect, it } from 'vitest';
import { readKubectlYaml, resolveScalar } from '../../src/inputs/kubernetes/kubectl-yaml.js';
import { UserError } from '../../src/errors.js';

/**
 * The decoding kubectl applies (sigs.k8s.io/yaml over go-yaml v2), scalar by scalar. The expected values are
 * go-yaml v2's resolve.go table and Go's strconv rules, written out here rather than derived.
 */
function one(text: string): unknown {
  return readKubectlYaml(text, 'm.yaml').values[0];
}

function refused(text: string): UserError {
  try {
    readKubectlYaml(text, 'm.yaml');
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error(`not refused: ${text}`);
}

describe('plain scalars resolve as go-yaml v2 resolves them', () => {
  const table: Array<[string, unknown]> = [
    ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((text): [string, unknown] => [text, true]),
    ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((text): [string, unknown] => [text, false]),
    ...['~', 'null', 'Null', 'NULL', ''].map((text): [string, unknown] => [text, null]),
    // Other casings are strings, as are words that only start like a boolean.
    ...['yEs', 'oN', 'tRUE', 'nO', 'nil', 'None', 'enabled', 'y1'].map((text): [string, unknown] => [text, text]),
    ['0', 0],
    ['-0', 0],
    ['12', 12],
    ['+12', 12],
    ['-12', -12],
    ['1_000', 1000],
    ['0x1F', 31],
    ['0X1f', 31],
    ['017', 15],
    ['0o17', 15],
    ['0b101', 5],
    ['-0b101', -5],
    ['08', 8],
    ['1.5', 1.5],
    ['1.', 1],
    ['.5', 0.5],
    ['-.5', -0.5],
    ['1e3', 1000],
    ['1E-2', 0.01],
    ['9223372036854775807', 9223372036854775807],
    ['18446744073709551615', 18446744073709551615],
    ['1e400', '1e400'],
    ['0x', '0x'],
    ['1.2.3', '1.2.3'],
    ['.inf', Number.POSITIVE_INFINITY],
    ['-.Inf', Number.NEGATIVE_INFINITY],
    ['2024-01-31', '2024-01-31'],
    ['12:30', '12:30'],
  ];
  it.each(table)('%j -> %j', (text, expected) => {
    expect(resolveScalar(text).value).toEqual(expected);
    expect(one(`v: ${text}\n`)).toEqual({ v: expected });
  });

  it('quoted and block scalars are strings, whatever they spell', () => {
    expect(one('a: "yes"\nb: \'on\'\nc: |\n  true\nd: "0x1F"\n')).toEqual({ a: 'yes', b: 'on', c: 'true\n', d: '0x1F' });
  });

  it('explicit core tags: !!str keeps the text, !!bool/!!int resolve it (quoted too), a mismatch is refused', () => {
    expect(one('a: !!str yes\nb: !!bool "on"\nc: !!int "0x10"\nd: !!float 3\n')).toEqual({ a: 'yes', b: true, c: 16, d: 3 });
    expect(refused('a: !!bool maybe\n').problem).toMatch(/a value tagged !!bool is not one \(it reads as !!str\)/);
    // The value is never quoted (in a Secret it would be the secret).
    expect(refused('a: !!bool maybe\n').problem).not.toContain('maybe');
  });

  it('map keys become strings as sigs.k8s.io/yaml makes them', () => {
    expect(one('yes: a\n1: b\n0x10: c\n~x: d\n')).toEqual({ true: 'a', 1: 'b', 16: 'c', '~x': 'd' });
    expect(refused('~: null key\n').problem).toMatch(/key is null/);
    expect(refused('? [a]\n: b\n').problem).toMatch(/map key is itself a map or a list/);
  });

  it('"__proto__" is a key like any other, never the prototype', () => {
    const value = one('__proto__: { polluted: true }\n') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });
});

describe('merge keys apply as go-yaml v2 applies them', () => {
  it('a merged map, an alias and a list of them; later explicit keys win', () => {
    expect(one('base: &b { a: 1, b: 2 }\nx:\n  <<: *b\n  b: 3\n')).toEqual({ base: { a: 1, b: 2 }, x: { a: 1, b: 3 } });
    expect(one('x:\n  <<: { a: 1 }\n')).toEqual({ x: { a: 1 } });
  });

  it('in a list, the earlier maps win', () => {
    expect(one('p: &p { a: first }\nq: &q { a: second, b: 2 }\nx:\n  <<: [*p, *q]\n')).toMatchObject({ x: { a: 'first', b: 2 } });
  });

  it('a merge after an explicit key overwrites it (kubectl applies privileged: true here)', () => {
    expect(one('x:\n  privileged: false\n  <<: { privileged: true }\n')).toEqual({ x: { privileged: true } });
  });

  it('two merge keys in one map apply in order', () => {
    expect(one('x:\n  <<: { a: 1 }\n  <<: { a: 2 }\n')).toEqual({ x: { a: 2 } });
  });

  it('merges nest, and a quoted "<<" is an ordinary key', () => {
    expect(one('a: &a { <<: { deep: 1 }, own: 2 }\nx: { <<: *a }\nz: { "<<": { a: 1 } }\n')).toEqual({ a: { deep: 1, own: 2 }, x: { deep: 1, own: 2 }, z: { '<<': { a: 1 } } });
  });

  it('a merge of a scalar or a list of scalars is refused with its line', () => {
    const error = refused('a: &s text\nx:\n  <<: *s\n');
    expect(error.problem).toMatch(/merge key \(<<\) names an anchor that is not a map/);
    expect(error.line).toBe(3);
    expect(refused('x:\n  <<: [1, 2]\n').problem).toMatch(/merge key \(<<\) needs a map/);
  });
});

describe('what azfence refuses that kubectl would read one way or another', () => {
  it('a key written twice in one mapping (also `yes` and `true`, the same key to kubectl), with the line', () => {
    const error = refused('a: 1\nb: 2\na: 3\n');
    expect(error.problem).toMatch(/a key is written twice in one mapping/);
    expect(error.line).toBe(3);
    expect(refused('yes: 1\ntrue: 2\n').problem).toMatch(/a key is written twice in one mapping/);
  });

  it('an alias bomb, in a few lines, fails fast', () => {
    const bomb = `a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [${Array(10).fill('*a').join(',')}]\nc: &c [${Array(10).fill('*b').join(',')}]\nd: &d [${Array(10).fill('*c').join(',')}]\ne: [${Array(100).fill('*d').join(',')}]\n`;
    const started = performance.now();
    expect(refused(bomb).problem).toMatch(/YAML aliases expand too much/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('reused anchors within the budget are read', () => {
    expect(one('c: &c { drop: [ALL] }\nx: [*c, *c, *c]\n')).toEqual({ c: { drop: ['ALL'] }, x: [{ drop: ['ALL'] }, { drop: ['ALL'] }, { drop: ['ALL'] }] });
  });
});
