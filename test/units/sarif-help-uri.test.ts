import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RuleDescriptor } from '../../src/report/rule-descriptor.js';
import { plainEstate } from './recorded-estate.js';

// A fork or a packaged build whose package.json names its GitHub repository: built-in rules then have a
// browsable doc page. The repository is read from package.json once per process, so it is set here, on a
// copy of the reporter loaded afresh after the mock: with modules shared between test files
// (AZFENCE_MUTATION_SHARED_MODULES=1) a hoisted vi.mock came too late, as another file had loaded the real one.
let buildSarif: typeof import('../../src/reporters/sarif.js').buildSarif;
beforeAll(async () => {
  vi.resetModules();
  vi.doMock('../../src/report/rule-links.js', async (importOriginal) => {
    const original = await importOriginal<typeof import('../../src/report/rule-links.js')>();
    return { ...original, ruleHelpUri: (ruleId: string) => `https://github.com/example/azfence/blob/main/${original.ruleDocPath(ruleId)}` };
  });
  ({ buildSarif } = await import('../../src/reporters/sarif.js'));
});
// The files after this one in a shared worker get the real module back.
afterAll(() => {
  vi.doUnmock('../../src/report/rule-links.js');
  vi.resetModules();
});

describe('SARIF: rule help links when package.json names a repository', () => {
  it('a built-in rule links its doc page; a user pack rule, which has none there, gets no helpUri', () => {
    const estate = plainEstate();
    const builtIn = estate.rules[0]!;
    const user: RuleDescriptor = { ...builtIn, id: 'ORG-001', title: 'Org rule', origin: { file: 'policies/org.yaml', line: 1, builtIn: false } };
    const rules = buildSarif({ ...estate, rules: [builtIn, user], findings: [] }).runs[0]!.tool.driver.rules;
    expect(rules.map((rule) => [rule.id, (rule as { helpUri?: string }).helpUri])).toEqual([
      [builtIn.id, `https://github.com/example/azfence/blob/main/docs/rules/${builtIn.id}.md`],
      ['ORG-001', undefined],
    ]);
  });
});
