import { remediationFor, type Check, type Rule, type Severity } from '../engine/rule.js';
import type { Evaluation, Evidence } from '../engine/verdict.js';
import { armTypeLabel } from '../model/arm-types.js';
import { notationOf } from '../model/notation.js';
import type { Resource, WriteRecord } from '../model/resource.js';
import { writeAt } from '../model/writes.js';
import { describeValue, isUnknown, isRedacted, ownValue, REDACTED, UNKNOWN } from '../model/values.js';
import type { Finding, ShownEvidence } from './finding.js';
import { sha256Hex } from './sha256.js';
import { fitted } from '../model/fitted.js';

/**
 * Turns a verdict into a finding. This is the one place values become text: evidence is rendered through
 * describeValue, and placeholders (unknown, sensitive) render as words, never as data.
 */
export function fingerprintOf(ruleId: string, checkIndex: number, resource: Resource): string {
  // ARM ids are global: the same resource read from a snapshot or a live audit gets the same fingerprint.
  // Plan addresses are only unique within a plan, so the file takes part.
  const identity = resource.source.address
    ? `plan:${resource.source.file.replace(/\\/g, '/')}#${resource.source.address}`
    : `arm:${(resource.source.id ?? resource.key).toLowerCase()}`;
  const hex = sha256Hex(`${ruleId}|${checkIndex}|${identity}`);
  // Joined, not sliced: a slice of 13 or more characters is a view that keeps the whole 64-digit digest
  // alive (32 bytes of view and 80 of digest, per finding, until the report is written); a join copies the
  // 32 digits into one flat string of 48 bytes.
  return [hex.slice(0, 16), hex.slice(16, 32)].join('');
}

/** A value as the user wrote it (Terraform's true, not "Enabled"), else the ARM value. */
function shownValue(resource: Resource, path: string, armValue: unknown): string {
  const written = notationOf(resource).writtenValue(resource, path);
  const shown = describeValue(written ? written.value : armValue).replace(/^"(.*)"$/, '$1');
  return written?.defaulted ? `${shown} (not set; the default)` : shown;
}

/** How a user names the property in the input the resource came from. */
function propertyName(resource: Resource, path: string): string {
  return notationOf(resource).nameOf(resource, path);
}

function shownActual(resource: Resource, item: Evidence): string {
  if (!isUnknown(item.actual)) return describeValue(item.actual);
  if (item.unknownExplained) return '(not known)';
  if (resource.attributeOf?.get(item.path)?.undecided) return '(not set; its default depends on the provider version)';
  return notationOf(resource).unread;
}

function showEvidence(resource: Resource, evidence: Evidence[]): ShownEvidence[] {
  // Most findings show one item, and most of those an item another finding shows too (sharedList).
  if (evidence.length === 1) return sharedList([shownEvidence(resource, evidence[0]!)]);
  const seen = new Set<string>();
  const shown: ShownEvidence[] = [];
  for (const item of evidence) {
    const entry = shownEvidence(resource, item);
    const key = `${entry.path}|${entry.actual}|${entry.expected}`;
    if (seen.has(key)) continue;
    seen.add(key);
    shown.push(entry);
    if (shown.length >= 10) break;
  }
  return sharedList(shown);
}

function shownEvidence(resource: Resource, item: Evidence): ShownEvidence {
  const attribute = notationOf(resource).attributeOf(resource, item.path);
  const actual = shownActual(resource, item);
  // Written out, not spread from `attribute ? {...} : {}`: one object per item, members in this order.
  return attribute ? { path: item.path, attribute, actual, expected: item.expected } : { path: item.path, actual, expected: item.expected };
}

/**
 * Evidence lists findings share. A rule's findings often show the same evidence word for word (every
 * endpoint of a snapshot without zone-group rows: `privateDnsZoneGroups`, `(not known)`, `a decidable
 * value`), and a 2-million-resource snapshot keeps ~770k findings until its report is written, at ~144 bytes
 * for a one-item list of its own. Shared lists and their items are frozen: nothing changes a finding's
 * evidence once it is made. The key spells every member of every item after its length, so two different
 * lists never meet under one key. At most SHARED_LISTS are kept at a time.
 */
