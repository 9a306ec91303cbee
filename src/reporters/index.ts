import type { ScanReport } from '../report/scan-report.js';
import { renderHtml } from './html/render-html.js';
import type { RenderOptions } from './render-options.js';
import { renderJson, renderJsonParts } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderTable } from './table.js';

export const FORMATS = ['table', 'json', 'sarif', 'markdown', 'junit', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export type { RenderOptions } from './render-options.js';

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

/**
 * The report as parts to write one after the other: the JSON report in parts of about a megabyte (a large
 * scan's is more text than one string holds), every other format whole.
 */
export function renderParts(report: ScanReport, format: Format, options: RenderOptions = {}): Iterable<string> {
  return format === 'json' ? renderJsonParts(report) : [render(report, format, options)];
}
