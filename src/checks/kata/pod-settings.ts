import { isPlaceholder, isPlainObject } from '../../model/values.js';
import { asString } from './selectors.js';
import { type Container, type WorkloadView, valueUnder } from './workloads.js';

// --------------------------------------------------------------------------- settings that undo a sandbox

export function each(view: WorkloadView, undecided: (text: string) => void, visit: (container: Container, value: Record<string, unknown>) => void): void {
  if (view.containersUnknown) undecided(`the ${view.field('containers')} list`);
  for (const container of view.containers) {
    if (!isPlainObject(container.value)) undecided(container.label);
    else visit(container, container.value);
  }
}

/** Capabilities a restricted pod may add (Kubernetes Pod Security Standards, restricted). */
const HARMLESS_CAPABILITIES = new Set(['NET_BIND_SERVICE']);

/** A pod-spec field by its full path as the user wrote it: `spec.template.spec.containers[0].securityContext.privileged`. */
export function at(view: WorkloadView, field: string): string {
  return `${view.details['podSpec']}.${field}`;
}

/** A container's field by full path, with the container's name for the reader. */
function inContainer(view: WorkloadView, container: Container, field: string): string {
  return `${at(view, `${container.path}.${view.field(field)}`)}`;
}

function named(container: Container): string {
  return container.label.startsWith('container ') ? ` (${container.label})` : '';
}

type Collect = (view: WorkloadView, problem: (text: string) => void, undecided: (text: string) => void) => void;

/** Privileged containers, privilege escalation, added capabilities. */
export const privileges: Collect = (view, problem, undecided) =>
  each(view, undecided, (container, value) => {
    const field = (path: string) => inContainer(view, container, `securityContext.${path}`);
    const privileged = valueUnder(value, 'securityContext', 'privileged');
    if (isPlaceholder(privileged)) undecided(field('privileged'));
    else if (privileged === true) problem(`${field('privileged')} is true${named(container)}`);
    const escalation = valueUnder(value, 'securityContext', 'allowPrivilegeEscalation');
    if (isPlaceholder(escalation)) undecided(field('allowPrivilegeEscalation'));
    else if (escalation === true) problem(`${field('allowPrivilegeEscalation')} is true${named(container)}`);
    else if (escalation !== false) problem(`${field('allowPrivilegeEscalation')} is not set (it defaults to true)${named(container)}`);
    const added = valueUnder(value, 'securityContext', 'capabilities', 'add');
    if (isPlaceholder(added)) undecided(field('capabilities.add'));
    else if (Array.isArray(added)) {
      const risky = added.map((capability) => (isPlaceholder(capability) ? '(known only after apply)' : asString(capability) ?? '')).filter((capability) => !HARMLESS_CAPABILITIES.has(capability.toUpperCase().replace(/^CAP_/, '')));
      if (risky.length) problem(`${field('capabilities.add')} adds ${risky.join(', ')}${named(container)}`);
    }
  });

/** Host PID, IPC and network namespaces. */
export const hostNamespaces: Collect = (view, problem, undecided) => {
  for (const field of ['hostPID', 'hostIPC', 'hostNetwork']) {
    const value = valueUnder(view.spec, field);
    if (isPlaceholder(value)) undecided(at(view, view.field(field)));
    else if (value === true) problem(`${at(view, view.field(field))} is true`);
  }
};

const RUNTIME_SOCKET = /(^|\/)(docker|containerd|crio|cri-dockerd)\.sock$|^\/var\/run\/?$|^\/run\/?$|^\/var\/run\/docker\/?$/;

