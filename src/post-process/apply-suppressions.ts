import type { ConfigSuppression } from '../config/config.js';
import type { Finding, FindingSuppression } from '../findings/finding.js';
import type { HclComment, HclFile } from '../inputs/terraform/hcl-scanner.js';
import type { MappedSource } from './map-to-source.js';
import { isPlainObject } from '../model/values.js';
import { graphWork } from '../graph/work.js';
import { directiveCovers, globMatches, parseAnnotationDirectives, parseCommentDirective, type Directive } from './suppression-directive.js';

export const IGNORE_ANNOTATION = 'azfence.io/ignore';

export interface SuppressionOptions {
  /** Plan findings mapped to .tf: their comments hold inline suppressions. */
  mapped: ReadonlyMap<Finding, MappedSource>;
  /** The resource body a finding is about (manifests carry annotations in it). */
  bodyOf: (finding: Finding) => Record<string, unknown> | undefined;
  /** `# azfence:ignore` comments a reader found beside the finding's resource (pipeline files), with their lines. */
  commentsOf?: (finding: Finding) => ReadonlyArray<{ line: number; text: string }> | undefined;
  config: { file?: string; suppressions?: readonly ConfigSuppression[] };
  /** Today, for expiry; injectable for tests. */
  now: Date;
}

export type Warning = { file?: string; line?: number; message: string };

interface Located {
  directive: Directive;
  file: string;
  line?: number;
}

/**
 * A file's comments by line: trailing ones by the line they sit on, comment-only ones by the line they end
 * on (the first, where two end on one line), and the answers already given. Built once per file, so the run
 * of comment lines above a block costs one step per line: searching every comment for each line of the run
 * made 100,000 comment lines above a resource take most of a minute.
 */
interface CommentIndex {
  trailing: Map<number, HclComment[]>;
  ownLine: Map<number, HclComment>;
  answers: Map<number, HclComment[]>;
}

const indexes = new WeakMap<HclFile, CommentIndex>();

function commentIndex(hcl: HclFile): CommentIndex {
  let index = indexes.get(hcl);
  if (index) return index;
  index = { trailing: new Map(), ownLine: new Map(), answers: new Map() };
  for (const comment of hcl.comments) {
    graphWork.steps++;
    if (comment.trailing) {
      const list = index.trailing.get(comment.line);
      if (list) list.push(comment);
      else index.trailing.set(comment.line, [comment]);
    } else if (!index.ownLine.has(comment.endLine)) index.ownLine.set(comment.endLine, comment);
  }
  indexes.set(hcl, index);
  return index;
}

/** Comments that sit on a line: trailing ones on it, and the run of comment-only lines directly above it. */
function commentsFor(hcl: HclFile, line: number): HclComment[] {
  const index = commentIndex(hcl);
  graphWork.steps++;
  const known = index.answers.get(line);
  if (known) return known;
  const out = [...(index.trailing.get(line) ?? [])];
  for (let comment = index.ownLine.get(line - 1); comment; comment = index.ownLine.get(comment.line - 1)) {
    graphWork.steps++;
    out.push(comment);
  }
  index.answers.set(line, out);
  return out;
}

function inlineDirectives(source: MappedSource): Located[] {
  const lines = [source.blockLine, ...(source.attributeLine !== undefined && source.attributeLine !== source.blockLine ? [source.attributeLine] : [])];
  const out: Located[] = [];
  for (const line of lines) {
    for (const comment of commentsFor(source.hcl, line)) {
      const directive = parseCommentDirective(comment.text);
      if (directive) out.push({ directive, file: source.file, line: comment.line });
    }
  }
  return out;
}

function annotationDirectives(finding: Finding, body: Record<string, unknown> | undefined): Located[] {
  const metadata = body?.['metadata'];
  const annotations = isPlainObject(metadata) ? metadata['annotations'] : undefined;
  const value = isPlainObject(annotations) ? annotations[IGNORE_ANNOTATION] : undefined;
  if (typeof value !== 'string') return [];
  return parseAnnotationDirectives(value).map((directive) => ({ directive, file: finding.location.file, ...(finding.location.line ? { line: finding.location.line } : {}) }));
}

