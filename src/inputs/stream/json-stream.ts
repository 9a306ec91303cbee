import { closeSync, openSync, readSync } from 'node:fs';
import { BACKSLASH, COLON_NEXT, COMMA_OR_CLOSE, isHex, isSimpleEscape, isSpace, KEY, KEY_OR_CLOSE, NEWLINE, QUOTE, VALUE, VALUE_OR_CLOSE } from '../json-grammar.js';
import { skipBare } from '../json-members.js';
import { JsonSyntaxError, parseAt, utf16Units, type Mark, type Position } from './positions.js';

/**
 * A synchronous, chunked JSON reader for inputs too large for one string (V8 caps strings at ~512 MB).
 *
 * It never decodes the document as a whole: it walks the structure byte by byte (strings are skipped with
 * Buffer.indexOf, which is native), and hands out one value at a time, either skipped or captured as the
 * bytes of that value only and parsed with JSON.parse. Parsing stays native and fast; only the value being
 * read is in memory. Synchronous on purpose: `scan` is synchronous end to end, and reading a local file in
 * 16 MB blocks with readSync costs nothing an async stream would save.
 *
 * Positions (line, column) are tracked as the text-based reader reports them: 1-based lines, and columns in
 * UTF-16 code units from the start of the line, so findings point at the same place either way.
 */

/** Bytes a number or literal (or a stray word, refused once read) is made of. */
function isBareByte(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || byte === 0x2d || byte === 0x2b || byte === 0x2e;
}

/** A whole number or literal, by JSON's grammar. */
function isBareToken(token: string): boolean {
  return skipBare(token, 0) === token.length;
}

const CHUNK = 16 * 1024 * 1024;

export class JsonStream {
  private readonly fd: number;
  private buffer: Buffer = Buffer.alloc(0);
  /**
   * The one block every read of this stream goes into. A fresh 16 MB block per read left the old ones to the
   * collector, which ran rarely while a large file was read (four or five blocks alive at once), and the C
   * allocator kept the memory they were freed from: ~50 MB of a 200 MB snapshot's peak RSS, held for the
   * whole scan. Nothing outlives a read but what `scan` copies out of it.
   */
  private block: Buffer | undefined;
  /** File offset of buffer[0]. */
  private bufferStart = 0;
  private pos = 0;
  private eof = false;
  private line = 1;
  /** File offset where the current line starts. */
  private lineStart = 0;
  /** The column cache: `columnUnits` UTF-16 units lie between lineStart and file offset `columnOffset`. */
  private columnOffset = 0;
  private columnUnits = 0;

  /** `skipBytes`: a UTF-8 byte-order mark before the document. */
  constructor(path: string, skipBytes = 0) {
    this.fd = openSync(path, 'r');
    this.seek({ offset: skipBytes, line: 1, lineStart: skipBytes, columnOffset: skipBytes, columnUnits: 0 });
  }

  close(): void {
    closeSync(this.fd);
  }

  mark(): Mark {
    const offset = this.bufferStart + this.pos;
    this.advanceColumn(offset);
    return { offset, line: this.line, lineStart: this.lineStart, columnOffset: this.columnOffset, columnUnits: this.columnUnits };
  }

  seek(mark: Mark): void {
    this.bufferStart = mark.offset;
    this.buffer = Buffer.alloc(0);
    this.pos = 0;
    this.eof = false;
    this.line = mark.line;
    this.lineStart = mark.lineStart;
    this.columnOffset = mark.columnOffset;
    this.columnUnits = mark.columnUnits;
    this.fill();
  }

  /** Reads the next block; false at the end of the file. The column cache is carried over the old block first. */
  private fill(): boolean {
    if (this.eof) return false;
    this.advanceColumn(this.bufferStart + this.buffer.length);
    const next = (this.block ??= Buffer.allocUnsafe(CHUNK));
    const start = this.bufferStart + this.buffer.length;
    const read = readSync(this.fd, next, 0, CHUNK, start);
    this.bufferStart = start;
    this.buffer = read < CHUNK ? next.subarray(0, read) : next;
    this.pos = 0;
    if (read === 0) this.eof = true;
    return read > 0;
  }

  /** Moves the column cache forward to `offset` (within the current block). */
  private advanceColumn(offset: number): void {
    if (offset <= this.columnOffset) return;
    const from = Math.max(this.columnOffset, this.bufferStart) - this.bufferStart;
    const to = offset - this.bufferStart;
    if (to > from) this.columnUnits += utf16Units(this.buffer.subarray(from, to));
    this.columnOffset = offset;
  }

  private newlineAt(index: number): void {
    this.line++;
    this.lineStart = this.bufferStart + index + 1;
    this.columnOffset = this.lineStart;
    this.columnUnits = 0;
  }

  /** The file offset of the next byte. */
  offset(): number {
    return this.bufferStart + this.pos;
  }

