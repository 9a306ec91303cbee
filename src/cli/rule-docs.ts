import type { Rule, RulePack } from '../engine/rule.js';
import { remediationsOf } from '../report/rule-descriptor.js';
import { RULE_DOCS_DIR, ruleDocPath } from '../report/rule-links.js';
import { renderExamples, type FixtureExample } from './rule-examples.js';

/**
 * Rule documentation, rendered from the packs so it can never disagree with them: `azfence explain` prints
 * it, `npm run docs:rules` writes docs/rules/<id>.md, and a test fails when those files are stale.
 */

export { RULE_DOCS_DIR, ruleDocPath } from '../report/rule-links.js';

const DIALECT_LABELS: ReadonlyMap<string, string> = new Map([
  ['azurerm', 'Terraform (azurerm)'],
  ['azapi', 'Terraform (azapi)'],
  ['arm', 'ARM / Azure CLI (snapshots, audits)'],
  ['kubernetes', 'Kubernetes'],
  ['pipeline', 'CI pipelines (GitHub Actions, Azure Pipelines, scripts)'],
]);

function formatDefault(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

function tidy(text: string): string {
  return text.trim().replace(/\n{3,}/g, '\n\n');
}

/** `neededZones` -> `needed zones`, `routeTable` -> `route table`. */
function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').toLowerCase();
}

/**
 * A remediation template as a reader of the docs sees it: what a finding fills in is shown as a named
 * slot (`<registry>`, `<resource address>`), a parameter as its default, a property by its path.
 */
export function documentTemplate(template: string, rule: Rule): string {
  // `{detail:key|words}`: the page shows the slot; the words are what a finding says when the detail is not known.
  return template.replace(/\{(name|type|label|address|id|resourceGroup|field|attr|param|detail)(?::([^}|]+))?(?:\|[^}]*)?\}/g, (whole, kind: string, arg: string | undefined) => {
    switch (kind) {
      case 'name':
        return '<resource name>';
      case 'type':
        return '<ARM type>';
      case 'label':
        return '<resource kind>';
      case 'address':
        return '<resource address>';
      case 'id':
        return '<resource id>';
      case 'resourceGroup':
        return '<resource group>';
      case 'field':
        return arg ? `<value of ${arg}>` : whole;
      case 'attr':
        // Written inside a code span in the packs (`{attr:x} = false`): a slot, not a nested code span.
        return arg ? `<attribute for ${arg}>` : whole;
      case 'param': {
        const value = arg ? rule.parameters[arg]?.default : undefined;
        return arg ? (Array.isArray(value) ? value.join(', ') : value === undefined ? `<${arg}>` : String(value)) : whole;
      }
      case 'detail':
        return arg ? `<${words(arg)}>` : whole;
      default:
        return whole;
    }
  });
}

/** Markdown reads `<subnet>` outside a code span as an HTML tag and hides it: escape those brackets. */
function escapeSlots(markdown: string): string {
  return markdown
    .split(/(`[^`]*`)/)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/</g, '\\<').replace(/>/g, '\\>')))
    .join('');
}

/** The Markdown page for one built-in rule. */
export function renderRuleDoc(rule: Rule, pack?: Pick<RulePack, 'title'>, examples: readonly FixtureExample[] = []): string {
  const out: string[] = [
    `<!-- Generated from ${rule.origin.file} by \`npm run docs:rules\`; edit the pack, not this file. -->`,
    '',
    `# ${rule.id}: ${rule.title}`,
    '',
    '| Severity | Pack | Tags |',
    '| --- | --- | --- |',
    `| ${rule.severity} | ${rule.pack}${pack ? ` (${pack.title})` : ''} | ${rule.tags.join(', ') || '-'} |`,
    '',
    '## Description',
    '',
    tidy(rule.description),
  ];
  if (rule.help.trim()) out.push('', '## Help', '', tidy(rule.help));
  out.push('', '## Remediation', '');
  for (const { types, remediation } of remediationsOf(rule)) {
    if (types) out.push('', `For ${types.join(', ')}:`, '');
    for (const [dialect, text] of Object.entries(remediation)) out.push(`- **${DIALECT_LABELS.get(dialect) ?? dialect}:** ${escapeSlots(documentTemplate(text!.trim(), rule))}`);
  }
  out.push(...renderExamples(examples));
  const parameters = Object.entries(rule.parameters);
  if (parameters.length > 0) {
    out.push('', '## Parameters', '', 'Set them in `.azfence.yaml` under `parameters:` or `rules.' + rule.id + '.parameters:`.', '', '| Name | Type | Default | Description |', '| --- | --- | --- | --- |');
    for (const [name, spec] of parameters) {
      const allowed = spec.allowedValues ? ` Allowed: ${spec.allowedValues.map((value) => `\`${JSON.stringify(value)}\``).join(', ')}.` : '';
      out.push(`| \`${name}\` | ${spec.type} | \`${formatDefault(spec.default)}\` | ${(spec.description + allowed).replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
    }
  }
  if (rule.examples?.length) {
    // One "## Examples" per page: when the fixtures gave examples above, the pack's own follow under their own heading.
    out.push('', examples.length ? '## More examples (from the rule pack)' : '## Examples');
    for (const example of rule.examples) {
      const fence = example.code.includes('```') ? '~~~~' : '```';
      out.push('', `**${example.verdict === 'fail' ? 'Fails' : 'Passes'}:** ${tidy(example.title)}`, '', `${fence}${example.language}`, example.code.replace(/\n+$/, ''), fence);
    }
  }
  if (rule.references.length > 0) out.push('', '## References', '', ...rule.references.map((url) => `- ${url}`));
  out.push(
    '',
    '## Suppressing',
    '',
    'Only with a reason. In Terraform, on the line before the resource block or the attribute (or at the end of that line):',
    '',
    '```hcl',
    `# azfence:ignore ${rule.id} <why this is accepted>`,
    '```',
    '',
    ...(rule.remediation.pipeline
      ? ['In a workflow, pipeline or script, the same comment on the line before the step, its script key or the command (or at the end of the command\'s line).', '']
      : []),
    'or in `.azfence.yaml`:',
    '',
    '```yaml',
    'suppressions:',
    `  - rule: ${rule.id}`,
    '    resource: <address or ARM id glob>',
    '    reason: <why this is accepted>',
    '    expires: 2030-12-31   # optional',
    '```',
  );
  return `${out.join('\n')}\n`;
}

