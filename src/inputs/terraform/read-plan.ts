import { UserError } from '../../errors.js';
import { canonicalArmType } from '../../model/arm-types.js';
import { UNCLASSIFIED_TYPE, type Resource } from '../../model/resource.js';
import { isPlainObject } from '../../model/values.js';
import { normalizeAzapi } from './normalize-azapi.js';
import { isMappedAzurermType, normalizeAzurerm } from './normalize-azurerm.js';
import { readPlanned, type PlannedValue } from './plan-values.js';
import { buildPlanContext, readModuleConfig, type PlanContext } from './plan-context.js';
import { moduleSourcesOf } from './module-sources.js';
import { LOAD_CHANGE } from './change-entries.js';
import { providerMajors } from './provider-versions.js';
import { isWriterType } from './mappings-writers.js';
import { readOverlay } from './read-overlay.js';
import type { Overlay } from '../../model/overlay.js';
import { a, changeEntryProblem, entryLabel, isDeposed, kindOf, plannedResourceProblem } from './plan-entries.js';
import type { PlanSource } from './plan-source.js';
import { sameJson } from '../json-equal.js';
import { AZAPI_NOTATION } from './notation.js';
import { notationForType } from './notation-kubernetes.js';

/** Types a rule reads, so the reader normalizes them, and types that write to them; every other resource is only counted. */
export function isReadType(terraformType: string): boolean {
  return terraformType === 'azapi_resource' || isMappedAzurermType(terraformType) || isWriterType(terraformType);
}

export function looksLikePlan(json: unknown): json is Record<string, unknown> {
  return isPlainObject(json) && typeof json['format_version'] === 'string' && ('planned_values' in json || 'resource_changes' in json || 'terraform_version' in json);
}

interface PlanResourceEntry {
  /** Where the entry is: its index in resource_changes, or -1 for a resource only planned_values lists. */
  index: number;
  address: string;
  type: string;
  name: string;
  mode: string;
  moduleAddress?: string;
  planned: PlannedValue;
}

/** How an entry is named in an error: its place in resource_changes, or the planned_values resource. */
function labelOf(entry: PlanResourceEntry): string {
  return entry.index === -1 ? `planned_values resource ${entry.address}` : entryLabel(entry.index, entry.address);
}

function plannedOfChange(change: unknown): PlannedValue {
  const detail = isPlainObject(change) && isPlainObject(change['change']) ? change['change'] : {};
  return { value: detail['after'], unknown: detail['after_unknown'], sensitive: detail['after_sensitive'] };
}

export interface PlanReadResult {
  resources: Resource[];
  /** References between this plan's resources, for the resource graph. */
  context: PlanContext;
  /** Resources read but of types no rule reads (e.g. random_string, azurerm_role_assignment). */
  unmapped: number;
  /** Resources whose shape broke expectations: they are reported, never silently skipped. */
  problems: string[];
  /** Resources that change other resources' properties (src/model/overlay.ts), applied before rules run. */
  overlays: Overlay[];
}

function moduleOf(address: string): string | undefined {
  const match = /^((?:module\.[^.[]+(?:\[[^\]]*\])?\.)*)(?:data\.)?[^.]+\.[^.]+$/.exec(address);
  const prefix = match?.[1];
  return prefix ? prefix.slice(0, -1) : undefined;
}

/** configuration.root_module and its module_calls, keyed by configuration address (no instance keys). */
function collectConfiguration(module: unknown, prefix: string, into: Map<string, Record<string, unknown>>, depth = 0): void {
  if (!isPlainObject(module) || depth > 100) return;
  const resources = module['resources'];
  if (Array.isArray(resources)) {
    for (const resource of resources) {
      if (!isPlainObject(resource) || typeof resource['address'] !== 'string') continue;
      into.set(`${prefix}${resource['address']}`, isPlainObject(resource['expressions']) ? resource['expressions'] : {});
    }
  }
  const calls = module['module_calls'];
  if (isPlainObject(calls)) {
    for (const [name, call] of Object.entries(calls)) {
      if (isPlainObject(call)) collectConfiguration(call['module'], `${prefix}module.${name}.`, into, depth + 1);
    }
  }
}

