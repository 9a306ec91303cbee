import { UserError, oneLine } from '../errors.js';
import type { Rule } from '../engine/rule.js';
import type { RulesNotRun, SettingSource } from '../report/configuration.js';

/**
 * `--check` / `--skip-check` (and `check:` / `skipCheck:` in .azfence.yaml), as Checkov and tfsec users
 * know them. An entry is a rule id (`AZF-PUB-001`), a glob over rule ids (`AZF-KATA-*`) or a pack name
 * (`KATA`), case-insensitive; a flag value may list several separated by commas.
 *
 * A flag replaces the configuration's list of the same name, as --fail-on replaces failOn. An entry that
 * matches no rule is an error, not a no-op: a typo in a skip list would otherwise widen nothing and a typo
 * in a check list would run nothing. A selection that leaves no rule at all is an error too, since a gate
 * that checked nothing would pass.
 */
export interface RuleSelectionInput {
  check?: readonly string[] | undefined;
  skipCheck?: readonly string[] | undefined;
}

export interface SelectionSource {
  /** How errors name where a list came from: `--check`, or the config file and its line. */
  flag: string;
  file?: string;
  line?: (index: number) => number | undefined;
}

export function splitPatterns(values: readonly string[]): string[] {
  return values.flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Whether a pattern names this rule: its id, a glob over ids, or its pack. */
export function ruleMatches(pattern: string, rule: Pick<Rule, 'id' | 'pack'>): boolean {
  if (pattern.toLowerCase() === rule.pack.toLowerCase()) return true;
  return /[*?]/.test(pattern) ? globToRegExp(pattern).test(rule.id) : pattern.toLowerCase() === rule.id.toLowerCase();
}

function checkPatterns(patterns: readonly string[], rules: readonly Rule[], source: SelectionSource): void {
  patterns.forEach((pattern, index) => {
    if (!/^[A-Za-z0-9*?_-]+$/.test(pattern)) throw new UserError(`${source.flag} entry "${oneLine(pattern, 60)}" is not a rule id, a glob over rule ids or a pack name`, source.file, source.line?.(index));
    if (!rules.some((rule) => ruleMatches(pattern, rule))) {
      throw new UserError(`${source.flag} entry "${pattern}" matches no rule id or pack (azfence rules lists them)`, source.file, source.line?.(index));
    }
  });
}

export interface SelectionLists {
  check: { patterns: string[]; from: Exclude<SettingSource, 'default'>; source: SelectionSource } | undefined;
  skipCheck: { patterns: string[]; from: Exclude<SettingSource, 'default'>; source: SelectionSource } | undefined;
}

/**
 * Applies the selection to every loaded rule; returns the rules to run and what was left out. Throws a
 * UserError for an entry that matches nothing or a selection that leaves nothing to run.
 */
export function selectRules<R extends Rule>(rules: readonly R[], lists: SelectionLists, known: readonly Rule[] = rules): { rules: R[]; notRun: RulesNotRun[] } {
  const notRun: RulesNotRun[] = [];
  let selected = [...rules];
  if (lists.check && lists.check.patterns.length > 0) {
    checkPatterns(lists.check.patterns, known, lists.check.source);
    const patterns = lists.check.patterns;
    const left = selected.filter((rule) => !patterns.some((pattern) => ruleMatches(pattern, rule)));
    selected = selected.filter((rule) => patterns.some((pattern) => ruleMatches(pattern, rule)));
    if (left.length) notRun.push({ by: 'check', from: lists.check.from, patterns, rules: left.map((rule) => rule.id).sort() });
  }
  if (lists.skipCheck && lists.skipCheck.patterns.length > 0) {
    checkPatterns(lists.skipCheck.patterns, known, lists.skipCheck.source);
    const patterns = lists.skipCheck.patterns;
    const skipped = selected.filter((rule) => patterns.some((pattern) => ruleMatches(pattern, rule)));
    selected = selected.filter((rule) => !patterns.some((pattern) => ruleMatches(pattern, rule)));
    if (skipped.length) notRun.push({ by: 'skipCheck', from: lists.skipCheck.from, patterns, rules: skipped.map((rule) => rule.id).sort() });
  }
  if (selected.length === 0 && rules.length > 0) {
    const names = [lists.check ? lists.check.source.flag : '', lists.skipCheck ? lists.skipCheck.source.flag : ''].filter(Boolean).join(' and ');
    throw new UserError(`${names} leave no rule to run; a scan that checks nothing cannot pass a gate`);
  }
  return { rules: selected, notRun };
}

/** The lists a run applies: a flag replaces the configuration's list of the same name. */
export function selectionLists(config: { file?: string; check?: string[]; skipCheck?: string[]; lines?: ReadonlyMap<string, number> }, flags: RuleSelectionInput): SelectionLists {
  const pick = (key: 'check' | 'skipCheck', flag: string): SelectionLists['check'] => {
    const fromFlag = flags[key];
    if (fromFlag !== undefined && fromFlag.length > 0) return { patterns: splitPatterns(fromFlag), from: 'flag', source: { flag } };
    const fromConfig = config[key];
    if (fromConfig?.length) {
      return {
        patterns: fromConfig.map((entry) => entry.trim()),
        from: 'config',
        source: { flag: `${key}`, ...(config.file ? { file: config.file } : {}), line: (index) => config.lines?.get(`/${key}/${index}`) },
      };
    }
    return undefined;
  };
  return { check: pick('check', '--check'), skipCheck: pick('skipCheck', '--skip-check') };
}
