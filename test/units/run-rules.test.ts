import { describe, expect, it } from 'vitest';
import type { Condition } from '../../src/engine/condition.js';
import type { RuleFunction } from '../../src/engine/evaluate.js';
import type { Check, Rule } from '../../src/engine/rule.js';
import { testRule } from '../support/test-rule.js';
import { runRules, type RunOptions } from '../../src/engine/run-rules.js';
import { Inventory } from '../../src/model/inventory.js';
import { UNCLASSIFIED_TYPE, type Resource } from '../../src/model/resource.js';
import { UNKNOWN } from '../../src/model/values.js';

/**
 * runRules over an inventory, as a scan's findings, failures, passes and counts show it: which resources a
 * check reads, what a `where` that is not a pass does to the verdict, the message and parameters a finding is
 * written with, and the resources no rule can judge (data sources, misshapen rows, unclassified ones).
 */
const TYPE = 'Microsoft.Test/things';

function thing(name: string, body: Record<string, unknown>, over: Partial<Resource> = {}): Resource {
  return { key: `/subs/x/things/${name}`, armType: TYPE, name, body, source: { kind: 'snapshot', dialect: 'arm', file: 'f.json', id: `/subs/x/things/${name}` }, ...over };
}

function check(over: Partial<Check> = {}): Check {
  return { select: { type: [TYPE] }, assert: { field: 'properties.mode', equals: 'on' }, message: '{name} is not on', ...over };
}

function rule(checks: Check[], over: Partial<Rule> = {}): Rule {
  return testRule(checks, { title: 'Things are on', remediation: { arm: 'turn {name} on' }, ...over });
}

function inventoryOf(...resources: Resource[]): Inventory {
  const inventory = new Inventory();
  for (const resource of resources) inventory.add(resource);
  return inventory;
}

function scan(rules: Rule[], resources: Resource[], options: RunOptions = {}) {
  const result = runRules(rules, inventoryOf(...resources), options);
  return { ...result, shown: result.findings.map((finding) => [finding.resource.name, finding.status, finding.message]) };
}

describe('parameters', () => {
  const parameterised = rule([check({ assert: { field: 'properties.mode', in: { parameter: 'modes' } }, message: '{name} is not one of {param:modes}' })], {
    parameters: { modes: { type: 'array', default: ['on'], description: 'allowed modes' } },
  });
  it('a rule reads its defaults, and configured values replace them in its conditions and messages', () => {
    const resources = [thing('a', { properties: { mode: 'on' } }), thing('b', { properties: { mode: 'auto' } })];
    expect(scan([parameterised], resources).shown).toEqual([['b', 'fail', 'b is not one of on']]);
    expect(scan([parameterised], resources, { parameters: { 'T-001': { modes: ['auto', 'off'] } } }).shown).toEqual([['a', 'fail', 'a is not one of auto, off']]);
    // Values configured for another rule are not this rule's.
    expect(scan([parameterised], resources, { parameters: { 'T-002': { modes: ['auto'] } } }).shown).toEqual([['b', 'fail', 'b is not one of on']]);
  });
});

