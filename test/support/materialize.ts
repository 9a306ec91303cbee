/**
 * Builds real input files from compact fixture cases: a Terraform plan in the exact shape of
 * `terraform show -json` (resource_changes with after/after_unknown/after_sensitive, planned_values,
 * configuration), or a Resource Graph snapshot as `az graph query -o json` writes it.
 */
import { segmentsOf, type Segment } from '../../src/cli/rule-examples.js';

export interface AzurermCase {
  type: string;
  name?: string;
  address?: string;
  values: Record<string, unknown>;
  /** Attribute paths known only after apply (dots and [n]), removed from `after`. */
  unknown?: string[];
  /** Attribute paths Terraform marks sensitive: kept in `after`, as Terraform does, and flagged. */
  sensitive?: string[];
  /** Attribute path -> the references its expression makes (`azurerm_private_dns_zone.acr.id`). */
  references?: Record<string, string[]>;
  /** for_each references (`each.value` then resolves through them). */
  forEach?: string[];
}

export interface AzapiCase {
  type: string;
  name?: string;
  address?: string;
  body: Record<string, unknown>;
  /** azapi 1.x wrote body as a JSON string. */
  bodyAsString?: boolean;
  /** Paths inside body known only after apply. */
  unknown?: string[];
  location?: string;
  /** parent_id as a known id; leave out and set parentReferences for a parent created in the same plan. */
  parentId?: string;
  parentReferences?: string[];
  /** References the body expression makes. */
  bodyReferences?: string[];
}

/** Module calls: inputs (variable -> references) and outputs (output -> references), by call name. */
export type ModuleCalls = Record<string, { inputs?: Record<string, string[]>; outputs?: Record<string, string[]> }>;

export type SnapshotRow = Record<string, unknown>;

function setIn(target: Record<string, unknown> | unknown[], segments: Segment[], value: unknown): void {
  let node: Record<string, unknown> | unknown[] = target;
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (last) {
      (node as Record<string | number, unknown>)[segment] = value;
      return;
    }
    const next = (node as Record<string | number, unknown>)[segment];
    if (typeof next !== 'object' || next === null) {
      (node as Record<string | number, unknown>)[segment] = typeof segments[i + 1] === 'number' ? [] : {};
    }
    node = (node as Record<string | number, unknown>)[segment] as Record<string, unknown>;
  });
}

function deleteIn(target: Record<string, unknown>, segments: Segment[]): void {
  let node: unknown = target;
  for (const segment of segments.slice(0, -1)) node = (node as Record<string | number, unknown> | undefined)?.[segment];
  if (node && typeof node === 'object') delete (node as Record<string | number, unknown>)[segments[segments.length - 1]!];
}

function constantExpressions(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) out[key] = { constant_value: value };
  return out;
}

interface PlanResource {
  address: string;
  type: string;
  name: string;
  forEach?: string[];
  after: Record<string, unknown>;
  afterUnknown: Record<string, unknown>;
  afterSensitive: Record<string, unknown>;
  expressions: Record<string, unknown>;
}

/** The Terraform name of an address's last block: `module.a.azurerm_b.c["k"]` -> c. */
function nameOf(address: string | undefined): string | undefined {
  return address ? configPlace(address).local.split('.')[1] : undefined;
}

function fromAzurerm(fixture: AzurermCase, index: number): PlanResource {
  const name = fixture.name ?? nameOf(fixture.address) ?? `r${index}`;
  const after = structuredClone(fixture.values);
  const afterUnknown: Record<string, unknown> = { id: true };
  const afterSensitive: Record<string, unknown> = {};
  const expressions = constantExpressions(fixture.values);
  const referenced = new Set(Object.keys(fixture.references ?? {}).map((path) => String(segmentsOf(path)[0])));
  for (const path of fixture.unknown ?? []) {
    const segments = segmentsOf(path);
    deleteIn(after, segments);
    setIn(afterUnknown, segments, true);
    // An unknown value comes from a reference in the configuration; the case may name it.
    if (!referenced.has(String(segments[0]))) expressions[String(segments[0])] = { references: ['var.unknown_at_plan'] };
  }
  // A block whose attributes carry references is written as a block in the configuration.
  for (const top of referenced) {
    const value = fixture.values[top];
    if (Array.isArray(value) && value.every((item) => item && typeof item === 'object')) {
      expressions[top] = value.map((item) => constantExpressions(item as Record<string, unknown>));
    }
  }
  for (const path of fixture.sensitive ?? []) setIn(afterSensitive, segmentsOf(path), true);
  for (const [path, refs] of Object.entries(fixture.references ?? {})) setIn(expressions, segmentsOf(path), { references: refs });
  return { address: fixture.address ?? `${fixture.type}.${name}`, type: fixture.type, name, after, afterUnknown, afterSensitive, expressions, ...(fixture.forEach ? { forEach: fixture.forEach } : {}) };
}

function fromAzapi(fixture: AzapiCase, index: number): PlanResource {
  const name = fixture.name ?? nameOf(fixture.address) ?? `r${index}`;
  const body = structuredClone(fixture.body);
  const afterUnknown: Record<string, unknown> = { id: true, output: true };
  if (fixture.bodyAsString && (fixture.unknown ?? []).length > 0) afterUnknown['body'] = true;
  else {
    for (const path of fixture.unknown ?? []) {
      const segments = segmentsOf(path);
      deleteIn(body, segments);
      setIn(afterUnknown, ['body', ...segments], true);
    }
  }
  const after: Record<string, unknown> = {
    type: fixture.type,
    name,
    location: fixture.location ?? 'westeurope',
  };
  if (fixture.parentReferences) afterUnknown['parent_id'] = true;
  else after['parent_id'] = fixture.parentId ?? '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-fixture';
  if (!(fixture.bodyAsString && afterUnknown['body'] === true)) after['body'] = fixture.bodyAsString ? JSON.stringify(body) : body;
  return {
    address: fixture.address ?? `azapi_resource.${name}`,
    type: 'azapi_resource',
    name,
    after,
    afterUnknown,
    afterSensitive: {},
    expressions: {
      ...constantExpressions({ type: fixture.type, name }),
      ...(fixture.parentReferences ? { parent_id: { references: fixture.parentReferences } } : {}),
      ...(fixture.bodyReferences ? { body: { references: fixture.bodyReferences } } : {}),
    },
  };
}

