import { describe, expect, it } from 'vitest';
import { COMPARISON_OPERATORS, type Condition } from '../../src/engine/condition.js';
import { conditionVerdict, evaluateCondition as evaluate, valueAt, type RuleFunction } from '../../src/engine/evaluate.js';
import { parseFieldPath } from '../../src/engine/field-path.js';
import { mergeDetails, negate, PASS, type Evaluation } from '../../src/engine/verdict.js';
import { Inventory } from '../../src/model/inventory.js';
import type { Resource } from '../../src/model/resource.js';
import { openObject, REDACTED, UNKNOWN } from '../../src/model/values.js';

/** What a verdict rests on, as findings show it: each leaf's path, the value read and what was expected. */
function resource(body: Record<string, unknown>, over: Partial<Resource> = {}): Resource {
  return { key: 'k', armType: 'Microsoft.Test/things', name: 'thing', body, source: { kind: 'snapshot', dialect: 'arm', file: 'f.json', id: '/subs/x/things/thing' }, ...over };
}

function run(condition: Condition, target: Resource, options: { parameters?: Record<string, unknown>; functions?: Map<string, RuleFunction> } = {}): Evaluation & { operations: number } {
  const counter = { operations: 0 };
  const result = evaluate(condition, { resource: target, inventory: new Inventory(), parameters: options.parameters ?? {}, functions: options.functions ?? new Map(), counter });
  return { ...result, operations: counter.operations };
}

describe('three-valued verdicts', () => {
  it('negate swaps pass and fail and keeps unknown', () => {
    expect([negate('pass'), negate('fail'), negate('unknown')]).toEqual(['fail', 'pass', 'unknown']);
  });
  it('mergeDetails merges in order, later wins; none is undefined', () => {
    expect(mergeDetails([PASS, { verdict: 'fail', evidence: [], details: { a: '1', b: '1' } }, { verdict: 'fail', evidence: [], details: { b: '2' } }])).toEqual({ a: '1', b: '2' });
    expect(mergeDetails([PASS])).toBeUndefined();
    expect(PASS).toEqual({ verdict: 'pass', evidence: [] });
    expect(Object.isFrozen(PASS)).toBe(true);
  });
  it('the operators of the language', () => {
    expect(COMPARISON_OPERATORS).toEqual(['equals', 'notEquals', 'in', 'notIn', 'like', 'notLike', 'match', 'notMatch', 'contains', 'notContains', 'containsKey', 'notContainsKey', 'exists', 'greater', 'greaterOrEquals', 'less', 'lessOrEquals']);
  });
});

