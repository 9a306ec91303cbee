import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, scanJson, tempDir } from './support/run-cli.js';
import { validateSarif } from './support/sarif-validator.js';

/** The README's first scan: the bundled hub-and-spoke estate, as a plan and as a snapshot. */
const ESTATE = 'fixtures/estate';

describe('the example estate (README quick start)', () => {
  it('is generated from its description and up to date', () => {
    const check = spawnSync(process.execPath, [join(ESTATE, 'generate-plan.mjs'), '--check'], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });

  it('reports the documented defects in both the plan and the snapshot, and nothing else', () => {
    const { run, report } = scanJson([ESTATE]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const found = report.findings.map((finding) => `${finding.ruleId} ${finding.location.file.split('/').pop()} ${finding.resource.name}`).sort();
    expect(found).toEqual(
      [
        'AZF-DNS-001 plan.json pe-kv-ci-we01',
        'AZF-DNS-001 snapshot.json pe-kv-ci-we01',
        'AZF-EGR-006 plan.json rcg-ci-egress',
        'AZF-EGR-006 snapshot.json rcg-ci-egress',
        'AZF-EGR-007 plan.json pool-ci',
        'AZF-EGR-007 snapshot.json pool-ci',
        'AZF-POOL-001 plan.json build-ado-agent',
        'AZF-POOL-001 snapshot.json build-ado-agent',
        'AZF-POOL-005 plan.json pool-ci',
        'AZF-POOL-005 snapshot.json pool-ci',
        'AZF-POOL-006 plan.json caj-ado-agent',
        'AZF-POOL-006 snapshot.json caj-ado-agent',
        'AZF-POOL-008 agent-image.yml az acr build',
        // Unknown, as the estate's README explains: the AcrPull scope comes from a local value, and the snapshot has no role assignment rows.
        'AZF-POOL-009 plan.json caj-ado-agent',
        'AZF-POOL-009 snapshot.json caj-ado-agent',
        'AZF-PUB-002 plan.json acrcihubwe01',
        'AZF-PUB-002 snapshot.json acrcihubwe01',
        'AZF-PUB-005 plan.json stciartifactswe01',
        'AZF-PUB-005 snapshot.json stciartifactswe01',
        'AZF-PUB-006 plan.json log-hub-we01',
        'AZF-PUB-006 snapshot.json log-hub-we01',
        'AZF-PUB-007 plan.json stciartifactswe01',
        'AZF-PUB-007 snapshot.json stciartifactswe01',
      ].sort(),
    );
  });

  it('writes valid SARIF and never prints the sensitive variable', () => {
    const sarif = join(tempDir(), 'estate.sarif');
    const outputs = ['table', 'json', 'markdown', 'junit'].map((format) => {
      // Removed first: each run's own SARIF is searched, not one an earlier run left.
      rmSync(sarif, { force: true });
      const run = runCli(['scan', ESTATE, '--format', format, '--sarif', sarif]);
      return run.stdout + run.stderr + readFileSync(sarif, 'utf8');
    });
    expect(readFileSync(join(ESTATE, 'plan.json'), 'utf8')).toContain('example-not-a-real-token');
    for (const output of outputs) expect(output).not.toContain('example-not-a-real-token');
    expect(validateSarif([sarif])).toEqual([]);
  });
});
