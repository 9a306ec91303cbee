import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runCli, tempDir } from '../support/run-cli.js';

/**
 * Issue 15, property: a hostile pull request controls the plan and the snapshot. Random mutations of real
 * inputs (duplicate an element, drop a member, retype a value, truncate the file, make a value unknown)
 * either give the same or stricter results, or exit 2: every failing finding of the original is still
 * reported (as a fail, or as unknown when the mutation made a value it rests on unknown, which fails the
 * gate with --fail-on-unknown); never fewer failures with exit 0.
 *
 * What is mutated: the structure around values (entries and rows, their members, the value members
 * themselves such as `change.after` or a row's `properties`, top-level members) by every kind; the values
 * inside a resource only by duplicating list members and making them unknown. Dropping or retyping a value
 * inside a resource is not a misread of the input but a different value (a plan from a provider version
 * without an attribute reads as its default; the author of a plan can write any value): the gate judges the
 * values it is given, and a pipeline that makes the plan itself is what keeps them honest.
 */
const REPO = join(import.meta.dirname, '..', '..');
const CORPUS = join(REPO, '..', 'shared', 'corpus', 'real-plans');

interface Input {
  name: string;
  file: string;
  kind: 'plan' | 'snapshot';
  text: string;
}

const INPUTS: Input[] = [
  { name: 'the example estate plan', file: join(REPO, 'fixtures', 'estate', 'plan.json'), kind: 'plan' },
  { name: 'a corpus plan (AKS with AGIC)', file: join(CORPUS, 'AKS-AGIC-diff-rg-tf-test-main.json'), kind: 'plan' },
  { name: 'a corpus plan (exercise with storage and key vault)', file: join(CORPUS, 'terraform-exercises-main_exercise1_v2.json'), kind: 'plan' },
  { name: 'the example estate snapshot', file: join(REPO, 'fixtures', 'estate', 'snapshot.json'), kind: 'snapshot' },
  { name: 'the Kata example snapshot', file: join(REPO, 'fixtures', 'kata', 'snapshot.json'), kind: 'snapshot' },
].map((input) => ({ ...input, kind: input.kind as Input['kind'], text: readFileSync(input.file, 'utf8') }));

type Kind = 'duplicate' | 'drop' | 'retype' | 'truncate' | 'unknown';
const KINDS: Kind[] = ['duplicate', 'drop', 'retype', 'truncate', 'unknown'];

type Segment = string | number;
type Json = unknown;

interface Finding {
  ruleId: string;
  status: 'fail' | 'unknown';
  fingerprint: string;
  resource: { id: string; address?: string };
}

function scan(text: string, kind: Input['kind']): { code: number; findings: Finding[]; stderr: string } {
  const dir = tempDir('azfence-mutation-');
  const file = `${kind}.json`;
  writeFileSync(join(dir, file), text);
  const run = runCli(['scan', file, '--format', 'json', '--fail-on', 'none'], dir);
  if (run.code === 2 || run.stdout === '') return { code: run.code, findings: [], stderr: run.stderr };
  return { code: run.code, findings: (JSON.parse(run.stdout) as { findings: Finding[] }).findings, stderr: run.stderr };
}

/** Members whose content is a resource's values (plans) or ARM properties (snapshots). */
const VALUE_KEYS = new Set(['after', 'before', 'after_unknown', 'after_sensitive', 'before_sensitive', 'values', 'sensitive_values', 'properties', 'sku', 'tags', 'identity', 'expressions', 'prior_state', 'variables', 'output_changes', 'outputs', 'relevant_attributes', 'checks', 'configuration']);

interface Site {
  path: Segment[];
  /** Inside a resource's values (`change.after`, a row's `properties`): only retype, duplicate and unknown apply. */
  value: boolean;
  /** The resource_changes entry or row it belongs to. */
  owner?: number;
}

