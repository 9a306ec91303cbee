import type { Rule } from '../../src/engine/rule.js';

/** A rule of pack T with the given checks, as a test wants it: every field a loaded pack gives, overridable. */
export function testRule(checks: Rule['checks'], over: Partial<Rule> = {}): Rule {
  return {
    id: 'T-001',
    title: 'Test rule',
    pack: 'T',
    severity: 'high',
    description: 'd',
    help: '',
    references: [],
    tags: [],
    parameters: {},
    remediation: { arm: 'fix {name}' },
    checks,
    origin: { file: 'test.yaml', line: 1, builtIn: false },
    ...over,
  };
}
