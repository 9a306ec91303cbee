#!/usr/bin/env node
// Writes docs/rules/<id>.md (and docs/rules/README.md) from the built-in packs in policies/, with examples
// from the rule fixtures in fixtures/rules/.
// Run through `npm run docs:rules`, which builds dist/tools/ first (scripts/bundle.mjs). `--check` writes
// nothing and exits 1 when a page is stale, missing or left over; test/ci-gate/rule-docs.test.ts does the
// same check in CI.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { loadRules, generateRuleDocs, RULE_DOCS_DIR, loadRuleExamples } = await import(join(root, 'dist/tools/build-tools.js'));

const check = process.argv.includes('--check');
const files = generateRuleDocs(loadRules([], root).packs, loadRuleExamples());
const dir = join(root, RULE_DOCS_DIR);
const existing = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.md')).map((name) => `${RULE_DOCS_DIR}/${name}`) : [];
const stale = [];
for (const [path, content] of files) {
  const absolute = join(root, path);
  const current = existsSync(absolute) ? readFileSync(absolute, 'utf8') : undefined;
  if (current === content) continue;
  stale.push(path);
  if (!check) {
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, content);
  }
}
for (const path of existing.filter((path) => !files.has(path))) {
  stale.push(path);
  if (!check) rmSync(join(root, path));
}
if (check && stale.length > 0) {
  console.error(`azfence: rule docs are stale (run npm run docs:rules): ${stale.join(', ')}`);
  process.exit(1);
}
console.log(check ? `rule docs up to date (${files.size} files)` : `rule docs: ${stale.length} of ${files.size} files written or removed`);
