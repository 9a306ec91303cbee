import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CORPUS_OPT_OUT, realPlanCorpus } from './support/corpus.js';
import { runCli, tempDir } from './support/run-cli.js';

/**
 * Whole reports recorded once and compared byte for byte: the findings (messages, evidence, locations,
 * remediation, fingerprints), the summary and the exit code of scans over the real-plan corpus, the example
 * estate and generated bench estates (both plan readers). A refactor that moves rules, readers or the
 * pipeline around must leave every byte of these standing. A deliberate change of output re-records them:
 * AZFENCE_RECORD_REPORTS=1 npx vitest run test/report-snapshots.test.ts, and the diff is reviewed.
 */
const ROOT = resolve(import.meta.dirname, '..');
const RECORDED = join(ROOT, 'test', 'report-snapshots');
const RECORD = process.env['AZFENCE_RECORD_REPORTS'] === '1';
const BENCH_RESOURCES = '1000';

function compareWithRecorded(name: string, args: string[], cwd = ROOT, record = RECORD): void {
  const run = runCli(['scan', ...args, '--format', 'json'], cwd);
  const text = `exit code: ${run.code}\nstderr: ${JSON.stringify(run.stderr)}\n${run.stdout}`;
  const file = join(RECORDED, `${name}.txt`);
  if (record) {
    mkdirSync(RECORDED, { recursive: true });
    writeFileSync(file, text);
  }
  expect(existsSync(file), `${relative(ROOT, file)} is not recorded`).toBe(true);
  const recorded = readFileSync(file, 'utf8');
  // Compared as text so a difference shows as a diff; then byte for byte.
  expect(text).toBe(recorded);
}

describe('reports are unchanged by refactoring', () => {
  const savedStreamThreshold = process.env['AZFENCE_STREAM_ABOVE_BYTES'];
  afterEach(() => {
    if (savedStreamThreshold === undefined) delete process.env['AZFENCE_STREAM_ABOVE_BYTES'];
    else process.env['AZFENCE_STREAM_ABOVE_BYTES'] = savedStreamThreshold;
  });

  it('example estate, plan and snapshot together', () => compareWithRecorded('estate', ['fixtures/estate']));
  it('example estate plan with its Terraform sources', () => compareWithRecorded('estate-plan-sources', ['fixtures/estate/plan.json', '--source', 'fixtures/estate/terraform']));
  it('example estate snapshot', () => compareWithRecorded('estate-snapshot', ['fixtures/estate/snapshot.json', '--fail-on', 'medium', '--fail-on-unknown']));
  it('Kubernetes manifests', () => compareWithRecorded('kata-manifests', ['fixtures/kata']));

  const corpus = realPlanCorpus();
  it.skipIf(corpus.optedOut)(`real-plan corpus${corpus.optedOut ? ` (skipped: ${CORPUS_OPT_OUT}=1)` : ''}`, () => {
    expect(corpus.problem, corpus.problem).toBeUndefined();
    // Scanned from inside the corpus, so the report's paths and fingerprints do not depend on where the
    // checkout and ../shared live (a path outside the working directory is reported absolute).
    compareWithRecorded('corpus', ['.', '--fail-on', 'low'], corpus.dir);
  });

  describe('generated bench estates', () => {
    const dir = tempDir('azfence-bench-snapshot-');
    const generate = (kind: string): void => {
      execFileSync(process.execPath, [join(ROOT, 'bench', 'generate.mjs'), '--kind', kind, '--resources', BENCH_RESOURCES, '--seed', '1', '--out', join(dir, `${kind}.json`)], { stdio: 'ignore' });
    };

    it('plan, read in memory', () => {
      generate('plan');
      compareWithRecorded('bench-plan', ['plan.json'], dir);
    });
    it('plan, read by the streaming reader', () => {
      if (!existsSync(join(dir, 'plan.json'))) generate('plan');
      process.env['AZFENCE_STREAM_ABOVE_BYTES'] = '0';
      // The same bytes as the in-memory reader's report.
      compareWithRecorded('bench-plan', ['plan.json'], dir, false);
    });
    it('snapshot, read in memory', () => {
      generate('snapshot');
      compareWithRecorded('bench-snapshot', ['snapshot.json'], dir);
    });
    it('snapshot, read by the streaming reader', () => {
      if (!existsSync(join(dir, 'snapshot.json'))) generate('snapshot');
      process.env['AZFENCE_STREAM_ABOVE_BYTES'] = '0';
      compareWithRecorded('bench-snapshot', ['snapshot.json'], dir, false);
    });
  });
});
