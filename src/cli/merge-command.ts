import type { ParseArgsConfig } from 'node:util';
import { mergeReports } from '../merge/merge-reports.js';
import { EXIT_OK, type Io } from './main.js';
import { checkReportFlags, emitReport, outputTargets, parseFlags } from './output-files.js';
import { checkOutputTargets } from './write-output.js';

export const MERGE_HELP = `Usage: azfence merge SHARD.json... [options]

Joins the JSON reports of \`azfence audit --shard K/N --format json\` (all N of one run) into one report,
writes it in any format, and applies the gate over the whole estate. A missing or repeated shard, or shards
that split the subscriptions differently, is an error (exit 2): the gate never passes on part of an estate.

Options (as audit):
  --format table|json|sarif|markdown|junit|html   what to print (default: table)
  --output FILE          write the report to FILE instead of stdout
  --sarif FILE           also write SARIF to FILE
  --markdown FILE        also write the Markdown summary to FILE
  --html FILE            also write the HTML report to FILE
  --baseline FILE        the last merged report (JSON or SARIF): new, existing and resolved findings
  --fail-on LEVEL        critical|high|medium|low|none (default: high)
  --fail-on-unknown      also fail on checks that could not be decided
  --policies DIR         the rule packs the shards ran with (repeatable)
  --config FILE          the configuration the shards ran with (default: .azfence.yaml in the working directory)

Exit codes: 0 nothing failed the gate, 1 findings failed the gate, 2 usage error, a shard missing, or a
shard that could not read part of its estate.
`;

const MERGE_OPTIONS = {
  format: { type: 'string', default: 'table' },
  output: { type: 'string' },
  sarif: { type: 'string' },
  markdown: { type: 'string' },
  html: { type: 'string' },
  baseline: { type: 'string' },
  'fail-on': { type: 'string' },
  'fail-on-unknown': { type: 'boolean' },
  config: { type: 'string' },
  policies: { type: 'string', multiple: true, default: [] },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsConfig['options'];

export function mergeCommand(args: string[], io: Io): number {
  const { values, positionals } = parseFlags(args, MERGE_OPTIONS);
  if (values.help) {
    io.stdout(MERGE_HELP);
    return EXIT_OK;
  }
  checkReportFlags(values);
  checkOutputTargets(outputTargets(values), io.cwd);
  const report = mergeReports({
    paths: positionals,
    cwd: io.cwd,
    policyPaths: values.policies,
    ...(values.config !== undefined ? { configPath: values.config } : {}),
    ...(values.baseline !== undefined ? { baselinePath: values.baseline } : {}),
  });
  return emitReport(report, values, io);
}