/**
 * The references each attribute's expression makes (`azurerm_private_dns_zone.acr.id`, `module.net.subnet_id`),
 * keyed by attribute path (`private_dns_zone_group[0].private_dns_zone_ids`). Constant values are not kept:
 * a literal in the configuration may be a secret.
 */
export function referencesOf(expressions: Record<string, unknown>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (node: unknown, path: string, depth: number): void => {
    if (depth > 50) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1));
      return;
    }
    if (!isPlainObject(node)) return;
    if (Array.isArray(node['references'])) {
      out.set(path, node['references'].filter((ref): ref is string => typeof ref === 'string'));
      return;
    }
    if ('constant_value' in node) return;
    for (const [key, value] of Object.entries(node)) walk(value, path ? `${path}.${key}` : key, depth + 1);
  };
  walk(expressions, '', 0);
  return out;
}

/** `module.a["x"].azurerm_b.c[0]` -> `module.a.azurerm_b.c`: the block in the configuration. */
export function configurationAddress(address: string): string {
  return address.replace(/\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]/g, '');
}

/**
 * Reads a plan from whichever source holds it (plan-source.ts): its entries are checked, deduplicated and
 * normalized here, one at a time as the source hands them over, so a streamed plan's entries are garbage as
 * soon as they are read. An entry Terraform could not have written (plan-entries.ts) is a problem, never
 * skipped in silence; an address listed twice is read once when both entries say the same thing (some
 * tools repeat module resources) and is a problem when they differ. Problems are listed in one order
 * whatever the source: the entries' shapes, planned_values', the configuration's, then each resource's.
 */
export function readPlan(source: PlanSource, file: string): PlanReadResult {
  const changesKind = source.changesKind;
  if (changesKind !== 'absent' && changesKind !== 'list') throw new UserError('is not a valid Terraform plan: resource_changes is not a list', file);
  const shapeProblems: string[] = [];
  const normalizer = planNormalizer(source, file);
  /** Every address resource_changes lists, with what to compare a second entry for it with. */
  const listed = new Map<string, unknown>();
  /** Addresses that exist after apply: planned_values is read only for others. */
  const kept = new Set<string>();
  let readsAny = false;
  source.eachChange((change, index) => {
    const problem = changeEntryProblem(change, index);
    if (problem) {
      shapeProblems.push(problem);
      return;
    }
    const record = change as Record<string | symbol, unknown>;
    // A deposed object is the old instance a create-before-destroy replacement removes: it is not there after apply.
    if (isDeposed(record)) return;
    const address = record['address'] as string;
    if (listed.has(address)) {
      if (!source.same(listed.get(address), change)) shapeProblems.push(`${entryLabel(index, address)}: the plan lists this address more than once, with different values`);
      return;
    }
    listed.set(address, source.memo(change));
    const actions = (record['change'] as Record<string, unknown>)['actions'];
    // A resource that is only being destroyed will not exist after apply: nothing to check.
    if (Array.isArray(actions) && actions.length === 1 && actions[0] === 'delete') return;
    kept.add(address);
    const type = record['type'] as string;
    if (!isReadType(type)) {
      normalizer.unmapped++;
      return;
    }
    readsAny = true;
    const load = record[LOAD_CHANGE] as (() => unknown) | undefined;
    const entry: PlanResourceEntry = {
      index,
      address,
      type,
      name: String(record['name'] ?? ''),
      mode: typeof record['mode'] === 'string' ? record['mode'] : 'managed',
      planned: plannedOfChange(load ? load() : change),
    };
    if (typeof record['module_address'] === 'string') entry.moduleAddress = record['module_address'];
    normalizer.read(entry);
  });
  const planned = plannedEntries(source, kept, shapeProblems);
  if (planned.some((entry) => isReadType(entry.type))) readsAny = true;
  // Resources created in the plan refer to each other through the configuration (their ids are unknown):
  // without it, a link known only after apply could not be followed and would read as missing.
  const configurationKind = kindOf(source.head['configuration']);
  if (configurationKind !== 'object' && readsAny) {
    shapeProblems.push(configurationKind === 'absent' ? 'has no configuration, so references between the resources it creates cannot be followed' : `configuration is ${a(configurationKind)}, not an object, so references between the resources it creates cannot be followed`);
  }
  for (const entry of planned) {
    if (isReadType(entry.type)) normalizer.read(entry);
    else normalizer.unmapped++;
  }
  return normalizer.finish(shapeProblems);
}

