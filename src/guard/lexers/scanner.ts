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
    const text = this.text;
    while (this.pos < text.length && isSpaceCode(text.charCodeAt(this.pos))) this.pos++;
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
    const text = this.text;
    while (this.pos < text.length) {
      const code = text.charCodeAt(this.pos);
      if (code === 10 || code === 13) break;
      this.pos++;
    }
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
    const text = this.text;
    const closeCode = close.charCodeAt(0);
    const backslash = opts.backslash === true;
    this.pos += prefixLen;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (backslash && c === 92) {
        this.pos += 2;
        continue;
      }
      if (c === closeCode) {
        if (text.charCodeAt(this.pos + 1) === closeCode) {
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

  /** A bare word: keyword or identifier (the predicates take a UTF-16 code unit). */
  word(isStart: (code: number) => boolean, isPart: (code: number) => boolean): boolean {
    const text = this.text;
    if (this.pos >= text.length || !isStart(text.charCodeAt(this.pos))) return false;
    const start = this.pos;
    this.pos++;
    while (this.pos < text.length && isPart(text.charCodeAt(this.pos))) this.pos++;
    this.emit('word', start);
    return true;
  }

  /** 12, 1.5, .5, 1e10, 0x1F. */
  number(): boolean {
    const code = this.text.charCodeAt(this.pos);
    if (!(isDigitCode(code) || code === 46)) return false;
    return this.match(NUMBER, 'number');
  }

  /**
   * A token matching the sticky regular expression `re` right at the cursor, of `kind`; false
   * (cursor unmoved) when it does not match there or matches nothing.
   */
  match(re: RegExp, kind: TokenKind): boolean {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m || m[0].length === 0) return false;
    const start = this.pos;
    this.pos += m[0].length;
    this.emit(kind, start);
    return true;
  }

  /** Whether the text at the cursor starts with `prefix`, ASCII letters compared case-insensitively. */
  startsWithCi(prefix: string): boolean {
    const text = this.text;
    if (this.pos + prefix.length > text.length) return false;
    for (let i = 0; i < prefix.length; i++) {
      let a = text.charCodeAt(this.pos + i);
      if (a >= 97 && a <= 122) a -= 32;
      if (a !== prefix.charCodeAt(i)) return false;
    }
    return true;
  }

  /** `;` ends a statement. */
  semicolon(): boolean {
    if (this.text.charCodeAt(this.pos) !== 59) return false;
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
  const n = steps.length;
  try {
    while (c.pos < sql.length) {
      let matched = false;
      for (let i = 0; i < n && !matched; i++) matched = steps[i]!(c);
      if (!matched) c.punct();
    }
  } catch (e) {
    if (e instanceof LexError) return { ok: false, reason: e.message };
    throw e;
  }
  return { ok: true, tokens: c.tokens };
}

/** 12, 1.5, .5, 1e10, 0x1F (sticky: matched at the cursor only). */
const NUMBER = /0[xX][0-9a-fA-F]+|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/y;

// Character classes on UTF-16 code units (charCodeAt), no string or regular expression per character.
export const isSpaceCode = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;
export const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;
/** A-Z a-z _ */
export const isAsciiLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
/** A-Z a-z 0-9 _ */
export const isAsciiWordPart = (c: number): boolean => isAsciiLetter(c) || isDigitCode(c);
/** A-Z a-z 0-9 _ $ */
export const isWordPartOrDollar = (c: number): boolean => isAsciiWordPart(c) || c === 36;
