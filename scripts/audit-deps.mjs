#!/usr/bin/env node
// The dependency audit CI runs (`npm run audit:deps`): `npm audit` of the runtime dependencies, failing on a
// high or critical advisory. Some registries (mirrors, the one this project builds against) do not offer
// npm's audit endpoint; there the audit cannot run, and this says so on its own line and exits 0, so CI
// reports "not audited" instead of failing on the registry or passing in silence.
//
// Exit codes: 0 audited and clean (or not audited, said), 1 a high or critical advisory, 2 npm audit could
// not be run or answered something unreadable.
import { spawnSync } from 'node:child_process';

const FAIL_AT = new Set(['high', 'critical']);

function firstLine(text) {
  return String(text ?? '').trim().split('\n')[0]?.slice(0, 300) ?? '';
}

const run = spawnSync('npm', ['audit', '--json', '--omit=dev'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
if (run.error) {
  console.error(`audit:deps: could not run npm audit: ${run.error.message}`);
  process.exit(2);
}

let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  console.error(`audit:deps: npm audit printed no JSON report (exit ${run.status}): ${firstLine(run.stderr) || firstLine(run.stdout)}`);
  process.exit(2);
}

const counts = report?.metadata?.vulnerabilities;
if (counts && typeof counts === 'object') {
  const findings = Object.values(report.vulnerabilities ?? {}).filter((entry) => FAIL_AT.has(entry?.severity));
  if (findings.length > 0) {
    console.error(`audit:deps: ${findings.length} runtime ${findings.length === 1 ? 'dependency has' : 'dependencies have'} a high or critical advisory:`);
    for (const entry of findings) {
      const advisories = (entry.via ?? []).filter((via) => typeof via === 'object' && via !== null).map((via) => `${via.title ?? 'advisory'}${via.url ? ` (${via.url})` : ''}`);
      const through = (entry.via ?? []).filter((via) => typeof via === 'string');
      const why = advisories.length ? advisories.join('; ') : `through ${through.join(', ')}`;
      console.error(`  ${entry.name} ${entry.range ?? ''}: ${entry.severity}: ${why}${entry.fixAvailable ? '' : ' (no fix available)'}`);
    }
    process.exit(1);
  }
  const lower = ['info', 'low', 'moderate'].map((level) => [level, Number(counts[level] ?? 0)]).filter(([, n]) => n > 0);
  console.log(`audit:deps: no high or critical advisories in the runtime dependencies${lower.length ? ` (${lower.map(([level, n]) => `${n} ${level}`).join(', ')})` : ''}`);
  process.exit(0);
}

// npm's error report: the registry answered the audit request with an HTTP error, or could not be reached.
const status = typeof report?.statusCode === 'number' ? `HTTP ${report.statusCode}` : report?.error?.code ?? report?.code;
const message = report?.message ?? report?.error?.summary;
if (status || message) {
  console.log(`audit:deps: not audited: the registry did not answer npm's audit request (${[status, firstLine(message)].filter(Boolean).join(': ')})`);
  process.exit(0);
}
console.error(`audit:deps: npm audit answered JSON of an unknown shape: ${firstLine(run.stdout)}`);
process.exit(2);
