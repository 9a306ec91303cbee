import { describe, expect, it } from 'vitest';
import { scanJson, tempDir, writeJson } from '../support/run-cli.js';
import { buildPlan } from '../support/materialize.js';
import { writeText } from './support.js';

/**
 * Issue 15, item 1: a manifest means what kubectl makes of it. kubectl reads YAML through sigs.k8s.io/yaml,
 * which decodes with go-yaml v2 (YAML 1.1): merge keys (`<<`) apply, and plain `yes`/`on`/`y` are booleans.
 * Each hostile pod below is what kubectl applies as privileged or host-sharing; it must fail AZF-KATA-004.
 */
const CLEAN_CONTAINER = `      securityContext:
        allowPrivilegeEscalation: false
        capabilities: { drop: [ALL] }`;

function pod(name: string, { spec = '', container = CLEAN_CONTAINER, extraContainers = '' }: { spec?: string; container?: string; extraContainers?: string } = {}): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: { azfence.io/untrusted: "true" }
spec:
  runtimeClassName: kata-vm-isolation
  securityContext:
    runAsNonRoot: true
    seccompProfile: { type: RuntimeDefault }
${spec}  containers:
    - name: app
      image: myregistry.azurecr.io/app@sha256:${'0'.repeat(64)}
${container}
${extraContainers}`;
}

const HOSTILE: Record<string, { text: string; says: RegExp }> = {
  'merge key with an inline map': {
    text: pod('merge-inline', { container: '      securityContext:\n        <<: { privileged: true }\n        allowPrivilegeEscalation: false\n        capabilities: { drop: [ALL] }' }),
    says: /privileged is true/,
  },
  'merge key with an anchor set on another object of the same List': {
    text: `apiVersion: v1
kind: List
items:
  - apiVersion: example.com/v1
    kind: SandboxProfile
    metadata: { name: shared }
    spec: &escape { privileged: true }