const sharedLists = new Map<string, ShownEvidence[]>();
const SHARED_LISTS = 10_000;

function sharedList(shown: ShownEvidence[]): ShownEvidence[] {
  let key = '';
  for (const item of shown) {
    const attribute = item.attribute === undefined ? '-' : `${item.attribute.length}:${item.attribute}`;
    key += `${item.path.length}:${item.path}${attribute}${item.actual.length}:${item.actual}${item.expected.length}:${item.expected}`;
  }
  const found = sharedLists.get(key);
  if (found) return found;
  for (const item of shown) Object.freeze(item);
  const list = Object.freeze(fitted(shown)) as ShownEvidence[];
  // Full (a scan whose findings show many different values): start again, so that lists common later are shared too.
  if (sharedLists.size >= SHARED_LISTS) sharedLists.clear();
  sharedLists.set(key, list);
  return list;
}

function resourceGroupOf(resource: Resource): string {
  const column = resource.body['resourceGroup'];
  if (typeof column === 'string') return column;
  const fromId = /\/resourceGroups\/([^/]+)/i.exec(resource.source.id ?? '');
  return fromId?.[1] ?? '<resource-group>';
}

export interface TemplateContext {
  resource: Resource;
  field: (path: string) => unknown;
  parameters: Readonly<Record<string, unknown>>;
  details: Readonly<Record<string, string>>;
}

type TemplatePart = string | { kind: string; arg: string | undefined; fallback: string | undefined; whole: string };

// `{detail:key|words}`: the words stand in when the evaluation could not establish the detail (an unknown).
const PLACEHOLDER = /\{(name|type|label|address|id|resourceGroup|field|attr|param|detail)(?::([^}|]+))?(?:\|([^}]*))?\}/g;

/** A template split into its text and placeholders once, not scanned again for every finding. */
const compiledTemplates = new Map<string, TemplatePart[]>();
function compiled(template: string): TemplatePart[] {
  let parts = compiledTemplates.get(template);
  if (parts) return parts;
  parts = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push(template.slice(last, match.index));
    parts.push({ kind: match[1]!, arg: match[2], fallback: match[3], whole: match[0] });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  if (compiledTemplates.size < 10_000) compiledTemplates.set(template, parts);
  return parts;
}

function placeholderValue(kind: string, arg: string | undefined, fallback: string | undefined, whole: string, context: TemplateContext): string {
  const { resource } = context;
  switch (kind) {
    case 'name':
      return resource.name;
    case 'type':
      return resource.armType;
    case 'label':
      return armTypeLabel(resource.armType);
    case 'address':
      return resource.source.address ?? resource.source.id ?? resource.name;
    case 'id':
      return resource.source.id ?? resource.source.address ?? resource.key;
    case 'resourceGroup':
      return resourceGroupOf(resource);
    case 'field': {
      if (!arg) return whole;
      const value = context.field(arg);
      // Absent from an ARM body or a snapshot row: Azure applies its own default, which is what failed.
      // "(not set)" is how evidence shows it; in a sentence it reads "x is (not set)".
      if (value === undefined && !notationOf(resource).writtenValue(resource, arg)) return "not set, so Azure's default applies";
      return shownValue(resource, arg, value);
    }
    case 'attr':
      return arg ? propertyName(resource, arg) : whole;
    case 'param': {
      const value = arg ? ownValue(context.parameters, arg) : undefined;
      return Array.isArray(value) ? value.join(', ') : String(value ?? '');
    }
    case 'detail': {
      if (!arg) return whole;
      // A detail the evaluation could not establish (an unknown verdict): the template's words for that case.
      // Never `<key>`, which reads as a value to fill in that the scan should have known; a template without
      // words says plainly that it is not known.
      const value = ownValue(context.details, arg) as string | undefined;
      return value ?? fallback ?? `(${arg}: not known)`;
    }
    default:
      return whole;
  }
}

