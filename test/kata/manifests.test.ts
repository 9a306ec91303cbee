import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifests } from '../../src/inputs/kubernetes/read-manifests.js';
import { UserError } from '../../src/errors.js';
import { runCli, scanJson, tempDir } from '../support/run-cli.js';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: agent-gateway
  namespace: ai-agents
  labels: { team: agents }
spec:
  template:
    metadata:
      labels: { app: gw }
    spec:
      runtimeClassName: kata-vm-isolation
      containers:
        - name: gateway
          image: ghcr.io/example/agent-gateway:latest
`;

function read(text: string, strict = true) {
  const outcome = readManifests(text, 'm.yaml', strict);
  if (outcome.status !== 'read') throw new Error(`not read: ${outcome.reason}`);
  return outcome;
}

function error(text: string, strict = true): UserError {
  try {
    readManifests(text, 'm.yaml', strict);
  } catch (caught) {
    if (caught instanceof UserError) return caught;
    throw caught;
  }
  throw new Error('no error');
}

describe('Kubernetes manifest reader', () => {
  it('normalizes a Deployment to Kubernetes/Workload with one pod-spec path', () => {
    const { resources } = read(DEPLOYMENT);
    expect(resources).toHaveLength(1);
    const [workload] = resources;
    expect(workload!.armType).toBe('Kubernetes/Workload');
    expect(workload!.name).toBe('agent-gateway');
    expect(workload!.source).toMatchObject({ kind: 'manifest', dialect: 'kubernetes', file: 'm.yaml', line: 1 });
    expect(workload!.body).toMatchObject({
      kind: 'Deployment',
      metadata: { namespace: 'ai-agents', labels: { team: 'agents' }, annotations: {} },
      properties: { podLabels: { app: 'gw' }, podSpec: { runtimeClassName: 'kata-vm-isolation', containers: [{ name: 'gateway' }] } },
    });
  });

  it('reads every workload kind, multi-document files and List items, with the line of each object', () => {
    const text = [
      'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { containers: [{ name: a, image: a:1 }] }',
      'apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: c }\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec: { runtimeClassName: kata-vm-isolation }',
      'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: apps/v1\n    kind: StatefulSet\n    metadata: { name: s }\n    spec: { template: { spec: { hostPID: true } } }\n  - apiVersion: v1\n    kind: Service\n    metadata: { name: svc }',
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: { name: d }\nspec: { template: { spec: {} } }',
      'apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: { name: r }\nspec: { template: { spec: {} } }',
      'apiVersion: batch/v1\nkind: Job\nmetadata: { name: j }\nspec: { template: { spec: {} } }',
      '',
    ].join('\n---\n');
    const { resources, unmapped } = read(text);
    expect(resources.map((resource) => `${String(resource.body['kind'])}/${resource.name}`)).toEqual(['Pod/p', 'CronJob/c', 'StatefulSet/s', 'DaemonSet/d', 'ReplicaSet/r', 'Job/j']);
    expect(unmapped).toBe(1);
    expect(resources[1]!.body['properties']).toMatchObject({ podSpec: { runtimeClassName: 'kata-vm-isolation' } });
    expect(resources[2]!.body['properties']).toMatchObject({ podSpec: { hostPID: true } });
    expect(resources[2]!.source.line).toBe(18);
    expect(resources.every((resource) => (resource.body['metadata'] as Record<string, unknown>)['namespace'] === 'default')).toBe(true);
  });

  it('treats an envsubst placeholder in the pod spec as unknown, not as a value', () => {
    const { resources } = read(DEPLOYMENT.replace('ghcr.io/example/agent-gateway:latest', '${IMAGE}'));
    const containers = ((resources[0]!.body['properties'] as Record<string, unknown>)['podSpec'] as Record<string, unknown>)['containers'] as Array<Record<string, unknown>>;
    expect(containers[0]!['image']).toBe(Symbol.for('azfence.unknown'));
  });

  it('gives one-line errors with the line for broken YAML, alias bombs, custom tags and non-mapping documents', () => {
    expect(error('apiVersion: v1\nkind: Pod\nmetadata: { name: [unclosed\n').problem).toMatch(/^invalid YAML: /);
    const bomb = ['apiVersion: v1', 'kind: ConfigMap', 'a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 8; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`);
    expect(error(bomb.join('\n')).problem).toMatch(/alias/i);
    const tagged = error('apiVersion: v1\nkind: Pod\nmetadata:\n  name: !!js/function "function () { return 1 }"\n');
    expect(tagged.problem).toMatch(/YAML tag !!js\/function/);
    expect(tagged.line).toBe(4);
    const scalar = error('apiVersion: v1\nkind: Pod\nmetadata: { name: p }\n---\n- just\n- a list\n');
    expect(scalar.problem).toBe('document 2 is a list, not a Kubernetes object (a mapping with apiVersion and kind)');
    expect(scalar.line).toBe(5);
    expect(error('apiVersion: v1\nkind: Pod\n---\nname: x\n').problem).toMatch(/document 2 has no apiVersion\/kind/);
    for (const problem of [tagged.problem, scalar.problem]) expect(problem).not.toMatch(/\n/);
  });

  it('skips YAML that holds no Kubernetes object; a walk also skips broken YAML that is not meant as a manifest', () => {
    expect(readManifests('resource:\n  name: x\n', 'v.yaml', true).status).toBe('not-kubernetes');
    expect(readManifests('steps: [unclosed\n', 'ci.yaml', false).status).toBe('not-kubernetes');
    expect(readManifests('apiVersion: v1\nkind: Pod\nspec: {{ .Values.spec }}\n', 'templates/pod.yaml', false).status).toBe('not-kubernetes');
    expect(() => readManifests('apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n', 'pod.yaml', false)).toThrow(UserError);
  });
});