/** Every path in the document, with whether it lies in a value subtree; capped so huge plans stay cheap. */
function sitesOf(json: Json, kind: Input['kind']): Site[] {
  const sites: Site[] = [];
  const ownerKey = kind === 'plan' ? 'resource_changes' : 'data';
  const walk = (node: Json, path: Segment[], value: boolean, owner: number | undefined, depth: number): void => {
    if (sites.length > 200_000 || depth > 40) return;
    if (path.length) sites.push({ path, value, ...(owner !== undefined ? { owner } : {}) });
    // Below a value member (`after`, a row's `properties`...) everything is a value; the member itself is structure.
    const below = value || (typeof path[path.length - 1] === 'string' && VALUE_KEYS.has(path[path.length - 1] as string));
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...path, i], below, owner ?? (path.length === 1 && path[0] === ownerKey ? i : undefined), depth + 1));
    else if (node && typeof node === 'object') for (const [key, child] of Object.entries(node)) walk(child, [...path, key], below, owner, depth + 1);
  };
  walk(json, [], false, undefined, 0);
  return sites;
}

function getAt(root: Json, path: readonly Segment[]): Json {
  let node = root;
  for (const segment of path) node = (node as Record<string | number, Json>)?.[segment];
  return node;
}

function parentAt(root: Json, path: readonly Segment[]): { parent: Record<string | number, Json> | Json[]; key: Segment } {
  return { parent: getAt(root, path.slice(0, -1)) as Record<string | number, Json>, key: path[path.length - 1]! };
}

/** A value of another JSON type (never null: null is a value of its own, "not set"). */
function retyped(value: Json, pick: number): Json {
  const options: Json[] =
    typeof value === 'boolean'
      ? [String(value), value ? 1 : 0, [value], { value }]
      : typeof value === 'number'
        ? [String(value), value !== 0, [value], {}]
        : typeof value === 'string'
          ? [value.length, value !== '', [value], { value }]
          : Array.isArray(value)
            ? [JSON.stringify(value), value.length, { ...value }, true]
            : value && typeof value === 'object'
              ? [JSON.stringify(value), [value], Object.keys(value).length, true]
              : ['null', 0, [], {}];
  return options[pick % options.length];
}

interface Mutation {
  kind: Kind;
  describe: string;
  text: string;
}

/** The address of a plan entry or the id of a snapshot row, to name it in a counterexample. */
function ownerName(json: Json, kind: Input['kind'], owner: number | undefined): string {
  if (owner === undefined) return '(document)';
  const entry = getAt(json, [kind === 'plan' ? 'resource_changes' : 'data', owner]) as Record<string, Json> | undefined;
  return String(entry?.[kind === 'plan' ? 'address' : 'id'] ?? `#${owner}`);
}

