import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The tests Stryker runs against each mutant (stryker.config.mjs). Only tests that run azfence in this
 * process: a CLI spawned in a child process, a bundle or a browser reports no per-test coverage to Stryker
 * and would run the unmutated code anyway. They are the in-process tests of the mutated modules: each
 * asserts what users see (findings, messages, evidence, whole reports in every format, gate decisions) or
 * the module's own contract, and each runs in milliseconds, so that a surviving mutant (which runs every
 * test that reached it) costs seconds, not the minutes the CLI-level suites take.
 */
export const MUTATION_TESTS = ['test/units/**/*.test.ts', 'test/condition-language.test.ts', 'test/follow-links.test.ts', 'test/json-report-parts.test.ts'];

/**
 * Files that scan (report-formats) last: Stryker runs the tests that reached a mutant and stops at the first
 * failure, so a reporter's mutant is usually killed by the renderers' tests (the recorded scan, no scan run)
 * before the file that runs the whole scan is loaded.
 */
class ScanningFilesLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const scanning = (file: TestSpecification) => (/report-formats\.test\.ts$/.test(file.moduleId) ? 1 : 0);
    return [...files].sort((a, b) => scanning(a) - scanning(b));
  }
}

export default defineConfig({
  test: {
    include: MUTATION_TESTS,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'threads',
    sequence: { sequencer: ScanningFilesLast },
    // Modules loaded once per worker instead of once per test file: about twice as fast per mutant. Sound only
    // where the mutated code keeps no cache across runs (a mutant's wrong result, cached, would fail the runs
    // of the mutants after it): the reporters keep none, the engine, plan values and findings do. So only for
    // `--mutate 'src/reporters/**'`, on request: AZFENCE_MUTATION_SHARED_MODULES=1.
    isolate: process.env['AZFENCE_MUTATION_SHARED_MODULES'] !== '1',
    globalSetup: ['./test/support/temp-root.ts'],
  },
});
