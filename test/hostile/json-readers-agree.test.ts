import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInput } from '../../src/inputs/read-input.js';
import { UserError } from '../../src/errors.js';
import { buildPlan, buildSnapshot } from '../support/materialize.js';
import { tempDir } from '../support/run-cli.js';
import { PLAN_READERS, withEnv } from '../support/plan-readers.js';

/**
 * Issue 15, item 8: every JSON reader accepts exactly what JSON.parse accepts. The member reader (plans over
 * 4 MB) and the streaming reader (over 256 MB) skip most members without parsing them; they must still refuse
 * an invalid escape, a control character, a malformed number or literal, or broken structure inside them.
 *
 * One corpus of valid and invalid files goes through every reader: the same accept/reject, and when accepted,
 * the same resources and problems. Each value below is put in each place of a plan (or snapshot) that some
 * reader skips or reads differently.
 */
type Json = Record<string, any>;

/** JSON texts of one value: valid ones exercise what the walks must not refuse. */
const VALID: Record<string, string> = {
  'every escape': '"q\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\uD83D\\uDE00 \\u0000"',
  'a lone surrogate escape': '"\\ud800"',
  'raw non-ASCII': '"é 🚀 \u2028"',
  'an escaped quote before a backslash': '"\\\\\\""',
  'numbers': '[0, -0, 1.5, -0.25e-10, 1E+2, 12e3, 1e400, 9007199254740993]',
  'literals': '[true, false, null]',
  'empty containers and strings': '[{}, [], "", {"": ""}]',
  'whitespace of every kind': '[ \t\r\n1 ,\n\t{ "a" :\r\n 2 } ]',
  'deep nesting': `${'['.repeat(500)}1${']'.repeat(500)}`,
  'a key with escapes': '{"k\\u0065y\\n": 1}',
};

const INVALID: Record<string, string> = {
  'an invalid escape \\x': '"a\\xb"',
  'an invalid escape \\\'': '"a\\\'b"',
  'a short \\u escape': '"\\u12"',
  'a \\u escape with a non-hex digit': '"\\u12G4"',
  'a backslash at the end': '"a\\"',
  'a raw control character in a string': '"a\u0001b"',
  'a raw tab in a string': '"a\tb"',
  'a raw newline in a string': '"a\nb"',
  'a raw carriage return in a string': '"a\rb"',
  'a raw DEL-range control between tokens': '[1,\u000b2]',
  'a non-breaking space between tokens': '[1,\u00a02]',
  'a leading zero': '01',
  'a trailing dot': '1.',
  'a leading dot': '.5',
  'a lone minus': '-',
  'a plus sign': '+1',
  'an exponent without digits': '1e',
  'an exponent sign without digits': '1e+',
  'a hex number': '0x10',
  'two minus signs': '--1',
  'a minus inside': '1-2',
  'Infinity': 'Infinity',
  'NaN': 'NaN',
  'a truncated literal': 'tru',
  'a capitalised literal': 'True',
  'undefined': 'undefined',
  'a missing comma': '[1 2]',
  'a trailing comma in a list': '[1,]',
  'a leading comma': '[,1]',
  'a trailing comma in an object': '{"a":1,}',
  'a missing colon': '{"a" 1}',
  'a missing value': '{"a":}',
  'a number as a key': '{1:2}',
  'a missing comma between members': '{"a":1 "b":2}',
  'a bare word as a key': '{a:1}',
  'a single-quoted string': "'a'",
  'an empty member': '{"a":1,,"b":2}',
  'a colon in a list': '[1:2]',
};

const MARK = '"@@MARK@@"';
const KEY_MARK = '"@@KEY@@"';

/** A plan holding the mark in every member some reader treats differently. */
function plan(): Json {
  const built = buildPlan({
    azurerm: [
      { type: 'azurerm_container_registry', name: 'acr', values: { name: 'acrread', sku: 'Premium', public_network_access_enabled: true } },
      { type: 'azurerm_role_assignment', name: 'ra', values: { scope: '/x', principal_id: 'p' } },
    ],
  }) as Json;
  return built;
}

type Place = { label: string; put: (json: Json) => void };

const PLAN_PLACES: Place[] = [
  { label: 'prior_state', put: (json) => (json['prior_state'] = { format_version: '1.0', values: { root_module: { resources: [{ address: 'x', values: { v: '@@MARK@@', '@@KEY@@': 1 } }] } } }) },
  { label: 'variables', put: (json) => (json['variables'] = { v: { value: '@@MARK@@' }, k: { '@@KEY@@': 1 } }) },
  { label: 'resource_drift', put: (json) => (json['resource_drift'] = [{ address: 'x', change: { before: '@@MARK@@', after: { '@@KEY@@': 1 } } }]) },
  { label: 'a top-level scalar member', put: (json) => (json['timestamp'] = '@@MARK@@') },
  { label: 'planned_values', put: (json) => (json['planned_values'].root_module.resources[0].values.tags = { t: '@@MARK@@', '@@KEY@@': 1 }) },
  { label: 'the after of an entry no rule reads', put: (json) => (json['resource_changes'][1].change.after.condition = { c: '@@MARK@@', '@@KEY@@': 1 }) },
  { label: 'the before of an entry a rule reads', put: (json) => (json['resource_changes'][0].change.before = { b: '@@MARK@@', '@@KEY@@': 1 }) },
  { label: 'a member of an entry no reader looks at', put: (json) => (json['resource_changes'][0].provider_name = { p: '@@MARK@@', '@@KEY@@': 1 }) },
  { label: 'the after of an entry a rule reads', put: (json) => (json['resource_changes'][0].change.after.tags = { t: '@@MARK@@', '@@KEY@@': 1 }) },
  { label: 'configuration', put: (json) => (json['configuration'].root_module.resources[0].expressions.tags = { constant_value: { t: '@@MARK@@', '@@KEY@@': 1 } }) },
];

