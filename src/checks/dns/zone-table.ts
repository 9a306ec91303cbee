import { join } from 'node:path';
import { BUILT_IN_POLICY_DIR } from '../../engine/policy-dir.js';
import { readYamlData } from '../../engine/precompiled.js';

/**
 * The group id -> private DNS zone table (policies/data/private-dns-zones.yaml), per cloud. Kept as data so
 * a new service is one entry, not code.
 */
export type Cloud = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';

export interface ZoneGroupSpec {
  resourceType: string;
  groupId: string;
  /** all: every zone is needed; any: the zones are alternatives. */
  match: 'all' | 'any';
  zones: Partial<Record<Cloud, string[]>>;
  optional: string[];
}

interface RawTable {
  resourceTypes: Array<{ resourceType: string; groups: Array<{ groupId: string; match?: 'all' | 'any'; zones: Partial<Record<Cloud, string[]>>; optional?: string[] }> }>;
}

let table: Map<string, ZoneGroupSpec[]> | undefined;

/** groupId (lower case) -> the services that use it, with their zones. */
export function zoneTable(): Map<string, ZoneGroupSpec[]> {
  if (table) return table;
  const raw = readYamlData(join(BUILT_IN_POLICY_DIR, 'data', 'private-dns-zones.yaml')) as RawTable;
  table = new Map();
  for (const entry of raw.resourceTypes) {
    for (const group of entry.groups) {
      const spec: ZoneGroupSpec = { resourceType: entry.resourceType, groupId: group.groupId, match: group.match ?? 'all', zones: group.zones, optional: group.optional ?? [] };
      const key = group.groupId.toLowerCase();
      const list = table.get(key);
      if (list) list.push(spec);
      else table.set(key, [spec]);
    }
  }
  return table;
}

/** Government and China regions are named for their cloud; everything else is the public cloud. */
export function cloudOf(location: string | undefined, parameter: unknown): Cloud {
  if (parameter === 'AzureCloud' || parameter === 'AzureUSGovernment' || parameter === 'AzureChinaCloud') return parameter;
  const region = (location ?? '').toLowerCase().replace(/\s+/g, '');
  if (region.startsWith('usgov') || region.startsWith('usdod')) return 'AzureUSGovernment';
  if (region.startsWith('china')) return 'AzureChinaCloud';
  return 'AzureCloud';
}

/**
 * What a zone template matches: `{region}` is the endpoint's region when known; other placeholders are
 * wildcards. Only `test` is asked of it, as of the regular expression it stands for.
 */
export interface ZonePattern {
  test(zone: string): boolean;
}

/** A zone template as a pattern, by template and region. */
const patterns = new Map<string, ZonePattern>();

export function zonePattern(template: string, region: string | undefined): ZonePattern {
  // Most templates (164 of the 177 known) have no placeholder: one pattern serves every region. Its key
  // holds no `{`, so it cannot be taken for a template with placeholders and a region.
  const literal = !template.includes('{');
  const key = literal ? template : `${template}|${region ?? ''}`;
  let pattern = patterns.get(key);
  if (!pattern) patterns.set(key, (pattern = literal ? new LiteralZonePattern(template) : new LazyZonePattern(template, region)));
  return pattern;
}

/**
 * A template without placeholders: its expression would be `^text$`, which matches the text alone. A scan
 * makes a pattern of every known template per region (knownZonePatterns), so splitting each template and
 * building its parts cost a small scan's start ~1-2% of its instructions.
 */
class LiteralZonePattern implements ZonePattern {
  readonly #text: string;

  constructor(template: string) {
    this.#text = template.toLowerCase();
  }

  test(zone: string): boolean {
    return zone === this.#text;
  }
}

/**
 * The anchored regular expression of a template, compiled only for a zone that could match it. A scan tests
 * each zone of each endpoint against every known template (hundreds, twice over), and compiling a regular
 * expression costs V8 tens of microseconds: a small scan spent ~6 ms of its start compiling patterns that
 * a zone's first or last characters already ruled out. The pattern is `^literal (wildcard literal)*$`, so a
 * match starts with the text before the first wildcard, ends with the text after the last one, and has at
 * least one character per wildcard; a zone that fails any of these is not tested against the expression.
 */
class LazyZonePattern implements ZonePattern {
  /** Literal texts and wildcards (`[a-z0-9]+` or `[a-z0-9-]+`), in the template's order. */
  readonly #parts: Array<{ literal: string } | { wildcard: string }> = [];
  readonly #prefix: string;
  readonly #suffix: string;
  readonly #minLength: number;
  #expression: RegExp | undefined;

