import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant (stryker.config.mjs). Only tests that run azfence in this
 * process: a CLI spawned in a child process, a bundle or a browser reports no per-test coverage to Stryker
 * and would run the unmutated code anyway. They are the in-process tests of the mutated modules: each
 * asserts what users see (findings, messages, evidence, whole reports in every format, gate decisions) or
 * the module's own contract, and each runs in milliseconds, so that a surviving mutant (which runs every
 * test that reached it) costs seconds, not the minutes the CLI-level suites take.
 */
export const MUTATION_TESTS = ['test/units/**/*.test.ts', 'test/condition-language.test.ts'];

export default defineConfig({
  test: {
    include: MUTATION_TESTS,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'threads',
    globalSetup: ['./test/support/temp-root.ts'],
  },
});
