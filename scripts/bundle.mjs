#!/usr/bin/env node
// Build step after tsc and precompile: bundles the CLI (dist/bundle/cli.js, the package's bin). Node spends
// most of a small scan's time loading ~80 separate ES modules; a bundle loads in a fraction of that. Packages
// from node_modules stay external (ajv, yaml, cli-table3, the Azure SDK), and code splitting keeps what is
// imported on demand (the audit and its Azure SDK) in chunks of its own, so a scan never loads them.
// The bundle carries the identity of the sources it was built from (AZFENCE_BUILD_ID), which the
// precompiled packs must match to be used (src/engine/precompiled.ts).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const { sourceTreeId } = await import(join(root, 'dist', 'engine', 'precompiled.js'));

// Chunk names carry content hashes: without a clean directory, every rebuild leaves the old chunks behind.
rmSync(join(root, 'dist', 'bundle'), { recursive: true, force: true });
await build({
  entryPoints: { cli: join(root, 'src', 'cli.ts') },
  outdir: join(root, 'dist', 'bundle'),
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  define: { AZFENCE_BUILD_ID: JSON.stringify(sourceTreeId(root)) },
  logLevel: 'warning',
});
