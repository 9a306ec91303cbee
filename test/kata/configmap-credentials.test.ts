import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildPlan, type AzurermCase } from '../support/materialize.js';
import { runCli, tempDir, writeJson } from '../support/run-cli.js';

/**
 * AZF-KATA-006 finds credentials in ConfigMaps: no report, in any format, may carry their values. The
 * fixture cases hold values marked `not-a-real-...` and a fake account key; each failing case is scanned
 * in every format (and SARIF and Markdown files beside), and none of the values may appear.
 */
interface Case {
  name: string;
  expect: string;
  manifests?: string;
  azurerm?: AzurermCase | AzurermCase[];
}

const cases = (parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'rules', 'AZF-KATA-006.yaml'), 'utf8')) as { cases: Case[] }).cases;
const SECRETS = ['not-a-real', 'bm90LWEtcmVhbC1rZXk', 'stnotreal;AccountKey'];

describe('AZF-KATA-006 never prints a credential it found', () => {
  for (const fixture of cases.filter((candidate) => candidate.expect === 'fail')) {
    it(fixture.name, () => {
      const dir = tempDir();
      const input = fixture.manifests !== undefined ? join(dir, 'manifests.yaml') : join(dir, 'plan.json');
      if (fixture.manifests !== undefined) writeFileSync(input, fixture.manifests);
      else writeJson(dir, 'plan.json', buildPlan({ azurerm: ([] as AzurermCase[]).concat(fixture.azurerm ?? []), azapi: [] }));
      expect(SECRETS.some((secret) => readFileSync(input, 'utf8').includes(secret)), 'the input holds a value to look for').toBe(true);
      const outputs: string[] = [];
      for (const format of ['table', 'json', 'sarif', 'markdown', 'junit', 'html']) {
        const sarif = join(dir, `${format}.sarif`);
        const markdown = join(dir, `${format}.md`);
        const run = runCli(['scan', input, '--format', format, '--fail-on', 'none', '--sarif', sarif, '--markdown', markdown]);
        expect(run.code).toBe(0);
        outputs.push(run.stdout, run.stderr, readFileSync(sarif, 'utf8'), readFileSync(markdown, 'utf8'));
      }
      expect(outputs.join('\n')).toContain('AZF-KATA-006');
      for (const secret of SECRETS) expect(outputs.join('\n')).not.toContain(secret);
    });
  }
});
