import { describe, expect, it } from 'vitest';
import type { Condition } from '../src/engine/condition.js';
import { evaluateCondition } from '../src/engine/evaluate.js';
import { CHECK_FUNCTIONS } from '../src/checks/registry.js';
import { Inventory } from '../src/model/inventory.js';
import type { Resource } from '../src/model/resource.js';
import { UNKNOWN, REDACTED } from '../src/model/values.js';

function resource(properties: Record<string, unknown>, extra: Record<string, unknown> = {}): Resource {
  return {
    key: 'r',
    armType: 'Microsoft.Test/things',
    name: 'thing',
    body: { properties, ...extra },
    source: { kind: 'snapshot', dialect: 'arm', file: 'f.json', id: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Test/things/thing' },
  };
}

function verdict(condition: Condition, target: Resource, parameters: Record<string, unknown> = {}): string {
  return evaluateCondition(condition, { resource: target, inventory: new Inventory(), parameters, functions: CHECK_FUNCTIONS, counter: { operations: 0 } }).verdict;
}

describe('leaf operators (Azure Policy semantics)', () => {
  const thing = resource({ mode: 'Enabled', ranges: ['10.0.0.0/8', '192.168.1.0/24'], size: 3, nested: { flag: true } }, { sku: { name: 'Premium' }, tags: { 'cost.center': 'ops' } });
  const cases: Array<[Condition, string]> = [
    [{ field: 'properties.mode', equals: 'enabled' }, 'pass'],
    [{ field: 'properties.mode', equals: 'enabled', caseSensitive: true }, 'fail'],
    [{ field: 'properties.mode', notEquals: 'Disabled' }, 'pass'],
    [{ field: 'properties.missing', notEquals: 'Disabled' }, 'pass'],
    [{ field: 'properties.missing', equals: 'Disabled' }, 'fail'],
    [{ field: 'properties.mode', in: ['Disabled', 'ENABLED'] }, 'pass'],
    [{ field: 'properties.mode', notIn: ['Disabled'] }, 'pass'],
    [{ field: 'properties.mode', like: 'En*' }, 'pass'],
    [{ field: 'properties.mode', like: 'En' }, 'fail'],
    [{ field: 'properties.mode', notLike: 'Dis*' }, 'pass'],
    [{ field: 'name', match: '?????' }, 'pass'],
    [{ field: 'name', match: '####' }, 'fail'],
    [{ field: 'properties.ranges', contains: '10.0.0.0/8' }, 'pass'],
    [{ field: 'properties.mode', contains: 'abl' }, 'pass'],
    [{ field: 'properties.nested', containsKey: 'FLAG' }, 'pass'],
    [{ field: 'properties.nested.flag', exists: true }, 'pass'],
    [{ field: 'properties.nested.other', exists: false }, 'pass'],
    [{ field: 'properties.size', greater: 2 }, 'pass'],
    [{ field: 'properties.size', lessOrEquals: 2 }, 'fail'],
    [{ field: 'sku.name', equals: 'premium' }, 'pass'],
    [{ field: "tags['cost.center']", equals: 'ops' }, 'pass'],
    [{ field: 'type', equals: 'microsoft.test/THINGS' }, 'pass'],
    [{ field: 'properties.ranges[*]', like: '10.*' }, 'fail'],
    [{ field: 'properties.ranges[*]', notEquals: '0.0.0.0/0' }, 'pass'],
    [{ field: 'properties.ranges[1]', equals: '192.168.1.0/24' }, 'pass'],
    [{ field: 'properties.none[*]', equals: 'x' }, 'pass'],
    [{ field: 'PROPERTIES.MODE', equals: 'Enabled' }, 'pass'],
  ];
  for (const [condition, expected] of cases) {
    it(`${JSON.stringify(condition)} -> ${expected}`, () => expect(verdict(condition, thing)).toBe(expected));
  }
});

describe('three-valued logic', () => {
  const thing = resource({ known: 'Enabled', unknown: UNKNOWN, secret: REDACTED });
  const T: Condition = { field: 'properties.known', equals: 'Enabled' };
  const F: Condition = { field: 'properties.known', equals: 'Disabled' };
  const U: Condition = { field: 'properties.unknown', equals: 'Disabled' };
  const cases: Array<[string, Condition, string]> = [
    ['unknown leaf', U, 'unknown'],
    ['property below an unknown value', { field: 'properties.unknown.deeper', equals: 1 }, 'unknown'],
    ['not unknown', { not: U }, 'unknown'],
    ['allOf with a false member is false', { allOf: [U, F] }, 'fail'],
    ['allOf of true and unknown is unknown', { allOf: [T, U] }, 'unknown'],
    ['anyOf with a true member is true', { anyOf: [U, T] }, 'pass'],
    ['anyOf of false and unknown is unknown', { anyOf: [F, U] }, 'unknown'],
    ['a sensitive value exists', { field: 'properties.secret', exists: true }, 'pass'],
    ['a sensitive value cannot be compared', { field: 'properties.secret', equals: 'x' }, 'unknown'],
  ];
  for (const [name, condition, expected] of cases) it(`${name} -> ${expected}`, () => expect(verdict(condition, thing)).toBe(expected));
});

describe('count', () => {
  const rules = [{ action: 'Allow', value: '1.2.3.4' }, { action: 'Allow', value: UNKNOWN }, { action: 'Deny', value: '5.6.7.8' }];
  const thing = resource({ rules, unknownList: UNKNOWN });
  it('counts members', () => expect(verdict({ count: { field: 'properties.rules[*]' }, equals: 3 }, thing)).toBe('pass'));
  it('filters with where, relative to the member', () =>
    expect(verdict({ count: { field: 'properties.rules[*]', where: { field: 'properties.rules[*].action', equals: 'allow' } }, equals: 2 }, thing)).toBe('pass'));
  it('a member whose where is unknown makes the count a range', () => {
    const where: Condition = { field: 'properties.rules[*].value', like: '1.*' };
    expect(verdict({ count: { field: 'properties.rules[*]', where }, greater: 0 }, thing)).toBe('pass');
    expect(verdict({ count: { field: 'properties.rules[*]', where }, equals: 1 }, thing)).toBe('unknown');
    expect(verdict({ count: { field: 'properties.rules[*]', where }, greater: 5 }, thing)).toBe('fail');
  });
  it('an unknown list has an unknown count', () => expect(verdict({ count: { field: 'properties.unknownList[*]' }, equals: 0 }, thing)).toBe('unknown'));
  it('an absent list counts zero', () => expect(verdict({ count: { field: 'properties.absent[*]' }, equals: 0 }, thing)).toBe('pass'));
});

describe('parameters and values', () => {
  const thing = resource({ location: 'westeurope' });
  it('operands can name a rule parameter', () => {
    expect(verdict({ field: 'properties.location', in: { parameter: 'allowed' } }, thing, { allowed: ['WestEurope', 'northeurope'] })).toBe('pass');
    expect(verdict({ field: 'properties.location', in: { parameter: 'allowed' } }, thing, { allowed: ['eastus'] })).toBe('fail');
  });
  it('value leaves compare a parameter', () => {
    expect(verdict({ value: { parameter: 'mode' }, equals: 'zoneGroups' }, thing, { mode: 'ZoneGroups' })).toBe('pass');
  });
});

describe('the resource fields conditions read beside the body', () => {
  // A Resource Graph row keeps its own type, name, location and id in the body, in the row's casing; the
  // fields conditions read are the resource's (canonical type, the name rules report, the ARM id).
  const row = resource(
    { mode: 'Enabled' },
    { type: 'microsoft.test/things', name: 'row-name', location: 'West Europe', id: '/row/id', Tags: { env: 'prod' } },
  );
  row.location = 'westeurope';
  const cases: Array<[Condition, string]> = [
    [{ field: 'type', equals: 'Microsoft.Test/things', caseSensitive: true }, 'pass'],
    [{ field: 'name', equals: 'thing' }, 'pass'],
    [{ field: 'Name', equals: 'thing' }, 'pass'],
    [{ field: 'NAME', equals: 'row-name' }, 'fail'],
    [{ field: 'location', equals: 'westeurope', caseSensitive: true }, 'pass'],
    [{ field: 'id', equals: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Test/things/thing' }, 'pass'],
    [{ field: 'Properties.Mode', equals: 'Enabled' }, 'pass'],
    [{ field: 'tags.env', equals: 'prod' }, 'pass'],
  ];
  for (const [condition, expected] of cases) {
    it(`${JSON.stringify(condition)} -> ${expected}`, () => {
      expect(verdict(condition, row)).toBe(expected);
    });
  }
});
