import type { ParseArgsConfig } from 'node:util';
import { audit } from '../audit/audit.js';
import { resolveCloud } from '../audit/clouds.js';
import { Progress } from '../audit/progress.js';
import { parseShard } from '../audit/shard.js';
import { UserError } from '../errors.js';
import { EXIT_OK, type Io } from './main.js';
import { checkReportFlags, emitReport, outputTargets, parseFlags as parseCliFlags } from './output-files.js';
import { checkOutputTargets } from './write-output.js';

export const AUDIT_HELP = `Usage: azfence audit [scope] [options]

Reads the live estate through Azure Resource Graph (and ARM for the child resources it does not index),
evaluates the same rules as scan, and reports the same way. Signs in with DefaultAzureCredential as its
environment configures it (AZURE_TOKEN_CREDENTIALS, workload identity, managed identity, Azure CLI).

Scope (default: every subscription the identity can read):
  --subscription ID      a subscription to audit (repeatable)
  --management-group ID  every subscription under a management group
  --shard K/N            audit the K-th of N parts of the scope, split by resource count (one Resource
                         Graph count query), for a CI matrix; join the parts' JSON reports with azfence merge

Cloud:
  --cloud NAME           AzureCloud|AzureUSGovernment|AzureChinaCloud (default: AzureCloud)
  --arm-endpoint URL     Resource Manager of a custom cloud (Azure Stack); token scope is <URL>/.default
  --authority-host URL   Entra ID authority of a custom cloud

Output (as scan):
  --format table|json|sarif|markdown|junit|html   what to print (default: table)
  --output FILE          write the report to FILE instead of stdout
  --sarif FILE           also write SARIF to FILE
  --markdown FILE        also write the Markdown summary to FILE
  --html FILE            also write the HTML report to FILE
  --baseline FILE        the last run's JSON or SARIF report: findings are marked new or existing, those
                         resolved since are listed, and only new ones fail the gate
  --snapshot-out FILE    also write what was read as a snapshot azfence scan accepts
  --fail-on LEVEL        critical|high|medium|low|none (default: high)
  --fail-on-unknown      also fail on checks that could not be decided
  --policies DIR         add your own rule packs (repeatable)
  --config FILE          configuration (default: .azfence.yaml in the working directory)

Exit codes: 0 nothing failed the gate, 1 findings failed the gate, 2 usage error, sign-in failure, or a
subscription that could not be read (named on stderr; the findings that were read are still reported).
`;

const AUDIT_OPTIONS = {
  subscription: { type: 'string', multiple: true, default: [] },
  'management-group': { type: 'string' },
  shard: { type: 'string' },
  cloud: { type: 'string' },
  'arm-endpoint': { type: 'string' },
  'authority-host': { type: 'string' },
  'snapshot-out': { type: 'string' },
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

/** Subscription ids are GUIDs: a typo is caught here rather than as a 400 from Resource Graph. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AuditIo extends Io {
  /** Progress is drawn only for a person at a terminal. */
  stderrIsTTY?: boolean;
}

export async function auditCommand(args: string[], io: AuditIo): Promise<number> {
  const values = parseFlags(args);
  if (values.help) {
    io.stdout(AUDIT_HELP);
    return EXIT_OK;
  }
  checkReportFlags(values);
  checkOutputTargets(outputTargets(values), io.cwd);
  const subscriptions = values.subscription;
  for (const id of subscriptions) if (!GUID.test(id)) throw new UserError(`--subscription takes a subscription id (a GUID), got "${id}"`);
  const managementGroup = values['management-group'];
  if (managementGroup !== undefined && subscriptions.length) throw new UserError('pass --subscription or --management-group, not both');
  const shard = values.shard !== undefined ? parseShard(values.shard) : undefined;
  if (shard && values.baseline !== undefined) throw new UserError('give --baseline to azfence merge, not to a shard: a shard sees only its part of the estate, so everything else would read as resolved');
  const cloud = resolveCloud({
    ...(values.cloud !== undefined ? { cloud: values.cloud } : {}),
    ...(values['arm-endpoint'] !== undefined ? { armEndpoint: values['arm-endpoint'] } : {}),
    ...(values['authority-host'] !== undefined ? { authorityHost: values['authority-host'] } : {}),
  });

  const progress = io.stderrIsTTY ? new Progress(io.stderr) : undefined;
  const report = await audit({
    subscriptions,
    cloud,
    cwd: io.cwd,
    policyPaths: values.policies,
    ...(managementGroup !== undefined ? { managementGroup } : {}),
    ...(values.config !== undefined ? { configPath: values.config } : {}),
    ...(values['snapshot-out'] !== undefined ? { snapshotOut: values['snapshot-out'] } : {}),
    ...(values.baseline !== undefined ? { baselinePath: values.baseline } : {}),
    ...(shard ? { shard } : {}),
    ...(progress ? { progress } : {}),
  });

  return emitReport(report, values, io);
}

function parseFlags(args: string[]) {
  const { values, positionals } = parseCliFlags(args, AUDIT_OPTIONS);
  if (positionals.length) throw new UserError(`audit takes no files (got "${positionals[0]}"); to check a snapshot use azfence scan`);
  return values;
}

