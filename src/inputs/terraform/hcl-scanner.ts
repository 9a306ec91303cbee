/**
 * A small HCL2 scanner that finds where things are written, not what they mean: top-level blocks
 * (`resource "type" "name" {`), the attributes and nested blocks directly in their bodies, and every
 * comment. It is all source mapping and inline suppressions need.
 *
 * Why not a parser from npm: @cdktf/hcl2json gives no positions, tree-sitter-hcl needs a native build or
 * an async WASM start (scans are synchronous), and the editor grammars pull in an editor. Lexing HCL
 * correctly is the hard part, and it is done here in full: `#`, `//` and `/* *\/` comments, strings with
 * escapes and `${ ... }` / `%{ ... }` templates that themselves hold strings and braces, heredocs
 * (`<<EOF`, `<<-EOF`) whose bodies may hold anything, and brackets nested to any depth.
 */

export interface HclComment {
  /** 1-based line where the comment starts, and where it ends (block comments may span lines). */
  line: number;
  endLine: number;
  /** The comment's text without its `#`, `//` or `/* *\/` markers. */
  text: string;
  /** True when code precedes the comment on its first line (`x = 1 # note`). */
  trailing: boolean;
}

export interface HclItem {
  name: string;
  line: number;
  column: number;
}

export interface HclBlock {
  /** Block type: `resource`, `data`, `module`, `locals`, ... */
  type: string;
  labels: string[];
  line: number;
  column: number;
  endLine: number;
  /** Attributes written directly in the body, by name (`name = ...`). */
  attributes: Map<string, HclItem>;
  /** Nested blocks directly in the body, by type; a type may repeat (`rule { } rule { }`). */
  blocks: Map<string, HclItem[]>;
}

export interface HclFile {
  blocks: HclBlock[];
  comments: HclComment[];
  /** Lexing problems (an unterminated string or heredoc): the blocks before them are still found. */
  problems: Array<{ line: number; message: string }>;
}

type TokenKind = 'ident' | 'string' | 'heredoc' | 'open' | 'close' | 'equals' | 'newline' | 'other';

interface Token {
  kind: TokenKind;
  /** Identifier name, the string's literal text (templates kept verbatim), or the bracket character. */
  text: string;
  line: number;
  column: number;
}

/**
 * Identifier characters: ASCII letters, digits, `_` and `-`, and any Unicode letter or number. The ASCII ones
 * are tested by code; the Unicode classes are built on the first non-ASCII character. V8 builds a `\p{L}`
 * class from ICU's tables when it creates the expression, not when it runs it: as module constants, these two
 * and terminal-text's unsafe characters cost every start ~4.7M instructions (6% of an empty Node process's
 * start), scanned .tf file or not.
 */
let identStart: RegExp | undefined;
let identPart: RegExp | undefined;

function isIdentStart(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code < 0x80) return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f;
  return (identStart ??= /[A-Za-z_\p{L}]/u).test(ch);
}

function isIdentPart(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code < 0x80) return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x5f || code === 0x2d;
  return (identPart ??= /[A-Za-z0-9_\-\p{L}\p{N}]/u).test(ch);
}

