import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildPlan } from '../support/materialize.js';
import { compare } from '../../src/engine/compare.js';
import { wildcardMatch } from '../../src/engine/glob.js';
import { globMatch } from '../../src/checks/kata/selectors.js';
import { globMatches } from '../../src/post-process/suppression-directive.js';
import { errorLines, runBoundedAsync, tempDir, writeText } from './support.js';

/**
 * `like` and every other glob azfence evaluates used to compile to `^.*x.*y$` regexes. Those are not linear:
 * V8 backtracks, polynomially in the text with the number of stars as the exponent (`*a*a*a*b` on 4,000 `a`s
 * ran for more than 20 s). They are now matched without regexes (src/engine/glob.ts); these tests put a
 * pathological pattern against a long value under a time bound.
 */
const PATHOLOGICAL = `${'*a'.repeat(16)}*b`;
const LONG = 'a'.repeat(1_000_000);

function timed(fn: () => unknown): { result: unknown; ms: number } {
  const started = performance.now();
  const result = fn();
  return { result, ms: performance.now() - started };
}

describe('pathological patterns run in linear time', () => {
  it('like / notLike: 16 stars against 1M characters', () => {
    for (const operator of ['like', 'notLike'] as const) {
      const { result, ms } = timed(() => compare(LONG, operator, PATHOLOGICAL, false));
      expect(result).toBe(operator === 'like' ? 'fail' : 'pass');
      expect(ms).toBeLessThan(1_000);
    }
  });

  it('match: `#`, `?` and `.` are single-character classes, no quantifier', () => {
    const { result, ms } = timed(() => compare(LONG, 'match', `${'?'.repeat(1_000)}.#`, false));
    expect(result).toBe('fail');
    expect(ms).toBeLessThan(1_000);
  });

  it('suppression globs (from .tf comments and annotations: untrusted) and Kata selector globs', () => {
    const id = `AZF-${'A'.repeat(10_000)}`;
    expect(timed(() => globMatches(`${'*A'.repeat(40)}*?Z`, id)).ms).toBeLessThan(1_000);
    expect(globMatches(`${'*A'.repeat(40)}*?Z`, id)).toBe(false);
    expect(timed(() => globMatch(PATHOLOGICAL, LONG)).ms).toBeLessThan(1_000);
  });

  it('end to end: a user pack with a pathological like against a 1M-character name scans within the bound', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    writeText(dir, 'plan.json', JSON.stringify(buildPlan({ azurerm: [{ type: 'azurerm_container_registry', name: 'acr', values: { name: 'a'.repeat(1_000_000), sku: 'Premium', public_network_access_enabled: false } }] })));
    writeText(
      dir,
      'packs/slow.yaml',
      `pack: ACME\ntitle: t\nrules:\n  - id: ACME-RE-001\n    title: t\n    severity: low\n    description: d\n    remediation: { arm: r }\n    checks:\n      - select: { type: Microsoft.ContainerRegistry/registries }\n        assert: { field: name, notLike: "${PATHOLOGICAL}" }\n        message: m\n`,
    );
    const run = await runBoundedAsync(['scan', 'plan.json', '--policies', 'packs', '--format', 'json', '--fail-on', 'none'], { cwd: dir, timeoutMs: 30_000 });
    expect(run.timedOut).toBe(false);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('there is no `regex` operator: a pack that tries one is refused with a one-line error', { timeout: 30_000 }, async () => {
    const dir = tempDir();
    writeText(dir, 'plan.json', JSON.stringify(buildPlan({ azurerm: [{ type: 'azurerm_container_registry', name: 'acr', values: { name: 'acr', sku: 'Premium' } }] })));
    writeText(
      dir,
      'packs/re.yaml',
      `pack: ACME\ntitle: t\nrules:\n  - id: ACME-RE-002\n    title: t\n    severity: low\n    description: d\n    remediation: { arm: r }\n    checks:\n      - select: { type: Microsoft.ContainerRegistry/registries }\n        assert: { field: name, regex: "^(a+)+$" }\n        message: m\n`,
    );
    const run = await runBoundedAsync(['scan', 'plan.json', '--policies', 'packs'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(errorLines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/packs\/re\.yaml:\d+: /);
  });
});

describe('the regex-free matcher means what the regex meant', () => {
  // Reference semantics on small inputs, where backtracking is harmless.
  const reference = (pattern: string, text: string, caseSensitive: boolean, questionMark: boolean): boolean => {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\?/g, questionMark ? '.' : '\\?').replace(/\*/g, '.*');
    return new RegExp(`^${source}$`, caseSensitive ? 's' : 'is').test(text);
  };
  const alphabet = (chars: string) => fc.string({ unit: fc.constantFrom(...chars.split('')), maxLength: 10 });

  it('agrees with ^glob$ on random patterns and texts', () => {
    fc.assert(
      fc.property(alphabet('aAb*?.\n'), alphabet('aAb?.\n'), fc.boolean(), fc.boolean(), (pattern, text, caseSensitive, questionMark) => {
        expect(wildcardMatch(pattern, text, { caseSensitive, questionMark })).toBe(reference(pattern, text, caseSensitive, questionMark));
      }),
      { numRuns: 2_000 },
    );
  });
});
