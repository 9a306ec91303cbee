import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, oneLine } from '../errors.js';
import { PACKAGE_ROOT, loadRules } from '../engine/load-packs.js';
import { displayPath } from '../inputs/display-path.js';
import { renderExplain, ruleDocPath } from './rule-docs.js';
import { terminalLines, terminalText } from '../reporters/terminal-text.js';

interface Io {
  stdout: (text: string) => void;
}

/** `azfence rules [--pack P] [--severity S] [--policies DIR]`: one line per rule. */
export function rulesCommand(positionals: string[], options: Record<string, unknown>, io: Io & { cwd: string }): number {
  const values = options as { pack?: string; severity?: string; policies?: string[] };
  if (positionals.length > 0) throw new UserError(`rules takes no arguments (did you mean: azfence explain ${positionals[0]}?)`);
  const { rules } = loadRules(values.policies ?? [], io.cwd);
  const packs = [...new Set(rules.map((rule) => rule.pack))];
  // An unknown pack is a typo, not an empty list.
  if (values.pack !== undefined && !packs.some((pack) => pack.toLowerCase() === values.pack!.toLowerCase())) {
    throw new UserError(`--pack ${oneLine(terminalText(values.pack), 40)} is not a rule pack (packs: ${packs.map((pack) => terminalText(pack)).join(', ')})`);
  }
  const selected = rules.filter(
    (rule) => (!values.pack || rule.pack.toLowerCase() === values.pack.toLowerCase()) && (!values.severity || rule.severity === values.severity),
  );
  for (const rule of selected) io.stdout(`${rule.id.padEnd(13)} ${rule.severity.padEnd(9)} ${terminalText(rule.title)}\n`);
  return 0;
}

/** `azfence explain AZF-XXX-NNN [--policies DIR]`: a rule's full help, as docs/rules/<id>.md has it. */
export function explainCommand(positionals: string[], options: Record<string, unknown>, io: Io & { cwd: string }): number {
  const values = options as { policies?: string[] };
  if (positionals.length !== 1) throw new UserError('explain takes one rule id (try: azfence explain AZF-PUB-001)');
  const wanted = positionals[0]!;
  const { rules } = loadRules(values.policies ?? [], io.cwd);
  const rule = rules.find((candidate) => candidate.id.toLowerCase() === wanted.toLowerCase());
  if (!rule) {
    const sameRoot = rules.filter((candidate) => candidate.id.toLowerCase().startsWith(wanted.toLowerCase().replace(/-?\d*$/, ''))).map((candidate) => candidate.id);
    throw new UserError(`no rule ${oneLine(wanted, 40)}${sameRoot.length ? ` (similar: ${sameRoot.slice(0, 8).join(', ')})` : ' (azfence rules lists them)'}`);
  }
  // The page as installed: docs/rules/... in a checkout, node_modules/azfence/docs/rules/... in a project.
  // A user pack's texts come from the repository: its line breaks stay, every other control is escaped.
  const docFile = join(PACKAGE_ROOT, ruleDocPath(rule.id));
  io.stdout(terminalLines(renderExplain(rule, existsSync(docFile) ? displayPath(docFile, io.cwd) : undefined)));
  return 0;
}
