import { onTestFinished } from 'vitest';

/**
 * The three plan readers, each forced on a small file by its environment variable: in memory (the default
 * below 4 MB), the member reader (src/inputs/terraform/plan-members.ts, plans over 4 MB) and the streaming
 * reader (src/inputs/stream, files over 256 MB). Snapshots have two: in memory and streaming.
 */
export const PLAN_READERS = [
  { name: 'in memory', env: {} },
  { name: 'member reader', env: { AZFENCE_MEMBER_READ_ABOVE_BYTES: '0' } },
  { name: 'streaming reader', env: { AZFENCE_STREAM_ABOVE_BYTES: '1' } },
] as const;

const READER_KEYS = ['AZFENCE_MEMBER_READ_ABOVE_BYTES', 'AZFENCE_STREAM_ABOVE_BYTES'];
const ORIGINAL = Object.fromEntries(READER_KEYS.map((key) => [key, process.env[key]]));

/** Sets the reader-forcing variables to `env` (the others unset); they are put back when the test ends. */
export function withEnv(env: Record<string, string>): void {
  for (const key of READER_KEYS) delete process.env[key];
  Object.assign(process.env, env);
  onTestFinished(() => {
    for (const [key, value] of Object.entries(ORIGINAL)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
}
