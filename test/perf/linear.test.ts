import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/scan.js';
import type { ScanReport } from '../../src/report/scan-report.js';
import { graphWork } from '../../src/graph/work.js';
// @ts-expect-error: the bench generator is plain ESM JavaScript without types.
import { writePlan, writeSnapshot } from '../../bench/generate.mjs';

/**
 * Cost must grow linearly with the estate. Time is noisy on shared CI runners, so this counts work
 * instead: report.stats.operations is every rule-engine leaf plus every step inside graph lookups
 * (candidates examined, links followed), so a loop over the estate hidden inside a function leaf shows.
 * Doubling a linear estate doubles the count; the test allows up to 3x.
 */
const dir = mkdtempSync(join(tmpdir(), 'azfence-linear-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scanGenerated(kind: 'plan' | 'snapshot', resources: number): ScanReport {
  const file = join(dir, `${kind}-${resources}.json`);
  (kind === 'plan' ? writePlan : writeSnapshot)(file, resources, 7);
  return scan({ paths: [file], cwd: dir });
}

function count(report: ScanReport, ruleId: string): number {
  return report.findings.filter((finding) => finding.ruleId === ruleId).length;
}

describe('cost grows linearly with the estate', () => {
  it('plans: modules, for_each, endpoints, zones and links', () => {
    const small = scanGenerated('plan', 3000);
    const large = scanGenerated('plan', 6000);
    expect(small.errors).toEqual([]);
    // The cross-resource rules really ran: endpoints were followed to zones and VNets through references.
    for (const report of [small, large]) {
      expect(count(report, 'AZF-DNS-002') + count(report, 'AZF-DNS-003')).toBeGreaterThan(0);
      expect(count(report, 'AZF-DNS-004')).toBeGreaterThan(0);
      expect(report.stats.evaluated).toBeGreaterThan(200);
    }
    // Links in a spoke resolve (DNS-004 passes for spokes that link their zones): references were followed.
    expect(large.stats.checksPassed).toBeGreaterThan(small.stats.checksPassed);
    const ratio = large.stats.operations / small.stats.operations;
    expect(ratio, `operations ${small.stats.operations} -> ${large.stats.operations}`).toBeLessThanOrEqual(3);
    expect(ratio).toBeGreaterThan(1.5);
  });

  it('snapshots: links by id', () => {
    const small = scanGenerated('snapshot', 3000);
    const large = scanGenerated('snapshot', 6000);
    expect(small.errors).toEqual([]);
    const ratio = large.stats.operations / small.stats.operations;
    expect(ratio, `operations ${small.stats.operations} -> ${large.stats.operations}`).toBeLessThanOrEqual(3);
  });
});

/** Every step the scan counted, reading and source mapping included (graphWork is module-level). */
function scanCounting(paths: string[], cwd: string): { report: ScanReport; steps: number } {
  const before = graphWork.steps;
  const report = scan({ paths, cwd });
  return { report, steps: graphWork.steps - before };
}

const REGISTRY = { name: 'acrlinear', sku: 'Premium', public_network_access_enabled: true };

function planOf(address: string): Record<string, unknown> {
  const type = 'azurerm_container_registry';
  const entry = { address, mode: 'managed', type, name: 'acr', provider_name: 'registry.terraform.io/hashicorp/azurerm' };
  return {
    format_version: '1.2',
    terraform_version: '1.9.4',
    planned_values: { root_module: { resources: [{ ...entry, values: REGISTRY }] } },
    resource_changes: [{ ...entry, change: { actions: ['create'], before: null, after: REGISTRY, after_unknown: {}, before_sensitive: false, after_sensitive: {} } }],
    configuration: { root_module: { resources: [{ address: `${type}.acr`, mode: 'managed', type, name: 'acr', expressions: {} }] } },
  };
}

/** A Resource Graph row as `az graph query` returns it. */
function graphRow(type: string, name: string, properties: Record<string, unknown>): Record<string, unknown> {
  return { id: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/${type}/${name}`, name, type: type.toLowerCase(), location: 'westeurope', resourceGroup: 'rg', subscriptionId: '00000000-0000-0000-0000-000000000000', tags: {}, sku: null, properties };
}

describe('cost grows linearly with hostile input shapes', () => {
  /**
   * A snapshot put together from overlapping pages repeats rows (each repeat is compared with the first),
   * and a VNet carries its subnets inline (each becomes a resource of its own): neither may cost more than
   * its share as the snapshot grows.
   */
  it('snapshots: every row read twice, and a VNet with thousands of subnets', () => {
    const measure = (rows: number) => {
      const root = join(dir, `snapshot-rows-${rows}`);
      mkdirSync(root);
      const registries = Array.from({ length: rows }, (_, i) => graphRow('Microsoft.ContainerRegistry/registries', `acr${i}`, { publicNetworkAccess: 'Enabled' }));
      const subnets = Array.from({ length: rows }, (_, i) => ({ name: `snet-${i}`, properties: { addressPrefix: `10.${i >> 8}.${i & 255}.0/24` } }));
      const vnet = graphRow('Microsoft.Network/virtualNetworks', 'vnet', { subnets });
      const data = [vnet, ...registries, ...registries];
      writeFileSync(join(root, 'snapshot.json'), JSON.stringify({ count: data.length, data }));
      const { report, steps } = scanCounting([join(root, 'snapshot.json')], root);
      expect(report.errors).toEqual([]);
      // Every registry read once, whatever the repeats, and judged.
      expect(report.stats.resources).toBe(1 + rows + rows);
      expect(report.findings.filter((finding) => finding.ruleId === 'AZF-PUB-001')).toHaveLength(rows);
      return steps;
    };
    const small = measure(2_000);
    const large = measure(4_000);
    expect(large / small, `steps ${small} -> ${large}`).toBeLessThanOrEqual(3);
  });

  /**
   * Inline suppressions are the run of comment lines directly above a block: each line of that run used to
   * search every comment of the file. The directive sits at the top of the run, so the whole run is read.
   */
  it('.tf files: a resource block under 20,000 and 40,000 comment lines', () => {
    const measure = (lines: number) => {
      const root = join(dir, `comments-${lines}`);
      mkdirSync(root);
      writeFileSync(join(root, 'plan.json'), JSON.stringify(planOf('azurerm_container_registry.acr')));
      writeFileSync(join(root, 'main.tf'), `# azfence:ignore AZF-PUB-001 accepted for the test\n${'# a comment\n'.repeat(lines - 1)}resource "azurerm_container_registry" "acr" {\n  name = "acrlinear"\n}\n`);
      const { report, steps } = scanCounting([join(root, 'plan.json')], root);
      const finding = report.findings.find((candidate) => candidate.ruleId === 'AZF-PUB-001');
      expect(finding?.location).toMatchObject({ file: 'main.tf', line: lines + 1 });
      expect(finding?.suppression?.reason).toBe('accepted for the test');
      return steps;
    };
    const small = measure(20_000);
    const large = measure(40_000);
    expect(large / small, `steps ${small} -> ${large}`).toBeLessThanOrEqual(3);
  });

  it('plans: a resource in modules nested 1,000 and 2,000 deep', () => {
    const measure = (depth: number) => {
      const root = join(dir, `modules-${depth}`);
      mkdirSync(root);
      const address = `${'module.m.'.repeat(depth)}azurerm_container_registry.acr`;
      writeFileSync(join(root, 'plan.json'), JSON.stringify(planOf(address)));
      const { report, steps } = scanCounting([join(root, 'plan.json')], root);
      expect(report.errors).toEqual([]);
      expect(report.findings.filter((finding) => finding.ruleId === 'AZF-PUB-001').map((finding) => finding.resource.address)).toEqual([address]);
      return steps;
    };
    const small = measure(1_000);
    const large = measure(2_000);
    expect(large / small, `steps ${small} -> ${large}`).toBeLessThanOrEqual(3);
  });
});