function mutate(input: Input, json: Json, sites: Site[], kind: Kind, pickSite: number, pickValue: number): Mutation | undefined {
  if (kind === 'truncate') {
    const at = pickSite % input.text.length;
    return { kind, describe: `truncated at byte ${at} of ${input.text.length}`, text: input.text.slice(0, at) };
  }
  const copy = structuredClone(json) as Record<string, Json>;
  const candidates = sites.filter((site) => {
    if (kind === 'drop') return !site.value && typeof site.path[site.path.length - 1] === 'string';
    if (kind === 'duplicate') return Array.isArray(getAt(json, site.path.slice(0, -1))) && typeof site.path[site.path.length - 1] === 'number';
    if (kind === 'unknown') {
      // Plans: a value of change.after made "known after apply". Snapshots have no unknown values: a column
      // a query projected away (`properties`, `sku`) is what is not known.
      return input.kind === 'plan'
        ? site.path.length > 4 && site.path[0] === 'resource_changes' && site.path[2] === 'change' && site.path[3] === 'after'
        : site.path.length === 3 && site.path[0] === 'data' && (site.path[2] === 'properties' || site.path[2] === 'sku');
    }
    // retype: the structure (entries, their members, columns, the value members themselves).
    return !site.value;
  });
  if (candidates.length === 0) return undefined;
  const site = candidates[pickSite % candidates.length]!;
  const where = `${site.path.join('.')} (${ownerName(json, input.kind, site.owner)})`;
  const { parent, key } = parentAt(copy, site.path);
  switch (kind) {
    case 'drop':
      delete (parent as Record<string, Json>)[key as string];
      return { kind, describe: `dropped ${where}`, text: JSON.stringify(copy) };
    case 'duplicate':
      (parent as Json[]).splice((key as number) + 1, 0, structuredClone((parent as Json[])[key as number]));
      return { kind, describe: `duplicated ${where}`, text: JSON.stringify(copy) };
    case 'retype': {
      const value = retyped((parent as Record<string | number, Json>)[key], pickValue);
      (parent as Record<string | number, Json>)[key] = value;
      return { kind, describe: `retyped ${where} to ${JSON.stringify(value)?.slice(0, 60)}`, text: JSON.stringify(copy) };
    }
    case 'unknown': {
      if (input.kind === 'snapshot') {
        delete (parent as Record<string, Json>)[key as string];
        return { kind, describe: `projected away ${where}`, text: JSON.stringify(copy) };
      }
      // Terraform leaves an unknown value out of `after` and marks it in `after_unknown`.
      const relative = site.path.slice(4);
      if (Array.isArray(parent)) (parent as Json[])[key as number] = null;
      else delete (parent as Record<string, Json>)[key as string];
      const change = getAt(copy, site.path.slice(0, 3)) as Record<string, Json>;
      let marks = (change['after_unknown'] && typeof change['after_unknown'] === 'object' ? change['after_unknown'] : (change['after_unknown'] = {})) as Record<string | number, Json>;
      relative.forEach((segment, i) => {
        if (i === relative.length - 1) marks[segment] = true;
        else {
          const next = marks[segment];
          marks = (next && typeof next === 'object' ? next : (marks[segment] = typeof relative[i + 1] === 'number' ? [] : {})) as Record<string | number, Json>;
        }
      });
      return { kind, describe: `made ${where} known only after apply`, text: JSON.stringify(copy) };
    }
  }
  return undefined;
}

describe('mutations of real plans and snapshots never loosen the gate', () => {
  for (const input of INPUTS) {
    const json = JSON.parse(input.text.replace(/^\uFEFF/, '')) as Json;
    const sites = sitesOf(json, input.kind);
    const original = scan(input.text, input.kind);
    const failing = original.findings.filter((finding) => finding.status === 'fail');
    // Mutations near what fails are the ones that can hide it: half of the picks land in a failing resource.
    const failingOwners = new Set(failing.map((finding) => finding.resource.address ?? finding.resource.id));
    const near = sites.filter((site) => site.owner !== undefined && failingOwners.has(ownerName(json, input.kind, site.owner)));

    it(`${input.name}: the original scans cleanly and has failing findings to lose`, () => {
      expect(original.stderr).toBe('');
      expect(original.code).toBe(0);
      expect(failing.length).toBeGreaterThan(0);
    });

    for (const kind of KINDS) {
      it(`${input.name}: ${kind}`, () => {
        fc.assert(
          fc.property(fc.nat(), fc.nat(), fc.boolean(), (pickSite, pickValue, nearFailure) => {
            const pool = nearFailure && near.length && kind !== 'truncate' ? near : sites;
            const mutation = mutate(input, json, pool, kind, pickSite, pickValue);
            if (!mutation) return;
            const result = scan(mutation.text, input.kind);
            if (result.code === 2) return;
            const after = new Map(result.findings.map((finding) => [finding.fingerprint, finding.status]));
            const lost = failing.filter((finding) => after.get(finding.fingerprint) === undefined);
            expect(lost.map((finding) => `${finding.ruleId} on ${finding.resource.address ?? finding.resource.id}`), `${mutation.describe}: exit ${result.code}`).toEqual([]);
          }),
          { numRuns: kind === 'truncate' ? 25 : 40 },
        );
      }, 180_000);
    }
  }
});