/** Splits HCL text into the tokens the block scanner needs; comments go to their own list. */
function tokenize(text: string): { tokens: Token[]; comments: HclComment[]; problems: HclFile['problems'] } {
  const tokens: Token[] = [];
  const comments: HclComment[] = [];
  const problems: HclFile['problems'] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  // Whether a token other than a newline was emitted on the current line: decides `trailing` comments.
  let codeOnLine: boolean = false;
  const column = (at: number) => at - lineStart + 1;
  const push = (kind: TokenKind, value: string, atLine: number, atColumn: number) => {
    tokens.push({ kind, text: value, line: atLine, column: atColumn });
    if (kind !== 'newline') codeOnLine = true;
  };
  const newline = (at: number) => {
    line++;
    lineStart = at + 1;
    codeOnLine = false;
  };

  /**
   * Skips a quoted string starting at `start` (the opening quote) and returns the index after its closing
   * quote. Template sequences `${ ... }` and `%{ ... }` are skipped as expressions, so a `"` or `}` inside
   * them (`"${lookup(m, "k")}"`, `"${ {a = 1}.a }"`) does not end the string early. `$${` and `%%{` are
   * escapes for a literal `${` / `%{`. Strings and templates nest inside each other to any depth, so they
   * are tracked on a stack of their own, not on the call stack: a file nesting `"${"${...}"}"` 10,000 deep
   * (from a pull request) costs memory, never a stack overflow.
   */
  const skipString = (start: number): number => {
    // One entry per open string (-1) or template expression (its brace depth, from 1).
    const open: number[] = [-1];
    let at = start + 1;
    while (at < text.length) {
      const ch = text[at]!;
      const top = open.length - 1;
      if (open[top] === -1) {
        if (ch === '\\') {
          at += 2;
          continue;
        }
        if (ch === '"') {
          open.pop();
          at++;
          if (open.length === 0) return at;
          continue;
        }
        if (ch === '\n') {
          // HCL strings cannot span lines; treat the line end as the string's end so one typo does not
          // swallow the rest of the file. The enclosing template (if any) goes on from the line end.
          problems.push({ line, message: 'unterminated string' });
          open.pop();
          if (open.length === 0) return at;
          continue;
        }
        if ((ch === '$' || ch === '%') && text[at + 1] === ch && text[at + 2] === '{') {
          at += 3;
          continue;
        }
        if ((ch === '$' || ch === '%') && text[at + 1] === '{') {
          open.push(1);
          at += 2;
          continue;
        }
        at++;
        continue;
      }
      // Inside a template expression.
      if (ch === '"') {
        open.push(-1);
        at++;
        continue;
      }
      if (ch === '\n') newline(at);
      if (ch === '{') open[top]!++;
      else if (ch === '}' && --open[top]! === 0) open.pop();
      at++;
    }
    problems.push({ line, message: 'unterminated string' });
    return at;
  };

  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\n') {
      push('newline', '\n', line, column(i));
      newline(i);
      i++;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\uFEFF') {
      i++;
      continue;
    }
    if (ch === '#' || (ch === '/' && text[i + 1] === '/')) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      comments.push({ line, endLine: line, text: text.slice(i + (ch === '#' ? 1 : 2), stop).replace(/\r$/, ''), trailing: codeOnLine });
      i = stop;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const startLine = line;
      const trailing: boolean = codeOnLine;
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end;
      for (let at = i; at < stop; at++) if (text[at] === '\n') newline(at);
      if (end < 0) problems.push({ line: startLine, message: 'unterminated comment' });
      comments.push({ line: startLine, endLine: line, text: text.slice(i + 2, stop), trailing });
      // A block comment keeps the line's code state: `x = 1 /* a */ # b` has two trailing comments.
      codeOnLine = trailing && line === startLine;
      i = end < 0 ? text.length : end + 2;
      continue;
    }
    if (ch === '"') {
      const startLine = line;
      const startColumn = column(i);
      const end = skipString(i);
      push('string', text.slice(i + 1, Math.max(i + 1, end - 1)), startLine, startColumn);
      i = end;
      continue;
    }
    if (ch === '<' && text[i + 1] === '<') {
      const heredoc = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(text.slice(i, i + 200));
      if (heredoc) {
        const startLine = line;
        const startColumn = column(i);
        const marker = heredoc[2]!;
        let at = i + heredoc[0].length;
        newline(at - 1);
        // The body ends at the first line that, stripped of surrounding spaces, is the marker. Its content is
        // never lexed: braces, quotes and `#` in a heredoc are text.
        let closed = false;
        while (at <= text.length) {
          const end = text.indexOf('\n', at);
          const stop = end < 0 ? text.length : end;
          if (text.slice(at, stop).trim() === marker) {
            at = stop;
            closed = true;
            break;
          }
          if (end < 0) {
            at = text.length;
            break;
          }
          newline(end);
          at = end + 1;
        }
        if (!closed) problems.push({ line: startLine, message: `unterminated heredoc <<${marker}` });
        push('heredoc', marker, startLine, startColumn);
        i = at;
        continue;
      }
    }
    if (ch === '{' || ch === '[' || ch === '(') {
      push('open', ch, line, column(i));
      i++;
      continue;
    }
    if (ch === '}' || ch === ']' || ch === ')') {
      push('close', ch, line, column(i));
      i++;
      continue;
    }
    if (ch === '=' && text[i + 1] !== '=' && text[i + 1] !== '>' && !'!<>='.includes(text[i - 1] ?? '')) {
      push('equals', '=', line, column(i));
      i++;
      continue;
    }
    if (isIdentStart(ch)) {
      const start = i;
      while (i < text.length && isIdentPart(text[i]!)) i++;
      push('ident', text.slice(start, i), line, column(start));
      continue;
    }
    push('other', ch, line, column(i));
    i++;
  }
  return { tokens, comments, problems };
}

