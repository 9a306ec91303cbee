import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeJson } from '../support/run-cli.js';
import { buildPlan } from '../support/materialize.js';
import { yamlErrorPhrase } from '../../src/inputs/yaml-errors.js';

/**
 * A broken Kubernetes Secret must not have its secret quoted back by the error that reports it: the error
 * reaches stderr, JSON, SARIF (uploaded to a third party), Markdown and JUnit. The yaml library's own
 * messages quote the text around many errors; every one of these used to reach the outputs.
 */
const SECRET_MANIFEST = (value: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${value}\n`;

const CASES: Array<{ label: string; value: string; secret: string; says: RegExp; line?: number }> = [
  { label: 'a block scalar header with extra characters', value: '|x-Q7sekrit1\n    a', secret: 'Q7sekrit1', says: /invalid YAML: unexpected text/ },
  { label: 'an invalid escape in a double-quoted string', value: '"x\\uQ7se"', secret: 'Q7se', says: /invalid YAML: an invalid escape sequence in a double-quoted string/ },
  { label: 'an unquoted value that starts like a tag', value: '!Q7sekrit3 value', secret: 'Q7sekrit3', says: /uses a local YAML tag \(!…\), which is not part of the core schema/ },
  { label: 'an unquoted value that starts like an alias', value: '*Q7sekrit4', secret: 'Q7sekrit4', says: /an alias \(\*…\) refers to an anchor that is not defined/ },
  { label: 'a flow collection left open', value: '[Q7sekrit5', secret: 'Q7sekrit5', says: /invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a \] \(column 1\)/, line: 7 },
  { label: 'text after a quoted value', value: '"Q7sekrit6" Q7extra6', secret: 'Q7extra6', says: /invalid YAML: Unexpected scalar at node end/ },
];

describe('errors never quote the input', () => {
  for (const { label, value, secret, says, line = 6 } of CASES) {
    it(`a Secret manifest with ${label}: one-line error at its line and column, the secret in no output`, () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'secret.yaml'), SECRET_MANIFEST(value));
      for (const format of ['table', 'json', 'sarif', 'markdown', 'junit']) {
        const run = runCli(['scan', 'secret.yaml', '--format', format], dir);
        expect(run.code, format).toBe(2);
        expect(run.stdout, format).not.toContain(secret);
        expect(run.stderr, format).not.toContain(secret);
        expect(run.stderr.trim().split('\n'), format).toEqual([expect.stringMatching(new RegExp(`^azfence: error: secret\\.yaml:${line}: .*${says.source}`))]);
      }
    });
  }

  it('a malformed azapi type in a plan is reported by the resource address, not by its value', () => {
    const dir = tempDir();
    writeJson(dir, 'plan.json', buildPlan({ azapi: [{ type: 'Q7-not-a-type-sekrit', name: 'odd', body: { properties: {} } }, { type: 'Microsoft.Storage/storageAccounts@2023-01-01', name: 'st', body: { properties: { publicNetworkAccess: 'Enabled' } } }] }));
    for (const format of ['table', 'json', 'sarif', 'markdown', 'junit']) {
      const run = runCli(['scan', 'plan.json', '--format', format], dir);
      expect(run.code, format).toBe(2);
      expect(run.stdout + run.stderr, format).not.toContain('Q7-not-a-type-sekrit');
      expect(run.stderr, format).toBe('azfence: error: plan.json: resource_changes[0] (azapi_resource.odd): its type is not Microsoft.X/y@api-version\n');
    }
  });

  it('a list manifest with a broken item names the item, not the list kind it was given', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'list.yaml'), 'apiVersion: v1\nkind: Q7sekritList\nitems:\n  - just: text\n');
    const run = runCli(['scan', 'list.yaml'], dir);
    expect(run.stderr).toBe('azfence: error: list.yaml:4: item 1 of the list in document 1 is not a Kubernetes object (no apiVersion/kind)\n');
  });

  it('the same broken value in a rule pack and in .azfence.yaml is reported without its text', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'pack.yaml'), 'pack: ACME\ntitle: |x-Q7packsekrit\n  t\n');
    writeFileSync(join(dir, 'cfg.yaml'), 'failOn: "x\\uQ7cf"\n');
    writeFileSync(join(dir, 'plan.json'), '{}');
    const pack = runCli(['rules', '--policies', 'pack.yaml'], dir);
    expect(pack.stderr).toMatch(/^azfence: error: pack\.yaml:2: invalid YAML: unexpected text .*\(column \d+\)\n$/);
    expect(pack.stderr).not.toContain('Q7packsekrit');
    const config = runCli(['scan', 'plan.json', '--config', 'cfg.yaml'], dir);
    expect(config.stderr).toMatch(/^azfence: error: cfg\.yaml:1: invalid YAML: an invalid escape sequence in a double-quoted string \(column \d+\)\n$/);
    expect(config.stderr).not.toContain('Q7cf');
  });

  it("keeps the library's own sentences when they hold no text from the file, and never a sentence that does", () => {
    expect(yamlErrorPhrase({ code: 'MISSING_CHAR', message: 'Missing closing "quote' })).toBe('Missing closing "quote');
    expect(yamlErrorPhrase({ code: 'BAD_SCALAR_START', message: 'Plain value cannot start with reserved character @' })).toBe('Plain value cannot start with reserved character @');
    expect(yamlErrorPhrase({ code: 'UNEXPECTED_TOKEN', message: 'Unexpected block-seq-ind on same line with key' })).toBe('Unexpected block-seq-ind on same line with key');
    // A parser error token quotes its source as JSON; an unknown sentence falls back to the code's phrase.
    expect(yamlErrorPhrase({ code: 'UNEXPECTED_TOKEN', message: 'Unexpected token: "hunter2"' })).not.toContain('hunter2');
    expect(yamlErrorPhrase({ code: 'BAD_INDENT', message: 'Something new about hunter2' })).toBe('bad indentation');
    expect(yamlErrorPhrase({ code: 'UNEXPECTED_TOKEN', message: 'Unexpected hunter2 in collection' })).not.toContain('hunter2');
  });
});
