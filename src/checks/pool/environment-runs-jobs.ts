import type { RuleFunction } from '../../engine/evaluate.js';
import { defineCheck } from '../check.js';
import { jobsByEnvironment } from './agent-network.js';

/** True when the Container Apps environment runs jobs (where-clause of AZF-POOL-004/005). */
const evaluate: RuleFunction = (context) => {
  const index = jobsByEnvironment(context.inventory);
  const { resource } = context;
  const jobs = [...(index.get(resource.key.toLowerCase()) ?? []), ...(resource.source.id ? index.get(`id:${resource.source.id.toLowerCase()}`) ?? [] : [])];
  return jobs.length ? { verdict: 'pass', evidence: [], details: { jobs: jobs.map((job) => job.name).join(', ') } } : { verdict: 'fail', evidence: [] };
};

export default defineCheck({
  name: 'environmentRunsJobs',
  reads: ['microsoft.app/jobs'],
  details: ['jobs'],
  evaluate,
});