describe('evidence of leaves', () => {
  const thing = resource({ properties: { mode: 'Enabled', rules: [{ v: 'a' }, { v: UNKNOWN }, { v: 'c' }], secret: REDACTED, list: UNKNOWN } });
  it('a field leaf: the path as written, the value read, the expectation in words', () => {
    expect(run({ field: 'properties.mode', equals: 'Disabled' }, thing)).toEqual({ verdict: 'fail', evidence: [{ path: 'properties.mode', actual: 'Enabled', expected: 'to equal "Disabled"' }], operations: 1 });
    expect(run({ field: 'name', equals: 'thing' }, thing)).toEqual({ verdict: 'pass', evidence: [{ path: 'name', actual: 'thing', expected: 'to equal "thing"' }], operations: 1 });
  });
  it('a [*] leaf: the members that did not pass, failures over unknowns', () => {
    expect(run({ field: 'properties.rules[*].v', equals: 'a' }, thing)).toEqual({
      verdict: 'fail',
      evidence: [
        { path: 'properties.rules[*].v', actual: UNKNOWN, expected: 'to equal "a"' },
        { path: 'properties.rules[*].v', actual: 'c', expected: 'to equal "a"' },
      ],
      operations: 1,
    });
    expect(run({ field: 'properties.rules[*].v', notEquals: 'x' }, thing)).toEqual({ verdict: 'unknown', evidence: [{ path: 'properties.rules[*].v', actual: UNKNOWN, expected: 'not to equal "x"' }], operations: 1 });
    expect(run({ field: 'properties.rules[*].v', in: ['a', 'c'] }, resource({ properties: { rules: [{ v: 'x' }, { v: UNKNOWN }] } })).verdict).toBe('fail');
    expect(run({ field: 'properties.rules[*].v', in: ['a', 'c'] }, resource({ properties: { rules: [{ v: UNKNOWN }, { v: 'x' }] } })).verdict).toBe('fail');
    expect(run({ field: 'properties.list[*]', equals: 'x' }, thing)).toEqual({ verdict: 'unknown', evidence: [{ path: 'properties.list[*]', actual: UNKNOWN, expected: 'to equal "x"' }], operations: 1 });
    expect(run({ field: 'properties.secret[*]', equals: 'x' }, thing).evidence).toEqual([{ path: 'properties.secret[*]', actual: REDACTED, expected: 'to equal "x"' }]);
  });
  it('not: the verdict negated, each expectation wrapped', () => {
    expect(run({ not: { field: 'properties.mode', equals: 'Enabled' } }, thing)).toEqual({ verdict: 'fail', evidence: [{ path: 'properties.mode', actual: 'Enabled', expected: 'not (to equal "Enabled")' }], operations: 1 });
  });
  it('allOf: the failing members only; anyOf: the passing members only, else all', () => {
    const yes: Condition = { field: 'properties.mode', equals: 'Enabled' };
    const no: Condition = { field: 'properties.mode', equals: 'Off' };
    const maybe: Condition = { field: 'properties.list', equals: 'x' };
    expect(run({ allOf: [yes, no, maybe] }, thing).evidence.map((item) => item.expected)).toEqual(['to equal "Off"']);
    expect(run({ allOf: [yes, maybe] }, thing)).toMatchObject({ verdict: 'unknown', evidence: [{ path: 'properties.list' }] });
    expect(run({ allOf: [yes, yes] }, thing)).toMatchObject({ verdict: 'pass', evidence: [{ path: 'properties.mode' }, { path: 'properties.mode' }] });
    expect(run({ anyOf: [no, yes, maybe] }, thing).evidence.map((item) => item.expected)).toEqual(['to equal "Enabled"']);
    expect(run({ anyOf: [no, maybe] }, thing)).toMatchObject({ verdict: 'unknown', evidence: [{ path: 'properties.list' }] });
    expect(run({ anyOf: [no, no] }, thing)).toMatchObject({ verdict: 'fail', evidence: [{ path: 'properties.mode' }, { path: 'properties.mode' }] });
    expect(run({ allOf: [] }, thing).verdict).toBe('pass');
    expect(run({ anyOf: [] }, thing).verdict).toBe('fail');
    expect(run({ allOf: [yes, no, maybe] }, thing).operations).toBe(3);
  });
  it('a value leaf names the parameter it read', () => {
    expect(run({ value: { parameter: 'mode' }, equals: 'strict' }, thing, { parameters: { mode: 'lax' } })).toEqual({
      verdict: 'fail',
      evidence: [{ path: 'parameter mode', actual: 'lax', expected: 'to equal "strict"' }],
      operations: 1,
    });
    expect(run({ value: 'literal', equals: 'LITERAL' }, thing).evidence).toEqual([{ path: 'value', actual: 'literal', expected: 'to equal "LITERAL"' }]);
    expect(run({ value: 'literal', equals: 'LITERAL', caseSensitive: true }, thing).verdict).toBe('fail');
  });
  it('an operand parameter is described with its value, afresh when the value changes', () => {
    const condition: Condition = { field: 'properties.mode', in: { parameter: 'allowed' } };
    expect(run(condition, thing, { parameters: { allowed: ['Disabled'] } }).evidence[0]!.expected).toBe('to be one of ["Disabled"]');
    expect(run(condition, thing, { parameters: { allowed: ['Enabled', 'Off'] } })).toMatchObject({ verdict: 'pass', evidence: [{ expected: 'to be one of ["Enabled", "Off"]' }] });
    expect(run({ field: 'properties.mode', equals: { parameter: 'not-an-object-key' } as never }, thing, { parameters: {} }).evidence[0]!.expected).toBe('to equal undefined');
  });
  it('an object operand without a parameter key is a literal, compared as written', () => {
    const tagged = resource({ tags: { env: 'prod' } });
    expect(run({ field: 'tags', equals: { env: 'prod' } as never }, tagged, { parameters: { env: 'dev' } })).toMatchObject({ verdict: 'pass', evidence: [{ path: 'tags', actual: { env: 'prod' } }] });
    expect(run({ field: 'tags', notEquals: { env: 'prod' } as never }, tagged).verdict).toBe('fail');
  });
  it('an operand of null, or an object whose parameter key is not a name, is a literal', () => {
    const thing = resource({ properties: { mode: null, ref: { parameter: 7 } } });
    expect(run({ field: 'properties.mode', notEquals: null as never }, thing, { parameters: { null: 'x' } })).toMatchObject({ verdict: 'pass', evidence: [{ expected: 'not to equal null' }] });
    expect(run({ field: 'properties.ref', equals: { parameter: 7 } as never }, thing, { parameters: { 7: { parameter: 8 } } })).toMatchObject({ verdict: 'pass', evidence: [{ expected: 'to equal {"parameter":7}' }] });
  });
  it('malformed conditions are errors, not verdicts', () => {
    expect(() => run({ field: 'properties.mode' } as Condition, thing)).toThrow('condition has no operator');
    expect(() => run({} as Condition, thing)).toThrow('condition has no recognised key');
    expect(() => run({ function: 'nope' }, thing)).toThrow('unknown function "nope"');
  });
  it('a malformed condition throws the same error for the verdict alone, and one that is not an object throws what reading its keys throws', () => {
    const context = { resource: thing, inventory: new Inventory(), parameters: {}, functions: new Map(), counter: { operations: 0 } };
    const cases: Array<[unknown, RegExp]> = [
      [{}, /^condition has no recognised key$/],
      [{ allOf: 5 }, /allOf\.map is not a function/],
      [{ not: { anyOf: 'x' } }, /anyOf\.map is not a function/],
      [5, /Cannot use 'in' operator to search for 'allOf' in 5/],
      [null, /Cannot use 'in' operator to search for 'allOf' in null/],
      [{ allOf: [{ field: 'properties.mode', exists: true }, 'x'] }, /Cannot use 'in' operator to search for 'allOf' in x/],
    ];
    for (const [condition, error] of cases) {
      expect(() => evaluate(condition as Condition, context), JSON.stringify(condition)).toThrow(error);
      expect(() => conditionVerdict(condition as Condition, context), JSON.stringify(condition)).toThrow(error);
    }
  });
});

