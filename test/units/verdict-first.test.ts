import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../src/engine/condition.js';
import { conditionVerdict, evaluateCondition, type EvaluationContext, type RuleFunction } from '../../src/engine/evaluate.js';
import { loadRules } from '../../src/engine/load-packs.js';
import type { Rule } from '../../src/engine/rule.js';
import { testRule } from '../support/test-rule.js';
import { runRules } from '../../src/engine/run-rules.js';
import { CHECK_FUNCTIONS } from '../../src/checks/registry.js';
import { graphWork } from '../../src/graph/work.js';
import { readFiles } from '../../src/inputs/read-files.js';
import { Inventory } from '../../src/model/inventory.js';
import type { Resource } from '../../src/model/resource.js';
import { REDACTED, UNKNOWN } from '../../src/model/values.js';

/**
 * runRules asks each check for the verdict alone, and evaluates with evidence only where the verdict is not a
 * pass (a finding), replaying the rule functions' results rather than calling them again. The two ways must
 * agree on the verdict, on the operations they count and on the graph steps they take, for every condition a
 * pack can write, or a finding would be missed or the linear-cost counts would change.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
const RULES = loadRules([], ROOT).rules;

function defaults(rule: Rule): Record<string, unknown> {
  return Object.fromEntries(Object.entries(rule.parameters).map(([name, spec]) => [name, spec.default]));
}

/** Verdict, operations and graph steps of one way of evaluating. */
function measure(way: (condition: Condition, context: EvaluationContext) => string, condition: Condition, context: Omit<EvaluationContext, 'counter'>): { verdict: string; operations: number; steps: number } {
  const counter = { operations: 0 };
  const steps = graphWork.steps;
  const verdict = way(condition, { ...context, counter });
  return { verdict, operations: counter.operations, steps: graphWork.steps - steps };
}

describe('the verdict alone agrees with the evaluation', () => {
  for (const input of ['plan.json', 'snapshot.json', '.']) {
    it(`on every check of the built-in packs, for every resource of the example estate (${input})`, () => {
      const { inventory, errors } = readFiles([join(ROOT, 'fixtures', 'estate', input)], ROOT);
      expect(errors).toEqual([]);
      let compared = 0;
      const verdicts = new Set<string>();
      for (const rule of RULES) {
        const parameters = defaults(rule);
        for (const check of rule.checks) {
          for (const resource of check.select.type.flatMap((type) => inventory.ofType(type))) {
            const context = { resource, inventory, parameters, functions: CHECK_FUNCTIONS };
            for (const condition of [check.select.where, check.assert, ...(check.messages ?? []).map((variant) => variant.when)]) {
              if (!condition) continue;
              // Once unmeasured: it builds the facts the functions cache per scan, so both ways find them built.
              evaluateCondition(condition, { ...context, counter: { operations: 0 } });
              const full = measure((c, x) => evaluateCondition(c, x).verdict, condition, context);
              const alone = measure(conditionVerdict, condition, context);
              expect(alone, `${rule.id} on ${resource.key}`).toEqual(full);
              verdicts.add(full.verdict);
              compared++;
            }
          }
        }
      }
      expect(compared).toBeGreaterThan(80);
      expect([...verdicts].sort()).toEqual(['fail', 'pass', 'unknown']);
    });
  }

  const thing: Resource = {
    key: 'k',
    armType: 'Microsoft.Test/things',
    name: 'thing',
    body: { properties: { mode: 'on', groups: [{ name: 'a', n: 1 }, { name: 'b', n: UNKNOWN }, { name: 'a', n: 3 }], tags: UNKNOWN } },
    source: { kind: 'snapshot', dialect: 'arm', file: 'f.json', id: '/subs/x/things/thing' },
  };
  const functions = new Map<string, RuleFunction>([
    ['member', (context) => ({ verdict: context.field('properties.groups[*].name') === 'a' ? 'pass' : 'fail', evidence: [] })],
    ['undecided', () => ({ verdict: 'unknown', evidence: [], details: { unknownReason: 'why' } })],
  ]);
  const leaves: Condition[] = [
    { field: 'properties.mode', equals: 'on' },
    { field: 'properties.mode', in: { parameter: 'modes' } },
    { field: 'properties.groups[*].n', greater: 0 },
    { field: 'properties.groups[*].name', notEquals: 'b' },
    { field: 'properties.tags', exists: true },
    { field: 'properties.tags.owner', equals: 'me' },
    { field: 'Name', like: 'th*' },
    { value: { parameter: 'mode' }, equals: 'strict' },
    { count: { field: 'properties.groups[*]' }, greaterOrEquals: 3 },
    { count: { field: 'properties.groups[*]', where: { field: 'properties.groups[*].n', less: 2 } }, equals: 1 },
    { count: { field: 'properties.groups[*]', where: { function: 'member' } }, equals: 2 },
    { count: { field: 'properties.missing[*]' }, equals: 0 },
    { function: 'undecided' },
  ];
  const shapes: Condition[] = [...leaves, ...leaves.map((leaf) => ({ not: leaf })), { allOf: leaves }, { anyOf: leaves }, ...leaves.map((leaf, i) => ({ anyOf: [leaf, { not: leaves[(i + 3) % leaves.length]! }] })), { allOf: [{ anyOf: leaves.slice(0, 4) }, { not: { allOf: leaves.slice(4) } }] }];
  it('on every shape of condition: leaves, placeholders, counts with and without where, not, allOf, anyOf', () => {
    const verdicts = new Set<string>();
    for (const parameters of [{ modes: ['on', 'off'], mode: 'strict' }, { modes: [], mode: 'lax' }]) {
      for (const condition of shapes) {
        const context = { resource: thing, inventory: new Inventory(), parameters, functions };
        const full = measure((c, x) => evaluateCondition(c, x).verdict, condition, context);
        expect(measure(conditionVerdict, condition, context), JSON.stringify(condition)).toEqual(full);
        verdicts.add(full.verdict);
      }
    }
    expect([...verdicts].sort()).toEqual(['fail', 'pass', 'unknown']);
  });
});

