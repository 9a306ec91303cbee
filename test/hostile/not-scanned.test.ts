import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { runCli, tempDir } from '../support/run-cli.js';
import { validateSarif } from '../support/sarif-validator.js';
import { writeText } from './support.js';

/**
 * Issue 15, item 2: one `{{ ` must not make a walked manifest vanish, and a file that truly cannot be read (a
 * Helm template) is named as not scanned, with the reason, in every report format.
 */
const POD_WITH_TEMPLATE_COMMENT = `# Rendered from {{ .Chart.Name }}; kept here for review.
apiVersion: v1
kind: Pod
metadata:
  name: commented
  labels: { azfence.io/untrusted: "true" }
spec:
  runtimeClassName: kata-vm-isolation
  hostPID: true
  containers:
    - name: app
      image: myregistry.azurecr.io/app:1.0
`;

const HELM_TEMPLATE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
spec:
  template:
    spec:
      {{- with .Values.securityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`;

const TEMPLATE_FILE = 'charts/app/templates/deployment.yaml';

function tree(): string {
  const dir = tempDir();
  writeText(dir, 'repo/k8s/pod.yaml', POD_WITH_TEMPLATE_COMMENT);
  writeText(dir, `repo/${TEMPLATE_FILE}`, HELM_TEMPLATE);
  return dir;
}

describe('a walked manifest with {{ in a comment', () => {
  it('is read and judged, not skipped as a template', () => {
    const dir = tree();
    const run = runCli(['scan', 'repo/k8s', '--format', 'json'], dir);
    const report = JSON.parse(run.stdout) as { summary: { files: number }; findings: Array<{ ruleId: string; message: string; resource: { name: string } }> };
    expect(report.summary.files).toBe(1);
    expect(report.findings.some((finding) => finding.ruleId === 'AZF-KATA-004' && finding.resource.name === 'commented' && /hostPID is true/.test(finding.message))).toBe(true);
    expect(run.code).toBe(1);
  });

  it('a template value that parses ("{{ ... }}" in a string) is unknown, not a value', () => {
    const dir = tempDir();
    writeText(dir, 'pod.yaml', POD_WITH_TEMPLATE_COMMENT.replace('hostPID: true', 'hostPID: false').replace('myregistry.azurecr.io/app:1.0', '"{{ .Values.registry }}/app:1.0"'));
    const run = runCli(['scan', '.', '--format', 'json', '--fail-on-unknown'], dir);
    const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; status: string; message: string }> };
    expect(report.findings.filter((finding) => finding.ruleId === 'AZF-KATA-005').map((finding) => finding.status)).toContain('unknown');
    expect(run.code).toBe(1);
  });
});

describe('a file that cannot be read (a Helm template) is listed as not scanned in every format', () => {
  const reason = /Go\/Helm template .*render it/;

  it('table: a "not scanned" count on the summary line, and the file with its reason', () => {
    const run = runCli(['scan', 'repo', '--fail-on', 'none'], tree());
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    // The summary line (the gate's verdict follows it).
    expect(lines.at(-2)).toMatch(/1 file not scanned/);
    expect(lines.at(-1)).toBe('gate passed: findings never fail this run (--fail-on none)');
    const listed = lines.find((line) => line.includes(TEMPLATE_FILE));
    expect(listed).toBeDefined();
    expect(listed).toMatch(reason);
  });

  it('JSON: notScanned lists the file and reason, summary.notScanned counts it, and the report matches its schema', () => {
    const run = runCli(['scan', 'repo', '--format', 'json', '--fail-on', 'none'], tree());
    const report = JSON.parse(run.stdout) as { summary: { notScanned: number }; notScanned: Array<{ file: string; reason: string }> };
    expect(report.summary.notScanned).toBe(1);
    expect(report.notScanned).toEqual([{ file: `repo/${TEMPLATE_FILE}`, reason: expect.stringMatching(reason) }]);
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemas', 'report.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  it('SARIF: a tool execution notification at the file, and the log is valid for code scanning', () => {
    const dir = tree();
    const run = runCli(['scan', 'repo', '--format', 'sarif', '--fail-on', 'none'], dir);
    const log = JSON.parse(run.stdout) as { runs: Array<{ invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: Array<{ level: string; message: { text: string }; locations?: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> }> };
    const notes = log.runs[0]!.invocations[0]!.toolExecutionNotifications.filter((note) => note.locations?.[0]?.physicalLocation.artifactLocation.uri === `repo/${TEMPLATE_FILE}`);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.level).toBe('warning');
    expect(notes[0]!.message.text).toMatch(/not scanned/);
    expect(notes[0]!.message.text).toMatch(reason);
    writeText(dir, 'out.sarif', run.stdout);
    expect(validateSarif([join(dir, 'out.sarif')])).toEqual([]);
  });

  it('Markdown: the count on the summary line and a "Not scanned" section naming the file', () => {
    const run = runCli(['scan', 'repo', '--format', 'markdown', '--fail-on', 'none'], tree());
    expect(run.stdout).toMatch(/1 file not scanned/);
    const section = run.stdout.split('### Not scanned')[1];
    expect(section).toBeDefined();
    expect(section).toContain(TEMPLATE_FILE);
    expect(section).toMatch(reason);
  });

  it('JUnit: a skipped test case per file not scanned, with the reason', () => {
    const run = runCli(['scan', 'repo', '--format', 'junit', '--fail-on', 'none'], tree());
    const suite = /<testsuite name="azfence not scanned"[^>]*>([\s\S]*?)<\/testsuite>/.exec(run.stdout);
    expect(suite).not.toBeNull();
    expect(suite![0]).toMatch(/skipped="1"/);
    expect(suite![1]).toContain(`name="repo/${TEMPLATE_FILE}"`);
    expect(suite![1]).toMatch(/<skipped message="[^"]*Go\/Helm template[^"]*"\/>/);
  });

  it('HTML: the count on the summary line and a "Not scanned" section naming the file and its reason, as text', () => {
    const dir = tree();
    // A file name a pull request chose: it must show as text, never as markup.
    writeText(dir, 'repo/charts/app/templates/<img src=x onerror=alert(1)>.yaml', HELM_TEMPLATE);
    const run = runCli(['scan', 'repo', '--format', 'html', '--fail-on', 'none'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/2 files not scanned/);
    const section = /<section aria-labelledby="not-scanned-heading">([\s\S]*?)<\/section>/.exec(run.stdout)?.[1];
    expect(section, run.stdout).toBeDefined();
    expect(section).toContain('<h2 id="not-scanned-heading">Not scanned (2)</h2>');
    expect(section).toContain(`<code>repo/${TEMPLATE_FILE}</code>`);
    expect(section).toMatch(/<code>repo\/charts\/app\/templates\/&lt;img src=x onerror=alert\(1\)(&gt;|>)\.yaml<\/code>/);
    expect(section).not.toContain('<img');
    expect(section).toMatch(reason);
  });

  it('a template named on the command line is still an error (exit 2): the user asked for it to be read', () => {
    const dir = tree();
    const run = runCli(['scan', `repo/${TEMPLATE_FILE}`], dir);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/deployment\.yaml:\d+: invalid YAML: .*Go\/Helm template: render it/)]);
  });
});
