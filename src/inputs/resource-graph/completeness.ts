import { isPlainObject } from '../../model/values.js';

/**
 * Whether a Resource Graph result holds every row of its query. `az graph query` returns one page (at most
 * `--first`, itself at most 1000 rows) with `skip_token` set when more remain and `total_records` counting
 * them all; the REST API says the same with `$skipToken`, `totalRecords` and `resultTruncated`. A page scanned
 * as if it were the subscription would pass the gate on the resources it happens to hold, so an incomplete
 * result is an input error (its rows are still read and judged).
 *
 * Returns why the result is incomplete, or undefined. A plain array of rows or an ARM list carries no totals:
 * nothing to check.
 */
export function incompleteness(json: unknown, rowsHeld: number): string | undefined {
  if (!isPlainObject(json)) return undefined;
  const skipToken = nonEmpty(json['skip_token']) ? 'skip_token' : nonEmpty(json['$skipToken']) ? '$skipToken' : undefined;
  const truncated = json['resultTruncated'] === true || json['resultTruncated'] === 'true';
  const total = [json['total_records'], json['totalRecords'], json['count']].filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  const expected = total.length ? Math.max(...total) : undefined;
  const short = expected !== undefined && expected > rowsHeld;
  if (!skipToken && !truncated && !short) return undefined;
  const held = expected !== undefined && expected > rowsHeld ? `it holds ${rowsHeld} of ${expected} rows` : `it holds ${rowsHeld} rows and more were not returned`;
  const why = [skipToken ? `${skipToken} is set` : undefined, truncated ? 'resultTruncated is true' : undefined].filter(Boolean).join(', ');
  return (
    `is incomplete: ${held}${why ? ` (${why})` : ''}, and the rest were not read. ` +
    'Fetch every page into one file (az graph query -q <query> --first 1000 --skip-token <skip_token>, until skip_token is empty; ' +
    'a query with limit or take cannot be paged) or let azfence page: azfence audit --subscription <id> --snapshot-out snapshot.json'
  );
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}
