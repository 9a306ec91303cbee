import { join } from 'node:path';
import { readYamlData } from '../../engine/precompiled.js';
import { BUILT_IN_POLICY_DIR } from '../../engine/policy-dir.js';
import type { ConfigMapEntry } from '../../model/config-map.js';
import { isPlaceholder, isRedacted } from '../../model/values.js';

/**
 * Whether a ConfigMap key holds a credential (AZF-KATA-006): a key whose name is a credential word with a
 * literal non-empty value, or any value shaped like a credential (a PEM key, a storage connection string, a
 * SAS signature, a JWT, a URL with a password). The word lists and patterns are data:
 * policies/data/credential-patterns.yaml.
 */
interface PatternTable {
  words: string[];
  pairs: Array<[string, string]>;
  valuePatterns: Array<{ id: string; pattern: string; what: string }>;
  references: string[];
  placeholders: string[];
  settingWords: string[];
}

interface Compiled {
  words: Set<string>;
  settingWords: Set<string>;
  pairs: Set<string>;
  values: Array<{ regex: RegExp; what: string }>;
  references: RegExp[];
  placeholders: Set<string>;
}

let compiled: Compiled | undefined;

function patterns(): Compiled {
  if (compiled) return compiled;
  const table = readYamlData(join(BUILT_IN_POLICY_DIR, 'data', 'credential-patterns.yaml')) as PatternTable;
  compiled = {
    words: new Set(table.words.map((word) => word.toLowerCase())),
    settingWords: new Set(table.settingWords.map((word) => word.toLowerCase())),
    pairs: new Set(table.pairs.map(([a, b]) => `${a}${b}`.toLowerCase())),
    values: table.valuePatterns.map((entry) => ({ regex: new RegExp(entry.pattern), what: entry.what })),
    references: table.references.map((pattern) => new RegExp(pattern, 's')),
    placeholders: new Set(table.placeholders.map((word) => String(word).toLowerCase())),
  };
  return compiled;
}

/** `dbPassword`, `DB_PASSWORD`, `db-password.txt` -> [db, password(, txt)]. */
function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

export function isCredentialKeyName(key: string): boolean {
  const table = patterns();
  const parts = words(key);
  let at = parts.findIndex((part) => table.words.has(part));
  if (at < 0) {
    at = parts.findIndex((part, i) => i + 1 < parts.length && table.pairs.has(`${part}${parts[i + 1]}`));
    if (at >= 0) at++;
  }
  if (at < 0) return false;
  // PASSWORD_MIN_LENGTH, TOKEN_URL: a word after the credential word that names a setting about it.
  return !parts.slice(at + 1).some((part) => table.settingWords.has(part));
}

/** Scanned length of a value: credentials sit near the start of what holds them, and input is untrusted. */
const SCAN_LIMIT = 65_536;

export type EntryVerdict = { kind: 'credential'; why: string } | { kind: 'clean' } | { kind: 'unknown'; why: string };

/** `pending` and `sensitive`: the input's words for a value it leaves open and one it marks sensitive. */
export function judgeEntry(key: string, entry: ConfigMapEntry, pending: string, sensitive: string): EntryVerdict {
  const table = patterns();
  const named = isCredentialKeyName(key);
  const value = entry.value;
  if (isRedacted(value)) return named ? { kind: 'credential', why: `${sensitive}, stored in a ConfigMap in clear` } : { kind: 'clean' };
  if (isPlaceholder(value)) return named ? { kind: 'unknown', why: `the value of key ${key} is ${pending}` } : { kind: 'clean' };
  if (typeof value !== 'string') return { kind: 'clean' };
  const text = value.length > SCAN_LIMIT ? value.slice(0, SCAN_LIMIT) : value;
  const trimmed = text.trim();
  if (entry.from === 'data') {
    const shaped = table.values.find((pattern) => pattern.regex.test(text));
    if (shaped) return { kind: 'credential', why: `its value is ${shaped.what}` };
  }
  if (!named) return { kind: 'clean' };
  if (table.placeholders.has(trimmed.toLowerCase()) || table.references.some((reference) => reference.test(trimmed))) return { kind: 'clean' };
  return { kind: 'credential', why: 'a credential name with a literal value' };
}
