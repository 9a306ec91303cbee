import { audit } from '../audit/audit.js';
import { resolveCloud } from '../audit/clouds.js';
import { Progress } from '../audit/progress.js';
import { parseShard } from '../audit/shard.js';
import { UserError } from '../errors.js';
import type { Io } from './io.js';
import { emitReport, normalizeReportFlags, outputTargets, type ReportFlags } from './output-files.js';
import { checkOutputTargets } from '../write-output.js';

/** Subscription ids are GUIDs: a typo is caught here rather than as a 400 from Resource Graph. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AuditIo extends Io {
  /** Progress is drawn only for a person at a terminal. */
  stderrIsTTY?: boolean;
}

/** Audit options as commander parsed them (program.ts declares them). */
interface AuditFlags extends ReportFlags {
  subscription?: string[];
  managementGroup?: string;
  shard?: string;
  baseline?: string;
  cloud?: string;
  armEndpoint?: string;
  authorityHost?: string;
  config?: string;
  policies?: string[];
  check?: string[];
  skipCheck?: string[];
}

export async function auditCommand(files: string[], options: Record<string, unknown>, io: AuditIo): Promise<number> {
  if (files.length) throw new UserError(`audit takes no files (got "${files[0]}"); to check a snapshot use azfence scan`);
  const values = options as AuditFlags;
  const flags = normalizeReportFlags(values);
  checkOutputTargets(outputTargets(flags), io.cwd);
  const subscriptions = values.subscription ?? [];
  for (const id of subscriptions) if (!GUID.test(id)) throw new UserError(`--subscription takes a subscription id (a GUID), got "${id}"`);
  const managementGroup = values.managementGroup;
  if (managementGroup !== undefined && subscriptions.length) throw new UserError('pass --subscription or --management-group, not both');
  const shard = values.shard !== undefined ? parseShard(values.shard) : undefined;
  if (shard && values.baseline !== undefined) throw new UserError('give --baseline to azfence merge, not to a shard: a shard sees only its part of the estate, so everything else would read as resolved');
  const cloud = resolveCloud({
    ...(values.cloud !== undefined ? { cloud: values.cloud } : {}),
    ...(values.armEndpoint !== undefined ? { armEndpoint: values.armEndpoint } : {}),
    ...(values.authorityHost !== undefined ? { authorityHost: values.authorityHost } : {}),
  });

  // --quiet: no progress either, only what fails the gate.
  const progress = io.stderrIsTTY && !values.quiet ? new Progress(io.stderr) : undefined;
  const report = await audit({
    subscriptions,
    cloud,
    cwd: io.cwd,
    policyPaths: values.policies ?? [],
    selection: { check: values.check, skipCheck: values.skipCheck },
    ...(managementGroup !== undefined ? { managementGroup } : {}),
    ...(values.config !== undefined ? { configPath: values.config } : {}),
    ...(values.snapshotOut !== undefined ? { snapshotOut: values.snapshotOut } : {}),
    ...(values.baseline !== undefined ? { baselinePath: values.baseline } : {}),
    ...(shard ? { shard } : {}),
    ...(progress ? { progress } : {}),
  });

  return emitReport(report, flags, io);
}
