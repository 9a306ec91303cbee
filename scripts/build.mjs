#!/usr/bin/env node
// `npm run build`: the type check (tsc, which emits nothing) and the build proper (scripts/bundle.mjs, then
// scripts/precompile.mjs) side by side, since neither needs the other's output; tsc takes most of the time
// and one core, the bundle and the precompiled packs the other. Fails when either fails.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const run = (script, args = []) =>
  new Promise((resolve) => {
    spawn(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' }).on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const typeCheck = run(tsc, ['-p', 'tsconfig.json']);
const built = (await run('scripts/bundle.mjs')) || (await run('scripts/precompile.mjs'));
const typed = await typeCheck;
if (typed !== 0) console.error('build: the type check failed (tsc, above)');
process.exitCode = built || typed;
