import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildPlan, buildSnapshot, type AzapiCase, type AzurermCase, type SnapshotRow } from './support/materialize.js';
import { scanJson, tempDir, writeJson } from './support/run-cli.js';
import { loadRules } from '../src/engine/load-packs.js';

/**
 * Every rule's fixture cases (fixtures/rules/<id>.yaml) are turned into real plan and snapshot files and
 * scanned through the CLI; the verdict the user sees must be the one the case expects.
 */
interface FixtureCase {
  name: string;
  expect: 'fail' | 'pass' | 'unknown';
  azurerm?: AzurermCase;
  azapi?: AzapiCase;
  snapshot?: SnapshotRow;
  /** Text the finding's message must contain. */
  message?: string;
  severity?: string;
}

interface FixtureFile {
  rule: string;
  cases: FixtureCase[];
}

const FIXTURE_DIR = join(import.meta.dirname, '..', 'fixtures', 'rules');
const files = readdirSync(FIXTURE_DIR).filter((name) => name.endsWith('.yaml')).sort();
const fixtures: FixtureFile[] = files.map((name) => parse(readFileSync(join(FIXTURE_DIR, name), 'utf8')) as FixtureFile);

function kindOf(fixture: FixtureCase): 'azurerm' | 'azapi' | 'snapshot' {
  return fixture.azurerm ? 'azurerm' : fixture.azapi ? 'azapi' : 'snapshot';
}

function materialize(fixture: FixtureCase, dir: string): string {
  if (fixture.azurerm) return writeJson(dir, 'plan.json', buildPlan({ azurerm: [fixture.azurerm] }));
  if (fixture.azapi) return writeJson(dir, 'plan.json', buildPlan({ azapi: [fixture.azapi] }));
  if (fixture.snapshot) return writeJson(dir, 'snapshot.json', buildSnapshot([fixture.snapshot]));
  throw new Error(`case "${fixture.name}" has no azurerm, azapi or snapshot resource`);
}

describe('rule fixtures', () => {
  for (const file of fixtures) {
    describe(file.rule, () => {
      for (const fixture of file.cases) {
        it(`${kindOf(fixture)}: ${fixture.name} -> ${fixture.expect}`, () => {
          const dir = tempDir();
          const input = materialize(fixture, dir);
          const { run, report } = scanJson([input], ['--fail-on', 'none']);
          expect(run.stderr).toBe('');
          expect(report.summary.resources).toBe(1);
          const mine = report.findings.filter((finding) => finding.ruleId === file.rule);
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
    it(`${rule.id} has fail, pass and unknown cases for azurerm, azapi and snapshot input`, () => {
      const file = fixtures.find((candidate) => candidate.rule === rule.id);
      expect(file, `fixtures/rules/${rule.id}.yaml`).toBeDefined();
      const have = new Set(file!.cases.map((fixture) => `${kindOf(fixture)}:${fixture.expect}`));
      const missing = ['azurerm', 'azapi', 'snapshot'].flatMap((kind) => ['fail', 'pass', 'unknown'].map((verdict) => `${kind}:${verdict}`)).filter((key) => !have.has(key));
      expect(missing).toEqual([]);
    });
  }
});