/**
 * Fills `{name}`, `{type}`, `{label}`, `{address}`, `{field:path}`, `{attr:path}`, `{param:name}` and
 * `{detail:key}` (`{detail:key|words when unknown}`) in a message or remediation template.
 */
export function renderTemplate(template: string, context: TemplateContext): string {
  // Joined, not appended: `+=` makes a chain of pieces (one V8 cons string per piece) that every finding
  // kept until the report was written; a joined string is one flat copy.
  const pieces: string[] = [];
  for (const part of compiled(template)) pieces.push(typeof part === 'string' ? part : placeholderValue(part.kind, part.arg, part.fallback, part.whole, context));
  return pieces.join('');
}

function unknownMessage(resource: Resource, evidence: Evidence[], rule: Rule, details?: Readonly<Record<string, string>>): string {
  const reason = details?.['unknownReason'] ?? unknownReasonOf(resource, evidence);
  return ['Cannot decide yet whether ', armTypeLabel(resource.armType), ' ', resource.name, ' meets "', rule.title, '": ', reason, '.'].join('');
}

/** Why the evidence could not decide, where the evaluation gave no reason of its own. */
function unknownReasonOf(resource: Resource, evidence: Evidence[]): string {
  // A value the reader could not tell (a provider default that depends on the provider's version) says why.
  const undecided = [...new Set(evidence.filter((item) => isUnknown(item.actual)).map((item) => resource.attributeOf?.get(item.path)).filter((origin) => origin?.undecided).map((origin) => `${origin!.attribute} is ${origin!.undecided}`))];
  const unknownPaths = [...new Set(evidence.filter((item) => isUnknown(item.actual) && !resource.attributeOf?.get(item.path)?.undecided).map((item) => propertyName(resource, item.path)))];
  const sensitivePaths = [...new Set(evidence.filter((item) => isRedacted(item.actual)).map((item) => propertyName(resource, item.path)))];
  const parts: string[] = [...undecided];
  const why = resource.source.omits ?? notationOf(resource).explains;
  if (unknownPaths.length) parts.push(`${unknownPaths.join(', ')} ${unknownPaths.length === 1 ? 'is' : 'are'} ${why}`);
  if (sensitivePaths.length) parts.push(`${sensitivePaths.join(', ')} ${sensitivePaths.length === 1 ? 'is' : 'are'} marked sensitive and not read`);
  return parts.length ? parts.join('; ') : 'a value it depends on could not be determined';
}

export interface FindingInput {
  rule: Rule;
  check: Check;
  checkIndex: number;
  resource: Resource;
  evaluation: Evaluation;
  template: TemplateContext;
  message: string;
  /** A fix that replaces the rule's own (for a resource no rule could read). */
  remediation?: string;
}

const UNCLASSIFIED_WHY = {
  unknown: 'is known only after apply',
  sensitive: 'is marked sensitive and not read',
  placeholder: 'is a placeholder filled in at deploy time',
} as const;

/**
 * The finding for a resource whose type could not be told (Resource.unclassified): unknown, naming the
 * attribute, with the one fix that applies whatever the type turns out to be.
 */
export function makeUnclassifiedFinding(rule: Rule, checkIndex: number, resource: Resource): Finding {
  const { attribute, why } = resource.unclassified!;
  const said = `${attribute} ${UNCLASSIFIED_WHY[why]}`;
  const remediation =
    why === 'placeholder'
      ? `Scan the manifest as it is deployed (with ${attribute} filled in), or write ${attribute} literally.`
      : `Make ${attribute} of ${resource.source.address ?? resource.name} known at plan time (a literal, or values that do not depend on resources created in the same apply), so azfence can tell what it is and check it.`;
  return makeFinding({
    rule,
    check: rule.checks[checkIndex]!,
    checkIndex,
    resource,
    evaluation: {
      verdict: 'unknown',
      evidence: [{ path: attribute, actual: why === 'sensitive' ? REDACTED : UNKNOWN, expected: 'known, to tell what kind of resource this is' }],
      details: { unknownReason: `its ${said}, so what kind of resource it is, and whether this rule applies, cannot be told` },
    },
    message: '',
    template: { resource, field: () => undefined, parameters: {}, details: {} },
    remediation,
  });
}