${pod('merge-anchor', { container: '      securityContext:\n        <<: *escape\n        allowPrivilegeEscalation: false\n        capabilities: { drop: [ALL] }' })
  .split('\n')
  .map((line, i) => (i === 0 ? `  - ${line}` : line ? `    ${line}` : line))
  .join('\n')}`,
    says: /privileged is true/,
  },
  'merge key over the pod spec (hostPID from an anchored map)': {
    text: pod('merge-spec', {
      spec: '  <<: &hostAccess { hostPID: true }\n',
    }),
    says: /hostPID is true/,
  },
  'a list of maps and anchors under <<': {
    text: pod('merge-list', {
      container: '      securityContext: &safe { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }',
      extraContainers: `    - name: sidecar\n      image: myregistry.azurecr.io/sidecar@sha256:${'1'.repeat(64)}\n      securityContext:\n        <<: [*safe, { privileged: true }]\n`,
    }),
    says: /privileged is true/,
  },
  'an explicit false before the merge key (go-yaml v2 lets the merge win)': {
    text: pod('merge-after-explicit', { container: '      securityContext:\n        privileged: false\n        <<: { privileged: true }\n        allowPrivilegeEscalation: false\n        capabilities: { drop: [ALL] }' }),
    says: /privileged is true/,
  },
  'privileged: yes': { text: pod('priv-yes', { container: CLEAN_CONTAINER.replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: false\n        privileged: yes') }), says: /privileged is true/ },
  'privileged: Yes': { text: pod('priv-Yes', { container: CLEAN_CONTAINER.replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: false\n        privileged: Yes') }), says: /privileged is true/ },
  'privileged: y': { text: pod('priv-y', { container: CLEAN_CONTAINER.replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: false\n        privileged: y') }), says: /privileged is true/ },
  'hostNetwork: on': { text: pod('host-network-on', { spec: '  hostNetwork: on\n' }), says: /hostNetwork is true/ },
  'hostPID: ON': { text: pod('host-pid-ON', { spec: '  hostPID: ON\n' }), says: /hostPID is true/ },
};

type Report = { findings: Array<{ ruleId: string; status: string; message: string; resource: { name: string } }> };

function kata004(report: Report, name: string) {
  return report.findings.filter((finding) => finding.ruleId === 'AZF-KATA-004' && finding.resource.name === name);
}

/** The AZF-KATA-004 failures of one workload whose message says `says` (the rule has a check per concern). */
function failing(report: Report, name: string, says: RegExp) {
  return kata004(report, name).filter((finding) => finding.status === 'fail' && says.test(finding.message));
}

describe('Kubernetes YAML is read the way kubectl reads it (merge keys, YAML 1.1 booleans)', () => {
  it('the clean pod passes AZF-KATA-004 (so each failure below is the edit)', () => {
    const dir = tempDir();
    writeText(dir, 'clean.yaml', pod('clean'));
    const { run, report } = scanJson(['clean.yaml'], ['--fail-on', 'none'], dir);
    expect(run.stderr).toBe('');
    expect(report.findings).toEqual([]);
  });

  for (const [label, { text, says }] of Object.entries(HOSTILE)) {
    it(`${label}: AZF-KATA-004 fails`, () => {
      const dir = tempDir();
      writeText(dir, 'pod.yaml', text);
      const { run, report } = scanJson(['pod.yaml'], [], dir);
      expect(run.stderr, label).toBe('');
      const name = /name: (\S+)\n\s+labels/.exec(text)![1]!;
      expect(failing(report, name, says), label).toHaveLength(1);
      expect(run.code, label).toBe(1);
    });
  }

  it('in a multi-document stream and inside a List, every document is read with the same rules', () => {
    const dir = tempDir();
    const list = `apiVersion: v1\nkind: List\nitems:\n${pod('in-list', { spec: '  hostIPC: yes\n' })
      .split('\n')
      .map((line) => (line ? `    ${line}` : line))
      .join('\n')
      .replace('    apiVersion: v1', '  - apiVersion: v1')}`;
    writeText(dir, 'stream.yaml', [pod('first'), pod('second', { spec: '  <<: { hostNetwork: true }\n' }), list].join('\n---\n'));
    const { run, report } = scanJson(['stream.yaml'], [], dir);
    expect(run.stderr).toBe('');
    expect(kata004(report, 'first')).toEqual([]);
    expect(failing(report, 'second', /hostNetwork is true/)).toHaveLength(1);
    expect(failing(report, 'in-list', /hostIPC is true/)).toHaveLength(1);
  });

  it('allowPrivilegeEscalation: off and no are false, as kubectl reads them (no false alarm)', () => {
    const dir = tempDir();
    writeText(dir, 'off.yaml', pod('escalation-off', { container: CLEAN_CONTAINER.replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: off') }));
    writeText(dir, 'no.yaml', pod('escalation-no', { container: CLEAN_CONTAINER.replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: No') }));
    const { run, report } = scanJson(['off.yaml', 'no.yaml'], [], dir);
    expect(run.stderr).toBe('');
    expect(report.findings).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('quoted "yes" is a string, as in kubectl: it is not the boolean true', () => {
    const dir = tempDir();
    writeText(dir, 'quoted.yaml', pod('quoted', { spec: '  hostNetwork: "yes"\n' }));
    const { report } = scanJson(['quoted.yaml'], ['--fail-on', 'none'], dir);
    expect(kata004(report, 'quoted')).toEqual([]);
  });

  it('a JSON manifest (apiVersion + kind) is read too, and a List of them', () => {
    const dir = tempDir();
    const object = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'json-pod', labels: { 'azfence.io/untrusted': 'true' } },
      spec: { runtimeClassName: 'kata-vm-isolation', hostPID: true, containers: [{ name: 'c', image: 'myregistry.azurecr.io/app:1.0' }] },
    };
    writeJson(dir, 'pod.json', object);
    writeJson(dir, 'list.json', { apiVersion: 'v1', kind: 'List', items: [{ ...object, metadata: { ...object.metadata, name: 'json-in-list' } }] });
    const { run, report } = scanJson(['.'], [], dir);
    expect(run.stderr).toBe('');
    expect(failing(report, 'json-pod', /hostPID is true/)).toHaveLength(1);
    expect(failing(report, 'json-in-list', /hostPID is true/)).toHaveLength(1);
  });

  it('kubernetes_manifest and kubernetes_* plan resources still carry their manifests (JSON values, not YAML)', () => {
    const dir = tempDir();
    const plan = buildPlan({
      azurerm: [
        {
          type: 'kubernetes_manifest',
          name: 'pod',
          values: { manifest: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'tf-pod', labels: { 'azfence.io/untrusted': 'true' } }, spec: { runtimeClassName: 'kata-vm-isolation', hostNetwork: true, containers: [{ name: 'c', image: 'a:1' }] } } },
        },
      ],
    });
    writeJson(dir, 'plan.json', plan);
    const { report } = scanJson(['plan.json'], [], dir);
    expect(failing(report, 'tf-pod', /hostNetwork is true/)).toHaveLength(1);
  });
});
