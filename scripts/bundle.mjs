#!/usr/bin/env node
// Build step after tsc: bundles the CLI (dist/bundle/cli.js, the package's bin). Node spends most of a small
// scan's time loading ~80 separate ES modules; a bundle loads in a fraction of that. Packages from
// node_modules stay external (ajv, yaml, cli-table3, the Azure SDK), and code splitting keeps what is
// imported on demand (the audit and its Azure SDK) in chunks of its own, so a scan never loads them.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry content hashes: without a clean directory, every rebuild leaves the old chunks behind.
rmSync(new URL('../dist/bundle', import.meta.url).pathname, { recursive: true, force: true });
await build({
  entryPoints: { cli: new URL('../src/cli.ts', import.meta.url).pathname },
  outdir: new URL('../dist/bundle', import.meta.url).pathname,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  logLevel: 'warning',
});
