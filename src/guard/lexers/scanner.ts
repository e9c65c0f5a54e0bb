import { LexError, type LexResult, type Token, type TokenKind } from './types.js';

/**
 * The cursor every dialect's scanner moves over the text, with the building blocks they share
 * (quoted runs, comments, words, numbers). A dialect scanner decides which block applies where;
 * nothing here knows about a particular dialect.
 */
export class Cursor {
  pos = 0;
  readonly tokens: Token[] = [];
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(ahead = 0): string {
    return this.text.charAt(this.pos + ahead);
  }
  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }
  emit(kind: TokenKind, start: number): void {
    this.tokens.push({ kind, text: this.text.slice(start, this.pos), start, end: this.pos });
  }

  /** Whitespace the databases agree on: space, tab, line feed, carriage return. */
  space(): boolean {
    const start = this.pos;
    while (!this.done && ' \t\n\r'.includes(this.peek())) this.pos++;
    if (this.pos === start) return false;
    this.emit('space', start);
    return true;
  }

  /**
   * `--` to the end of the line. Both LF and CR end it: where a database would end it only at LF,
   * ending it earlier makes the guard see more text, never less.
   */
  lineComment(): boolean {
    if (!this.startsWith('--')) return false;
    const start = this.pos;
    while (!this.done && this.peek() !== '\n' && this.peek() !== '\r') this.pos++;
    this.emit('comment', start);
    return true;
  }

  /** `/* … *\/`, nested when the dialect nests them. Unterminated: refused. */
  blockComment(nested: boolean): boolean {
    if (!this.startsWith('/*')) return false;
    const start = this.pos;
    let depth = 0;
    while (!this.done) {
      if (this.startsWith('/*') && (nested || depth === 0)) {
        depth++;
        this.pos += 2;
      } else if (this.startsWith('*/')) {
        depth--;
        this.pos += 2;
        if (depth === 0) {
          this.emit('comment', start);
          return true;
        }
      } else this.pos++;
    }
    throw new LexError('a block comment (/* … */) is never closed');
  }

  /**
   * A run from an opening prefix to a closing character, where the closing character is escaped
   * by doubling it ('it''s', [a]]b]) and, when `backslash`, by a backslash (PostgreSQL E'').
   */
  quoted(kind: TokenKind, prefixLen: number, close: string, opts: { backslash?: boolean; what: string }): true {
    const start = this.pos;
    this.pos += prefixLen;
    while (!this.done) {
      const c = this.peek();
      if (opts.backslash && c === '\\') {
        this.pos += 2;
        continue;
      }
      if (c === close) {
        if (this.peek(1) === close) {
          this.pos += 2;
          continue;
        }
        this.pos++;
        this.emit(kind, start);
        return true;
      }
      this.pos++;
    }
    throw new LexError(`${opts.what} is never closed`);
  }

  /** A bare word: keyword or identifier. */
  word(isStart: (c: string) => boolean, isPart: (c: string) => boolean): boolean {
    if (!isStart(this.peek())) return false;
    const start = this.pos;
    this.pos++;
    while (!this.done && isPart(this.peek())) this.pos++;
    this.emit('word', start);
    return true;
  }

  /** 12, 1.5, .5, 1e10, 0x1F. */
  number(): boolean {
    const m = /^(0[xX][0-9a-fA-F]+|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m) return false;
    const start = this.pos;
    this.pos += m[0].length;
    this.emit('number', start);
    return true;
  }

  /** `;` ends a statement. */
  semicolon(): boolean {
    if (this.peek() !== ';') return false;
    const start = this.pos++;
    this.emit('semicolon', start);
    return true;
  }

  /** Anything else is one character of punctuation (judged later). */
  punct(): void {
    const start = this.pos;
    const cp = this.text.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    this.emit('punct', start);
  }
}

/** A step of a dialect's scanner: consumes one token at the cursor and says so, or leaves it. */
export type ScanStep = (c: Cursor) => boolean;

/** Runs the dialect's steps in order at every position; the first that matches wins. */
export function runScanner(sql: string, steps: readonly ScanStep[]): LexResult {
  const c = new Cursor(sql);
  try {
    while (!c.done) {
      if (!steps.some((step) => step(c))) c.punct();
    }
  } catch (e) {
    if (e instanceof LexError) return { ok: false, reason: e.message };
    throw e;
  }
  return { ok: true, tokens: c.tokens };
}

export const isAsciiLetter = (c: string): boolean => /^[A-Za-z_]$/.test(c);
export const isAsciiWordPart = (c: string): boolean => /^[A-Za-z0-9_]$/.test(c);