describe('count', () => {
  const thing = resource({ properties: { rules: [{ action: 'Allow', ip: '1.1.1.1' }, { action: 'Allow', ip: UNKNOWN }, { action: 'Deny', ip: '2.2.2.2' }], unknownList: UNKNOWN, secretList: REDACTED } });
  it('evidence says what was counted and the count', () => {
    expect(run({ count: { field: 'properties.rules[*]' }, equals: 2 }, thing)).toEqual({
      verdict: 'fail',
      evidence: [{ path: 'properties.rules[*]', actual: 3, expected: 'count of properties.rules[*] to equal 2' }],
      operations: 1,
    });
    expect(run({ count: { field: 'properties.rules[*]', where: { field: 'properties.rules[*].action', equals: 'deny' } }, equals: 1 }, thing)).toEqual({
      verdict: 'pass',
      evidence: [{ path: 'properties.rules[*]', actual: 1, expected: 'count of properties.rules[*] (filtered) to equal 1' }],
      operations: 4,
    });
  });
  it('a range when members are unknown, with their evidence only while the verdict is unknown', () => {
    const where: Condition = { field: 'properties.rules[*].ip', like: '1.*' };
    expect(run({ count: { field: 'properties.rules[*]', where }, equals: 2 }, thing)).toEqual({
      verdict: 'unknown',
      evidence: [
        { path: 'properties.rules[*]', actual: '1..2', expected: 'count of properties.rules[*] (filtered) to equal 2' },
        { path: 'properties.rules[*].ip', actual: UNKNOWN, expected: 'to be like "1.*"' },
      ],
      operations: 4,
    });
    expect(run({ count: { field: 'properties.rules[*]', where }, greater: 5 }, thing).evidence).toEqual([{ path: 'properties.rules[*]', actual: '1..2', expected: 'count of properties.rules[*] (filtered) to be greater than 5' }]);
  });
  it('a parameter operand is described with its value, afresh when the value changes, and when it is not set', () => {
    const condition: Condition = { count: { field: 'properties.rules[*]' }, equals: { parameter: 'n' } };
    expect(run(condition, thing, { parameters: {} }).evidence[0]!.expected).toBe('count of properties.rules[*] to equal undefined');
    expect(run(condition, thing, { parameters: { n: 2 } })).toMatchObject({ verdict: 'fail', evidence: [{ expected: 'count of properties.rules[*] to equal 2' }] });
    expect(run(condition, thing, { parameters: { n: 3 } })).toMatchObject({ verdict: 'pass', evidence: [{ expected: 'count of properties.rules[*] to equal 3' }] });
  });
  it('an unknown or sensitive list has no count', () => {
    expect(run({ count: { field: 'properties.unknownList[*]' }, less: 1 }, thing)).toEqual({
      verdict: 'unknown',
      evidence: [{ path: 'properties.unknownList[*]', actual: UNKNOWN, expected: 'count of properties.unknownList[*] to be less than 1' }],
      operations: 1,
    });
    expect(run({ count: { field: 'properties.secretList[*]' }, less: 1 }, thing).evidence[0]!.actual).toBe(REDACTED);
  });
  it('nested counts read the member of each level; a path outside the count reads the resource', () => {
    const nested = resource({ properties: { mode: 'on', groups: [{ rules: [{ ok: true }, { ok: false }] }, { rules: [{ ok: true }] }] } });
    const inner: Condition = { count: { field: 'properties.groups[*].rules[*]', where: { field: 'properties.groups[*].rules[*].ok', equals: true } }, greaterOrEquals: 1 };
    expect(run({ count: { field: 'properties.groups[*]', where: inner }, equals: 2 }, nested).verdict).toBe('pass');
    const outside: Condition = { count: { field: 'properties.groups[*]', where: { field: 'properties.mode', equals: 'on' } }, equals: 2 };
    expect(run(outside, nested).verdict).toBe('pass');
    // a where clause names the member by the count's path, in any casing
    expect(run({ count: { field: 'properties.groups[*]', where: { field: 'Properties.Groups[*].rules[0].ok', equals: true } }, equals: 2 }, nested).verdict).toBe('pass');
    expect(run({ count: { field: 'properties.groups[*]', where: { field: 'properties.groups[0].rules[0].ok', equals: true } }, equals: 2 }, nested).verdict).toBe('pass');
  });
  it('a count scope matches only a path with the same indexes', () => {
    const listed = resource({ properties: { a: [{ b: [{ c: 1 }, { c: 2 }] }, { b: [{ c: 3 }] }] } });
    // a[1] is not the scope a[*]: it reads the resource's a[1] for every member
    expect(run({ count: { field: 'properties.a[*]', where: { field: 'properties.a[1].b[0].c', equals: 3 } }, equals: 2 }, listed).verdict).toBe('pass');
    expect(run({ count: { field: 'properties.a[0].b[*]', where: { field: 'properties.a[0].b[*].c', greater: 1 } }, equals: 1 }, listed).verdict).toBe('pass');
    expect(run({ count: { field: 'properties.a[0].b[*]', where: { field: 'properties.a[1].b[*].c', equals: 3 } }, equals: 2 }, listed).verdict).toBe('pass');
  });
});