/**
 * planned_values alone (no resource_changes) still describes the planned state; it marks sensitive values
 * in `sensitive_values` and omits unknown ones. It is read only for resources resource_changes does not list.
 */
function plannedEntries(source: PlanSource, kept: ReadonlySet<string>, problems: string[]): PlanResourceEntry[] {
  const plannedKind = source.plannedKind;
  if (plannedKind !== 'object' && plannedKind !== 'absent') problems.push(`planned_values is ${a(plannedKind)}, not an object`);
  const plannedResources = source.plannedResources((address) => kept.has(address));
  const addressOf = (resource: unknown): string | undefined => (isPlainObject(resource) && typeof resource['address'] === 'string' && resource['address'] !== '' ? resource['address'] : undefined);
  const outside = (resource: unknown): boolean => {
    const address = addressOf(resource);
    return address !== undefined && !kept.has(address);
  };
  if (!plannedResources.some(outside)) return [];
  const read = new Map<string, Record<string, unknown>>();
  for (const resource of plannedResources) {
    const address = addressOf(resource);
    if (address !== undefined && kept.has(address)) continue;
    const problem = plannedResourceProblem(resource);
    if (problem) {
      problems.push(problem);
      continue;
    }
    const record = resource as Record<string, unknown>;
    const earlier = read.get(address!);
    if (earlier) {
      if (!sameJson(earlier, record)) problems.push(`planned_values lists ${address} more than once, with different values`);
      continue;
    }
    read.set(address!, record);
  }
  // planned_values leaves out what is known only after apply: without resource_changes to say which values
  // those are, they would read as absent and take their defaults.
  if (source.changesKind === 'absent' && read.size > 0) problems.push('has no resource_changes, so values known only after apply cannot be told from absent ones (planned_values leaves them out); scan the output of terraform show -json <plan file>');
  const entries: PlanResourceEntry[] = [];
  for (const [address, resource] of read) {
    const moduleAddress = moduleOf(address);
    entries.push({
      index: -1,
      address,
      type: resource['type'] as string,
      name: String(resource['name'] ?? ''),
      mode: typeof resource['mode'] === 'string' ? resource['mode'] : 'managed',
      ...(moduleAddress ? { moduleAddress } : {}),
      planned: { value: resource['values'], unknown: undefined, sensitive: resource['sensitive_values'] },
    });
  }
  return entries;
}

