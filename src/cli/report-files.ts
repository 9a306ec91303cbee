import type { Format } from '../reporters/index.js';

/**
 * Report files one run can write beside what it prints: each is `--<flag> FILE` and renders the report in
 * `format`. A new report file (an HTML page, say) is one more entry here.
 */
export interface ReportFile {
  flag: string;
  /** The camelCase key commander gives the option. */
  key: string;
  format: Format;
  help: string;
}

export const REPORT_FILES: readonly ReportFile[] = [
  { flag: 'sarif', key: 'sarif', format: 'sarif', help: 'also write SARIF to FILE (GitHub code scanning)' },
  { flag: 'markdown', key: 'markdown', format: 'markdown', help: 'also write the Markdown summary to FILE (e.g. $GITHUB_STEP_SUMMARY); --summary is the same' },
  { flag: 'json', key: 'json', format: 'json', help: 'also write the JSON report to FILE' },
  { flag: 'junit', key: 'junit', format: 'junit', help: 'also write JUnit XML to FILE (Azure DevOps, GitLab, Jenkins test tabs)' },
  { flag: 'html', key: 'html', format: 'html', help: 'also write the HTML report to FILE (one self-contained page)' },
];