describe('Kubernetes manifests in a scan', () => {
  it('a directory walk reads manifests, skips other YAML silently and never reads .azfence.yaml', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'k8s'));
    writeFileSync(join(dir, 'k8s', 'gateway.yaml'), DEPLOYMENT);
    writeFileSync(join(dir, 'k8s', 'service.yml'), 'apiVersion: v1\nkind: Service\nmetadata: { name: gw }\n');
    writeFileSync(join(dir, 'ci.yml'), 'steps:\n  - run: make\n');
    writeFileSync(join(dir, 'empty.yaml'), '');
    writeFileSync(join(dir, '.azfence.yaml'), 'parameters:\n  approvedRegistries: [myacr.azurecr.io]\n');
    const { run, report } = scanJson([dir], ['--fail-on', 'none']);
    expect(run.stderr).toBe('');
    expect(report.errors).toEqual([]);
    const kata = report.findings.filter((finding) => finding.ruleId.startsWith('AZF-KATA-'));
    expect(kata.map((finding) => finding.ruleId)).toContain('AZF-KATA-005');
    expect(kata.every((finding) => finding.location.file.endsWith('gateway.yaml') && finding.location.line === 1)).toBe(true);
    // The config's approvedRegistries applies: ghcr.io is not in it.
    expect(kata.some((finding) => /comes from ghcr\.io/.test(finding.message))).toBe(true);
  });

  it('an explicitly named non-Kubernetes YAML file is a one-line error; a broken manifest names its line', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'values.yaml'), 'replicas: 2\n');
    writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: !!python/object x\n');
    const run = runCli(['scan', join(dir, 'values.yaml'), join(dir, 'broken.yaml'), '--format', 'json']);
    expect(run.code).toBe(2);
    const lines = run.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/values\.yaml: is YAML but not a Kubernetes manifest \(no apiVersion\/kind\); expected a Terraform plan/);
    expect(lines[1]).toMatch(/broken\.yaml:4: uses the YAML tag/);
  });

  it('the example manifests in fixtures/kata scan with the documented findings', () => {
    const { run, report } = scanJson([join(import.meta.dirname, '..', '..', 'fixtures', 'kata')], ['--fail-on', 'none']);
    expect(run.stderr).toBe('');
    const ids = new Set(report.findings.map((finding) => `${finding.ruleId}:${finding.resource.name}`));
    expect(ids).toContain('AZF-KATA-005:agent-gateway');
    expect(ids).toContain('AZF-KATA-004:agent-gateway');
    expect(ids).toContain('AZF-KATA-002:kata');
    expect(ids).toContain('AZF-KATA-003:code-runner');
    expect([...ids].some((id) => id.endsWith(':agent-gateway-hardened'))).toBe(false);
  });
});

describe('AZF-KATA-004: one finding per pod (one alert per rule and resource in code scanning)', () => {
  it('lists every sandbox-undoing setting of a pod in one finding, each named with its path', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'builder.yaml'),
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: builder, labels: { azfence.io/untrusted: "true" } }
spec:
  template:
    spec:
      runtimeClassName: kata-vm-isolation
      hostPID: true
      containers:
        - name: build
          image: myacr.azurecr.io/builder:1.0
          securityContext: { privileged: true, capabilities: { add: [SYS_ADMIN] } }
      volumes:
        - name: docker
          hostPath: { path: /var/run/docker.sock, type: Socket }
`,
    );
    const { run, report } = scanJson([dir], ['--fail-on', 'none']);
    expect(run.stderr).toBe('');
    const findings = report.findings.filter((finding) => finding.ruleId === 'AZF-KATA-004');
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    for (const setting of [
      'spec.template.spec.containers[0].securityContext.privileged is true',
      'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation is not set',
      'spec.template.spec.containers[0].securityContext.capabilities.add adds SYS_ADMIN',
      'spec.template.spec.hostPID is true',
      'spec.template.spec.volumes[0].hostPath mounts the container runtime socket /var/run/docker.sock',
      'spec.template.spec.containers[0].securityContext.seccompProfile.type',
      'spec.template.spec.containers[0].securityContext.runAsNonRoot is not set',
    ]) {
      expect(finding!.message).toContain(setting);
    }
  });
});
