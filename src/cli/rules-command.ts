import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError, oneLine } from '../errors.js';
import { PACKAGE_ROOT, loadRules } from '../engine/load-packs.js';
import { displayPath } from '../inputs/display-path.js';
import { SEVERITIES } from '../engine/rule.js';
import { renderExplain, ruleDocPath } from './rule-docs.js';
import { terminalLines, terminalText } from '../reporters/terminal-text.js';

interface Io {
  stdout: (text: string) => void;
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UserError(oneLine((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, '')));
  }
}

/** `azfence rules [--pack P] [--severity S] [--policies DIR]`: one line per rule. */
export function rulesCommand(args: string[], io: Io & { cwd: string }): number {
  const { values, positionals } = parse(args, {
    pack: { type: 'string' },
    severity: { type: 'string' },
    policies: { type: 'string', multiple: true, default: [] },
  });
  if (positionals.length > 0) throw new UserError(`rules takes no arguments (did you mean: azfence explain ${positionals[0]}?)`);
  if (values.severity !== undefined && !SEVERITIES.includes(values.severity as (typeof SEVERITIES)[number])) throw new UserError(`--severity must be one of ${SEVERITIES.join(', ')}`);
  const { rules } = loadRules(values.policies, io.cwd);
  const selected = rules.filter(
    (rule) => (!values.pack || rule.pack.toLowerCase() === values.pack.toLowerCase()) && (!values.severity || rule.severity === values.severity),
  );
  for (const rule of selected) io.stdout(`${rule.id.padEnd(13)} ${rule.severity.padEnd(9)} ${terminalText(rule.title)}\n`);
  return 0;
}

/** `azfence explain AZF-XXX-NNN [--policies DIR]`: a rule's full help, as docs/rules/<id>.md has it. */
export function explainCommand(args: string[], io: Io & { cwd: string }): number {
  const { values, positionals } = parse(args, { policies: { type: 'string', multiple: true, default: [] } });
  if (positionals.length !== 1) throw new UserError('explain takes one rule id (try: azfence explain AZF-PUB-001)');
  const wanted = positionals[0]!;
  const { rules } = loadRules(values.policies, io.cwd);
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
