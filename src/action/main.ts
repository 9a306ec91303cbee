import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError, oneLine } from '../errors.js';
import { terminalText } from '../reporters/terminal-text.js';
import { readInputs, scanArguments } from './inputs.js';

export interface ActionIo {
  stderr: (text: string) => void;
  /** Runs `azfence <args>` and returns its exit code. */
  azfence: (args: string[]) => Promise<number>;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The GitHub Action's scan step: one `azfence scan` whose table (or chosen format) goes to the log, SARIF
 * to `sarif-file` and Markdown to the job's step summary, then `exit-code` for the steps after it. The step
 * itself does not fail on findings: the SARIF upload and the summary must happen first, and the action's
 * last step turns exit-code into the job's verdict.
 */
export async function runAction(env: Env, io: ActionIo): Promise<number> {
  let code: number;
  const work = mkdtempSync(join(env['RUNNER_TEMP'] || tmpdir(), 'azfence-'));
  try {
    const inputs = readInputs(env);
    const summary = join(work, 'summary.md');
    code = await io.azfence(scanArguments(inputs, summary));
    const stepSummary = env['GITHUB_STEP_SUMMARY'];
    if (inputs.stepSummary && stepSummary && existsSync(summary)) appendFileSync(stepSummary, readFileSync(summary));
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    io.stderr(`::error::azfence: ${oneLine(terminalText(error.message), 300)}\n`);
    code = 2;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const output = env['GITHUB_OUTPUT'];
  if (output) appendFileSync(output, `exit-code=${code}\n`);
  return code;
}
