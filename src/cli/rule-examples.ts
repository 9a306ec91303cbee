import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yaml } from '../lazy-modules.js';
import { PACKAGE_ROOT } from '../engine/load-packs.js';

/**
 * Examples for the rule pages, taken from the rule's fixture cases (fixtures/rules/<id>.yaml): the test
 * suite writes each case as a real plan or snapshot and scans it (test/rule-fixtures.test.ts), so an example
 * that stopped failing or passing would fail the build. Only the docs generator and its test load this
 * module: the CLI never reads fixtures.
 */

export type ExampleKind = 'terraform' | 'azapi' | 'snapshot' | 'manifest';

/** A fixture case shown on a rule's page: the input that fails or passes it, as a user would write it. */
export interface FixtureExample {
  kind: ExampleKind;
  expect: 'fail' | 'pass';
  name: string;
  /** The text to show: HCL, a Resource Graph row as JSON, or manifest YAML. */
  code: string;
  language: 'hcl' | 'json' | 'yaml';
  /** Rule parameters the case sets in .azfence.yaml, shown beside it. */
  parameters?: Record<string, unknown>;
  /** HCL of the cluster a manifest case is judged with (its node pools), when the case has one. */
  companion?: string;
  /** CI pipeline files the case scans beside the plan or snapshot (the rule judges their commands). */
  pipelines?: Array<{ path: string; language: 'yaml' | 'sh'; code: string }>;
}

interface FixtureCase {
  name: string;
  expect: 'fail' | 'pass' | 'unknown';
  azurerm?: AzurermCase | AzurermCase[];
  azapi?: AzapiCase | AzapiCase[];
  snapshot?: Record<string, unknown> | Array<Record<string, unknown>>;
  manifests?: string;
  modules?: unknown;
  parameters?: Record<string, unknown>;
  /** Repository path -> file text: CI pipelines (workflows, azure-pipelines.yml, scripts). */
  pipelines?: Record<string, string>;
}

interface AzapiCase {
  type: string;
  name?: string;
  address?: string;
  body: Record<string, unknown>;
  /** azapi 1.x wrote body as a JSON string. */
  bodyAsString?: boolean;
  location?: string;
  parentId?: string;
}

interface AzurermCase {
  type: string;
  name?: string;
  address?: string;
  values: Record<string, unknown>;
  unknown?: string[];
  references?: Record<string, string[]>;
}

export const FIXTURE_RULES_DIR = join(PACKAGE_ROOT, 'fixtures', 'rules');

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function kindOf(fixture: FixtureCase): ExampleKind {
  return fixture.manifests !== undefined ? 'manifest' : fixture.azapi ? 'azapi' : fixture.azurerm ? 'terraform' : 'snapshot';
}

/** The first failing and the first passing case of each kind; a case without parameters and modules is preferred. */
export function loadRuleExamples(dir: string = FIXTURE_RULES_DIR): Map<string, FixtureExample[]> {
  const examples = new Map<string, FixtureExample[]>();
  if (!existsSync(dir)) return examples;
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort()) {
    const fixture = yaml().parse(readFileSync(join(dir, file), 'utf8')) as { rule: string; cases: FixtureCase[] };
    const chosen: FixtureExample[] = [];
    // azapi examples stand in for azurerm ones only for a rule whose resource azurerm does not have.
    const hasAzurerm = fixture.cases.some((c) => kindOf(c) === 'terraform');
    for (const kind of ['terraform', 'azapi', 'snapshot', 'manifest'] as const) {
      if (kind === 'azapi' && hasAzurerm) continue;
      for (const expect of ['fail', 'pass'] as const) {
        const candidates = fixture.cases.filter((c) => c.expect === expect && kindOf(c) === kind && !c.modules && [...asList(c.azurerm), ...asList(c.azapi)].every((r) => !r.address));
        const best = candidates.find((c) => !c.parameters) ?? candidates[0];
        if (best) chosen.push(example(best, kind, expect));
      }
    }
    examples.set(fixture.rule, chosen);
  }
  return examples;
}

