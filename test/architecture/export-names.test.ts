import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * One name, one thing: two source modules that export the same name (two `FIREWALL` constants, two
 * `mostSpecific` functions doing different jobs) make an import read differently depending on its path, and
 * let the copies drift. A re-export (`export { x } from './y.js'`) passes the same binding on and is not a
 * second definition.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');

/**
 * Modules that stand in for each other, so share their names by design: the GitHub Action's build puts
 * src/action/bundled-modules.ts in place of src/lazy-modules.ts (scripts/bundle-action.mjs).
 */
const STAND_INS: ReadonlyArray<readonly [string, string]> = [['src/lazy-modules.ts', 'src/action/bundled-modules.ts']];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const hasExport = (node: ts.Node): boolean => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
const isDefault = (node: ts.Node): boolean => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword);

/** The names a module defines and exports (declarations, and `export { local }` of its own bindings). */
export function exportedNames(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  const imported = new Set<string>();
  for (const statement of source.statements) {
    const bindings = ts.isImportDeclaration(statement) ? statement.importClause : undefined;
    if (bindings?.name) imported.add(bindings.name.text);
    if (bindings?.namedBindings && ts.isNamedImports(bindings.namedBindings)) for (const element of bindings.namedBindings.elements) imported.add(element.name.text);
  }
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      // `export { a } from '...'`, or `export { a }` of an imported `a`, passes another module's binding on.
      if (statement.moduleSpecifier || !statement.exportClause || !ts.isNamedExports(statement.exportClause)) continue;
      for (const element of statement.exportClause.elements) if (!imported.has((element.propertyName ?? element.name).text)) names.push(element.name.text);
      continue;
    }
    if (!hasExport(statement) || isDefault(statement)) continue;
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) if (ts.isIdentifier(declaration.name)) names.push(declaration.name.text);
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name) {
      names.push(statement.name.text);
    }
  }
  return [...new Set(names)];
}

/** Each name two or more modules export, with the modules, except between modules that stand in for each other. */
export function duplicates(modules: ReadonlyMap<string, readonly string[]>): string[] {
  const byName = new Map<string, string[]>();
  for (const [file, names] of modules) for (const name of names) byName.set(name, [...(byName.get(name) ?? []), file]);
  const standIn = (a: string, b: string) => STAND_INS.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  return [...byName]
    .filter(([, files]) => files.length > 1 && !(files.length === 2 && standIn(files[0]!, files[1]!)))
    .map(([name, files]) => `${name}: ${files.sort().join(', ')}`)
    .sort();
}

describe('exported names', () => {
  const modules = new Map(sourceFiles(SRC).map((path) => [relative(ROOT, path).split('\\').join('/'), exportedNames(path, readFileSync(path, 'utf8'))] as const));

  it('reads the exports of every source module', () => {
    expect(modules.size).toBeGreaterThan(150);
    expect(modules.get('src/graph/links.ts')).toContain('followLinks');
  });

  it('no two source modules export the same name', () => {
    expect(duplicates(modules)).toEqual([]);
  });

  it('finds a name two modules define, and not one a module re-exports', () => {
    const planted = new Map([
      ['src/graph/a.ts', exportedNames('a.ts', "export const FIREWALL = 'x';\nexport function f() {}\nexport type T = string;")],
      ['src/graph/b.ts', exportedNames('b.ts', "export { FIREWALL } from './a.js';\nconst f = 1;\nexport { f };\ninterface T {}\nexport default 1;")],
      ['src/graph/d.ts', exportedNames('d.ts', "import { FIREWALL, f as g } from './a.js';\nexport { FIREWALL, g as f };")],
      ['src/graph/c.ts', exportedNames('c.ts', 'export interface T { a: 1 }\nexport let g = 2;')],
    ]);
    expect(planted.get('src/graph/a.ts')).toEqual(['FIREWALL', 'f', 'T']);
    expect(duplicates(planted)).toEqual(['T: src/graph/a.ts, src/graph/c.ts', 'f: src/graph/a.ts, src/graph/b.ts']);
  });
});
