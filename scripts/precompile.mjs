#!/usr/bin/env node
// Build step after tsc (`npm run build`): parses and validates the built-in rule packs and the data tables
// once, and writes them as JSON to dist/generated/, stamped with the size and mtime of their YAML sources.
// At run time src/engine/precompiled.ts uses them only while the stamps match, so `azfence scan` skips
// YAML parsing and the JSON-schema compile (~150 ms) without ever serving a stale pack.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const { builtInPacks, BUILT_IN_POLICY_DIR } = await import(join(root, 'dist', 'engine', 'load-packs.js'));
const { GENERATED_DIR, stampOf } = await import(join(root, 'dist', 'engine', 'precompiled.js'));
const { yaml } = await import(join(root, 'dist', 'lazy-modules.js'));
const { readFileSync } = await import('node:fs');

mkdirSync(GENERATED_DIR, { recursive: true });
const write = (name, sources, value) => writeFileSync(join(GENERATED_DIR, `${name}.json`), JSON.stringify({ sources: stampOf(sources), value }));

const packFiles = readdirSync(BUILT_IN_POLICY_DIR).filter((name) => /\.ya?ml$/i.test(name)).sort().map((name) => join(BUILT_IN_POLICY_DIR, name));
write('packs', packFiles, builtInPacks(false));
const dataDir = join(BUILT_IN_POLICY_DIR, 'data');
for (const name of readdirSync(dataDir).filter((n) => /\.ya?ml$/i.test(n))) {
  const file = join(dataDir, name);
  write(`data-${name.replace(/\.ya?ml$/i, '')}`, [file], yaml().parse(readFileSync(file, 'utf8')));
}
console.log(`precompiled ${packFiles.length} rule packs and the data tables into ${GENERATED_DIR}`);