/** Normalizes entries of a type a rule reads into resources and overlays, as readPlan hands them over. */
function planNormalizer(planSource: PlanSource, file: string) {
  const head = planSource.head;
  const configuration = new Map<string, Record<string, unknown>>();
  const rootConfig = isPlainObject(head['configuration']) ? head['configuration']['root_module'] : undefined;
  collectConfiguration(rootConfig, '', configuration);
  const resources: Resource[] = [];
  const problems: string[] = [];
  // Every instance of a configuration block (a for_each over thousands of keys) makes the same references: one read-only map per block.
  const referencesByBlock = new Map<Record<string, unknown>, Map<string, string[]>>();
  const referencesFor = (expressions: Record<string, unknown>): Map<string, string[]> => {
    let references = referencesByBlock.get(expressions);
    if (!references) referencesByBlock.set(expressions, (references = referencesOf(expressions)));
    return references;
  };
  const overlays: Overlay[] = [];
  const azurermMajors = providerMajors(head, 'azurerm');
  const state = {
    unmapped: 0,
    read(entry: PlanResourceEntry): void {
      if (entry.mode !== 'managed' && entry.mode !== 'data') return;
      let normalized;
      const expressions = configuration.get(configurationAddress(entry.address));
      const planned = entry.planned;
      // Without the block's configuration, assume everything is configured: unknown stays unknown.
      const configured = expressions ? (attribute: string) => attribute in expressions : undefined;
      if (isWriterType(entry.type)) {
        if (entry.mode !== 'managed') return;
        try {
          const overlay = readOverlay(entry.type, planned, configured ?? (() => true), azurermMajors);
          if (overlay) overlays.push(writerOf(overlay, entry, file, planSource.positionOf(entry.address), expressions ? referencesFor(expressions) : undefined));
        } catch (error) {
          problems.push(`${labelOf(entry)}: ${(error as Error).message}`);
        }
        return;
      }
      try {
        normalized = entry.type === 'azapi_resource' ? normalizeAzapi(planned) : normalizeAzurerm(entry.type, planned, configured, azurermMajors);
      } catch (error) {
        problems.push(`${labelOf(entry)}: ${(error as Error).message}`);
        return;
      }
      if (!normalized) {
        state.unmapped++;
        return;
      }
      const position = planSource.positionOf(entry.address);
      // Built field by field, not by spreading conditional objects: this runs once per resource of a plan.
      const azapi = entry.type === 'azapi_resource';
      const source: Resource['source'] = { kind: 'plan', dialect: azapi ? 'azapi' : 'azurerm', file, address: entry.address, terraformType: entry.type, managed: entry.mode === 'managed', notation: azapi ? AZAPI_NOTATION : notationForType(entry.type) };
      if (entry.moduleAddress) source.module = entry.moduleAddress;
      if (position) {
        source.line = position.line;
        source.column = position.column;
      }
      if ('unclassified' in normalized) {
        resources.push({ key: `${file}#${entry.address}`, armType: UNCLASSIFIED_TYPE, name: entry.name, body: {}, source, unclassified: normalized.unclassified });
        return;
      }
      const resourceGroup = readPlanned(planned, 'resource_group_name').value;
      if (typeof resourceGroup === 'string' && normalized.body['resourceGroup'] === undefined) normalized.body['resourceGroup'] = resourceGroup;
      // Kubernetes resources are named in their metadata (kubernetes_deployment.metadata[0].name, manifest.metadata.name).
      const metadata = normalized.body['metadata'];
      const name = readPlanned(planned, 'name').value ?? (isPlainObject(metadata) ? metadata['name'] : undefined);
      const location = readPlanned(planned, 'location').value;
      const id = readPlanned(planned, 'id').value;
      if (typeof id === 'string' && id !== '') source.id = id;
      const resource: Resource = { key: `${file}#${entry.address}`, armType: canonicalArmType(normalized.armType), name: typeof name === 'string' ? name : entry.name, body: normalized.body, source };
      if (typeof location === 'string') resource.location = location;
      if (normalized.attributeOf) resource.attributeOf = normalized.attributeOf;
      if (expressions) resource.references = referencesFor(expressions);
      resources.push(resource);
    },
    finish(shapeProblems: string[]): PlanReadResult {
      const root = readModuleConfig(rootConfig);
      const context: PlanContext = { ...buildPlanContext(file, root, resources, configurationAddress), moduleSources: moduleSourcesOf(rootConfig) };
      return { resources, unmapped: state.unmapped, problems: [...shapeProblems, ...problems], context, overlays };
    },
  };
  return state;
}

/** The writer of an overlay as a resource: where it is, and the references its configuration makes. */
function writerOf(read: ReturnType<typeof readOverlay> & object, entry: PlanResourceEntry, file: string, position: { line: number; column: number } | undefined, references: Map<string, string[]> | undefined): Overlay {
  const { attributeOf, ...overlay } = read;
  const azapi = entry.type.startsWith('azapi_');
  const source: Resource['source'] = { kind: 'plan', dialect: azapi ? 'azapi' : 'azurerm', file, address: entry.address, terraformType: entry.type, managed: true, notation: azapi ? AZAPI_NOTATION : notationForType(entry.type) };
  if (entry.moduleAddress) source.module = entry.moduleAddress;
  if (position) {
    source.line = position.line;
    source.column = position.column;
  }
  const writer: Resource = { key: `${file}#${entry.address}`, armType: overlay.target.armType ? canonicalArmType(overlay.target.armType) : entry.type, name: entry.name, body: {}, source };
  if (attributeOf) writer.attributeOf = attributeOf;
  if (references) writer.references = references;
  return { ...overlay, writer };
}
