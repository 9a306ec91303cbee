import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPackFile } from '../src/engine/load-packs.js';
import { tempDir } from './support/run-cli.js';

/** Pack-level parameters and named selectors: declared once, used by name, refused with file:line when wrong. */
const dir = tempDir();
let count = 0;
function pack(text: string): string {
  const file = join(dir, `pack-${++count}.yaml`);
  writeFileSync(file, text);
  return file;
}

const HEAD = `pack: ACME
title: t
parameters:
  mode:
    type: string
    default: strict
    allowedValues: [strict, loose]
    description: How strict.
selectors:
  strictRegistries:
    type: Microsoft.ContainerRegistry/registries
    where: { value: { parameter: mode }, equals: strict }
rules:
`;

const rule = (id: string, extra: string, select = '{ selector: strictRegistries }') => `  - id: ${id}
    title: t
    severity: low
    description: d
    remediation: { arm: r }
${extra}    checks:
      - select: ${select}
        assert: { field: properties.publicNetworkAccess, equals: Disabled }
        message: m
`;

function loadError(file: string): string {
  try {
    loadPackFile(file, false, 'pack.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the pack loaded');
}

describe('pack definitions', () => {
  it('gives each rule the pack parameters it lists and the types and condition of its named selector', () => {
    const loaded = loadPackFile(pack(HEAD + rule('ACME-A-001', '    packParameters: [mode]\n') + rule('ACME-A-002', '    packParameters: [mode]\n', '{ selector: strictRegistries, where: { field: location, equals: westeurope } }')), false);
    const [first, second] = loaded.rules;
    expect(first!.parameters['mode']).toEqual({ type: 'string', default: 'strict', allowedValues: ['strict', 'loose'], description: 'How strict.' });
    expect(first!.checks[0]!.select).toEqual({ type: ['Microsoft.ContainerRegistry/registries'], where: { value: { parameter: 'mode' }, equals: 'strict' } });
    expect(second!.checks[0]!.select.where).toEqual({ allOf: [{ value: { parameter: 'mode' }, equals: 'strict' }, { field: 'location', equals: 'westeurope' }] });
  });

  it('refuses a selector the pack does not name, at the line of the check', () => {
    const file = pack(HEAD + rule('ACME-B-001', '    packParameters: [mode]\n', '{ selector: strictRegistry }'));
    expect(loadError(file)).toBe('pack.yaml:21: ACME-B-001: unknown selector "strictRegistry" (the pack declares: strictRegistries)');
  });

  it('refuses a rule that declares a pack parameter again', () => {
    const own = '    parameters:\n      mode: { type: string, default: loose, description: again }\n';
    expect(loadError(pack(HEAD + rule('ACME-C-001', own)))).toBe('pack.yaml:20: ACME-C-001: parameter "mode" is declared by the pack; list it under packParameters instead of declaring it again');
  });

  it('refuses a packParameters name the pack does not declare', () => {
    expect(loadError(pack(HEAD + rule('ACME-D-001', '    packParameters: [mood]\n')))).toBe('pack.yaml:19: ACME-D-001: packParameters names "mood", which the pack does not declare (the pack declares: mode)');
  });

  it('refuses a named selector whose condition reads a parameter the rule does not use', () => {
    expect(loadError(pack(HEAD + rule('ACME-E-001', '')))).toMatch(/^pack\.yaml:\d+: ACME-E-001: parameter "mode" is not declared$/);
  });

  it('refuses a check that gives both types and a selector (the schema)', () => {
    const file = pack(HEAD + rule('ACME-F-001', '    packParameters: [mode]\n', '{ selector: strictRegistries, type: Microsoft.Network/privateEndpoints }'));
    expect(loadError(file)).toMatch(/^pack\.yaml:\d+: /);
  });
});
