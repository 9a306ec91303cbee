/**
 * Splits a script into commands and words the way its shell does: quoting, escapes, line continuations,
 * comments, command separators and here-documents. Each word keeps the line it starts on (for findings) and
 * its expansions (`$VAR`, `${VAR}`, `$(cmd)`, backticks) as parts, so the caller can substitute what it
 * knows and name what it does not.
 *
 * Why not a library: shell-quote (the common choice) gives no source positions, folds `$VAR` into text
 * through a callback and does not join `\`-newline continuations; bash-parser is unmaintained since 2017;
 * mvdan/sh's JavaScript builds are a multi-megabyte GopherJS bundle (mvdan-sh, deprecated) or asynchronous
 * WebAssembly (sh-syntax), which a synchronous reader cannot call. Pipelines need words, lines and
 * expansions, not a full AST: this is that much, tested in test/pipelines/shell-words.test.ts.
 */

export type ShellDialect = 'posix' | 'powershell' | 'cmd';

/** A piece of a word: literal text, or an expansion the shell fills in when the script runs. */
export type WordPart = { text: string } | { expansion: string; raw: string };

export interface Word {
  parts: WordPart[];
  line: number;
  /** Whether any part of the word was quoted: a quoted expansion stays one word, an unquoted one may split. */
  quoted: boolean;
}

export interface ShellCommand {
  words: Word[];
  line: number;
}

/** Placeholders a caller puts into the text for expressions it evaluated before the shell sees the script. */
export const EXPRESSION_OPEN = '\uE000';
export const EXPRESSION_CLOSE = '\uE001';


export function splitCommands(script: string, dialect: ShellDialect = 'posix', firstLine = 1): ShellCommand[] {
  return new Splitter(script.replace(/\r\n?/g, '\n'), dialect, firstLine).run();
}

class Splitter {
  private i = 0;
  private line: number;
  private readonly commands: ShellCommand[] = [];
  private words: Word[] = [];
  private commandLine = 0;
  private pendingHeredocs: Array<{ delimiter: string; stripTabs: boolean }> = [];
  private readonly escape: string;

  constructor(
    private readonly text: string,
    private readonly dialect: ShellDialect,
    firstLine: number,
  ) {
    this.line = firstLine;
    this.escape = dialect === 'powershell' ? '`' : dialect === 'cmd' ? '^' : '\\';
  }

  run(): ShellCommand[] {
    const { text } = this;
    while (this.i < text.length) {
      const ch = text[this.i]!;
      if (ch === '\n') {
        this.i++;
        this.endCommand();
        this.line++;
        if (this.pendingHeredocs.length) this.skipHeredocs();
        continue;
      }
      if (ch === ' ' || ch === '\t') {
        this.i++;
        continue;
      }
      if (ch === this.escape && text[this.i + 1] === '\n') {
        this.i += 2;
        this.line++;
        continue;
      }
      if (this.atComment()) {
        this.skipComment();
        continue;
      }
      const operator = this.operatorAt();
      if (operator) {
        this.i += operator.length;
        if (operator.token === '>' || operator.token === '<<' || operator.token === '<<-') this.skipRedirectTarget(operator.token);
        else this.endCommand();
        continue;
      }
      this.readWord();
    }
    this.endCommand();
    return this.commands;
  }

  private atComment(): boolean {
    const { text, i, dialect } = this;
    if (dialect === 'cmd') {
      if (!this.words.length && /^(?:rem(?:\s|$)|::|@rem(?:\s|$))/i.test(text.slice(i, i + 5))) return true;
      return false;
    }
    if (dialect === 'powershell' && text.startsWith('<#', i)) return true;
    return text[i] === '#';
  }

  private skipComment(): void {
    const { text } = this;
    if (this.dialect === 'powershell' && text.startsWith('<#', this.i)) {
      const end = text.indexOf('#>', this.i + 2);
      const stop = end < 0 ? text.length : end + 2;
      this.line += countNewlines(text, this.i, stop);
      this.i = stop;
      return;
    }
    const end = text.indexOf('\n', this.i);
    this.i = end < 0 ? text.length : end;
  }

