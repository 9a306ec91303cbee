import { describe, expect, it } from 'vitest';
import { loadRules } from '../src/engine/load-packs.js';
import {
  caseKind,
  expectedOf,
  findingProblems,
  formatProblems,
  loadFixtureFiles,
  observe,
  pairUp,
  scanCase,
  type InputKind,
} from './support/rule-fixtures.js';
import { AZURERM_MAPPINGS } from '../src/inputs/terraform/azurerm-mappings.js';

const AZURERM_ARM_TYPES = new Set(Object.values(AZURERM_MAPPINGS).map((mapping) => mapping.armType.toLowerCase()));

/**
 * Every rule's fixture cases (fixtures/rules/<id>.yaml) are turned into real plan, snapshot and manifest
 * files and scanned through the CLI. A case asserts what the user reads, not just the verdict:
 *
 * - fail and unknown cases list every finding the rule raises on the case's target (its `target`, or its
 *   only resource): message, severity (the file's `severity` unless the finding names its own), status,
 *   evidence (path, Terraform attribute for azurerm, actual, expected) and the remediation as rendered for
 *   the input kind. The list is exact: a missing, extra or different finding fails the case.
 * - pass cases assert the rule raises nothing on the target.
 * - every case: the rule's findings on the case's other resources are exactly its `elsewhere` list (none
 *   unless listed); other rules' findings on the target are checked only when the case lists `otherRules`.
 * - every finding is well formed whatever the case says: no unrendered placeholder, the remediation is the
 *   rule's text for the dialect of the resource it points at, the location is the file that holds the
 *   resource, an unknown's message names the property it could not read, and nothing the case marks
 *   sensitive is printed.
 *
 * The format is documented in test/support/rule-fixtures.ts; `npm run fixtures:propose -- <rule id>` prints
 * what the current code reports for a rule's cases, to read before pasting.
 */
const fixtures = loadFixtureFiles();

describe('rule fixture files', () => {
  it('use only the keys the harness reads, and fail and unknown cases say what they find', () => {
    expect(fixtures.flatMap(formatProblems)).toEqual([]);
  });
});

describe('rule fixtures', () => {
  for (const file of fixtures) {
    describe(file.rule, () => {
      for (const fixture of file.cases) {
        it(`${caseKind(fixture)}: ${fixture.name} -> ${fixture.expect}`, () => {
          const { run, report, files } = scanCase(fixture);
          expect(run.stderr).toBe('');
          expect(report.errors).toEqual([]);
          const observed = observe(file.rule, fixture, report);
          const expected = expectedOf(file, fixture);
          expect(observed.findings.map((finding) => finding.status).sort(), 'the statuses of the findings on the target').toEqual(expected.map((finding) => finding.status).sort());
          expect(pairUp(expected, observed.findings), 'the findings on the target').toEqual(expected);
          expect(observed.elsewhere, "the rule's findings on the case's other resources").toEqual([...(fixture.elsewhere ?? [])].sort());
          if (fixture.otherRules) expect(observed.otherRules, "other rules' findings on the target").toEqual([...fixture.otherRules].sort());
          expect(observed.raw.flatMap((finding) => findingProblems(file.rule, fixture, finding, files, run.stdout))).toEqual([]);
        });
      }
    });
  }
});

describe('fixture coverage', () => {
  const { rules } = loadRules();
  for (const rule of rules) {
    // The input kinds a rule reads follow from its types: Kubernetes/* workloads come from manifests and
    // from kubernetes_* resources in plans (azurerm dialect); ARM types from azurerm, azapi and snapshots.
    // A case counts for the kind of the resource it judges, not of the helpers around it.
    const types = rule.checks.flatMap((check) => check.select.type);
    // An ARM type no azurerm resource maps to (session pools) cannot appear in azurerm input.
    const kinds = [...new Set(types.flatMap((type): InputKind[] => (/^Kubernetes\//i.test(type) ? ['manifest', 'azurerm'] : /^Pipeline\//i.test(type) ? ['github-actions', 'azure-pipelines', 'script'] : [...(AZURERM_ARM_TYPES.has(type.toLowerCase()) ? (['azurerm'] as InputKind[]) : []), 'azapi', 'snapshot'])))];
    it(`${rule.id} has fail, pass and unknown cases for ${kinds.join(', ')} input`, () => {
      const file = fixtures.find((candidate) => candidate.rule === rule.id);
      expect(file, `fixtures/rules/${rule.id}.yaml`).toBeDefined();
      const have = new Set(file!.cases.map((fixture) => `${caseKind(fixture)}:${fixture.expect}`));
      const missing = kinds.flatMap((kind) => ['fail', 'pass', 'unknown'].map((verdict) => `${kind}:${verdict}`)).filter((key) => !have.has(key));
      expect(missing).toEqual([]);
    });
  }
});
