import type { ScanReport } from '../report/scan-report.js';
import { renderHtml } from './html/render-html.js';
import type { RenderOptions } from './render-options.js';
import { renderJson } from './json.js';
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