describe('a check’s where', () => {
  const functions = new Map<string, RuleFunction>([
    ['host', (context) => (context.field('properties.host') === true ? { verdict: 'pass', evidence: [], details: { job: `${context.resource.name}-job` } } : context.field('properties.host') === false ? { verdict: 'fail', evidence: [] } : { verdict: 'unknown', evidence: [{ path: 'properties.host', actual: UNKNOWN, expected: 'known' }], details: { unknownReason: 'whether it hosts agents is not known' } })],
  ]);
  const hosted = rule([check({ select: { type: [TYPE], where: { function: 'host' } }, message: '{name} runs {detail:job|no job} and is not on' })]);
  it('facts the selection found are the message’s too', () => {
    expect(scan([hosted], [thing('a', { properties: { host: true, mode: 'off' } })], { functions }).shown).toEqual([['a', 'fail', 'a runs a-job and is not on']]);
  });
  it('the facts of the selection and of the check are both the message’s', () => {
    const both = new Map<string, RuleFunction>([...functions, ['judge', (context) => ({ verdict: 'fail', evidence: [], details: { why: `${context.resource.name} is off` } })]]);
    const judged = rule([check({ select: { type: [TYPE], where: { function: 'host' } }, assert: { function: 'judge' }, message: '{name} runs {detail:job|no job}: {detail:why|no reason}' })]);
    expect(scan([judged], [thing('a', { properties: { host: true } })], { functions: both }).shown).toEqual([['a', 'fail', 'a runs a-job: a is off']]);
  });
  it('applicability unknown: a check that has its own reason for an unknown gives that one', () => {
    const own = new Map<string, RuleFunction>([...functions, ['undecided', () => ({ verdict: 'unknown', evidence: [], details: { unknownReason: 'its mode is decided at deploy time' } })]]);
    const undecided = rule([check({ select: { type: [TYPE], where: { function: 'host' } }, assert: { function: 'undecided' } })]);
    expect(scan([undecided], [thing('a', { properties: { host: UNKNOWN } })], { functions: own }).shown).toEqual([['a', 'unknown', 'Cannot decide yet whether Microsoft.Test/things a meets "Things are on": its mode is decided at deploy time.']]);
  });
  it('applicability unknown: the check’s other details still fill the fix', () => {
    const judged = rule([check({ select: { type: [TYPE], where: { function: 'host' } }, assert: { function: 'judge' } })], { remediation: { arm: 'turn {name} on ({detail:why|no reason})' } });
    const both = new Map<string, RuleFunction>([...functions, ['judge', (context) => ({ verdict: 'fail', evidence: [], details: { why: `${context.resource.name} is off` } })]]);
    expect(scan([judged], [thing('a', { properties: { host: UNKNOWN } })], { functions: both }).findings.map((finding) => [finding.status, finding.remediation])).toEqual([['unknown', 'turn a on (a is off)']]);
  });
  it('applicability unknown without a reason: the check’s evidence and details stand', () => {
    const quiet = new Map<string, RuleFunction>([
      ['maybe', () => ({ verdict: 'unknown', evidence: [{ path: 'properties.host', actual: UNKNOWN, expected: 'known' }] })],
      ['judge', () => ({ verdict: 'fail', evidence: [], details: { unknownReason: 'the judge could not tell' } })],
    ]);
    const judged = rule([check({ select: { type: [TYPE], where: { function: 'maybe' } }, assert: { function: 'judge' } })]);
    const result = scan([judged], [thing('a', { properties: { host: UNKNOWN } })], { functions: quiet });
    expect(result.shown).toEqual([['a', 'unknown', 'Cannot decide yet whether Microsoft.Test/things a meets "Things are on": the judge could not tell.']]);
  });
  it('not selected: no finding, no pass, not evaluated', () => {
    const result = scan([hosted], [thing('a', { properties: { host: false, mode: 'off' } }), thing('b', { properties: { host: false, mode: 'on' } })], { functions });
    expect(result.findings).toEqual([]);
    expect(result.passed.size).toBe(0);
    expect(result.evaluated).toBe(0);
  });
  it('applicability unknown: a failing check is unknown for the selection’s reason, a passing one passes', () => {
    const result = scan([hosted], [thing('a', { properties: { host: UNKNOWN, mode: 'off' } }), thing('b', { properties: { host: UNKNOWN, mode: 'on' } })], { functions });
    expect(result.shown).toEqual([['a', 'unknown', 'Cannot decide yet whether Microsoft.Test/things a meets "Things are on": whether it hosts agents is not known.']]);
    expect(result.findings[0]!.evidence.map((item) => [item.path, item.actual, item.expected])).toEqual([
      ['properties.host', '(not in the snapshot)', 'known'],
      ['properties.mode', '"off"', 'to equal "on"'],
    ]);
    expect(result.passed.get('T-001')).toBe(1);
    expect(result.evaluated).toBe(2);
  });
});

describe('which resources a check reads', () => {
  it('a type listed twice, in two casings, reads each resource once', () => {
    const twice = rule([check({ select: { type: [TYPE, TYPE.toLowerCase()] } })]);
    const result = scan([twice], [thing('a', { properties: { mode: 'off' } }), thing('b', { properties: { mode: 'on' } })]);
    expect(result.shown).toEqual([['a', 'fail', 'a is not on']]);
    expect(result.passed.get('T-001')).toBe(1);
    expect(result.evaluated).toBe(2);
  });
  it('a data source is read for links, never reported on', () => {
    const source = thing('data', { properties: { mode: 'off' } }, { source: { kind: 'plan', dialect: 'azurerm', file: 'plan.json', address: 'data.azurerm_thing.x', managed: false } });
    const result = scan([rule([check()])], [source]);
    expect(result.findings).toEqual([]);
    expect(result.evaluated).toBe(0);
  });
  it('passes are counted per rule over all its checks', () => {
    const two = rule([check(), check({ assert: { field: 'properties.size', greater: 1 } })]);
    const other = rule([check()], { id: 'T-002' });
    const result = scan([two, other], [thing('a', { properties: { mode: 'on', size: 2 } }), thing('b', { properties: { mode: 'on', size: 0 } })]);
    expect(Object.fromEntries(result.passed)).toEqual({ 'T-001': 3, 'T-002': 2 });
    expect(result.evaluated).toBe(2);
  });
});