const SNAPSHOT_PLACES: Place[] = [
  { label: 'a snapshot member no reader looks at', put: (json) => (json['facets'] = [{ f: '@@MARK@@', '@@KEY@@': 1 }]) },
  { label: 'a snapshot row', put: (json) => (json['data'][0].properties.note = { n: '@@MARK@@', '@@KEY@@': 1 }) },
];

function snapshot(): Json {
  return buildSnapshot([{ type: 'Microsoft.ContainerRegistry/registries', name: 'acrsnap', sku: { name: 'Premium' }, properties: { publicNetworkAccess: 'Enabled' } }]) as Json;
}

/** Compact and pretty layouts: the walks meet members at different offsets and after different whitespace. */
function texts(base: Json, place: Place, value: string, asKey: boolean): string[] {
  const json = structuredClone(base);
  place.put(json);
  const key = asKey ? value : '"k"';
  const markValue = asKey ? '"v"' : value;
  return [JSON.stringify(json), JSON.stringify(json, null, 2)].map((text) => text.split(MARK).join(markValue).split(KEY_MARK).join(key));
}

function holdsKeyMark(base: Json, place: Place): boolean {
  const json = structuredClone(base);
  place.put(json);
  return JSON.stringify(json).includes(KEY_MARK);
}

interface Outcome {
  accepted: boolean;
  resources?: unknown;
  problems?: string[];
}

function readAs(path: string, env: Record<string, string>): Outcome {
  withEnv(env);
  try {
    const outcome = readInput({ path, shownAs: 'corpus.json', explicit: true });
    if (outcome.status !== 'read') return { accepted: false };
    return { accepted: true, resources: outcome.input.resources, problems: outcome.input.problems };
  } catch (error) {
    if (error instanceof UserError) return { accepted: false };
    throw error;
  }
}

function jsonParseAccepts(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const SNAPSHOT_READERS = PLAN_READERS.filter((reader) => reader.name !== 'member reader');

describe('every JSON reader accepts exactly what JSON.parse accepts', () => {
  const cases: Array<{ label: string; kind: 'plan' | 'snapshot'; valid: boolean; value: string; place: Place; asKey: boolean }> = [];
  for (const [kind, places] of [['plan', PLAN_PLACES], ['snapshot', SNAPSHOT_PLACES]] as const) {
    for (const place of places) {
      for (const [name, value] of Object.entries(VALID)) cases.push({ label: `${kind}, ${place.label}: ${name} (valid)`, kind, valid: true, value, place, asKey: false });
      for (const [name, value] of Object.entries(INVALID)) cases.push({ label: `${kind}, ${place.label}: ${name}`, kind, valid: false, value, place, asKey: false });
      // Only strings can be keys: the string mutations, as a key of an object the walks step over.
      const keyed = holdsKeyMark(kind === 'plan' ? plan() : snapshot(), place);
      for (const [name, value] of Object.entries({ ...VALID, ...INVALID }).filter(([, text]) => keyed && text.startsWith('"'))) {
        cases.push({ label: `${kind}, ${place.label}: ${name} as a key`, kind, valid: name in VALID, value, place, asKey: true });
      }
    }
  }

  it(`${cases.length} cases in two layouts: the same verdict from every reader, and the same resources when accepted`, { timeout: 300_000 }, () => {
    const dir = tempDir();
    const disagreements: string[] = [];
    let files = 0;
    for (const testCase of cases) {
      const readers = testCase.kind === 'plan' ? PLAN_READERS : SNAPSHOT_READERS;
      texts(testCase.kind === 'plan' ? plan() : snapshot(), testCase.place, testCase.value, testCase.asKey).forEach((text, layout) => {
        const path = join(dir, `case-${files++}.json`);
        writeFileSync(path, text);
        // The corpus is what it says: JSON.parse is the judge of validity.
        expect(jsonParseAccepts(text), `${testCase.label}: the corpus file itself`).toBe(testCase.valid);
        const outcomes = readers.map((reader) => ({ reader: reader.name, outcome: readAs(path, reader.env) }));
        const [first, ...rest] = outcomes;
        for (const { reader, outcome } of outcomes) {
          if (outcome.accepted !== testCase.valid) disagreements.push(`${testCase.label} [${layout ? 'pretty' : 'compact'}]: ${reader} ${outcome.accepted ? 'accepted' : 'refused'} it`);
        }
        for (const { reader, outcome } of rest) {
          if (outcome.accepted && first!.outcome.accepted) {
            expect(outcome.resources, `${testCase.label}: ${reader} resources`).toEqual(first!.outcome.resources);
            expect(outcome.problems, `${testCase.label}: ${reader} problems`).toEqual(first!.outcome.problems);
          }
        }
      });
    }
    expect(disagreements).toEqual([]);
  });
});