/**
 * Reads a body (the whole file, or a block's inside) from `start` and returns the index after it: the
 * closing `}` of a block body, or the end of the tokens for the file. Items found at this level are
 * reported to `onItem`; nested blocks are read only to find where they end, on a stack of open blocks
 * rather than by recursion, so `a { a { ... } }` nested 100,000 deep is read like any other file.
 */
function scanBody(tokens: Token[], start: number, onItem: (item: { kind: 'attribute' | 'block'; name: Token; labels: Token[]; bodyStart: number; bodyEnd: number }) => void, isFile: boolean): number {
  const open: Array<{ name: Token; labels: Token[]; bodyStart: number }> = [];
  let i = start;
  while (i < tokens.length) {
    const token = tokens[i]!;
    if (token.kind === 'newline') {
      i++;
      continue;
    }
    if (token.kind === 'close' && token.text === '}' && (open.length > 0 || !isFile)) {
      const block = open.pop();
      if (!block) return i + 1;
      if (open.length === 0) onItem({ kind: 'block', name: block.name, labels: block.labels, bodyStart: block.bodyStart, bodyEnd: i + 1 });
      i++;
      continue;
    }
    if (token.kind === 'ident') {
      const next = tokens[i + 1];
      if (next?.kind === 'equals') {
        const end = skipExpression(tokens, i + 2);
        if (open.length === 0) onItem({ kind: 'attribute', name: token, labels: [], bodyStart: i + 2, bodyEnd: end });
        i = end;
        continue;
      }
      // A block: its type, then labels (quoted strings or bare identifiers), then `{`.
      let at = i + 1;
      const labels: Token[] = [];
      while (tokens[at] && (tokens[at]!.kind === 'string' || tokens[at]!.kind === 'ident')) labels.push(tokens[at++]!);
      if (tokens[at]?.kind === 'open' && tokens[at]!.text === '{') {
        open.push({ name: token, labels, bodyStart: at + 1 });
        i = at + 1;
        continue;
      }
    }
    // Anything else is not valid at body level; skip the rest of the line (with its brackets) and go on.
    i = skipExpression(tokens, i + 1);
  }
  // Blocks still open when the tokens run out end there; only the outermost is an item of this body.
  if (open.length > 0) onItem({ kind: 'block', name: open[0]!.name, labels: open[0]!.labels, bodyStart: open[0]!.bodyStart, bodyEnd: i });
  return i;
}

/** Skips an expression (or junk) up to the newline that ends it at bracket depth 0; returns that newline's index. */
function skipExpression(tokens: Token[], start: number): number {
  let depth = 0;
  let i = start;
  while (i < tokens.length) {
    const token = tokens[i]!;
    if (token.kind === 'open') depth++;
    else if (token.kind === 'close') {
      if (depth === 0) return i; // the `}` closing the enclosing body (`a = { b = 1 }` written inline)
      depth--;
    } else if (token.kind === 'newline' && depth === 0) return i;
    i++;
  }
  return i;
}

/** Scans one .tf file's text. Never throws: positions are best effort, problems are listed. */
export function scanHcl(text: string): HclFile {
  const { tokens, comments, problems } = tokenize(text);
  const blocks: HclBlock[] = [];
  scanBody(
    tokens,
    0,
    (item) => {
      if (item.kind !== 'block') return;
      const attributes = new Map<string, HclItem>();
      const nested = new Map<string, HclItem[]>();
      scanBody(
        tokens,
        item.bodyStart,
        (inner) => {
          const entry = { name: inner.name.text, line: inner.name.line, column: inner.name.column };
          if (inner.kind === 'attribute') {
            if (!attributes.has(entry.name)) attributes.set(entry.name, entry);
          } else {
            // `dynamic "delegation" { ... }` writes the `delegation` blocks: findings name them by that label.
            const names = entry.name === 'dynamic' && inner.labels[0] ? [entry.name, inner.labels[0].text] : [entry.name];
            for (const name of names) {
              const list = nested.get(name);
              if (list) list.push(entry);
              else nested.set(name, [entry]);
            }
          }
        },
        false,
      );
      const closing = tokens[item.bodyEnd - 1];
      blocks.push({
        type: item.name.text,
        labels: item.labels.map((label) => label.text),
        line: item.name.line,
        column: item.name.column,
        endLine: closing?.line ?? item.name.line,
        attributes,
        blocks: nested,
      });
    },
    true,
  );
  return { blocks, comments, problems };
}
