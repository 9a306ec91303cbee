import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadRules } from '../../src/engine/load-packs.js';
import { ruleDocPath } from '../../src/cli/rule-docs.js';

/**
 * Issue 18 item 7: every rule page shows a failing and a passing example, for Terraform and for a snapshot
 * (a rule about Kubernetes workloads, which a snapshot does not hold, shows a manifest instead). The examples
 * are fixture cases, so test/rule-fixtures.test.ts proves each fails or passes as the page says.
 */
const ROOT = join(import.meta.dirname, '..', '..');

/** `### Title` sections under `## Examples`: title -> [verdict, case name][] */
function exampleSections(page: string): Map<string, Array<[string, string]>> {
  const examples = page.split('\n## Examples\n')[1]?.split(/\n## (?!#)/)[0] ?? '';
  const sections = new Map<string, Array<[string, string]>>();
  for (const section of examples.split('\n### ').slice(1)) {
    const title = section.split('\n')[0]!;
    const verdicts = [...section.matchAll(/^\*\*(Fails|Passes):\*\* (.+)\.\n/gm)].map((match) => [match[1]!, match[2]!] as [string, string]);
    // Each verdict is followed by a code block.
    expect(section.match(/```(hcl|json|yaml)\n[\s\S]+?\n```/g)?.length ?? 0, `${title}: code blocks`).toBeGreaterThanOrEqual(verdicts.length);
    sections.set(title, verdicts);
  }
  return sections;
}

describe('rule pages have examples', () => {
  const rules = loadRules().rules.filter((rule) => rule.origin.builtIn);

  it.each(rules.map((rule) => [rule.id]))('%s: a failing and a passing example for Terraform and for a snapshot or manifest', (id) => {
    const page = readFileSync(join(ROOT, ruleDocPath(id)), 'utf8');
    const sections = exampleSections(page);
    const verdicts = (prefix: string) => [...sections].filter(([title]) => title.startsWith(prefix)).flatMap(([, list]) => list.map(([verdict]) => verdict));
    expect(verdicts('Terraform'), `${id} Terraform`).toEqual(['Fails', 'Passes']);
    const other = verdicts('Resource Graph snapshot').length ? verdicts('Resource Graph snapshot') : verdicts('Kubernetes manifest');
    expect(other, `${id} snapshot or manifest`).toEqual(['Fails', 'Passes']);
  });

  it.each(rules.map((rule) => [rule.id]))('%s: every example is a fixture case with the verdict the page gives', (id) => {
    const fixture = parse(readFileSync(join(ROOT, 'fixtures', 'rules', `${id}.yaml`), 'utf8')) as { cases: Array<{ name: string; expect: string }> };
    const page = readFileSync(join(ROOT, ruleDocPath(id)), 'utf8');
    for (const [, list] of exampleSections(page)) {
      for (const [verdict, name] of list) {
        expect(fixture.cases.filter((c) => c.name === name).map((c) => c.expect), `${id}: ${name}`).toContain(verdict === 'Fails' ? 'fail' : 'pass');
      }
    }
  });
});
