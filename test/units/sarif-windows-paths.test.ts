import { describe, expect, it, vi } from 'vitest';
import { buildSarif } from '../../src/reporters/sarif.js';
import { plainEstate } from './recorded-estate.js';

// On Windows findings name files with `\`. The path module is mocked to Windows' separator (the rest stays
// POSIX) so the conversion to a SARIF URI is checked on every machine the suite runs on.
vi.mock('node:path', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:path')>();
  return { ...original, default: { ...original, sep: '\\' }, sep: '\\' };
});

describe('SARIF: file URIs on Windows', () => {
  it('a path with backslashes is a relative URI with slashes, each segment percent-encoded', () => {
    const estate = plainEstate();
    const finding = { ...estate.findings[0]!, location: { file: 'infra\\prod plan.json', line: 3 } };
    const result = buildSarif({ ...estate, findings: [finding] }).runs[0]!.results[0]!;
    expect(result.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'infra/prod%20plan.json', uriBaseId: '%SRCROOT%' });
  });
});
