import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { plainEstate } from './recorded-estate.js';

// On Windows findings name files with `\`. The path module is mocked to Windows' separator (the rest stays
// POSIX) so the conversion to a SARIF URI is checked on every machine the suite runs on. The reporter is
// loaded afresh after the mock: with modules shared between test files (AZFENCE_MUTATION_SHARED_MODULES=1) a
// hoisted vi.mock came too late, as another file had loaded the reporter with the real path module.
let buildSarif: typeof import('../../src/reporters/sarif.js').buildSarif;
beforeAll(async () => {
  vi.resetModules();
  vi.doMock('node:path', async (importOriginal) => {
    const original = await importOriginal<typeof import('node:path')>();
    return { ...original, default: { ...original, sep: '\\' }, sep: '\\' };
  });
  ({ buildSarif } = await import('../../src/reporters/sarif.js'));
});
// The files after this one in a shared worker get the real module back.
afterAll(() => {
  vi.doUnmock('node:path');
  vi.resetModules();
});

describe('SARIF: file URIs on Windows', () => {
  it('a path with backslashes is a relative URI with slashes, each segment percent-encoded', () => {
    const estate = plainEstate();
    const finding = { ...estate.findings[0]!, location: { file: 'infra\\prod plan.json', line: 3 } };
    const result = buildSarif({ ...estate, findings: [finding] }).runs[0]!.results[0]!;
    expect(result.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'infra/prod%20plan.json', uriBaseId: '%SRCROOT%' });
  });
});