  /** A command separator or a redirection at the cursor: `{ token, length }`, with every redirection's token `>` (or `<<`, `<<-`). */
  private operatorAt(): { token: string; length: number } | undefined {
    const rest = this.text.slice(this.i, this.i + 4);
    const redirect = this.dialect === 'posix' ? /^(?:<<-|<<<|<<|[0-9]?>>|&>>?|[0-9]?>&?|[0-9]?<&?|>\|)/.exec(rest) : this.dialect === 'powershell' ? /^(?:[0-9*]?>>|[0-9*]?>(?:&1)?|<)/.exec(rest) : /^(?:[0-9]?>>|[0-9]?>&?|<)/.exec(rest);
    if (redirect) {
      const token = redirect[0] === '<<-' || redirect[0] === '<<' ? redirect[0] : '>';
      return { token, length: redirect[0].length };
    }
    const separator = this.dialect === 'posix' ? /^(?:&&|\|\||;;|\|&|[;&|()])/.exec(rest) : this.dialect === 'powershell' ? /^(?:&&|\|\||[;|])/.exec(rest) : /^(?:&&|\|\||[&|()])/.exec(rest);
    return separator ? { token: separator[0], length: separator[0].length } : undefined;
  }

  /** A redirection's target is not an argument: read it and drop it. A here-document's body is skipped at the next newline. */
  private skipRedirectTarget(operator: string): void {
    while (this.text[this.i] === ' ' || this.text[this.i] === '\t') this.i++;
    const before = this.words.length;
    this.readWord();
    const target = this.words.splice(before)[0];
    if ((operator === '<<' || operator === '<<-') && target) {
      const delimiter = target.parts.map((part) => ('text' in part ? part.text : part.raw)).join('');
      this.pendingHeredocs.push({ delimiter, stripTabs: operator === '<<-' });
    }
  }

  private skipHeredocs(): void {
    const { text } = this;
    for (const heredoc of this.pendingHeredocs) {
      while (this.i < text.length) {
        const end = text.indexOf('\n', this.i);
        const lineText = text.slice(this.i, end < 0 ? text.length : end);
        this.i = end < 0 ? text.length : end + 1;
        this.line++;
        if ((heredoc.stripTabs ? lineText.replace(/^\t+/, '') : lineText) === heredoc.delimiter) break;
      }
    }
    this.pendingHeredocs = [];
  }

  private endCommand(): void {
    if (this.words.length) this.commands.push({ words: this.words, line: this.commandLine });
    this.words = [];
  }

  private readWord(): void {
    const { text, dialect } = this;
    const parts: WordPart[] = [];
    const startLine = this.line;
    let quoted = false;
    let literal = '';
    const flush = () => {
      if (literal) parts.push({ text: literal });
      literal = '';
    };
    const pushExpansion = (expansion: string, raw: string) => {
      flush();
      parts.push({ expansion, raw });
    };
    while (this.i < text.length) {
      const ch = text[this.i]!;
      if (ch === ' ' || ch === '\t' || ch === '\n') break;
      if (ch === this.escape) {
        const next = text[this.i + 1];
        if (next === '\n') {
          this.i += 2;
          this.line++;
          continue;
        }
        if (next === undefined) {
          this.i++;
          continue;
        }
        literal += dialect === 'powershell' ? powershellEscape(next) : next;
        this.i += 2;
        continue;
      }
      if (this.operatorAt()) break;
      if (ch === EXPRESSION_OPEN) {
        const end = text.indexOf(EXPRESSION_CLOSE, this.i);
        const raw = text.slice(this.i, end + 1);
        pushExpansion(raw, raw);
        this.i = end + 1;
        continue;
      }
      if (ch === "'" && dialect !== 'cmd') {
        quoted = true;
        const end = text.indexOf("'", this.i + 1);
        const stop = end < 0 ? text.length : end;
        literal += text.slice(this.i + 1, stop);
        this.line += countNewlines(text, this.i, stop);
        this.i = stop + 1;
        continue;
      }
      if (ch === '"') {
        quoted = true;
        this.i++;
        this.readDoubleQuoted((part) => {
          if ('text' in part) literal += part.text;
          else pushExpansion(part.expansion, part.raw);
        });
        continue;
      }
      if (ch === '`' && dialect === 'posix') {
        const end = findClosing(text, this.i + 1, '`');
        const raw = text.slice(this.i, end + 1);
        this.line += countNewlines(text, this.i, end);
        pushExpansion(raw, raw);
        this.i = end + 1;
        continue;
      }
      const expansion = this.expansionAt();
      if (expansion) {
        pushExpansion(expansion.name, expansion.raw);
        continue;
      }
      literal += ch;
      this.i++;
    }
    flush();
    if (parts.length === 0 && !quoted) return;
    if (this.words.length === 0) this.commandLine = startLine;
    this.words.push({ parts: parts.length ? parts : [{ text: '' }], line: startLine, quoted });
  }