describe('the verdict alone, leaf by leaf', () => {
  const held: Resource = {
    key: 'h',
    armType: 'Microsoft.Test/things',
    name: 'held',
    body: { properties: { groups: [{ name: 'a' }, { name: 'b' }], open: UNKNOWN, secrets: REDACTED, secret: REDACTED } },
    source: { kind: 'snapshot', dialect: 'arm', file: 'f.json', id: '/subs/x/things/held' },
  };
  const cases: Array<[Condition, string]> = [
    // Every member holds: a pass, not an unknown.
    [{ field: 'properties.groups[*].name', in: ['a', 'b'] }, 'pass'],
    [{ field: 'properties.groups[*].name', equals: 'a' }, 'fail'],
    // A list that could not be read, or is sensitive: neither its members nor their count decide.
    [{ field: 'properties.open[*].name', equals: 'a' }, 'unknown'],
    [{ field: 'properties.secrets[*]', equals: 'a' }, 'unknown'],
    [{ count: { field: 'properties.open[*]' }, equals: 0 }, 'unknown'],
    [{ count: { field: 'properties.secrets[*]' }, equals: 0 }, 'unknown'],
    // A path below a sensitive value reads that value: it is set.
    [{ field: 'properties.secret.inner', exists: false }, 'fail'],
    [{ field: 'properties.secret.inner', exists: true }, 'pass'],
  ];
  for (const [condition, verdict] of cases) {
    it(`${JSON.stringify(condition)} is ${verdict}, with evidence and without`, () => {
      const context = { resource: held, inventory: new Inventory(), parameters: {}, functions: new Map<string, RuleFunction>() };
      const full = measure((c, x) => evaluateCondition(c, x).verdict, condition, context);
      expect(full.verdict).toBe(verdict);
      expect(measure(conditionVerdict, condition, context)).toEqual(full);
    });
  }
});

