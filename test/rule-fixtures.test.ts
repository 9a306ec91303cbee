import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { buildPlan, buildSnapshot, type AzapiCase, type AzurermCase, type ModuleCalls, type SnapshotRow } from './support/materialize.js';
import { scanJson, tempDir, writeJson } from './support/run-cli.js';
import { loadRules } from '../src/engine/load-packs.js';

/**
 * Every rule's fixture cases (fixtures/rules/<id>.yaml) are turned into real plan and snapshot files and
 * scanned through the CLI; the verdict the user sees must be the one the case expects.
 */
interface FixtureCase {
  name: string;
  expect: 'fail' | 'pass' | 'unknown';
  /** One resource, or several that link to each other (an endpoint, its zone, the VNet...). */
  azurerm?: AzurermCase | AzurermCase[];
  azapi?: AzapiCase | AzapiCase[];
  snapshot?: SnapshotRow | SnapshotRow[];
  /** Kubernetes manifests (YAML text), written to manifests.yaml beside the plan or snapshot. */
  manifests?: string;
  /** Module calls of the plan (inputs and outputs, by call name). */
  modules?: ModuleCalls;
  /** Provider version constraints of the plan's configuration (`azurerm: "~> 4.0"`). */
  providers?: Record<string, string>;
  /** With several resources: the address (plan) or name (snapshot) whose findings the case is about. */
  target?: string;
  /** Rule parameters for this case, written to an .azfence.yaml beside the input. */
  parameters?: Record<string, unknown>;
  /** Text the finding's message must contain. */
  message?: string;
  /** Text the finding's remediation (the fix for its input kind) must contain. */
  remediation?: string;
  severity?: string;
}

interface FixtureFile {
  rule: string;
  cases: FixtureCase[];
}

const FIXTURE_DIR = join(import.meta.dirname, '..', 'fixtures', 'rules');
const files = readdirSync(FIXTURE_DIR).filter((name) => name.endsWith('.yaml')).sort();
const fixtures: FixtureFile[] = files.map((name) => parse(readFileSync(join(FIXTURE_DIR, name), 'utf8')) as FixtureFile);

/** A case counts as azapi when it has an azapi resource, even beside azurerm helpers; as manifest when it has manifests (a plan beside them holds the cluster). */
function kindOf(fixture: FixtureCase): 'azurerm' | 'azapi' | 'snapshot' | 'manifest' {
  return fixture.manifests !== undefined ? 'manifest' : fixture.azapi ? 'azapi' : fixture.azurerm ? 'azurerm' : 'snapshot';
}

function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function materialize(fixture: FixtureCase, dir: string): string {
  if (fixture.parameters) writeFileSync(join(dir, '.azfence.yaml'), stringify({ parameters: fixture.parameters }));
  const manifests = fixture.manifests !== undefined ? join(dir, 'manifests.yaml') : undefined;
  if (manifests) writeFileSync(manifests, fixture.manifests!);
  if (fixture.azurerm || fixture.azapi) {
    const plan = writeJson(dir, 'plan.json', buildPlan({ azurerm: asList(fixture.azurerm), azapi: asList(fixture.azapi), ...(fixture.modules ? { modules: fixture.modules } : {}), ...(fixture.providers ? { providers: fixture.providers } : {}) }));
    return manifests ?? plan;
  }
  if (fixture.snapshot) {
    const snapshot = writeJson(dir, 'snapshot.json', buildSnapshot(asList(fixture.snapshot)));
    return manifests ?? snapshot;
  }
  if (manifests) return manifests;
  throw new Error(`case "${fixture.name}" has no azurerm, azapi, snapshot or manifests resource`);
}

function resourceCount(fixture: FixtureCase): number {
  const documents = fixture.manifests !== undefined ? parseAllDocuments(fixture.manifests) : [];
  const manifestObjects = Array.isArray(documents) ? documents.filter((document) => document.contents !== null).length : 0;
  return asList(fixture.azurerm).length + asList(fixture.azapi).length + asList(fixture.snapshot).length + manifestObjects;
}

describe('rule fixtures', () => {
  for (const file of fixtures) {
    describe(file.rule, () => {
      for (const fixture of file.cases) {
        it(`${kindOf(fixture)}: ${fixture.name} -> ${fixture.expect}`, () => {
          const dir = tempDir();
          const input = materialize(fixture, dir);
          const { run, report } = scanJson([dir], ['--fail-on', 'none']);
          expect(run.stderr).toBe('');
          if (resourceCount(fixture) === 1) expect(report.summary.resources).toBe(1);
          else expect(fixture.target, 'a case with several resources names its target').toBeDefined();
          const mine = report.findings.filter(
            (finding) => finding.ruleId === file.rule && (!fixture.target || finding.resource.address === fixture.target || finding.resource.name === fixture.target),
          );
          if (fixture.expect === 'pass') {
            expect(mine).toEqual([]);
            return;
          }
          expect(mine.length).toBeGreaterThan(0);
          expect(mine.some((finding) => finding.status === fixture.expect)).toBe(true);
          if (fixture.expect === 'unknown') expect(mine.every((finding) => finding.status === 'unknown')).toBe(true);
          const relevant = mine.filter((finding) => finding.status === fixture.expect);
          if (fixture.message) expect(relevant.map((finding) => finding.message).join('\n')).toContain(fixture.message);
          if (fixture.severity) expect(relevant.map((finding) => finding.severity)).toContain(fixture.severity);
          if (fixture.remediation) expect(relevant.map((finding) => finding.remediation).join('\n')).toContain(fixture.remediation);
          for (const finding of relevant) {
            expect(finding.remediation.length).toBeGreaterThan(0);
            expect(input.endsWith(finding.location.file.replace(/^(\.\.\/)+/, ''))).toBe(true);
          }
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
    const types = rule.checks.flatMap((check) => check.select.type);
    const kinds = [...new Set(types.flatMap((type) => (/^Kubernetes\//i.test(type) ? ['manifest', 'azurerm'] : ['azurerm', 'azapi', 'snapshot'])))];
    it(`${rule.id} has fail, pass and unknown cases for ${kinds.join(', ')} input`, () => {
      const file = fixtures.find((candidate) => candidate.rule === rule.id);
      expect(file, `fixtures/rules/${rule.id}.yaml`).toBeDefined();
      const have = new Set(file!.cases.map((fixture) => `${kindOf(fixture)}:${fixture.expect}`));
      const missing = kinds.flatMap((kind) => ['fail', 'pass', 'unknown'].map((verdict) => `${kind}:${verdict}`)).filter((key) => !have.has(key));
      expect(missing).toEqual([]);
    });
  }
});
