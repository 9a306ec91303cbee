#!/usr/bin/env node
// `npm run fixtures:propose -- <rule id> [--case <text>] [--all]`: prints what the current code reports for a
// rule's fixture cases (fixtures/rules/<rule id>.yaml), as the expectation blocks a case holds, for an author
// to read and paste. It never writes a file. The harness it shares with the test suite is TypeScript under
// test/support, so it is bundled first (into node_modules/.cache, where its packages resolve).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const cache = join(root, 'node_modules', '.cache', 'azfence-propose');
mkdirSync(cache, { recursive: true });
const bundle = join(cache, 'propose.mjs');
await build({
  entryPoints: [join(root, 'test', 'support', 'propose-expectations.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
// Each case is written to a temporary directory: all of them under one root, removed at the end.
const scratch = mkdtempSync(join(tmpdir(), 'azfence-propose-'));
process.env.TMPDIR = scratch;
try {
  const { main } = await import(bundle);
  process.exitCode = main(process.argv.slice(2), join(root, 'fixtures', 'rules'), (text) => process.stdout.write(text));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