function example(fixture: FixtureCase, kind: ExampleKind, expect: 'fail' | 'pass'): FixtureExample {
  const pipelines = Object.entries(fixture.pipelines ?? {}).map(([path, text]) => ({ path, language: /\.ya?ml$/.test(path) ? ('yaml' as const) : ('sh' as const), code: text.trimEnd() }));
  const base = { kind, expect, name: fixture.name, ...(fixture.parameters ? { parameters: fixture.parameters } : {}), ...(pipelines.length ? { pipelines } : {}) };
  if (kind === 'terraform') return { ...base, language: 'hcl', code: asList(fixture.azurerm).map(hclResource).join('\n\n') };
  if (kind === 'azapi') return { ...base, language: 'hcl', code: asList(fixture.azapi).map(azapiResource).join('\n\n') };
  if (kind === 'snapshot') return { ...base, language: 'json', code: compactJson(asList(fixture.snapshot).map(snapshotRow), '') };
  const cluster = asList(fixture.azurerm);
  return { ...base, language: 'yaml', code: fixture.manifests!.trimEnd(), ...(cluster.length ? { companion: cluster.map(hclResource).join('\n\n') } : {}) };
}

/** A row as `az graph query -o json` prints it (the columns the rules read). */
function snapshotRow(row: Record<string, unknown>, index: number): Record<string, unknown> {
  const type = String(row['type']);
  const name = String(row['name'] ?? `r${index}`);
  const [provider, ...rest] = type.split('/');
  const id = row['id'] ?? `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-fixture/providers/${provider}/${rest.join('/')}/${name}`;
  const { id: _id, name: _name, type: _type, ...columns } = row;
  return { id, name, type: type.toLowerCase(), ...columns };
}

/** JSON as a person writes it: small arrays and objects on one line, larger ones indented. */
function compactJson(value: unknown, indent: string): string {
  const flat = JSON.stringify(value);
  if (flat === undefined) return 'null';
  if (typeof value !== 'object' || value === null || indent.length + flat.length <= 100) return flat.replace(/([,:])(?=["[{0-9tfn-])/g, '$1 ');
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((item) => `${inner}${compactJson(item, inner)}`).join(',\n')}\n${indent}]`;
  return `{\n${Object.entries(value).map(([key, item]) => `${inner}${JSON.stringify(key)}: ${compactJson(item, inner)}`).join(',\n')}\n${indent}}`;
}

export type Segment = string | number;

/** A fixture's attribute path (`a.b[0].c`) as keys and indexes; the test fixtures read paths the same way. */
export function segmentsOf(path: string): Segment[] {
  const out: Segment[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(part)!;
    if (match[1]) out.push(match[1]);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}

/** An expression, written as is (a reference, a variable). */
class Expression {
  constructor(readonly text: string) {}
}

function setIn(target: Record<string, unknown>, segments: Segment[], value: unknown): void {
  let node: Record<string | number, unknown> = target;
  segments.forEach((segment, index) => {
    if (index === segments.length - 1) {
      node[segment] = value;
      return;
    }
    const next = node[segment];
    if (typeof next !== 'object' || next === null) node[segment] = typeof segments[index + 1] === 'number' ? [] : {};
    node = node[segment] as Record<string | number, unknown>;
  });
}

/** `[a.id, a]` as Terraform lists them: the most specific reference to each object. */
function referenceText(refs: readonly string[], isList: boolean): string {
  const specific = refs.filter((ref) => !refs.some((other) => other !== ref && other.startsWith(`${ref}.`)));
  return isList ? `[${specific.join(', ')}]` : specific.join(', ');
}

function hclResource(resource: AzurermCase): string {
  const body: Record<string, unknown> = structuredClone(resource.values);
  delete body['id'];
  // An attribute known only after apply is usually a reference to a resource of the same plan: the
  // reference is what the configuration says, so it wins over a variable standing for the unknown value.
  for (const path of resource.unknown ?? []) {
    const segments = segmentsOf(path);
    setIn(body, segments, new Expression(`var.${String(segments.filter((segment) => typeof segment === 'string').at(-1))} # known only after apply`));
  }
  for (const [path, refs] of Object.entries(resource.references ?? {})) {
    const segments = segmentsOf(path);
    const current = segments.reduce<unknown>((node, segment) => (node as Record<string | number, unknown> | undefined)?.[segment], resource.values);
    setIn(body, segments, new Expression(referenceText(refs, Array.isArray(current))));
  }
  return `resource "${resource.type}" "${resource.name ?? 'this'}" {\n${hclBody(body, '  ')}}`;
}

