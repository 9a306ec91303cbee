#!/usr/bin/env node
// Build step after scripts/bundle.mjs (`npm run build`): parses and validates the built-in rule packs and the data tables
// once, and writes them as JSON to dist/generated/ (shipped in the package), each stamped with a copy of
// its sources and the identity of the code that compiled it. At run time src/engine/precompiled.ts uses them
// only while both match, so `azfence scan` skips YAML parsing and the JSON-schema compile (~150 ms) without
// ever serving a stale pack.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const { builtInPacks, builtInPackSources, BUILT_IN_POLICY_DIR, GENERATED_DIR, dataTableName, writePrecompiled, yaml } = await import(
  join(root, 'dist', 'tools', 'build-tools.js')
);

// A table removed from policies/data must not leave its old precompiled file behind.
rmSync(GENERATED_DIR, { recursive: true, force: true });
mkdirSync(GENERATED_DIR, { recursive: true });
const write = (name, sources, value) => writePrecompiled(GENERATED_DIR, name, sources, value);

const packs = builtInPacks(false);
write('packs', builtInPackSources(), packs);
const dataDir = join(BUILT_IN_POLICY_DIR, 'data');
const tables = readdirSync(dataDir).filter((name) => /\.ya?ml$/i.test(name)).map((name) => join(dataDir, name));
for (const file of tables) write(dataTableName(file), [file], yaml().parse(readFileSync(file, 'utf8')));
console.log(`precompiled ${packs.length} rule packs and ${tables.length} data tables into ${GENERATED_DIR}`);