function readerDirectives(finding: Finding, comments: ReadonlyArray<{ line: number; text: string }> | undefined): Located[] {
  const out: Located[] = [];
  for (const comment of comments ?? []) {
    const directive = parseCommentDirective(comment.text);
    if (directive) out.push({ directive, file: finding.location.file, line: comment.line });
  }
  return out;
}

function configMatches(entry: ConfigSuppression, finding: Finding): boolean {
  if (!globMatches(entry.rule, finding.ruleId)) return false;
  const names = [finding.resource.address, finding.resource.id].filter((name): name is string => Boolean(name));
  return names.some((name) => globMatches(entry.resource, name));
}

/**
 * The UTC date as YYYY-MM-DD, what toISOString().slice(0, 10) gives for years 0-9999, built from the UTC
 * fields: the first toISOString of a process costs ~1.5 ms of CPU (V8 sets up its date formatting), paid by
 * every scan for one date.
 */
function today(now: Date): string {
  const year = now.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return now.toISOString().slice(0, 10);
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${String(year).padStart(4, '0')}-${two(now.getUTCMonth() + 1)}-${two(now.getUTCDate())}`;
}

/**
 * Marks suppressed findings. In order: an inline .tf comment or a manifest annotation (`inSource`), then
 * `.azfence.yaml` (`external`). A directive without a reason does not suppress, and an entry past its
 * `expires` date stops suppressing: both are returned as warnings, so nobody silences a finding by accident
 * or forever. Suppressed findings stay in the report.
 */
export function applySuppressions(findings: readonly Finding[], options: SuppressionOptions): Warning[] {
  const warnings: Warning[] = [];
  const warned = new Set<string>();
  const warnOnce = (key: string, warning: Warning) => {
    if (warned.has(key)) return;
    warned.add(key);
    warnings.push(warning);
  };
  const date = today(options.now);
  const entries = options.config.suppressions ?? [];
  const expiredHits = new Map<ConfigSuppression, number>();

  for (const finding of findings) {
    const mapped = options.mapped.get(finding);
    const inSource = [...(mapped ? inlineDirectives(mapped) : []), ...annotationDirectives(finding, options.bodyOf(finding)), ...readerDirectives(finding, options.commentsOf?.(finding))].filter((located) => directiveCovers(located.directive, finding.ruleId));
    let suppression: FindingSuppression | undefined;
    for (const located of inSource) {
      if (!located.directive.reason) {
        const where = located.line ? `${located.file}:${located.line}` : located.file;
        warnOnce(`reason|${where}`, {
          file: located.file,
          ...(located.line ? { line: located.line } : {}),
          message: `azfence:ignore ${located.directive.rules.join(',')} gives no reason, so it does not suppress (write the reason after the rule id)`,
        });
        continue;
      }
      suppression ??= { kind: 'inSource', reason: located.directive.reason, file: located.file, ...(located.line ? { line: located.line } : {}) };
    }
    let expired: ConfigSuppression | undefined;
    if (!suppression) {
      for (const entry of entries) {
        if (!configMatches(entry, finding)) continue;
        if (entry.expires !== undefined && entry.expires < date) {
          expired ??= entry;
          expiredHits.set(entry, (expiredHits.get(entry) ?? 0) + 1);
          continue;
        }
        suppression = {
          kind: 'external',
          reason: entry.reason,
          ...(entry.expires ? { expires: entry.expires } : {}),
          ...(options.config.file ? { file: options.config.file } : {}),
          ...(entry.line ? { line: entry.line } : {}),
        };
        break;
      }
    }
    if (suppression) finding.suppression = suppression;
    else if (expired) finding.message = `${finding.message} (A suppression expired on ${expired.expires}: ${expired.reason})`;
  }

  for (const entry of entries) {
    if (entry.expires === undefined || entry.expires >= date) continue;
    const hits = expiredHits.get(entry) ?? 0;
    warnings.push({
      ...(options.config.file ? { file: options.config.file } : {}),
      ...(entry.line ? { line: entry.line } : {}),
      message: `suppression of ${entry.rule} on ${entry.resource} expired on ${entry.expires}; it no longer suppresses (${hits} finding${hits === 1 ? '' : 's'} affected)`,
    });
  }
  return warnings;
}
