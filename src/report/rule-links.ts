import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';

/** Where a built-in rule's documentation page is: reports link to it, `npm run docs:rules` writes it. */
export const RULE_DOCS_DIR = 'docs/rules';

export function ruleDocPath(ruleId: string): string {
  return `${RULE_DOCS_DIR}/${ruleId}.md`;
}

let repositoryUrl: string | null | undefined;

/**
 * Where a built-in rule's doc page is browsable, from package.json's `repository` (a GitHub URL). Without
 * one there is no honest URL to give, so SARIF carries only the docs path.
 */
export function ruleHelpUri(ruleId: string): string | undefined {
  if (repositoryUrl === undefined) {
    repositoryUrl = null;
    try {
      const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { repository?: string | { url?: string } };
      const raw = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
      const match = raw ? /^(?:git\+)?https:\/\/github\.com\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(raw) ?? /^github:([^/]+)\/([^/]+)$/.exec(raw) : null;
      if (match) repositoryUrl = `https://github.com/${match[1]}/${match[2]}`;
    } catch {
      repositoryUrl = null;
    }
  }
  return repositoryUrl ? `${repositoryUrl}/blob/main/${ruleDocPath(ruleId)}` : undefined;
}