describe('a finding is evaluated once', () => {
  function ruleOf(assert: Condition, where?: Condition): Rule {
    return testRule([{ select: { type: ['Microsoft.Test/things'], ...(where ? { where } : {}) }, assert, message: '{name}: {detail:why|not known}' }]);
  }
  function inventoryOf(count: number): Inventory {
    const inventory = new Inventory();
    for (let i = 0; i < count; i++) {
      inventory.add({ key: `k${i}`, armType: 'Microsoft.Test/things', name: `thing${i}`, body: { properties: { mode: i % 2 ? 'on' : 'off' } }, source: { kind: 'snapshot', dialect: 'arm', file: 'f.json', id: `/subs/x/things/thing${i}` } });
    }
    return inventory;
  }

  it('its functions are called once, their evidence and details are the finding’s, and the operations those of one evaluation', () => {
    const calls: string[] = [];
    const functions = new Map<string, RuleFunction>([
      ['judge', (context) => {
        calls.push(context.resource.name);
        graphWork.steps += 5;
        return context.field('properties.mode') === 'on' ? { verdict: 'pass', evidence: [] } : { verdict: 'fail', evidence: [{ path: 'properties.mode', actual: 'off', expected: 'on' }], details: { why: `${context.resource.name} is off` } };
      }],
    ]);
    const rule = ruleOf({ allOf: [{ function: 'judge' }, { field: 'properties.mode', exists: true }] }, { anyOf: [{ function: 'judge' }, { field: 'name', like: 'thing*' }] });
    const result = runRules([rule], inventoryOf(4), { functions });
    expect(calls).toEqual(['thing0', 'thing0', 'thing1', 'thing1', 'thing2', 'thing2', 'thing3', 'thing3']);
    expect(result.findings.map((finding) => [finding.resource.name, finding.message, finding.evidence])).toEqual([
      ['thing0', 'thing0: thing0 is off', [{ path: 'properties.mode', actual: '"off"', expected: 'on' }]],
      ['thing2', 'thing2: thing2 is off', [{ path: 'properties.mode', actual: '"off"', expected: 'on' }]],
    ]);
    // Per resource: two function leaves, two field leaves, and the function's five graph steps twice.
    expect(result.operations).toBe(4 * (4 + 10));
    expect(result.passed.get('T-001')).toBe(2);
    expect(result.evaluated).toBe(4);
  });

  it('a function in a follow’s where is called once per linked resource, a finding’s too', () => {
    const calls: string[] = [];
    const functions = new Map<string, RuleFunction>([
      ['judge', (context) => {
        calls.push(context.resource.name);
        return context.field('properties.mode') === 'on' ? { verdict: 'pass', evidence: [] } : { verdict: 'fail', evidence: [{ path: 'properties.mode', actual: 'off', expected: 'on' }] };
      }],
    ]);
    const inventory = new Inventory();
    for (const [i, mode] of ['on', 'off'].entries()) {
      inventory.add({ key: `t${i}`, armType: 'Microsoft.Test/targets', name: `target${i}`, body: { properties: { mode } }, source: { kind: 'snapshot', dialect: 'arm', file: 'f.json', id: `/subs/x/targets/target${i}` } });
      inventory.add({ key: `k${i}`, armType: 'Microsoft.Test/things', name: `thing${i}`, body: { properties: { target: `/subs/x/targets/target${i}` } }, source: { kind: 'snapshot', dialect: 'arm', file: 'f.json', id: `/subs/x/things/thing${i}` } });
    }
    const rule = ruleOf({ follow: { field: 'properties.target', to: 'Microsoft.Test/targets', where: { function: 'judge' } } } as Condition);
    const result = runRules([rule], inventory, { functions });
    expect(result.failures).toEqual([]);
    expect(result.findings.map((finding) => [finding.resource.name, finding.evidence.map((item) => item.expected)])).toEqual([['thing1', ['target target1 with properties.mode on']]]);
    expect(calls).toEqual(['target0', 'target1']);
  });

  it('inside a count, each member’s function result is replayed in order', () => {
    const calls: string[] = [];
    const functions = new Map<string, RuleFunction>([
      ['member', (context) => {
        const name = context.field('properties.groups[*].name');
        calls.push(String(name));
        return name === 'a' ? { verdict: 'pass', evidence: [] } : { verdict: 'unknown', evidence: [{ path: 'properties.groups[*].name', actual: UNKNOWN, expected: 'a', unknownExplained: true }], details: { unknownReason: `${String(name)} is not known` } };
      }],
    ]);
    const inventory = new Inventory();
    inventory.add({ key: 'k', armType: 'Microsoft.Test/things', name: 'thing', body: { properties: { groups: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } }, source: { kind: 'snapshot', dialect: 'arm', file: 'f.json', id: '/subs/x/things/thing' } });
    const rule = ruleOf({ count: { field: 'properties.groups[*]', where: { function: 'member' } }, equals: 3 });
    const result = runRules([rule], inventory, { functions });
    expect(calls).toEqual(['a', 'b', 'c']);
    const context = { resource: inventory.ofType('Microsoft.Test/things')[0]!, inventory, parameters: {}, functions, counter: { operations: 0 } };
    const direct = evaluateCondition(rule.checks[0]!.assert, context);
    expect(direct.verdict).toBe('unknown');
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]!.status).toBe('unknown');
    expect(result.findings[0]!.evidence.map((item) => item.path)).toEqual(direct.evidence.map((item) => item.path).filter((path, i, all) => all.indexOf(path) === i));
    expect(result.operations).toBe(context.counter.operations);
  });
});