  constructor(template: string, region: string | undefined) {
    const parts = template.toLowerCase().split(/(\{[a-zA-Z]+\})/);
    // split() with a capture puts the placeholders at the odd indexes; {region} with a region is literal text.
    const literals: string[] = [''];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const regionText = part === '{region}' && region ? region.toLowerCase().replace(/\s+/g, '') : undefined;
      if (i % 2 === 0 || regionText !== undefined) {
        const literal = regionText ?? part;
        this.#parts.push({ literal });
        literals[literals.length - 1] += literal;
      } else {
        this.#parts.push({ wildcard: part === '{region}' ? '[a-z0-9]+' : '[a-z0-9-]+' });
        literals.push('');
      }
    }
    this.#prefix = literals[0]!;
    this.#suffix = literals.length > 1 ? literals[literals.length - 1]! : '';
    this.#minLength = literals.reduce((sum, text) => sum + text.length, 0) + literals.length - 1;
  }

  test(zone: string): boolean {
    if (zone.length < this.#minLength || !zone.startsWith(this.#prefix) || !zone.endsWith(this.#suffix)) return false;
    this.#expression ??= new RegExp(`^${this.#parts.map((part) => ('literal' in part ? escape(part.literal) : part.wildcard)).join('')}$`);
    return this.#expression.test(zone);
  }
}

export function showZone(template: string, region: string | undefined): string {
  return region ? template.replace(/\{region\}/g, region.toLowerCase().replace(/\s+/g, '')) : template;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The zone groups a group id may need, narrowed to the target's resource type when known (`Sql` means
 * different zones for Cosmos DB and Synapse). Extra mappings from configuration are added as their own entries.
 */
export function specsFor(groupId: string, targetType: string | undefined, extra: unknown): ZoneGroupSpec[] {
  const all = [...(zoneTable().get(groupId.toLowerCase()) ?? [])];
  if (extra && typeof extra === 'object') {
    for (const [id, zones] of Object.entries(extra as Record<string, unknown>)) {
      if (id.toLowerCase() !== groupId.toLowerCase() || !Array.isArray(zones)) continue;
      const list = zones.filter((zone): zone is string => typeof zone === 'string');
      all.push({ resourceType: '*', groupId: id, match: 'all', zones: { AzureCloud: list, AzureUSGovernment: list, AzureChinaCloud: list }, optional: [] });
    }
  }
  if (!targetType) return all;
  const exact = all.filter((spec) => spec.resourceType === '*' || spec.resourceType.toLowerCase() === targetType.toLowerCase());
  return exact;
}

/** The groups a resource type offers: an endpoint that names no group id uses the type's only group. */
export function specsForType(resourceType: string): ZoneGroupSpec[] {
  const type = resourceType.toLowerCase();
  let specs = specsByType.get(type);
  if (!specs) {
    specs = [...zoneTable().values()].flat().filter((spec) => spec.resourceType.toLowerCase() === type);
    // Types come from the scanned input: keep the table bounded whatever it holds.
    if (specsByType.size < 10_000) specsByType.set(type, specs);
  }
  return specs.slice();
}

/** specsForType's answers by lower-cased type: asked for every connection of every endpoint. */
const specsByType = new Map<string, ZoneGroupSpec[]>();

/** Every zone any service lists, in any cloud: to tell a typo or a public zone from a real privatelink zone. */
let knownTemplates: string[] | undefined;

function allKnownZoneTemplates(): string[] {
  knownTemplates ??= [...new Set([...zoneTable().values()].flat().flatMap((spec) => [...Object.values(spec.zones).flat(), ...spec.optional]))];
  return knownTemplates;
}

/**
 * Every known zone template as patterns for an endpoint in `region`: each with the region filled in and
 * with any region. A zone matches a known template when one of these matches it. Built once per region, not
 * looked up template by template for every zone of every endpoint.
 */
const knownPatterns = new Map<string, ZonePattern[]>();

export function knownZonePatterns(region: string | undefined): ZonePattern[] {
  const key = region ?? '';
  let patterns = knownPatterns.get(key);
  if (!patterns) {
    patterns = [];
    for (const template of allKnownZoneTemplates()) {
      const inRegion = zonePattern(template, region);
      const anyRegion = zonePattern(template, undefined);
      // One pattern when the region makes no difference (a template without placeholders): tested once.
      patterns.push(inRegion);
      if (anyRegion !== inRegion) patterns.push(anyRegion);
    }
    // Regions come from the scanned input: keep the table bounded whatever it holds.
    if (knownPatterns.size < 1_000) knownPatterns.set(key, patterns);
  }
  return patterns;
}
