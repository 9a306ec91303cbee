import type { AttributeMapping, AttributeSource } from './mapping-types.js';
import { AZURERM_MAPPINGS } from './azurerm-mappings.js';
import { materialize, readPlanned, type PlannedValue } from './plan-values.js';
import { isPlaceholder, isPlainObject, REDACTED, UNKNOWN } from '../../model/values.js';
import { isCredentialKey } from '../../model/credentials.js';
import { registerArmType } from '../../model/arm-types.js';
import { ANY_MAJOR, describeMajors, type MajorRange } from './provider-versions.js';
import type { Unclassified } from '../../model/resource.js';

for (const mapping of Object.values(AZURERM_MAPPINGS)) registerArmType(mapping.armType);

export interface NormalizedBody {
  armType: string;
  body: Record<string, unknown>;
  attributeOf: Map<string, AttributeOrigin>;
}

/** What a normalizer returns: the body, or why the resource's type cannot be told. */
export type Normalized = NormalizedBody | { unclassified: Unclassified };

/** The Terraform attribute an ARM property was read from, and its planned value (placeholders kept). */
export interface AttributeOrigin {
  attribute: string;
  value: unknown;
  /** The attribute was not set and the value is the mapping's default. */
  defaulted?: boolean;
  /** Why the value is UNKNOWN although the plan does not mark it so (a default the plan cannot tell). */
  undecided?: string;
}

/**
 * Whether the configuration sets a top-level attribute. Terraform shows an unset Optional+Computed
 * attribute as "known after apply"; when the configuration does not set it, the provider's default applies.
 */
export type IsConfigured = (topLevelAttribute: string) => boolean;

const ALWAYS_CONFIGURED: IsConfigured = () => true;

function topLevel(path: string): string {
  return /^[^.[]*/.exec(path)![0];
}

// Mappings are static data read for every resource of a plan: their derived forms are built once.
const sourcesOf = new Map<AttributeMapping['from'], AttributeSource[]>();
function sources(from: AttributeMapping['from']): AttributeSource[] {
  let list = sourcesOf.get(from);
  if (!list) sourcesOf.set(from, (list = (Array.isArray(from) ? from : [from]).map((source) => (typeof source === 'string' ? { tf: source } : source))));
  return list;
}

const topLevelOf = new Map<string, string>();
function topLevelCached(path: string): string {
  let name = topLevelOf.get(path);
  if (name === undefined) topLevelOf.set(path, (name = topLevel(path)));
  return name;
}

const pathKeys = new Map<string, string[]>();

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

function mapValue(value: unknown, source: AttributeSource): unknown {
  if (!source.values || isPlaceholder(value)) return value;
  const key = String(value);
  return Object.prototype.hasOwnProperty.call(source.values, key) ? source.values[key] : value;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  let keys = pathKeys.get(path);
  if (!keys) pathKeys.set(path, (keys = path.split('.')));
  let node = target;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i]!;
    let next = node[key];
    if (!isPlainObject(next)) node[key] = next = {};
    node = next as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/** A credential's value never enters the model: only whether one is there. */
function redacted(value: unknown, how: AttributeMapping['redact']): unknown {
  if (!how || isPlaceholder(value) || value === undefined || value === null) return value;
  if (how === 'value') return value === '' ? value : REDACTED;
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) out[key] = isCredentialKey(key) && entry !== '' && entry !== null ? (isPlaceholder(entry) ? entry : REDACTED) : entry;
  return out;
}

/** Reads one mapped attribute; returns the ARM value and the attribute it came from. */
/** The default for an attribute the plan leaves unset, given the provider majors the plan admits. */
function defaultFor(mapping: AttributeMapping, majors: MajorRange): { value: unknown; undecided?: string } | undefined {
  const since = mapping.defaultSince;
  if (!since) return mapping.default === undefined ? undefined : { value: mapping.default };
  if (majors.min >= since.major) return { value: since.value };
  if (majors.max < since.major) return { value: mapping.default };
  const before = describeMajors({ min: 0, max: since.major - 1 }).replace('v0 to ', 'up to ');
  return {
    value: UNKNOWN,
    undecided: `not set, and its default depends on the ${since.provider} major version (${before}: ${String(mapping.default)}; v${since.major} on: ${String(since.value)}), which the plan's version constraints leave open (${describeMajors(majors)}); set it explicitly`,
  };
}

