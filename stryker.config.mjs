// Mutation testing: `npm run test:mutation` (slow; not part of `npm test` or CI). See docs/testing.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', pool: 'threads', related: false },
  // Each mutant runs only the tests that reached it in the initial run.
  coverageAnalysis: 'perTest',
  // The modules that decide a verdict and describe it to users. Narrow with --mutate while iterating.
  mutate: [
    // the condition evaluator and its comparisons
    'src/engine/condition.ts',
    'src/engine/evaluate.ts',
    'src/engine/compiled-leaves.ts',
    'src/engine/evaluation-context.ts',
    'src/engine/compare.ts',
    'src/engine/field-path.ts',
    'src/engine/glob.ts',
    'src/engine/verdict.ts',
    'src/engine/resource-fields.ts',
    'src/engine/follow.ts',
    // the run over an inventory: which resources a check reads, and whether a verdict becomes a finding
    'src/engine/run-rules.ts',
    // finding construction and fingerprints, the gate, the baseline
    'src/findings/*.ts',
    'src/report/fail-gate.ts',
    'src/post-process/baseline.ts',
    // plan values: unknown and sensitive markers, redaction of credentials
    'src/inputs/terraform/plan-values.ts',
    'src/inputs/terraform/normalize-azurerm.ts',
    'src/inputs/terraform/normalize-azapi.ts',
    'src/model/values.ts',
    'src/model/credentials.ts',
    'src/model/config-map.ts',
    // every reporter
    'src/reporters/**/*.ts',
  ],
  // Reruns test only mutants whose code or covering tests changed since the committed result.
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['json', 'clear-text', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Two cores shared with others: one test process. Raise with --concurrency on a machine of your own.
  concurrency: 1,
  timeoutMS: 20000,
  tempDirName: '.stryker-tmp',
  // Tests are not type-checked here (vitest strips types), so nothing needs @ts-nocheck; and the default
  // would write it into the recorded HTML report under test/, which must stay byte for byte as recorded.
  disableTypeChecks: false,
  ignorePatterns: ['bench/out', 'test-output', 'docs/images', '*.tgz'],
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
