import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { compilersAtDefaults, TIERING_FROM_RESOURCES, withoutTurbofan } from '../../src/engine/rules-tiering.js';
import { scan } from '../../src/scan.js';
// @ts-expect-error: the bench generator is plain ESM JavaScript without types.
import { writeSnapshot } from '../../bench/generate.mjs';

/**
 * A large estate's rules run with V8's TurboFan off (src/engine/rules-tiering.ts), a process-wide flag: it
 * must be on again after the rules, also when they throw, and never touched where the user chose V8's
 * compilers or where the estate is small.
 */
const v8 = process.getBuiltinModule('node:v8');
const dir = mkdtempSync(join(tmpdir(), 'azfence-tiering-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function recordFlags(): string[] {
  const set: string[] = [];
  const real = v8.setFlagsFromString.bind(v8);
  vi.spyOn(v8, 'setFlagsFromString').mockImplementation((flags: string) => {
    set.push(flags);
    real(flags);
  });
  return set;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the rules of a large estate run without TurboFan', () => {
  it('switches TurboFan off for the run and on again after it, also when the run throws', () => {
    const set = recordFlags();
    const during: string[][] = [];
    expect(withoutTurbofan(TIERING_FROM_RESOURCES, () => (during.push([...set]), 42))).toBe(42);
    expect(during).toEqual([['--no-turbofan']]);
    expect(set).toEqual(['--no-turbofan', '--turbofan']);
    expect(() =>
      withoutTurbofan(TIERING_FROM_RESOURCES, () => {
        throw new Error('a rule failed');
      }),
    ).toThrow('a rule failed');
    expect(set).toEqual(['--no-turbofan', '--turbofan', '--no-turbofan', '--turbofan']);
  });

  it('leaves the flags alone for a small estate', () => {
    const set = recordFlags();
    expect(withoutTurbofan(TIERING_FROM_RESOURCES - 1, () => 'ran')).toBe('ran');
    expect(set).toEqual([]);
  });

  it("leaves the flags alone when the process's own options set V8's compilers", () => {
    for (const option of ['--no-turbofan', '--jitless', '--max-opt=2', '--no-opt', '--no-maglev', '--turbofan', '--no_turbofan', '--max_opt=1']) {
      expect(compilersAtDefaults([option], undefined), option).toBe(false);
      expect(compilersAtDefaults([], `--max-old-space-size=4096 ${option}`), `NODE_OPTIONS ${option}`).toBe(false);
    }
    for (const option of ['--max-old-space-size=4096', '--enable-source-maps', '--expose-gc', '--optimize-for-size', '--stack-size=2000', '--trace-opt', '--trace-deopt']) {
      expect(compilersAtDefaults([option], option), option).toBe(true);
    }
    const set = recordFlags();
    const execArgv = process.execArgv;
    process.execArgv = [...execArgv, '--no-turbofan'];
    try {
      expect(withoutTurbofan(TIERING_FROM_RESOURCES, () => 'ran')).toBe('ran');
    } finally {
      process.execArgv = execArgv;
    }
    expect(set).toEqual([]);
  });

  it('a scan of a large snapshot switches it off for its rules and on again, with the same findings as with TurboFan', () => {
    const file = join(dir, 'snapshot.json');
    writeSnapshot(file, 2 * TIERING_FROM_RESOURCES, 3);
    const set = recordFlags();
    const report = scan({ paths: [file], cwd: dir });
    expect(report.stats.resources).toBeGreaterThanOrEqual(TIERING_FROM_RESOURCES);
    expect(set).toEqual(['--no-turbofan', '--turbofan']);
    expect(report.findings.length).toBeGreaterThan(0);
    // The same scan with the switch held off: the compilers decide how fast, never what is found.
    vi.restoreAllMocks();
    const nodeOptions = process.env['NODE_OPTIONS'];
    process.env['NODE_OPTIONS'] = `${nodeOptions ?? ''} --turbofan`;
    try {
      const again = scan({ paths: [file], cwd: dir });
      expect({ ...again, stats: { ...again.stats, durationMs: 0 } }).toEqual({ ...report, stats: { ...report.stats, durationMs: 0 } });
    } finally {
      if (nodeOptions === undefined) delete process.env['NODE_OPTIONS'];
      else process.env['NODE_OPTIONS'] = nodeOptions;
    }
  });
});