/** `module.a["x"].azurerm_b.c` -> ['a'], 'azurerm_b.c' (instance keys dropped: configuration has none). */
function configPlace(address: string): { calls: string[]; local: string } {
  const calls: string[] = [];
  let rest = address;
  for (let match = /^module\.([^.[]+)(?:\[[^\]]*\])?\./.exec(rest); match; match = /^module\.([^.[]+)(?:\[[^\]]*\])?\./.exec(rest)) {
    calls.push(match[1]!);
    rest = rest.slice(match[0].length);
  }
  return { calls, local: rest.replace(/\[[^\]]*\]$/, '') };
}

export function buildPlan(resources: { azurerm?: AzurermCase[]; azapi?: AzapiCase[]; modules?: ModuleCalls; providers?: Record<string, string> }): Record<string, unknown> {
  const all = [...(resources.azurerm ?? []).map(fromAzurerm), ...(resources.azapi ?? []).map(fromAzapi)];
  type ModuleNode = { resources: unknown[]; module_calls: Record<string, { source: string; expressions: Record<string, unknown>; module: ModuleNode & { outputs?: Record<string, unknown> } }> };
  const rootConfig: ModuleNode = { resources: [], module_calls: {} };
  const seenConfig = new Set<string>();
  for (const r of all) {
    const { calls, local } = configPlace(r.address);
    let node = rootConfig;
    for (const call of calls) {
      const spec = resources.modules?.[call];
      // Defined, not assigned: a call named `__proto__` must be a key like any other (hostile tests use one).
      if (!Object.hasOwn(node.module_calls, call)) {
        Object.defineProperty(node.module_calls, call, {
          enumerable: true,
          writable: true,
          configurable: true,
          value: {
            source: `./modules/${call}`,
            expressions: Object.fromEntries(Object.entries(spec?.inputs ?? {}).map(([name, refs]) => [name, { references: refs }])),
            module: { resources: [], module_calls: {}, outputs: Object.fromEntries(Object.entries(spec?.outputs ?? {}).map(([name, refs]) => [name, { expression: { references: refs } }])) },
          },
        });
      }
      node = node.module_calls[call]!.module;
    }
    const configKey = `${calls.join('/')}|${local}`;
    if (seenConfig.has(configKey)) continue;
    seenConfig.add(configKey);
    node.resources.push({
      address: local,
      mode: 'managed',
      type: r.type,
      name: r.name,
      provider_config_key: r.type.split('_')[0],
      expressions: r.expressions,
      schema_version: 0,
      ...(r.forEach ? { for_each_expression: { references: r.forEach } } : {}),
    });
  }
  const provider = (type: string) => `registry.terraform.io/${type === 'azapi_resource' ? 'azure/azapi' : type.startsWith('kubernetes_') ? 'hashicorp/kubernetes' : 'hashicorp/azurerm'}`;
  return {
    format_version: '1.2',
    terraform_version: '1.9.4',
    planned_values: {
      root_module: {
        resources: all.map((r) => ({
          address: r.address,
          mode: 'managed',
          type: r.type,
          name: r.name,
          provider_name: provider(r.type),
          schema_version: 0,
          values: r.after,
          sensitive_values: r.afterSensitive,
        })),
      },
    },
    resource_changes: all.map((r) => ({
      address: r.address,
      mode: 'managed',
      type: r.type,
      name: r.name,
      provider_name: provider(r.type),
      change: { actions: ['create'], before: null, after: r.after, after_unknown: r.afterUnknown, before_sensitive: false, after_sensitive: r.afterSensitive },
    })),
    configuration: {
      ...(resources.providers
        ? { provider_config: Object.fromEntries(Object.entries(resources.providers).map(([name, constraint]) => [name, { name, full_name: `registry.terraform.io/hashicorp/${name}`, version_constraint: constraint }])) }
        : {}),
      root_module: rootConfig,
    },
    timestamp: '2026-11-01T00:00:00Z',
    applyable: true,
    complete: true,
    errored: false,
  };
}

const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

/** A row as Resource Graph returns it: lower-case type, subscription and group columns, camelCase properties. */
export function snapshotRow(row: SnapshotRow, index: number): SnapshotRow {
  const type = String(row['type']);
  const name = String(row['name'] ?? `r${index}`);
  const providerAndType = type.split('/');
  const id = String(row['id'] ?? `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-fixture/providers/${providerAndType[0]}/${providerAndType.slice(1).join('/')}/${name}`);
  // `omit` lists columns a query projected away (`| project id, name, type`).
  const { omit, ...rest } = row as SnapshotRow & { omit?: string[] };
  const full: SnapshotRow = { id, name, type: type.toLowerCase(), location: 'westeurope', subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-fixture', tags: {}, sku: null, properties: {}, ...rest, ...{ id, name, type: type.toLowerCase() } };
  for (const column of omit ?? []) delete full[column];
  return full;
}

export function buildSnapshot(rows: SnapshotRow[]): Record<string, unknown> {
  const data = rows.map(snapshotRow);
  return { count: data.length, data, skip_token: null, total_records: data.length };
}
