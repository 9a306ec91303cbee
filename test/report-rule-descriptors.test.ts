import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../src/scan.js';
import { loadRules } from '../src/engine/load-packs.js';
import { ruleDescriptorOf } from '../src/report/rule-descriptor.js';

/**
 * Reporters import only the report module, so at compile time they cannot use a rule's conditions; the
 * report they are handed must not carry them at run time either (a reporter that serialized its rules would
 * print every condition, parameter and function argument of every pack).
 */
const ROOT = resolve(import.meta.dirname, '..');
const DESCRIPTOR_KEYS = ['checks', 'description', 'help', 'id', 'origin', 'pack', 'references', 'remediation', 'severity', 'tags', 'title'];

function keysDeep(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => keysDeep(item, found));
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) keysDeep(item, found.add(key));
  return found;
}

describe('the rules a report carries', () => {
  it('are metadata only: no condition, parameter, message or function anywhere in them', () => {
    const report = scan({ paths: [join(ROOT, 'fixtures', 'estate', 'plan.json')], cwd: ROOT });
    expect(report.rules.length).toBeGreaterThan(30);
    for (const rule of report.rules) expect(Object.keys(rule).sort()).toEqual(DESCRIPTOR_KEYS);
    const keys = keysDeep(report.rules);
    for (const forbidden of ['assert', 'where', 'function', 'with', 'parameters', 'message', 'messages', 'examples']) expect(keys.has(forbidden), forbidden).toBe(false);
    expect(report.rules.flatMap((rule) => rule.checks).every((check) => Object.keys(check).every((key) => key === 'select' || key === 'remediation'))).toBe(true);
  });

  it('describe the rule as the engine loaded it: types, remediations and origin kept', () => {
    const rule = loadRules([], ROOT).rules.find((candidate) => candidate.id === 'AZF-POOL-004')!;
    const descriptor = ruleDescriptorOf(rule);
    expect(descriptor.checks.map((check) => check.select.type)).toEqual(rule.checks.map((check) => check.select.type));
    expect(descriptor.checks[1]!.remediation).toEqual(rule.checks[1]!.remediation);
    expect(descriptor.remediation).toEqual(rule.remediation);
    expect(descriptor.origin).toEqual(rule.origin);
    expect('parameters' in descriptor).toBe(false);
  });
});
