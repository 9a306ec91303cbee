import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Dialects stay in the readers: the graph, the engine, the checks and the finding builder read ARM and ask a
 * resource's notation (src/model/notation.ts) how its input writes things. A Terraform resource type, the
 * word Terraform, a switch on the dialect or on the input kind in their code is knowledge of one input that a
 * new input kind would have to be taught in a second place. Comments may name them: they explain, they do not
 * decide.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
const GUARDED = ['src/checks', 'src/graph', 'src/engine', 'src/findings'];

const FORBIDDEN: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'azurerm_', pattern: /azurerm_/i },
  { name: 'azapi_', pattern: /azapi_/i },
  { name: 'dialect', pattern: /dialect/i },
  { name: 'terraform', pattern: /terraform/i },
  { name: 'source.kind ===', pattern: /source\.kind\s*[!=]==/ },
];

/**
 * What the guard allows, each line by file and exact text, and why. An exception that no longer matches
 * fails the test too, so the list only shrinks with the code.
 */
const EXCEPTIONS: ReadonlyArray<{ file: string; text: string; why: string }> = [
  // Output, not a switch: a finding carries its resource's dialect for the reporters (the JSON report's
  // `dialect` field, SARIF properties). Which remediation text a finding shows is the notation's
  // `remediationKey`, and fixes written in an input's syntax are its notation's `phrases`.
  { file: 'src/findings/finding.ts', text: "import type { Dialect, InputKind } from '../model/resource.js';", why: "a finding's dialect field is output the reporters print" },
  { file: 'src/findings/finding.ts', text: 'dialect: Dialect;', why: "a finding's dialect field is output the reporters print" },
  { file: 'src/findings/make-finding.ts', text: 'dialect: resource.source.dialect,', why: "a finding's dialect field is output the reporters print" },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The text with every comment blanked out (line breaks kept), found by the TypeScript parser, so strings stay code. */
export function withoutComments(text: string, fileName = 'file.ts'): string {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const chars = [...text];
  const blanked = new Set<number>();
  const blank = (range: ts.CommentRange): void => {
    if (blanked.has(range.pos)) return;
    blanked.add(range.pos);
    for (let i = range.pos; i < range.end; i += 1) if (chars[i] !== '\n') chars[i] = ' ';
  };
  const visit = (node: ts.Node): void => {
    for (const range of ts.getLeadingCommentRanges(text, node.pos) ?? []) blank(range);
    for (const range of ts.getTrailingCommentRanges(text, node.end) ?? []) blank(range);
    for (const child of node.getChildren(source)) visit(child);
  };
  visit(source);
  return chars.join('');
}

interface Leak {
  file: string;
  line: number;
  mentions: string;
  text: string;
}

export function leaksIn(file: string, text: string): Leak[] {
  const leaks: Leak[] = [];
  const code = withoutComments(text, file).split('\n');
  code.forEach((line, index) => {
    for (const { name, pattern } of FORBIDDEN) {
      if (pattern.test(line)) leaks.push({ file, line: index + 1, mentions: name, text: line.trim() });
    }
  });
  return leaks;
}

function allowed(leak: Leak): boolean {
  return EXCEPTIONS.some((exception) => exception.file === leak.file && leak.text.includes(exception.text));
}

describe('dialects stay in the readers', () => {
  const files = GUARDED.flatMap((dir) => sourceFiles(join(ROOT, dir))).map((path) => ({ file: relative(ROOT, path).split('\\').join('/'), text: readFileSync(path, 'utf8') }));
  const leaks = files.flatMap(({ file, text }) => leaksIn(file, text));

  it('reads every source file of the guarded folders', () => {
    for (const dir of GUARDED) expect(files.some(({ file }) => file.startsWith(`${dir}/`))).toBe(true);
    expect(files.length).toBeGreaterThan(60);
  });

  it('the graph, the engine, the checks and the findings name no input dialect in code', () => {
    expect(leaks.filter((leak) => !allowed(leak)).map((leak) => `${leak.file}:${leak.line} mentions ${leak.mentions}: ${leak.text}`)).toEqual([]);
  });

  it('every exception still matches the code it allows', () => {
    const stale = EXCEPTIONS.filter((exception) => !leaks.some((leak) => leak.file === exception.file && leak.text.includes(exception.text)));
    expect(stale.map(({ file, text }) => `${file}: ${text}`)).toEqual([]);
  });

  it('catches a planted leak in code, strings included, and ignores the same words in comments', () => {
    const planted = [
      '/** azurerm_role_assignment and Terraform, in a doc comment. */',
      "const ok = 1; // dialect === 'azapi' in a line comment",
      '/* source.kind === "plan" in a block comment */',
      "if (resource.source.dialect === 'azapi') return 'body';",
      "const name = resource.source.kind === 'plan' ? 'principal_id' : 'principalId';",
      'const fix = `Add an azurerm_role_assignment`;',
      "const words = 'a value Terraform marks sensitive';",
      'const body = `${x}`; // azapi_resource',
      "const a = 'azapi_update_resource';",
    ].join('\n');
    const found = leaksIn('src/checks/pool/planted.ts', planted).map(({ line, mentions }) => `${line}:${mentions}`);
    expect(found).toEqual(['4:dialect', '5:source.kind ===', '6:azurerm_', '7:terraform', '9:azapi_']);
    expect(allowed({ file: 'src/checks/pool/planted.ts', line: 4, mentions: 'dialect', text: "if (resource.source.dialect === 'azapi') return 'body';" })).toBe(false);
  });
});
