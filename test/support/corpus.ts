import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The real plans in ../shared/corpus/real-plans (beside the checkout, as CI lays it out). A missing corpus
 * fails the tests that read it, with this message, instead of letting them vanish as "skipped" in a green
 * run; AZFENCE_SKIP_CORPUS=1 skips them on purpose (a checkout without shared/).
 */
export const CORPUS_DIR = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'real-plans');
export const CORPUS_OPT_OUT = 'AZFENCE_SKIP_CORPUS';

export interface Corpus {
  dir: string;
  /** File names of the plans, sorted. */
  plans: string[];
  /** AZFENCE_SKIP_CORPUS=1: the corpus tests are skipped on purpose. */
  optedOut: boolean;
  /** Why the corpus cannot be read: the corpus tests fail with it. */
  problem?: string;
}

export function realPlanCorpus(): Corpus {
  const optedOut = process.env[CORPUS_OPT_OUT] === '1';
  const plans = existsSync(CORPUS_DIR) ? readdirSync(CORPUS_DIR).filter((name) => name.endsWith('.json')).sort() : [];
  if (plans.length > 0) return { dir: CORPUS_DIR, plans, optedOut };
  const what = existsSync(CORPUS_DIR) ? `${CORPUS_DIR} holds no .json plans` : `${CORPUS_DIR} is missing`;
  return { dir: CORPUS_DIR, plans, optedOut, problem: `${what}: the real-plan corpus tests need ../shared/corpus/real-plans beside the checkout (set ${CORPUS_OPT_OUT}=1 to skip them on purpose)` };
}

/** The plans' paths, or an error naming what is missing (unless the corpus is skipped on purpose). */
export function corpusPlanPaths(): string[] {
  const corpus = realPlanCorpus();
  if (corpus.optedOut) return [];
  if (corpus.problem) throw new Error(corpus.problem);
  return corpus.plans.map((name) => join(corpus.dir, name));
}
