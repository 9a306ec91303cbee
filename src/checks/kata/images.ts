import { isPlaceholder } from '../../model/values.js';
import { each } from './pod-settings.js';
import { globMatch, asString } from './selectors.js';
import { type Container, type WorkloadView, valueUnder } from './workloads.js';

// ---------------------------------------------------------------------------------- image provenance

export interface ImageReference {
  registry: string;
  name: string;
  tag?: string;
  digest?: string;
}

/** `nginx` -> docker.io/nginx (untagged); `myacr.azurecr.io/agents/gw:1.2@sha256:...` -> registry, tag and digest. */
export function parseImage(reference: string): ImageReference {
  const [namePart = '', digest] = reference.trim().split('@');
  const slash = namePart.lastIndexOf('/');
  const colon = namePart.lastIndexOf(':');
  const tag = colon > slash ? namePart.slice(colon + 1) : undefined;
  const name = colon > slash ? namePart.slice(0, colon) : namePart;
  const first = name.split('/')[0] ?? '';
  const registry = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
  return { registry: registry.toLowerCase(), name, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

export function eachImage(view: WorkloadView, undecided: (text: string) => void, visit: (container: Container, image: string) => void): void {
  each(view, undecided, (container, value) => {
    const image = valueUnder(value, 'image');
    if (isPlaceholder(image)) return undecided(`${container.label}: image`);
    const text = asString(image);
    if (text) visit(container, text);
  });
}

/** An entry is a login server (`myacr.azurecr.io`, `*.azurecr.io`) or a repository prefix (`myacr.azurecr.io/agents`). */
export function approved(image: ImageReference, entries: readonly string[]): boolean {
  const name = image.name.includes('/') && image.registry !== 'docker.io' ? image.name.toLowerCase() : `docker.io/${image.name.toLowerCase()}`;
  return entries.some((entry) => {
    const wanted = entry.toLowerCase().replace(/\/+$/, '');
    if (wanted.includes('/')) return name === wanted || name.startsWith(`${wanted}/`);
    return globMatch(wanted, image.registry);
  });
}