  /** The position of the next byte. */
  position(): Position {
    const offset = this.bufferStart + this.pos;
    this.advanceColumn(offset);
    return { line: this.line, column: this.columnUnits + 1 };
  }

  private fail(message: string, truncated = false): never {
    throw new JsonSyntaxError(message, this.line, truncated);
  }

  /** The next non-whitespace byte, without consuming it; -1 at the end. */
  peek(): number {
    for (;;) {
      while (this.pos < this.buffer.length) {
        const byte = this.buffer[this.pos]!;
        if (!isSpace(byte)) return byte;
        if (byte === NEWLINE) this.newlineAt(this.pos);
        this.pos++;
      }
      if (!this.fill()) return -1;
    }
  }

  expect(byte: number): void {
    const next = this.peek();
    if (next === -1) this.fail('unexpected end', true);
    if (next !== byte) this.fail(`expected ${String.fromCharCode(byte)}`);
    this.pos++;
  }

  /** Consumes a `,` before the next member or the closing byte; true when another member follows. */
  next(close: number): boolean {
    const byte = this.peek();
    if (byte === 0x2c) {
      this.pos++;
      return true;
    }
    if (byte === close) {
      this.pos++;
      return false;
    }
    return this.fail(byte === -1 ? 'unexpected end' : 'expected , or a closing bracket', byte === -1);
  }

  /** Opens an object or array; false (and consumed) when it is empty. */
  open(byte: 0x7b | 0x5b): boolean {
    this.expect(byte);
    const close = byte === 0x7b ? 0x7d : 0x5d;
    if (this.peek() === close) {
      this.pos++;
      return false;
    }
    return true;
  }

  /** Reads an object key and its colon. */
  key(): string {
    if (this.peek() !== QUOTE) this.fail('expected a property name', this.peek() === -1);
    const key = JSON.parse(this.capture().text) as unknown;
    this.expect(0x3a);
    return key as string;
  }

  /**
   * Steps over the next value without keeping it, checking JSON's whole grammar on the way: a member no
   * rule reads (prior_state, resource_drift) is never parsed, but an invalid escape, a control character in
   * a string, a malformed number or a missing comma in it makes the file invalid, as JSON.parse makes it.
   * Strings are walked byte by byte (every byte must be checked); only this path pays for it, and only for
   * files too large to read as one string.
   */
  skip(): void {
    if (this.peek() === -1) this.fail('unexpected end', true);
    const closers: number[] = [];
    let state = VALUE;
    let inString = false;
    let stringIsKey = false;
    /** 0: none; 1: after a backslash; 2-5: that many minus two hex digits of a \u escape seen. */
    let escape = 0;
    /** A number or literal being read (it may span blocks); undefined when none. */
    let bare: string | undefined;
    let bareStart = 0;
    const endValue = (): boolean => {
      if (closers.length === 0) return true;
      state = COMMA_OR_CLOSE;
      return false;
    };
    for (;;) {
      if (this.pos >= this.buffer.length) {
        if (bare !== undefined) bare += this.buffer.toString('latin1', bareStart, this.buffer.length);
        if (!this.fill()) {
          // A top-level number or literal may end the file; anything else is cut short.
          if (bare !== undefined && closers.length === 0 && !inString) {
            if (!isBareToken(bare)) this.fail('unexpected character');
            return;
          }
          this.fail('unexpected end', true);
        }
        bareStart = 0;
      }
      const buffer = this.buffer;
      const length = buffer.length;
      if (inString) {
        let pos = this.pos;
        for (; pos < length; pos++) {
          const byte = buffer[pos]!;
          if (escape === 0) {
            if (byte === QUOTE) break;
            if (byte === BACKSLASH) escape = 1;
            else if (byte < 0x20) {
              this.pos = pos;
              this.fail('unexpected character');
            }
          } else if (escape === 1) {
            if (byte === 0x75) escape = 2;
            else if (isSimpleEscape(byte)) escape = 0;
            else {
              this.pos = pos;
              this.fail('unexpected character');
            }
          } else if (isHex(byte)) escape = escape === 5 ? 0 : escape + 1;
          else {
            this.pos = pos;
            this.fail('unexpected character');
          }
        }
        this.pos = pos;
        if (pos >= length) continue;
        this.pos++;
        inString = false;
        if (stringIsKey) state = COLON_NEXT;
        else if (endValue()) return;
        continue;
      }
      const byte = buffer[this.pos]!;
      if (bare !== undefined) {
        if (isBareByte(byte)) {
          this.pos++;
          continue;
        }
        bare += buffer.toString('latin1', bareStart, this.pos);
        if (!isBareToken(bare)) this.fail('unexpected character');
        bare = undefined;
        if (endValue()) return;
        continue;
      }
      if (byte === 0x20 || byte === 0x0d || byte === 0x09 || byte === NEWLINE) {
        if (byte === NEWLINE) this.newlineAt(this.pos);
        this.pos++;
        continue;
      }
      const closer = closers[closers.length - 1];
      if ((state === VALUE_OR_CLOSE || state === KEY_OR_CLOSE || state === COMMA_OR_CLOSE) && byte === closer) {
        closers.pop();
        this.pos++;
        if (endValue()) return;
        continue;
      }
      if (state === COMMA_OR_CLOSE) {
        if (byte !== 0x2c) this.fail('expected , or a closing bracket');
        state = closer === 0x7d ? KEY : VALUE;
        this.pos++;
        continue;
      }
      if (state === KEY_OR_CLOSE || state === KEY) {
        if (byte !== QUOTE) this.fail('expected a property name');
        inString = true;
        stringIsKey = true;
        this.pos++;
        continue;
      }
      if (state === COLON_NEXT) {
        if (byte !== 0x3a) this.fail('expected :');
        state = VALUE;
        this.pos++;
        continue;
      }
      // A value starts here.
      this.pos++;
      if (byte === 0x7b || byte === 0x5b) {
        closers.push(byte + 2);
        state = byte === 0x7b ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
      } else if (byte === QUOTE) {
        inString = true;
        stringIsKey = false;
      } else if (isBareByte(byte)) {
        bare = '';
        bareStart = this.pos - 1;
      } else this.fail('unexpected character');
    }
  }