/** The overlay that wrote what the verdict rests on (the first piece of evidence another resource wrote). */
function writeBehind(resource: Resource, evaluation: Evaluation): WriteRecord | undefined {
  if (!resource.writes) return undefined;
  for (const item of evaluation.evidence) {
    const found = writeAt(resource, item.path);
    if (found) return found;
  }
  return undefined;
}

/**
 * The resource as the finding presents it: the judged resource's name and values, but where it was written
 * and how (the writer's file, line, address and attribute names), so the fix is shown where it goes.
 */
function asWrittenBy(resource: Resource, writer: Resource): Resource {
  const shown: Resource = { key: resource.key, armType: resource.armType, name: resource.name, body: resource.body, source: writer.source };
  if (resource.location !== undefined) shown.location = resource.location;
  if (writer.attributeOf) shown.attributeOf = writer.attributeOf;
  return shown;
}

/**
 * Where the finding points, as one literal of its final members: members added after the literal went to a
 * separate property store, one more object per finding for the report's lifetime.
 */
function locationOf(source: Resource['source']): Finding['location'] {
  const { file, line, column } = source;
  if (line) return column ? { file, line, column } : { file, line };
  return column ? { file, column } : { file };
}

export function makeFinding(input: FindingInput): Finding {
  const { rule, check, checkIndex, evaluation } = input;
  const judged = input.resource;
  const write = writeBehind(judged, evaluation);
  // A property another resource wrote: the finding points at that resource, in its own terms.
  const resource = write ? asWrittenBy(judged, write.writer) : judged;
  const template = write ? { ...input.template, resource } : input.template;
  const severity: Severity = check.severity ?? rule.severity;
  const status = evaluation.verdict === 'unknown' ? 'unknown' : 'fail';
  const writer = write?.writer.source.address ?? write?.writer.source.id;
  const writerType = write ? notationOf(write.writer).typeName(write.writer) : undefined;
  const conflict = write?.conflictsWith ? { unknownReason: notationOf(write.writer).phrases.conflictingWrites(write.conflictsWith.source.address ?? write.conflictsWith.name, String(writer)) } : undefined;
  const baseMessage = status === 'unknown' ? unknownMessage(resource, evaluation.evidence, rule, conflict ?? evaluation.details) : renderTemplate(input.message, template);
  const message = writer && judged.source !== write!.writer.source ? `${baseMessage} (set by ${writer})` : baseMessage;
  const remediations = remediationFor(rule, check);
  const remediationTemplate = remediations[notationOf(resource).remediationKey] ?? remediations.arm ?? Object.values(remediations)[0] ?? '';
  // Optional members are set where they apply, not spread from `cond ? {...} : {}`: every spread made a
  // temporary object and copied it, three to five per finding. Members keep their order.
  const shownResource: Finding['resource'] = { id: judged.source.id ?? judged.source.address ?? judged.key, type: judged.armType, name: judged.name };
  if (judged.source.address) shownResource.address = judged.source.address;
  const location = locationOf(resource.source);
  const finding: Finding = {
    ruleId: rule.id,
    ruleTitle: rule.title,
    pack: rule.pack,
    severity,
    status,
    message,
    resource: shownResource,
    location,
    inputKind: resource.source.kind,
    dialect: resource.source.dialect,
    remediation: input.remediation ?? renderTemplate(remediationTemplate, template).trim(),
    evidence: showEvidence(resource, evaluation.evidence),
    fingerprint: fingerprintOf(rule.id, checkIndex, judged),
    checkIndex,
  };
  if (write) finding.writtenBy = { ...(write.writer.source.address ? { address: write.writer.source.address } : {}), ...(writerType ? { type: writerType } : {}) };
  return finding;
}