describe('resources no check can judge', () => {
  it('a row whose properties are not an object fails the run once, naming the resource, and its neighbours are still checked', () => {
    const misshapen = thing('bad', { properties: 'on' });
    const result = scan([rule([check(), check()]), rule([check()], { id: 'T-002' })], [misshapen, thing('b', { properties: { mode: 'off' } })]);
    expect(result.failures).toEqual([{ ruleId: 'T-001', resource: '/subs/x/things/bad', file: 'f.json', problem: 'its properties is a string, not an object, so no rule covering Microsoft.Test/things can be checked on it' }]);
    expect(result.shown).toEqual([
      ['b', 'fail', 'b is not on'],
      ['b', 'fail', 'b is not on'],
      ['b', 'fail', 'b is not on'],
    ]);
    expect(result.evaluated).toBe(1);
  });
  it('a failure names a plan resource by its address, else its id, else its key', () => {
    const functions = new Map<string, RuleFunction>([['broken', () => { throw new Error('the function broke'); }]]);
    const broken = rule([check({ assert: { function: 'broken' } })]);
    const planned = thing('p', {}, { key: 'plan.json#azurerm_thing.p', source: { kind: 'plan', dialect: 'azurerm', file: 'plan.json', address: 'azurerm_thing.p' } });
    const keyed = thing('k', {}, { key: 'the-key', source: { kind: 'manifest', dialect: 'kubernetes', file: 'm.yaml' } });
    // A snapshot row's key is its id lower-cased: the failure names it as written.
    const result = scan([broken], [planned, thing('S', {}, { key: '/subs/x/things/s' }), keyed], { functions });
    expect(result.failures).toEqual([
      { ruleId: 'T-001', resource: 'azurerm_thing.p', file: 'plan.json', problem: 'the function broke' },
      { ruleId: 'T-001', resource: '/subs/x/things/S', file: 'f.json', problem: 'the function broke' },
      { ruleId: 'T-001', resource: 'the-key', file: 'm.yaml', problem: 'the function broke' },
    ]);
    expect(result.findings).toEqual([]);
  });
});

describe('unclassified resources', () => {
  function unclassified(name: string, candidateTypes?: string[], over: Partial<Resource> = {}): Resource {
    return thing(name, {}, { armType: UNCLASSIFIED_TYPE, key: `plan.json#azapi_resource.${name}`, source: { kind: 'plan', dialect: 'azapi', file: 'plan.json', address: `azapi_resource.${name}` }, unclassified: { attribute: 'type', why: 'unknown', ...(candidateTypes ? { candidateTypes } : {}) }, ...over });
  }
  it('unknown under each rule with a check that may select it, by the first such check', () => {
    const rules = [
      rule([check({ select: { type: ['Microsoft.Other/kinds'] } }), check({ select: { type: ['Microsoft.Other/sorts', TYPE.toUpperCase()] } })]),
      rule([check({ select: { type: ['Microsoft.Other/kinds'] } })], { id: 'T-002' }),
      rule([], { id: 'T-003' }),
    ];
    const result = scan(rules, [unclassified('u', [TYPE]), unclassified('any')]);
    expect(result.findings.map((finding) => [finding.ruleId, finding.resource.name, finding.status, finding.checkIndex])).toEqual([
      ['T-001', 'u', 'unknown', 1],
      ['T-001', 'any', 'unknown', 0],
      ['T-002', 'any', 'unknown', 0],
    ]);
    expect(result.evaluated).toBe(2);
  });
  it('an unclassified data source is not reported', () => {
    const result = scan([rule([check()])], [unclassified('d', undefined, { source: { kind: 'plan', dialect: 'azapi', file: 'plan.json', address: 'data.azapi_resource.d', managed: false } })]);
    expect(result.findings).toEqual([]);
    expect(result.evaluated).toBe(0);
  });
});

describe('messages and what is kept', () => {
  it('the first message variant whose condition passes, else the check’s message', () => {
    const variants = rule([check({ messages: [{ when: { field: 'properties.mode', equals: 'off' }, text: '{name} is off' }, { when: { field: 'properties.mode', exists: true }, text: '{name} is {field:properties.mode}' }] })]);
    const result = scan([variants], [thing('a', { properties: { mode: 'off' } }), thing('b', { properties: { mode: 'auto' } }), thing('c', { properties: {} })]);
    expect(result.shown).toEqual([
      ['a', 'fail', 'a is off'],
      ['b', 'fail', 'b is auto'],
      ['c', 'fail', 'c is not on'],
    ]);
  });
  it('a message variant may call a function: it is called afresh, after the finding’s evaluation is replayed', () => {
    const calls: string[] = [];
    const functions = new Map<string, RuleFunction>([
      ['judge', (context) => ({ verdict: context.field('properties.mode') === 'on' ? 'pass' : 'fail', evidence: [] })],
      ['loud', (context) => {
        calls.push(context.resource.name);
        return { verdict: context.field('properties.loud') === true ? 'pass' : 'fail', evidence: [] };
      }],
    ]);
    const variants = rule([check({ assert: { function: 'judge' }, messages: [{ when: { function: 'loud' }, text: '{name} is off, loudly' }] })]);
    const result = scan([variants], [thing('a', { properties: { mode: 'off', loud: true } }), thing('b', { properties: { mode: 'off', loud: false } })], { functions });
    expect(result.shown).toEqual([
      ['a', 'fail', 'a is off, loudly'],
      ['b', 'fail', 'b is not on'],
    ]);
    expect(calls).toEqual(['a', 'b']);
  });
  it('keep decides which findings a run reports', () => {
    const resources = [thing('a', { properties: { mode: 'off' } }), thing('b', { properties: { mode: UNKNOWN } })];
    const result = scan([rule([check()])], resources, { keep: (_resource, evaluation) => evaluation.verdict === 'fail' });
    expect(result.shown).toEqual([['a', 'fail', 'a is not on']]);
    expect(result.evaluated).toBe(2);
  });
});
