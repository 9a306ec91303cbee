import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The source tree's import graph (type-only imports included: a cycle of types is still two modules that
 * cannot be understood apart), read from the import and re-export statements of src/.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)'|(?:^|\n)\s*import\s+'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g;

type Graph = Map<string, string[]>;

function importGraph(): Graph {
  const graph: Graph = new Map();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((match) => relative(ROOT, resolve(dirname(file), (match[1] ?? match[2] ?? match[3])!.replace(/\.js$/, '.ts'))).split('\\').join('/'));
    graph.set(relative(ROOT, file).split('\\').join('/'), [...new Set(targets)]);
  }
  return graph;
}

/** Tarjan's strongly connected components with more than one module (or a module importing itself). */
function cycles(graph: Graph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** Every `file -> target` import of a module matching `from` whose target `allowed` rejects. */
function forbiddenImports(graph: Graph, from: (file: string) => boolean, allowed: (target: string) => boolean): string[] {
  return [...graph].flatMap(([file, targets]) => (from(file) ? targets.filter((target) => !allowed(target)).map((target) => `${file} -> ${target}`) : []));
}

/** Every module reachable from the modules matching `from`, themselves included. */
function reachable(graph: Graph, from: (file: string) => boolean): Set<string> {
  const seen = new Set([...graph.keys()].filter(from));
  const queue = [...seen];
  for (let node = queue.pop(); node !== undefined; node = queue.pop()) {
    for (const next of graph.get(node) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return seen;
}

/**
 * What reporters may import: the report contract (src/report/: the report, rule descriptors without
 * conditions, the configuration phrases and the gate), the finding type, and leaf helpers that import
 * nothing of azfence's pipeline (the tool's version, symlink resolution for SARIF paths, the lazy loader
 * of cli-table3). Never the engine, the CLI, scan.ts, the configuration loader or a reader.
 */
const REPORTER_MAY_IMPORT = (target: string): boolean =>
  target.startsWith('src/reporters/') ||
  target.startsWith('src/report/') ||
  ['src/findings/finding.ts', 'src/version.ts', 'src/package-root.ts', 'src/real-path.ts', 'src/lazy-modules.ts'].includes(target);

/** The report contract stands on the finding type and the resource model's types, nothing else of the pipeline. */
const REPORT_MAY_IMPORT = (target: string): boolean =>
  target.startsWith('src/report/') || target.startsWith('src/model/') || ['src/findings/finding.ts', 'src/package-root.ts'].includes(target);

/** Checks judge ARM-shaped resources: they know no input dialect, no command line, no report and no later step. */
const CHECK_MAY_IMPORT = (target: string): boolean => !/^src\/(cli|inputs|audit|post-process|reporters|report)\/|^src\/scan\.ts$/.test(target);

describe('source layout', () => {
  const graph = importGraph();

  it('reads the whole tree (every relative import resolves to a source file)', () => {
    const dangling = [...graph].flatMap(([file, targets]) => targets.filter((target) => !graph.has(target)).map((target) => `${file} -> ${target}`));
    expect(dangling).toEqual([]);
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('src/scan.ts')).toContain('src/engine/evaluate-rules.ts');
  });

  it('has no import cycles', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('the checker finds a cycle when there is one', () => {
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
    expect(cycles(new Map([['a', ['a']]]))).toEqual([['a']]);
    expect(cycles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
  });

  it('reporters import only the report module, the finding type and leaf helpers', () => {
    expect(forbiddenImports(graph, (file) => file.startsWith('src/reporters/'), REPORTER_MAY_IMPORT)).toEqual([]);
  });

  it('the report module imports nothing of the engine, the CLI, the readers or scan.ts', () => {
    expect(forbiddenImports(graph, (file) => file.startsWith('src/report/'), REPORT_MAY_IMPORT)).toEqual([]);
  });

  it('nothing a reporter reaches, however indirectly, is the engine, the CLI, configuration, a reader or scan.ts', () => {
    const reached = [...reachable(graph, (file) => file.startsWith('src/reporters/'))];
    expect(reached.filter((file) => /^src\/(engine|cli|config|inputs|audit|graph|post-process|merge|action)\/|^src\/scan\.ts$/.test(file))).toEqual([]);
    expect(reached).toContain('src/report/scan-report.ts');
  });

  it('graph/, model/ and the readers never import a check; checks never import the CLI, scan.ts, a reader, post-processing or reporters', () => {
    const intoChecks = forbiddenImports(graph, (file) => /^src\/(graph|model|inputs)\//.test(file), (target) => !target.startsWith('src/checks/'));
    const fromChecks = forbiddenImports(graph, (file) => file.startsWith('src/checks/'), CHECK_MAY_IMPORT);
    expect([...intoChecks, ...fromChecks]).toEqual([]);
    const planted: Graph = new Map([['src/checks/dns/zones.ts', ['src/graph/links.ts', 'src/inputs/terraform/read-plan.ts', 'src/cli/io.ts']]]);
    expect(forbiddenImports(planted, (file) => file.startsWith('src/checks/'), CHECK_MAY_IMPORT)).toEqual(['src/checks/dns/zones.ts -> src/inputs/terraform/read-plan.ts', 'src/checks/dns/zones.ts -> src/cli/io.ts']);
    expect([...graph.keys()].filter((file) => file.startsWith('src/checks/')).length).toBeGreaterThan(10);
  });

  it('only the entry points import the CLI: the audit, the engine and post-processing stand without it', () => {
    const isEntryPoint = (file: string): boolean => file === 'src/cli.ts' || file.startsWith('src/action/') || file.startsWith('src/cli/');
    expect(forbiddenImports(graph, (file) => !isEntryPoint(file), (target) => !target.startsWith('src/cli/'))).toEqual([]);
    expect(graph.get('src/audit/audit.ts')).toContain('src/write-output.ts');
  });

  it('the rules catch a reporter that reaches into the CLI or scan.ts', () => {
    const planted: Graph = new Map([
      ['src/reporters/sarif.ts', ['src/report/scan-report.ts', 'src/cli/rule-docs.ts']],
      ['src/reporters/json.ts', ['src/scan.ts']],
      ['src/report/scan-report.ts', ['src/findings/finding.ts']],
    ]);
    expect(forbiddenImports(planted, (file) => file.startsWith('src/reporters/'), REPORTER_MAY_IMPORT)).toEqual(['src/reporters/sarif.ts -> src/cli/rule-docs.ts', 'src/reporters/json.ts -> src/scan.ts']);
    expect([...reachable(planted, (file) => file === 'src/reporters/json.ts')]).toEqual(['src/reporters/json.ts', 'src/scan.ts']);
  });
});
