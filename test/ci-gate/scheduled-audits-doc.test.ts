import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../support/run-cli.js';

/**
 * The shard workflows in docs/scheduled-audits.md are copied into pipelines as they are: they must be YAML,
 * give every shard the same N as the matrix has runners, and use only flags azfence has.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const DOC = readFileSync(join(ROOT, 'docs/scheduled-audits.md'), 'utf8');
const blocks = [...DOC.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!);

type Step = { run?: string; name?: string; inputs?: { inlineScript?: string }; script?: string };

/** The flags given to azfence (npx's own, before the command, are not). */
function flagsOf(command: string): string[] {
  const azfence = command.slice(command.search(/azfence (audit|merge)/));
  return [...new Set(azfence.match(/(?<=\s)--[a-z][a-z-]+/g) ?? [])];
}

function helpOf(command: 'audit' | 'merge'): string {
  return runCli([command, '--help']).stdout;
}

describe('docs/scheduled-audits.md', () => {
  it('holds a GitHub Actions matrix whose runners match --shard K/N, and a merge job after it', () => {
    const workflow = parse(blocks.find((block) => block.includes('strategy:') && block.includes('matrix:'))!) as { jobs: Record<string, { strategy?: { matrix: { shard: number[] } }; needs?: string; steps: Step[] }> };
    const shards = workflow.jobs['audit']!.strategy!.matrix.shard;
    const audit = workflow.jobs['audit']!.steps.find((step) => step.run?.includes('azfence audit'))!.run!;
    expect(audit).toContain(`--shard \${{ matrix.shard }}/${shards.length}`);
    expect(shards).toEqual(Array.from({ length: shards.length }, (_, i) => i + 1));
    expect(workflow.jobs['merge']!.needs).toBe('audit');
    const merge = workflow.jobs['merge']!.steps.find((step) => step.run?.includes('azfence merge'))!.run!;
    for (const flag of flagsOf(audit)) expect(helpOf('audit')).toContain(flag);
    for (const flag of flagsOf(merge)) expect(helpOf('merge')).toContain(flag);
  });

  it('holds an Azure DevOps template whose parallel jobs pass their position as the shard', () => {
    const template = parse(blocks.find((block) => block.includes('parallel:'))!) as { parameters: Array<{ name: string }>; jobs: Array<{ job: string; strategy?: { parallel: string }; dependsOn?: string; steps: Step[] }> };
    expect(template.parameters.map((parameter) => parameter.name)).toEqual(expect.arrayContaining(['shards', 'serviceConnection', 'scope', 'failOn']));
    const audit = template.jobs.find((job) => job.job === 'audit')!;
    expect(audit.strategy!.parallel).toBe('${{ parameters.shards }}');
    const script = audit.steps.find((step) => step.inputs?.inlineScript)!.inputs!.inlineScript!;
    expect(script).toContain('--shard $(System.JobPositionInPhase)/$(System.TotalJobsInPhase)');
    const merge = template.jobs.find((job) => job.job === 'merge')!;
    expect(merge.dependsOn).toBe('audit');
    const mergeScript = merge.steps.find((step) => step.script?.includes('azfence merge'))!.script!;
    for (const flag of flagsOf(script)) expect(helpOf('audit')).toContain(flag);
    for (const flag of flagsOf(mergeScript)) expect(helpOf('merge')).toContain(flag);
    // Each report flag once: a repeated --format or --output would silently keep only the last.
    for (const flag of ['--format', '--output']) expect(mergeScript.split(flag).length - 1).toBeLessThanOrEqual(1);
  });
});
