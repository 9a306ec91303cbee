import { describe, expect, it } from 'vitest';
import { pipelineFlavorOfPath } from '../../src/inputs/pipelines/read-pipeline.js';

/**
 * Which files are read as pipelines by their path alone: GitHub workflows, Azure Pipelines files and
 * scripts. Names are matched without regard to case, Windows separators count, and a file named elsewhere
 * is read for what it is, not as a pipeline.
 */
describe('pipeline flavour of a path', () => {
  it('names workflows, Azure Pipelines files and scripts, in any case and with either separator', () => {
    const cases: Array<[string, string | undefined]> = [
      ['.github/workflows/ci.yml', 'github-actions'],
      ['repo/.GitHub/Workflows/Deploy.YAML', 'github-actions'],
      ['repo\\.github\\workflows\\build.yaml', 'github-actions'],
      ['azure-pipelines.yml', 'azure-pipelines'],
      ['ci/Azure-Pipelines-release.YAML', 'azure-pipelines'],
      ['repo/.azure-pipelines/build.yml', 'azure-pipelines'],
      // path.basename drops a trailing separator: the name is still an Azure Pipelines file's.
      ['repo/azure-pipelines.yml/', 'azure-pipelines'],
      ['scripts/deploy.SH', 'script'],
      ['tools/setup.ps1', 'script'],
      ['.github/workflows/ci.json', undefined],
      ['.github/workflows/nested/ci.yml', undefined],
      ['fixtures/estate/plan.json', undefined],
      ['k8s/deployment.yaml', undefined],
      ['azure-pipelines.yml.bak', undefined],
    ];
    for (const [path, flavor] of cases) expect([path, pipelineFlavorOfPath(path)]).toEqual([path, flavor]);
  });
});