describe('functions', () => {
  const called: Array<Record<string, unknown>> = [];
  const functions = new Map<string, RuleFunction>([
    ['passes', (context, args) => {
      called.push({ args, field: context.field('properties.mode'), name: context.resource.name, parameters: context.parameters });
      return { verdict: 'pass', evidence: [] };
    }],
    ['fails', () => ({ verdict: 'fail', evidence: [{ path: 'x', actual: 1, expected: 'e' }], details: { why: 'because' } })],
    ['member', (context) => ({ verdict: context.field('properties.groups[*].name') === 'a' ? 'pass' : 'fail', evidence: [] })],
  ]);
  it('get the resource, the parameters and a field reader; their verdict stands', () => {
    called.length = 0;
    const thing = resource({ properties: { mode: 'on' } });
    expect(run({ function: 'passes', with: { zone: 'z' } }, thing, { functions, parameters: { p: 1 } })).toEqual({ verdict: 'pass', evidence: [], operations: 1 });
    expect(called).toEqual([{ args: { zone: 'z' }, field: 'on', name: 'thing', parameters: { p: 1 } }]);
    run({ function: 'passes' }, thing, { functions });
    expect(called[1]!['args']).toEqual({});
    expect(run({ not: { function: 'fails' } }, thing, { functions })).toEqual({ verdict: 'pass', evidence: [{ path: 'x', actual: 1, expected: 'not (e)' }], details: { why: 'because' }, operations: 1 });
  });
  it('a pass resting on properties that could not be read is unknown; a failure stands', () => {
    for (const placeholder of [UNKNOWN, REDACTED]) {
      const unread = resource({ properties: placeholder });
      expect(run({ function: 'passes' }, unread, { functions })).toEqual({ verdict: 'unknown', evidence: [{ path: 'properties', actual: placeholder, expected: 'a decidable value' }], operations: 1 });
      expect(run({ function: 'fails' }, unread, { functions }).verdict).toBe('fail');
    }
  });
  it('allOf and anyOf keep the details of the functions that decided, for the message', () => {
    const thing = resource({ properties: { mode: 'on' } });
    expect(run({ allOf: [{ function: 'fails' }, { field: 'properties.mode', equals: 'on' }] }, thing, { functions })).toEqual({
      verdict: 'fail',
      evidence: [{ path: 'x', actual: 1, expected: 'e' }],
      details: { why: 'because' },
      operations: 2,
    });
    expect(run({ anyOf: [{ function: 'fails' }, { field: 'properties.mode', equals: 'off' }] }, thing, { functions })).toMatchObject({ verdict: 'fail', details: { why: 'because' } });
  });
  it('inside a count, the field reader reads the current member', () => {
    const groups = resource({ properties: { groups: [{ name: 'a' }, { name: 'b' }, { name: 'a' }] } });
    expect(run({ count: { field: 'properties.groups[*]', where: { function: 'member' } }, equals: 2 }, groups, { functions }).verdict).toBe('pass');
  });
});

