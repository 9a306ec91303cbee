import { htmlText } from './html-text.js';

export interface Bar {
  label: string;
  fail: number;
  unknown: number;
  /** A CSS class for the bar's colour (severity-high...). */
  tone: string;
}

const ROW = 26;
const LABEL = 120;
const WIDTH = 440;
const COUNT = 70;

/**
 * A horizontal bar chart as inline SVG: failed and unknown stacked per label. It is an image to a screen
 * reader (role="img"), named by its title and described by every number it shows; the same numbers are in
 * the table beside it, so no one needs the picture.
 */
export function barChart(id: string, title: string, bars: readonly Bar[]): string {
  const max = Math.max(1, ...bars.map((bar) => bar.fail + bar.unknown));
  const span = WIDTH - LABEL - COUNT;
  const height = Math.max(1, bars.length) * ROW + 8;
  const description = bars.map((bar) => `${bar.label}: ${bar.fail} failed, ${bar.unknown} unknown`).join('; ') || 'no findings';
  const rows = bars.map((bar, index) => {
    const y = 4 + index * ROW;
    const failWidth = Math.round((bar.fail / max) * span);
    const unknownWidth = Math.round((bar.unknown / max) * span);
    return [
      `<text x="${LABEL - 8}" y="${y + 16}" text-anchor="end" class="chart-label">${htmlText(bar.label)}</text>`,
      failWidth ? `<rect x="${LABEL}" y="${y + 3}" width="${failWidth}" height="${ROW - 8}" class="bar ${bar.tone}"/>` : '',
      unknownWidth ? `<rect x="${LABEL + failWidth}" y="${y + 3}" width="${unknownWidth}" height="${ROW - 8}" class="bar ${bar.tone} bar-unknown"/>` : '',
      `<text x="${LABEL + failWidth + unknownWidth + 6}" y="${y + 16}" class="chart-count">${bar.fail}${bar.unknown ? ` + ${bar.unknown}?` : ''}</text>`,
    ].join('');
  });
  return `<svg id="${id}" class="chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title id="${id}-title">${htmlText(title)}</title><desc id="${id}-desc">${htmlText(description)}</desc>${rows.join('')}</svg>`;
}