function readAttribute(
  planned: PlannedValue,
  mapping: AttributeMapping,
  configured: IsConfigured,
  majors: MajorRange = ANY_MAJOR,
): { value: unknown; attribute: string; raw: unknown; defaulted?: boolean; undecided?: string } | undefined {
  for (const source of sources(mapping.from)) {
    // `from: ''` reads the member itself (a list of strings mapped to [{value}]): through readPlanned too,
    // so a member Terraform marks sensitive becomes REDACTED like any attribute.
    const read = readPlanned(planned, source.tf);
    if (read.value === UNKNOWN && !configured(topLevelCached(source.tf))) continue;
    if (isPlaceholder(read.value)) return { value: read.value, attribute: source.tf, raw: read.value };
    if (isAbsent(read.value)) continue;
    if (mapping.items) {
      if (!Array.isArray(read.value)) continue;
      const unknownItems = Array.isArray(read.unknown) ? read.unknown : [];
      const sensitiveItems = Array.isArray(read.sensitive) ? read.sensitive : [];
      const members = read.value.map((item, i) => mapMember({ value: item, unknown: unknownItems[i], sensitive: sensitiveItems[i] }, mapping.items!));
      return { value: members, attribute: source.tf, raw: members };
    }
    // Lists and blocks keep per-member unknown and sensitive marks (a list of ranges with one from a variable).
    if (typeof read.value === 'object') {
      const value = redacted(materialize(read), mapping.redact);
      return { value, attribute: source.tf, raw: value };
    }
    if (mapping.redact) {
      const value = redacted(read.value, mapping.redact);
      return { value, attribute: source.tf, raw: value };
    }
    return { value: mapValue(read.value, source), attribute: source.tf, raw: read.value };
  }
  const fallback = defaultFor(mapping, majors);
  if (fallback) {
    const names = sources(mapping.from).map((source) => source.tf);
    if (fallback.undecided) return { value: fallback.value, attribute: names[0]!, raw: fallback.value, undecided: fallback.undecided };
    // A version-dependent default is the current provider's: name its attribute, not the older spellings.
    return { value: fallback.value, attribute: mapping.defaultSince ? names[0]! : names.join(' or '), raw: attributeValueOf(fallback.value, sources(mapping.from)), defaulted: true };
  }
  return undefined;
}

/**
 * A default stated in ARM words (`Disabled`) as the attribute's own value (`false`): the origin of a property
 * is what an azurerm finding shows, and an azurerm user never wrote `Disabled` for a boolean.
 */
function attributeValueOf(armValue: unknown, alternatives: readonly AttributeSource[]): unknown {
  const values = alternatives.find((source) => source.values)?.values;
  if (!values) return armValue;
  const key = Object.keys(values).find((candidate) => values[candidate] === armValue);
  if (key === undefined) return armValue;
  return key === 'true' ? true : key === 'false' ? false : key;
}

function mapMember(planned: PlannedValue, items: AttributeMapping[]): unknown {
  if (planned.unknown === true) return UNKNOWN;
  const member: Record<string, unknown> = {};
  for (const item of items) {
    const read = readAttribute(planned, item, ALWAYS_CONFIGURED);
    if (read) setPath(member, item.arm, read.value);
  }
  return member;
}

/** The ARM-shaped body a list of attribute mappings reads from planned values, and where each ARM path came from. */
export function mapAttributes(
  attributes: readonly AttributeMapping[],
  planned: PlannedValue,
  configured: IsConfigured = ALWAYS_CONFIGURED,
  majors: MajorRange = ANY_MAJOR,
): { body: Record<string, unknown>; attributeOf: Map<string, AttributeOrigin> } {
  const body: Record<string, unknown> = { properties: {} };
  const attributeOf = new Map<string, AttributeOrigin>();
  for (const attribute of attributes) {
    const read = readAttribute(planned, attribute, configured, majors);
    if (!read) continue;
    setPath(body, attribute.arm, read.value);
    // No spread of a conditional object: this runs for every mapped attribute of every resource of a plan.
    const origin: AttributeOrigin = { attribute: read.attribute, value: read.raw };
    if (read.defaulted) origin.defaulted = true;
    if (read.undecided) origin.undecided = read.undecided;
    attributeOf.set(attribute.arm, origin);
  }
  return { body, attributeOf };
}

/** Normalizes an azurerm resource's planned values, or returns undefined for types no rule reads. */
export function normalizeAzurerm(terraformType: string, planned: PlannedValue, configured: IsConfigured = ALWAYS_CONFIGURED, majors: MajorRange = ANY_MAJOR): Normalized | undefined {
  if (!isMappedAzurermType(terraformType)) return undefined;
  const mapping = AZURERM_MAPPINGS[terraformType]!;
  const { body, attributeOf } = mapAttributes(mapping.attributes, planned, configured, majors);
  if (mapping.finish) {
    const finished = mapping.finish(body, planned);
    if (finished && 'unclassified' in finished) return { unclassified: finished.unclassified as Unclassified };
    return finished ? { armType: mapping.armType, body: finished, attributeOf } : undefined;
  }
  return { armType: mapping.armType, body, attributeOf };
}

export function isMappedAzurermType(terraformType: string): boolean {
  return Object.prototype.hasOwnProperty.call(AZURERM_MAPPINGS, terraformType);
}