describe('the fields beside the body', () => {
  const row = resource({ properties: {}, location: 'West Europe', name: 'row' }, { location: 'westeurope', name: 'thing' });
  it('type, name, location and id are the resource’s, then the body’s', () => {
    expect(valueAt(row, parseFieldPath('type'))).toBe('Microsoft.Test/things');
    expect(valueAt(row, parseFieldPath('name'))).toBe('thing');
    expect(valueAt(row, parseFieldPath('location'))).toBe('westeurope');
    expect(valueAt(resource({ location: 'body-loc' }), parseFieldPath('location'))).toBe('body-loc');
    expect(valueAt(row, parseFieldPath('id'))).toBe('/subs/x/things/thing');
    expect(valueAt(resource({}, { source: { kind: 'plan', dialect: 'azurerm', file: 'p', address: 'a.b' } }), parseFieldPath('id'))).toBe('a.b');
    expect(valueAt(resource({}, { key: 'key1', source: { kind: 'manifest', dialect: 'kubernetes', file: 'p' } }), parseFieldPath('id'))).toBe('key1');
    expect(valueAt(row, parseFieldPath('name.length'))).toBeUndefined();
  });
  it('in another casing they are read through the view, which holds the same values', () => {
    expect(valueAt(row, parseFieldPath('Type'))).toBe('Microsoft.Test/things');
    expect(valueAt(row, parseFieldPath('NAME'))).toBe('thing');
    expect(valueAt(row, parseFieldPath('Location'))).toBe('westeurope');
    expect(valueAt(resource({ location: 'body-loc' }), parseFieldPath('LOCATION'))).toBe('body-loc');
    expect(valueAt(row, parseFieldPath('ID'))).toBe('/subs/x/things/thing');
    expect(valueAt(resource({}, { source: { kind: 'plan', dialect: 'azurerm', file: 'p', address: 'a.b' } }), parseFieldPath('Id'))).toBe('a.b');
    expect(valueAt(resource({}, { key: 'key1', source: { kind: 'manifest', dialect: 'kubernetes', file: 'p' } }), parseFieldPath('Id'))).toBe('key1');
    expect(valueAt(row, parseFieldPath('Properties'))).toEqual({});
    // the view is not a property anyone sees
    expect(Object.keys(row)).toEqual(['key', 'armType', 'name', 'body', 'source', 'location']);
    expect(Object.getOwnPropertySymbols({ ...row })).toEqual([]);
  });
  it('a condition reads them as a message does: a resource without a location of its own has its body’s', () => {
    const bodyOnly = resource({ location: 'body-loc' });
    expect(run({ field: 'location', equals: 'body-loc', caseSensitive: true }, bodyOnly).verdict).toBe('pass');
    expect(conditionVerdict({ field: 'location', equals: 'body-loc', caseSensitive: true }, { resource: bodyOnly, inventory: new Inventory(), parameters: {}, functions: new Map(), counter: { operations: 0 } })).toBe('pass');
    expect(run({ field: 'location', equals: 'westeurope', caseSensitive: true }, row).verdict).toBe('pass');
  });
});