function azapiResource(resource: AzapiCase): string {
  const body = resource.bodyAsString ? new Expression(`jsonencode(${hclValue(resource.body, '  ')})`) : resource.body;
  const attributes: Record<string, unknown> = {
    type: resource.type,
    ...(typeof resource.body['name'] === 'string' ? { name: resource.body['name'] } : {}),
    parent_id: resource.parentId ?? new Expression('azurerm_resource_group.this.id'),
    ...(resource.location ? { location: resource.location } : {}),
  };
  const { name: _name, ...rest } = resource.bodyAsString ? {} : (body as Record<string, unknown>);
  const shown = resource.bodyAsString ? body : rest;
  return `resource "azapi_resource" "${resource.name ?? 'this'}" {\n${hclBody(attributes, '  ')}  body = ${hclValue(shown, '  ')}\n}`;
}

function isBlockList(value: unknown): value is Array<Record<string, unknown>> {
  return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item) && !(item instanceof Expression));
}

function hclBody(body: Record<string, unknown>, indent: string): string {
  const lines: string[] = [];
  const attributes = Object.entries(body).filter(([, value]) => !isBlockList(value));
  const blocks = Object.entries(body).filter(([, value]) => isBlockList(value));
  const width = Math.max(0, ...attributes.map(([key]) => key.length));
  for (const [key, value] of attributes) lines.push(`${indent}${key.padEnd(width)} = ${hclValue(value, indent)}`);
  for (const [key, value] of blocks) {
    for (const block of value as Array<Record<string, unknown>>) lines.push(`${lines.length ? '\n' : ''}${indent}${key} {\n${hclBody(block, `${indent}  `)}${indent}}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function hclValue(value: unknown, indent: string): string {
  if (value instanceof Expression) return value.text;
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((item) => hclValue(item, indent)).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([key, item]) => `${indent}  ${/^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key)} = ${hclValue(item, `${indent}  `)}`).join('\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** The Markdown section of a rule page. */
export function renderExamples(examples: readonly FixtureExample[]): string[] {
  if (examples.length === 0) return [];
  const out = ['', '## Examples', '', 'Each example is one of the rule\'s test cases: the test suite scans it and expects this verdict.'];
  const titles: Record<ExampleKind, string> = {
    terraform: 'Terraform (azurerm)',
    azapi: 'Terraform (azapi)',
    snapshot: 'Resource Graph snapshot (`az graph query -o json`, `azfence audit --snapshot-out`)',
    manifest: 'Kubernetes manifest',
  };
  for (const kind of ['terraform', 'azapi', 'snapshot', 'manifest'] as const) {
    const ofKind = examples.filter((example) => example.kind === kind);
    if (ofKind.length === 0) continue;
    out.push('', `### ${titles[kind]}`);
    for (const example of ofKind) {
      out.push('', `**${example.expect === 'fail' ? 'Fails' : 'Passes'}:** ${example.name}.`, '');
      if (example.parameters) out.push('With this `.azfence.yaml`:', '', '```yaml', yaml().stringify({ parameters: example.parameters }).trimEnd(), '```', '');
      if (example.companion) out.push('With the cluster in the same scan:', '', '```hcl', example.companion, '```', '');
      if (example.pipelines) {
        // The rule judges the pipelines' commands; the plan or snapshot is the estate they run against.
        for (const file of example.pipelines) out.push(`\`${file.path}\`:`, '', `\`\`\`${file.language}`, file.code, '```', '');
        out.push(`With the ${kind === 'snapshot' ? 'snapshot' : 'plan'} in the same scan:`, '');
      }
      out.push(`\`\`\`${example.language}`, example.code, '```');
    }
  }
  return out;
}