  private readDoubleQuoted(emit: (part: WordPart) => void): void {
    const { text, dialect } = this;
    while (this.i < text.length) {
      const ch = text[this.i]!;
      if (ch === '"') {
        if (dialect === 'powershell' && text[this.i + 1] === '"') {
          emit({ text: '"' });
          this.i += 2;
          continue;
        }
        this.i++;
        return;
      }
      if (ch === '\n') this.line++;
      if (ch === this.escape && dialect !== 'cmd') {
        const next = text[this.i + 1];
        if (next === '\n') {
          this.i += 2;
          this.line++;
          continue;
        }
        if (dialect === 'powershell' && next !== undefined) {
          emit({ text: powershellEscape(next) });
          this.i += 2;
          continue;
        }
        if (next !== undefined && '$`"\\'.includes(next)) {
          emit({ text: next });
          this.i += 2;
          continue;
        }
      }
      if (ch === EXPRESSION_OPEN) {
        const end = text.indexOf(EXPRESSION_CLOSE, this.i);
        const raw = text.slice(this.i, end + 1);
        emit({ expansion: raw, raw });
        this.i = end + 1;
        continue;
      }
      if (ch === '`' && dialect === 'posix') {
        const end = findClosing(text, this.i + 1, '`');
        const raw = text.slice(this.i, end + 1);
        emit({ expansion: raw, raw });
        this.line += countNewlines(text, this.i, end);
        this.i = end + 1;
        continue;
      }
      const expansion = this.expansionAt();
      if (expansion) {
        emit({ expansion: expansion.name, raw: expansion.raw });
        continue;
      }
      emit({ text: ch });
      this.i++;
    }
  }

  /** `$NAME`, `${NAME...}`, `$(...)`, `$((...))`; PowerShell `$env:NAME`, `$NAME`; cmd `%NAME%`. Advances past it. */
  private expansionAt(): { name: string; raw: string } | undefined {
    const { text, i, dialect } = this;
    if (dialect === 'cmd') {
      const match = /^%([A-Za-z_][A-Za-z0-9_.]*)%/.exec(text.slice(i, i + 256)) ?? /^!([A-Za-z_][A-Za-z0-9_.]*)!/.exec(text.slice(i, i + 256));
      if (!match) return undefined;
      this.i += match[0].length;
      return { name: match[1]!, raw: match[0] };
    }
    if (text[i] !== '$') return undefined;
    const next = text[i + 1];
    if (next === '(') {
      const end = findClosing(text, i + 2, ')');
      const raw = text.slice(i, end + 1);
      this.line += countNewlines(text, i, end);
      this.i = end + 1;
      return { name: raw, raw };
    }
    if (next === '{') {
      const end = findClosing(text, i + 2, '}');
      const raw = text.slice(i, end + 1);
      this.i = end + 1;
      const name = /^\$\{[#!]?([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*?$!#-])/.exec(raw)?.[1] ?? raw;
      return { name, raw };
    }
    if (dialect === 'powershell') {
      const match = /^\$(?:env:)?[A-Za-z_][A-Za-z0-9_]*/i.exec(text.slice(i, i + 256));
      if (!match) return undefined;
      this.i += match[0].length;
      return { name: match[0].replace(/^\$(env:)?/i, ''), raw: match[0] };
    }
    const match = /^\$(?:[A-Za-z_][A-Za-z0-9_]*|[0-9@*?$!#-])/.exec(text.slice(i, i + 256));
    if (!match) return undefined;
    this.i += match[0].length;
    return { name: match[0].slice(1), raw: match[0] };
  }
}

function powershellEscape(ch: string): string {
  return ch === 'n' ? '\n' : ch === 't' ? '\t' : ch === '0' ? '' : ch;
}

/** The index of the character closing a bracket opened before `from`, counting nesting and skipping quotes. */
function findClosing(text: string, from: number, close: string): number {
  const open = close === ')' ? '(' : close === '}' ? '{' : undefined;
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') {
      i++;
      continue;
    }
    if (open && ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return text.length - 1;
      i = end;
      continue;
    }
    if (open && ch === open) depth++;
    else if (ch === close && --depth === 0) return i;
  }
  return text.length - 1;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** The word as the script writes it, for messages. */
export function wordSource(word: Word): string {
  return word.parts.map((part) => ('text' in part ? part.text : part.raw)).join('');
}