/** docs/rules/README.md: every rule, by pack. */
export function renderRuleIndex(rules: readonly Rule[], packs: ReadonlyMap<string, Pick<RulePack, 'title'>>): string {
  const out = ['<!-- Generated by `npm run docs:rules`; edit the packs in policies/, not this file. -->', '', '# azfence rules', ''];
  for (const pack of [...new Set(rules.map((rule) => rule.pack))]) {
    out.push(`## ${pack}${packs.get(pack) ? `: ${packs.get(pack)!.title}` : ''}`, '', '| Rule | Severity | Title |', '| --- | --- | --- |');
    for (const rule of rules.filter((candidate) => candidate.pack === pack)) out.push(`| [${rule.id}](${rule.id}.md) | ${rule.severity} | ${rule.title.replace(/\|/g, '\\|')} |`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * Every generated file (path relative to the package root -> content) for the built-in packs; `examples`
 * (rule-examples.ts, from the fixtures) give each page its failing and passing examples.
 */
export function generateRuleDocs(packs: readonly RulePack[], examples: ReadonlyMap<string, readonly FixtureExample[]> = new Map()): Map<string, string> {
  const builtIn = packs.filter((pack) => pack.rules.every((rule) => rule.origin.builtIn) && pack.rules.length > 0);
  const titles = new Map(builtIn.map((pack) => [pack.pack, pack] as const));
  const rules = builtIn.flatMap((pack) => pack.rules);
  const files = new Map<string, string>();
  for (const rule of rules) files.set(ruleDocPath(rule.id), renderRuleDoc(rule, titles.get(rule.pack), examples.get(rule.id) ?? []));
  files.set(`${RULE_DOCS_DIR}/README.md`, renderRuleIndex(rules, titles));
  return files;
}

/**
 * Plain text for `azfence explain`: the same content as the doc page, for a terminal. `docFile` is where
 * that page is on this machine (the package ships docs/rules), for a built-in rule.
 */
export function renderExplain(rule: Rule, docFile?: string): string {
  const out = [`${rule.id}: ${rule.title}`, `Severity: ${rule.severity}    Pack: ${rule.pack}${rule.tags.length ? `    Tags: ${rule.tags.join(', ')}` : ''}`, '', tidy(rule.description)];
  if (rule.help.trim()) out.push('', tidy(rule.help));
  for (const { types, remediation } of remediationsOf(rule)) {
    out.push('', types ? `Remediation for ${types.join(', ')}:` : 'Remediation:');
    for (const [dialect, text] of Object.entries(remediation)) out.push(`  ${DIALECT_LABELS.get(dialect) ?? dialect}: ${documentTemplate(text!.trim(), rule)}`);
  }
  const parameters = Object.entries(rule.parameters);
  if (parameters.length > 0) {
    out.push('', 'Parameters:');
    for (const [name, spec] of parameters) out.push(`  ${name} (${spec.type}, default ${formatDefault(spec.default)}): ${spec.description.trim()}`);
  }
  if (rule.references.length > 0) out.push('', 'References:', ...rule.references.map((url) => `  ${url}`));
  out.push('', `Suppress with a reason: # azfence:ignore ${rule.id} <why>  (or suppressions: in .azfence.yaml)`);
  if (rule.origin.builtIn && docFile !== undefined) out.push(`Docs: ${docFile}`);
  return `${out.join('\n')}\n`;
}