  /** The next value's text (for JSON.parse) and where it starts. */
  capture(): { text: string; start: Position } {
    this.peek();
    const start = this.position();
    return { text: this.scan(), start };
  }

  /** The next value parsed; a syntax error inside it is reported at its line. */
  value(): unknown {
    const { text, start } = this.capture();
    return parseAt(text, start);
  }

  /**
   * Walks one value to capture its text. Strings are jumped over with indexOf (a quote preceded by an even
   * run of backslashes ends one); only structure is looked at byte by byte. The grammar is not checked here:
   * every captured value is parsed, or walked by the checking member walk (src/inputs/json-members.ts).
   */
  private scan(): string {
    if (this.peek() === -1) this.fail('unexpected end', true);
    const pieces: Buffer[] = [];
    let pieceStart = this.pos;
    let depth = 0;
    let inString = false;
    /** Backslashes ending the previous block while inside a string. */
    let carriedBackslashes = 0;
    const first = this.buffer[this.pos]!;
    const scalar = first !== 0x7b && first !== 0x5b && first !== QUOTE;
    for (;;) {
      if (this.pos >= this.buffer.length) {
        // A copy: the next read overwrites the block this piece lies in.
        pieces.push(Buffer.from(this.buffer.subarray(pieceStart)));
        if (inString) {
          let run = 0;
          for (let i = this.buffer.length - 1; i >= 0 && this.buffer[i] === BACKSLASH; i--) run++;
          carriedBackslashes = run === this.buffer.length ? carriedBackslashes + run : run;
        }
        if (!this.fill()) {
          if (scalar && depth === 0 && !inString) break;
          this.fail('unexpected end', true);
        }
        pieceStart = 0;
      }
      const buffer = this.buffer;
      if (inString) {
        const quote = buffer.indexOf(QUOTE, this.pos);
        if (quote === -1) {
          this.pos = buffer.length;
          continue;
        }
        let run = 0;
        let i = quote - 1;
        while (i >= 0 && buffer[i] === BACKSLASH) {
          run++;
          i--;
        }
        if (i < 0) run += carriedBackslashes;
        carriedBackslashes = 0;
        this.pos = quote + 1;
        if (run % 2 === 1) continue;
        inString = false;
        if (depth === 0) break;
        continue;
      }
      if (scalar) {
        // true, false, null or a number: up to the next delimiter.
        const byte = buffer[this.pos]!;
        if (byte === 0x2c || byte === 0x7d || byte === 0x5d || isSpace(byte)) break;
        this.pos++;
        continue;
      }
      const byte = buffer[this.pos]!;
      this.pos++;
      if (byte === QUOTE) inString = true;
      else if (byte === 0x7b || byte === 0x5b) depth++;
      else if (byte === 0x7d || byte === 0x5d) {
        depth--;
        if (depth === 0) break;
      } else if (byte === NEWLINE) this.newlineAt(this.pos - 1);
      else if (depth === 0 && !isSpace(byte)) this.fail('unexpected character');
      if (depth === 0 && !inString) break;
    }
    pieces.push(this.buffer.subarray(pieceStart, this.pos));
    return pieces.length === 1 ? pieces[0]!.toString('utf8') : Buffer.concat(pieces).toString('utf8');
  }

  /** Whether only whitespace remains. */
  atEnd(): boolean {
    return this.peek() === -1;
  }
}
