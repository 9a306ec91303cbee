import { accessSync, chmodSync, constants, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tempDir } from './run-cli.js';

const require = createRequire(import.meta.url);

/** Path of the platform's Sarif.Multitool binary shipped inside @microsoft/sarif-multitool-<platform>. */
function multitoolBinary(): string {
  const binary = require(`@microsoft/sarif-multitool-${process.platform}`) as string;
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    // npm may have skipped the package's chmod postinstall (install scripts blocked by policy).
    chmodSync(binary, 0o755);
  }
  return binary;
}

export interface SarifProblem {
  ruleId: string;
  level: string;
  message: string;
}

/**
 * Validates SARIF files with Microsoft's multitool (`validate --rule-kind "Gh;Sarif"`, the GitHub
 * ingestion rules plus the SARIF spec rules) and returns every error it reports, and with `warnings` every
 * warning too.
 */
export function validateSarif(files: string[], options: { warnings?: boolean } = {}): SarifProblem[] {
  const out = join(tempDir('azfence-sarif-'), 'validation.sarif');
  const run = spawnSync(multitoolBinary(), ['validate', '--rule-kind', 'Gh;Sarif', '--output', out, ...files], {
    encoding: 'utf8',
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' },
  });
  if (!existsSync(out)) throw new Error(`sarif-multitool produced no output (exit ${run.status}): ${run.stdout}${run.stderr}`);
  const log = JSON.parse(readFileSync(out, 'utf8')) as {
    runs: Array<{ results?: Array<{ ruleId: string; level?: string; message: { text?: string; arguments?: string[] } }>; invocations?: Array<{ executionSuccessful: boolean; toolExecutionNotifications?: Array<{ message: { text: string } }> }> }>;
  };
  const problems: SarifProblem[] = [];
  for (const validationRun of log.runs) {
    for (const invocation of validationRun.invocations ?? []) {
      if (!invocation.executionSuccessful) problems.push({ ruleId: 'multitool', level: 'error', message: JSON.stringify(invocation.toolExecutionNotifications ?? []) });
    }
    for (const result of validationRun.results ?? []) {
      const level = result.level ?? 'warning';
      if (level === 'error' || (options.warnings && level === 'warning')) problems.push({ ruleId: result.ruleId, level, message: result.message.text ?? (result.message.arguments ?? []).join(' | ') });
    }
  }
  return problems;
}

/** Writes SARIF text to a file and validates it: for tests that get SARIF on stdout. */
export function validateSarifText(text: string, options: { warnings?: boolean } = {}): SarifProblem[] {
  const path = join(tempDir('azfence-sarif-'), 'stdout.sarif');
  writeFileSync(path, text);
  return validateSarif([path], options);
}
