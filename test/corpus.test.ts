import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_OPT_OUT, realPlanCorpus } from './support/corpus.js';
import { scanJson } from './support/run-cli.js';

/**
 * The real plans in ../shared/corpus (public Azure projects, Terraform 1.3 and 1.9) must scan without
 * an internal error and without duplicate findings, including those that list module resources twice.
 */
const corpus = realPlanCorpus();
const CORPUS = corpus.dir;
const plans = corpus.plans;

describe.skipIf(corpus.optedOut)(`real plan corpus${corpus.optedOut ? ` (skipped: ${CORPUS_OPT_OUT}=1)` : ''}`, () => {
  it('is there to scan', () => {
    expect(corpus.problem, corpus.problem).toBeUndefined();
  });

  for (const name of plans) {
    it(`${name} scans cleanly`, () => {
      const { run, report } = scanJson([join(CORPUS, name)], ['--fail-on', 'none']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(report.errors).toEqual([]);
      const keys = report.findings.map((finding) => finding.fingerprint);
      expect(new Set(keys).size).toBe(keys.length);
      const perResource = report.findings.map((finding) => `${finding.ruleId}|${finding.resource.address}|${finding.message}`);
      expect(new Set(perResource).size).toBe(perResource.length);
      for (const finding of report.findings) {
        expect(finding.message).not.toMatch(/\{(name|field|attr|param|detail)[:}]/);
        expect(finding.location.line).toBeGreaterThan(0);
      }
    });
  }

  it('plans that repeat module resources in planned_values report each resource once', () => {
    const { report } = scanJson([join(CORPUS, 'ecommerce-ops-main_terraform.json')], ['--fail-on', 'none']);
    const registry = report.findings.filter((finding) => finding.resource.address === 'module.container_registry.azurerm_container_registry.cr');
    expect(registry.map((finding) => finding.ruleId).sort()).toEqual(['AZF-PUB-001', 'AZF-PUB-004']);
  });

  it('the whole corpus in one scan gives the sum of the single scans', () => {
    const single = plans.map((name) => scanJson([join(CORPUS, name)], ['--fail-on', 'none']).report.findings.length).reduce((a, b) => a + b, 0);
    const { run, report } = scanJson([CORPUS], ['--fail-on', 'none']);
    expect(run.stderr).toBe('');
    expect(single).toBeGreaterThan(0);
    expect(report.summary.files).toBe(plans.length);
    expect(report.findings).toHaveLength(single);
  });
});
