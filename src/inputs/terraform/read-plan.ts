import { UserError } from '../../errors.js';
import { canonicalArmType } from '../../model/arm-types.js';
import { UNCLASSIFIED_TYPE, type Resource } from '../../model/resource.js';
import { isPlainObject } from '../../model/values.js';
import { locateStringValues } from '../parse-json.js';
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
import { a, changeEntryProblem, entryLabel, indexOfEntry, isDeposed, kindOf, plannedResourceProblem, sameEntry, type JsonKind } from './plan-entries.js';
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
  /** A function for entries parsed only when they are normalized (src/inputs/terraform/plan-members.ts). */
  planned: PlannedValue | (() => PlannedValue);
}

/** How an entry is named in an error: its place in resource_changes, or the planned_values resource. */
function labelOf(entry: PlanResourceEntry): string {
  return entry.index === -1 ? `planned_values resource ${entry.address}` : entryLabel(entry.index, entry.address);
}

/** Stands for the entries of a mode whose type no rule reads: readPlan counts them and looks no further. */
const notReadEntries = new Map<string, PlanResourceEntry>();
function notReadEntry(mode: string): PlanResourceEntry {
  let entry = notReadEntries.get(mode);
  if (!entry) {
    entry = { index: -1, address: '', type: '', name: '', mode, planned: { value: undefined, unknown: undefined, sensitive: undefined } };
    if (notReadEntries.size < 100) notReadEntries.set(mode, entry);
  }
  return entry;
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

/** planned_values lists resources per module, in root_module and nested child_modules. */
function collectPlannedResources(module: unknown, into: unknown[], depth = 0): void {
  if (!isPlainObject(module) || depth > 100) return;
  const resources = module['resources'];
  if (Array.isArray(resources)) for (const resource of resources) into.push(resource);
  const children = module['child_modules'];
  if (Array.isArray(children)) for (const childModule of children) collectPlannedResources(childModule, into, depth + 1);
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
 * The entries readPlan normalizes, one per address. An entry Terraform could not have written (see
 * plan-entries.ts) is a problem, never skipped in silence; an address listed twice is read once when both
 * entries say the same thing (some tools repeat module resources) and is a problem when they differ.
 */
function entriesOf(plan: Record<string, unknown>, file: string, deferred: DeferredPlannedValues | undefined, problems: string[]): PlanResourceEntry[] {
  const entries = new Map<string, PlanResourceEntry>();
  const listed = new Map<string, unknown>();
  const changes = plan['resource_changes'];
  if (changes !== undefined && !Array.isArray(changes)) throw new UserError('is not a valid Terraform plan: resource_changes is not a list', file);
  ((changes ?? []) as unknown[]).forEach((change, position) => {
    const index = indexOfEntry(change, position);
    const problem = changeEntryProblem(change, index);
    if (problem) {
      problems.push(problem);
      return;
    }
    const record = change as Record<string, unknown>;
    // A deposed object is the old instance a create-before-destroy replacement removes: it is not there after apply.
    if (isDeposed(record)) return;
    const address = record['address'] as string;
    if (listed.has(address)) {
      if (!sameEntry(listed.get(address), change)) problems.push(`${entryLabel(index, address)}: the plan lists this address more than once, with different values`);
      return;
    }
    listed.set(address, change);
    const type = record['type'] as string;
    const detail = record['change'] as Record<string, unknown>;
    const actions = Array.isArray(detail['actions']) ? (detail['actions'] as string[]) : [];
    // A resource that is only being destroyed will not exist after apply: nothing to check.
    if (actions.length === 1 && actions[0] === 'delete') return;
    const mode = typeof record['mode'] === 'string' ? record['mode'] : 'managed';
    if (!isReadType(type)) {
      // Only counted, by mode: one shared record per mode instead of one per entry (most of a plan).
      entries.set(address, notReadEntry(mode));
      return;
    }
    const load = (change as { [LOAD_CHANGE]?: () => unknown })[LOAD_CHANGE];
    const entry: PlanResourceEntry = {
      index,
      address,
      type,
      name: String(record['name'] ?? ''),
      mode,
      planned: load ? () => plannedOfChange(load()) : plannedOfChange(change),
    };
    if (typeof record['module_address'] === 'string') entry.moduleAddress = record['module_address'];
    entries.set(address, entry);
  });
  // planned_values alone (no resource_changes) still describes the planned state; it marks sensitive values
  // in `sensitive_values` and omits unknown ones. It is read only for resources resource_changes does not list.
  let planned = plan['planned_values'];
  const plannedKind = planned === undefined && deferred ? deferred.kind : kindOf(planned);
  if (plannedKind !== 'object' && plannedKind !== 'absent') problems.push(`planned_values is ${a(plannedKind)}, not an object`);
  if (planned === undefined && deferred && deferred.namesAddressOutside((address) => entries.has(address))) planned = deferred.parse();
  const plannedResources: unknown[] = [];
  collectPlannedResources(isPlainObject(planned) ? planned['root_module'] : undefined, plannedResources);
  const addressOf = (resource: unknown): string | undefined => (isPlainObject(resource) && typeof resource['address'] === 'string' && resource['address'] !== '' ? resource['address'] : undefined);
  const outside = (resource: unknown): boolean => {
    const address = addressOf(resource);
    return address !== undefined && !entries.has(address);
  };
  if (!plannedResources.some(outside)) return [...entries.values()];
  const read = new Map<string, Record<string, unknown>>();
  for (const resource of plannedResources) {
    const address = addressOf(resource);
    if (address !== undefined && entries.has(address)) continue;
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
  if (changes === undefined && read.size > 0) problems.push('has no resource_changes, so values known only after apply cannot be told from absent ones (planned_values leaves them out); scan the output of terraform show -json <plan file>');
  for (const [address, resource] of read) {
    const moduleAddress = moduleOf(address);
    entries.set(address, {
      index: -1,
      address,
      type: resource['type'] as string,
      name: String(resource['name'] ?? ''),
      mode: typeof resource['mode'] === 'string' ? resource['mode'] : 'managed',
      ...(moduleAddress ? { moduleAddress } : {}),
      planned: { value: resource['values'], unknown: undefined, sensitive: resource['sensitive_values'] },
    });
  }
  return [...entries.values()];
}

/**
 * `text` is the document, to find each resource's line; a streamed read (src/inputs/stream) passes the
 * positions it recorded instead, since the document was never one string. `plannedValues`: planned_values
 * left unparsed (src/inputs/terraform/plan-members.ts), read only if it adds resources.
 */
/**
 * planned_values, parsed only if it lists a resource that resource_changes does not: `terraform show -json`
 * lists every planned resource in resource_changes (no-ops included), so planned_values is read in full
 * only for plans written without it (or by other tools).
 */
export interface DeferredPlannedValues {
  /**
   * Whether planned_values names a resource address `known` does not hold. Its `"address"` strings are
   * found without parsing it (a superset: attributes named address count too); module addresses are not resources.
   */
  namesAddressOutside(known: (address: string) => boolean): boolean;
  parse(): unknown;
  /** The JSON type of planned_values (an object, in a plan Terraform wrote). */
  kind: JsonKind;
}

/** Where a resource's entry is in its file, by address. */
export interface PositionLookup {
  get(address: string): { line: number; column: number } | undefined;
}

export function readPlan(
  plan: Record<string, unknown>,
  file: string,
  text: string | PositionLookup,
  plannedValues?: DeferredPlannedValues,
): PlanReadResult {
  const problems: string[] = [];
  const entries = entriesOf(plan, file, plannedValues, problems);
  const configuration = new Map<string, Record<string, unknown>>();
  collectConfiguration(isPlainObject(plan['configuration']) ? plan['configuration']['root_module'] : undefined, '', configuration);
  // Resources created in the plan refer to each other through the configuration (their ids are unknown):
  // without it, a link known only after apply could not be followed and would read as missing.
  const configurationKind = kindOf(plan['configuration']);
  if (configurationKind !== 'object' && entries.some((entry) => isReadType(entry.type))) {
    problems.push(configurationKind === 'absent' ? 'has no configuration, so references between the resources it creates cannot be followed' : `configuration is ${a(configurationKind)}, not an object, so references between the resources it creates cannot be followed`);
  }
  const lines = typeof text === 'string' ? locateStringValues(text, 'address', Math.max(text.indexOf('"resource_changes"'), 0)) : text;
  const resources: Resource[] = [];
  // Every instance of a configuration block (a for_each over thousands of keys) makes the same references: one read-only map per block.
  const referencesByBlock = new Map<Record<string, unknown>, Map<string, string[]>>();
  const referencesFor = (expressions: Record<string, unknown>): Map<string, string[]> => {
    let references = referencesByBlock.get(expressions);
    if (!references) referencesByBlock.set(expressions, (references = referencesOf(expressions)));
    return references;
  };
  const overlays: Overlay[] = [];
  let unmapped = 0;
  const azurermMajors = providerMajors(plan, 'azurerm');
  for (const entry of entries) {
    if (entry.mode !== 'managed' && entry.mode !== 'data') continue;
    if (!isReadType(entry.type)) {
      unmapped++;
      continue;
    }
    let normalized;
    const expressions = configuration.get(configurationAddress(entry.address));
    // Outside the try: an entry that does not parse is a broken file (exit 2), not one resource's problem.
    const planned = typeof entry.planned === 'function' ? entry.planned() : entry.planned;
    // Without the block's configuration, assume everything is configured: unknown stays unknown.
    const configured = expressions ? (attribute: string) => attribute in expressions : undefined;
    if (isWriterType(entry.type)) {
      if (entry.mode !== 'managed') continue;
      try {
        const overlay = readOverlay(entry.type, planned, configured ?? (() => true), azurermMajors);
        if (overlay) overlays.push(writerOf(overlay, entry, file, lines.get(entry.address), expressions ? referencesFor(expressions) : undefined));
      } catch (error) {
        problems.push(`${labelOf(entry)}: ${(error as Error).message}`);
      }
      continue;
    }
    try {
      normalized = entry.type === 'azapi_resource' ? normalizeAzapi(planned) : normalizeAzurerm(entry.type, planned, configured, azurermMajors);
    } catch (error) {
      problems.push(`${labelOf(entry)}: ${(error as Error).message}`);
      continue;
    }
    if (!normalized) {
      unmapped++;
      continue;
    }
    const position = lines.get(entry.address);
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
      continue;
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
  }
  const root = readModuleConfig(isPlainObject(plan['configuration']) ? plan['configuration']['root_module'] : undefined);
  const rootConfig = isPlainObject(plan['configuration']) ? plan['configuration']['root_module'] : undefined;
  const context: PlanContext = { ...buildPlanContext(file, root, resources, configurationAddress), moduleSources: moduleSourcesOf(rootConfig) };
  return { resources, unmapped, problems, context, overlays };
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
