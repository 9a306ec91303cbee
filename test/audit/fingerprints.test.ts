import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../support/arm-emulator/server.mjs';
import { registry, storage, sub, vault } from '../support/arm-emulator/estate.mjs';
import { scanJson, tempDir, writeJson } from '../support/run-cli.js';
import { ensureBuilt, runAudit, type AuditJson } from './support.js';

/**
 * ARM ids are global, so a resource keeps its fingerprint whichever way it was read: from a Resource Graph
 * snapshot (whatever the file is called) or live through `azfence audit`. A baseline taken from an export
 * then still matches a scheduled audit, and code scanning keeps one alert per resource.
 */
const S1 = sub(1);
const S2 = sub(2);

function estate() {
  const rows = [
    registry(S1, 'acrbypass1', { networkRuleBypassOptions: 'AzureServices', adminUserEnabled: true }),
    vault(S1, 'kvopen1', { publicNetworkAccess: 'Enabled' }),
    storage(S2, 'stopen2', { publicNetworkAccess: 'Enabled', allowBlobPublicAccess: true }),
    vault(S2, 'kvlocked2'),
  ];
  return { subscriptions: [{ id: S1 }, { id: S2 }], rows, children: {} };
}

type Finding = AuditJson['findings'][number] & { fingerprint: string };

function byFinding(findings: Finding[]): Map<string, string> {
  return new Map(findings.map((finding) => [`${finding.ruleId} ${finding.resource.id.toLowerCase()} ${finding.status} ${finding.message}`, finding.fingerprint]));
}

let emulator: RunningEmulator | undefined;
beforeAll(() => ensureBuilt());
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('fingerprints of ARM resources', () => {
  it('are the same from a live audit and from snapshots of the same estate under any file name', async () => {
    const { rows, ...rest } = estate();
    emulator = await startEmulator({ estate: { rows, ...rest } });
    const audit = await runAudit(emulator, ['--format', 'json', '--fail-on', 'none']);
    expect(audit.stderr).toBe('');
    expect(audit.code).toBe(0);
    const audited = (JSON.parse(audit.stdout) as { findings: Finding[] }).findings;
    expect(audited.every((finding) => finding.location.file.startsWith('azure://'))).toBe(true);
    expect(audited.map((finding) => `${finding.ruleId} ${finding.resource.name}`).sort()).toEqual(
      expect.arrayContaining(['AZF-PUB-002 acrbypass1', 'AZF-PUB-005 kvopen1', 'AZF-PUB-005 stopen2', 'AZF-PUB-007 stopen2']),
    );

    const dir = tempDir('azfence-audit-fingerprint-');
    writeJson(dir, 'exports/subscriptions-2026-11-01.json', { count: rows.length, data: rows, skip_token: null, total_records: rows.length });
    writeJson(dir, 'estate.json', { count: rows.length, data: [...rows].reverse(), skip_token: null, total_records: rows.length });
    const expected = byFinding(audited);
    for (const file of ['exports/subscriptions-2026-11-01.json', 'estate.json']) {
      const { run, report } = scanJson([file], ['--fail-on', 'none'], dir);
      expect(run.stderr, file).toBe('');
      expect(byFinding(report.findings as unknown as Finding[]), file).toEqual(expected);
    }
  });
});