describe('a resource an overlay wrote to, whose own values are not in the scan', () => {
  // A partial resource (src/inputs/terraform/apply-overlays.ts): what the overlay did not write is the resource's own, unknown value.
  const partial = resource(openObject({ properties: openObject({ publicNetworkAccess: 'Disabled' }) }));
  it('a key it did not write reads as unknown, at the top as below it; what it wrote reads as written', () => {
    expect(valueAt(partial, parseFieldPath('sku.name'))).toBe(UNKNOWN);
    expect(run({ field: 'sku.name', equals: 'Premium' }, partial).verdict).toBe('unknown');
    expect(run({ field: 'properties.networkRuleSet.defaultAction', equals: 'Deny' }, partial).verdict).toBe('unknown');
    expect(run({ field: 'properties.publicNetworkAccess', equals: 'Disabled' }, partial).verdict).toBe('pass');
    expect(run({ field: 'name', equals: 'thing' }, partial).verdict).toBe('pass');
  });
});

describe('what a path inside a count reads', () => {
  const thing = resource({ properties: { rules: ['a', 'b', 'a'], tags: ['x'], mode: 'on' } });
  it('the count\'s own path is the current member', () => {
    expect(run({ count: { field: 'properties.rules[*]', where: { field: 'properties.rules[*]', equals: 'a' } }, equals: 2 }, thing).verdict).toBe('pass');
  });
  it('a path shorter than the count\'s, or through another list, reads the resource', () => {
    expect(run({ count: { field: 'properties.rules[*]', where: { field: 'properties.mode', equals: 'on' } }, equals: 3 }, thing).verdict).toBe('pass');
    expect(run({ count: { field: 'properties.rules[*]', where: { field: 'properties', exists: true } }, equals: 3 }, thing).verdict).toBe('pass');
    expect(run({ count: { field: 'properties.rules[*]', where: { field: 'properties.tags[*]', equals: 'x' } }, equals: 3 }, thing).verdict).toBe('pass');
    expect(run({ count: { field: 'properties.rules[*]', where: { field: 'properties.tags[*]', equals: 'a' } }, equals: 0 }, thing).verdict).toBe('pass');
  });
  it('a path that starts at a list index reads the body', () => {
    expect(valueAt(resource({ 0: 'zero' }), parseFieldPath('[0]'))).toBeUndefined();
    expect(run({ field: '[*]', equals: 'x' }, thing).verdict).toBe('pass');
  });
});
