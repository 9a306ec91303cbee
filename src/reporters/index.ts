import type { ScanReport } from '../scan.js';
import { renderHtml } from './html/render-html.js';
import type { Finding } from '../findings/finding.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderTable } from './table.js';

export const FORMATS = ['table', 'json', 'sarif', 'markdown', 'junit', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** How the CLI asks for a report: where it runs (SARIF paths), colours and --quiet (the table). */
export interface RenderOptions {
  /** The working directory, against which findings name files. */
  cwd?: string;
  /** The checkout root SARIF locations are relative to (cli/checkout-root.ts). */
  root?: string;
  /** Severity colours (table on a terminal). */
  color?: boolean;
  /** --quiet: the table lists only these findings (those that fail the gate). */
  only?: readonly Finding[];
}

export function render(report: ScanReport, format: Format, options: RenderOptions = {}): string {
  switch (format) {
    case 'table':
      return renderTable(report, undefined, options);
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report, undefined, options);
    case 'markdown':
      return renderMarkdown(report);
    case 'junit':
      return renderJunit(report);
    case 'html':
      return renderHtml(report);
  }
}