/** hostPath volumes (the container runtime socket, /dev/kvm and /dev/fuse named) and KVM or FUSE device requests. */
export const hostMounts: Collect = (view, problem, undecided) => {
  const volumes = valueUnder(view.spec, 'volumes');
  if (isPlaceholder(volumes)) undecided(at(view, view.field('volumes')));
  if (Array.isArray(volumes)) {
    volumes.forEach((volume, index) => {
      const volumePath = at(view, `${view.field('volumes')}[${index}]`);
      const name = asString(valueUnder(volume, 'name'));
      const label = name ? ` (volume ${name})` : '';
      if (isPlaceholder(volume)) return undecided(volumePath);
      const hostPath = valueUnder(volume, 'hostPath');
      if (hostPath === undefined || hostPath === null) return;
      const field = `${volumePath}.${view.field('hostPath')}`;
      const path = valueUnder(hostPath, 'path');
      if (isPlaceholder(path)) return undecided(`${field}.path`);
      const where = asString(path) ?? '';
      if (RUNTIME_SOCKET.test(where)) problem(`${field} mounts the container runtime socket ${where}, which controls every container on the node${label}`);
      else if (/^\/dev\/kvm$/.test(where)) problem(`${field} passes /dev/kvm through${label}`);
      else if (/^\/dev\/fuse$/.test(where)) problem(`${field} passes /dev/fuse through${label}`);
      else problem(`${field} mounts the host path ${where}${label}`);
    });
  }
  each(view, undecided, (container, value) => {
    for (const kind of ['limits', 'requests']) {
      const resources = valueUnder(value, 'resources', kind);
      if (!isPlainObject(resources)) continue;
      for (const key of Object.keys(resources)) {
        if (/kvm|fuse/i.test(key)) problem(`${inContainer(view, container, `resources.${kind}`)} requests the device ${key}${named(container)}`);
      }
    }
  });
};

const CONFINED_SECCOMP = new Set(['runtimedefault', 'localhost']);

/** Every container runs under a seccomp profile (RuntimeDefault or Localhost), set on it or on the pod. */
export const seccomp: Collect = (view, problem, undecided) => {
  const podProfile = valueUnder(view.spec, 'securityContext', 'seccompProfile', 'type');
  each(view, undecided, (container, value) => {
    const own = valueUnder(value, 'securityContext', 'seccompProfile', 'type');
    const effective = own === undefined || own === null ? podProfile : own;
    const field = inContainer(view, container, 'securityContext.seccompProfile.type');
    if (isPlaceholder(effective)) return undecided(field);
    const type = asString(effective);
    if (type && CONFINED_SECCOMP.has(type.toLowerCase())) return;
    problem(type ? `${field} is ${type}${named(container)}` : `${field} is not set on the container or the pod, so it runs Unconfined${named(container)}`);
  });
};

function userId(value: unknown): number | undefined {
  const text = asString(value);
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text) : undefined;
}

/** Every container runs as non-root (runAsNonRoot true, or a non-zero runAsUser), set on it or on the pod. */
export const nonRoot: Collect = (view, problem, undecided) => {
  const podNonRoot = valueUnder(view.spec, 'securityContext', 'runAsNonRoot');
  const podUser = valueUnder(view.spec, 'securityContext', 'runAsUser');
  each(view, undecided, (container, value) => {
    const ownNonRoot = valueUnder(value, 'securityContext', 'runAsNonRoot');
    const ownUser = valueUnder(value, 'securityContext', 'runAsUser');
    const nonRootValue = ownNonRoot === undefined || ownNonRoot === null ? podNonRoot : ownNonRoot;
    const user = ownUser === undefined || ownUser === null ? podUser : ownUser;
    const nonRootField = inContainer(view, container, 'securityContext.runAsNonRoot');
    if (userId(user) === 0) return problem(`${inContainer(view, container, 'securityContext.runAsUser')} is 0 (root)${named(container)}`);
    if (nonRootValue === true || (userId(user) ?? 0) > 0) return;
    if (isPlaceholder(nonRootValue) || isPlaceholder(user)) return undecided(nonRootField);
    problem(nonRootValue === false ? `${nonRootField} is false${named(container)}` : `${nonRootField} is not set (on the container or the pod)${named(container)}`);
  });
};