/**
 * A check whose assertion is one function, selected by at most a field or value comparison, takes its
 * finding's evaluation from the function's answer the verdict recorded (no second evaluation). Where that
 * would not be the evaluation, the finding must still be the one evaluating again gives.
 */
describe('a one-function check’s finding', () => {
  const things = (modes: unknown[]) => {
    const inventory = new Inventory();
    modes.forEach((mode, i) => inventory.add({ key: `k${i}`, armType: 'Microsoft.Test/things', name: `thing${i}`, body: { properties: { mode } }, source: { kind: 'snapshot', dialect: 'arm', file: 'f.json', id: `/subs/x/things/thing${i}` } }));
    return inventory;
  };
  const failing: RuleFunction = (context) => ({ verdict: 'fail', evidence: [{ path: 'properties.other', actual: 'x', expected: 'y' }], details: { why: `${context.resource.name} fails` } });

  it('joins the evidence of a `where` that was unknown to the function’s, as an unknown', () => {
    const rule = testRule([{ select: { type: ['Microsoft.Test/things'], where: { field: 'properties.mode', equals: 'on' } }, assert: { function: 'failing' }, message: '{detail:why}' }]);
    const result = runRules([rule], things([UNKNOWN, 'on']), { functions: new Map([['failing', failing]]) });
    expect(result.failures).toEqual([]);
    expect(result.findings.map((finding) => [finding.resource.name, finding.status, finding.evidence.map((item) => item.path)])).toEqual([
      ['thing0', 'unknown', ['properties.mode', 'properties.other']],
      ['thing1', 'fail', ['properties.other']],
    ]);
  });

  it('takes the details a function in the `where` found, with the assertion’s own answer', () => {
    const selects: RuleFunction = () => ({ verdict: 'pass', evidence: [], details: { host: 'the host' } });
    const rule = testRule([{ select: { type: ['Microsoft.Test/things'], where: { function: 'selects' } }, assert: { function: 'failing' }, message: '{detail:host}: {detail:why}' }]);
    const result = runRules([rule], things(['on']), { functions: new Map([['selects', selects], ['failing', failing]]) });
    expect(result.findings.map((finding) => [finding.message, finding.evidence.map((item) => item.path)])).toEqual([['the host: thing0 fails', ['properties.other']]]);
  });

  it('is an error of the rule, not a finding, where the `where`’s expected value cannot be put into words', () => {
    // A parameter JSON cannot show: the `where` passes on it, but its evidence cannot say what it expected.
    const rule = testRule([{ select: { type: ['Microsoft.Test/things'], where: { field: 'properties.mode', notEquals: { parameter: 'odd' } } }, assert: { function: 'failing' }, message: '{detail:why}' }], { parameters: { odd: { default: 0n } } } as Partial<Rule>);
    const result = runRules([rule], things(['on']), { functions: new Map([['failing', failing]]) });
    expect(result.findings).toEqual([]);
    expect(result.failures).toEqual([{ ruleId: 'T-001', resource: '/subs/x/things/thing0', file: 'f.json', problem: 'Do not know how to serialize a BigInt' }]);
  });
});
