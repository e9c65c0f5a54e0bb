import { Cursor, isAsciiLetter, isWordPartOrDollar, runScanner, type ScanStep } from './scanner.js';
import { LexError, type LexResult, type SqlLexer } from './types.js';

/**
 * PostgreSQL's lexical rules (scan.l) with standard_conforming_strings on: '' strings where a
 * backslash is an ordinary character, E'' strings with backslash escapes, U&'', B'', X'', N'',
 * $tag$…$tag$ dollar quotes, "…" and U&"…" identifiers, -- comments and NESTED block comments,
 * $1 parameters.
 */
const steps: readonly ScanStep[] = [
  (c) => c.space(),
  (c) => c.lineComment(),
  (c) => c.blockComment(true),
  (c) => c.startsWithCi("E'") && c.quoted('string', 2, "'", { backslash: true, what: "an escape string E'…'" }),
  (c) => c.startsWithCi("U&'") && c.quoted('string', 3, "'", { what: "a Unicode string U&'…'" }),
  (c) => c.startsWithCi('U&"') && c.quoted('quotedIdent', 3, '"', { what: 'a Unicode identifier U&"…"' }),
  (c) => (c.startsWithCi("B'") || c.startsWithCi("X'") || c.startsWithCi("N'")) && c.quoted('string', 2, "'", { what: "a string literal '…'" }),
  (c) => c.peek() === "'" && c.quoted('string', 1, "'", { what: "a string literal '…'" }),
  (c) => c.peek() === '"' && c.quoted('quotedIdent', 1, '"', { what: 'a quoted identifier "…"' }),
  (c) => c.peek() === '$' && dollar(c),
  (c) => c.number(),
  (c) => c.word(isAsciiLetter, isWordPartOrDollar),
  (c) => c.semicolon(),
];

/** $tag$ … $tag$ (tag may be empty), or a $1 parameter. */
function dollar(c: Cursor): boolean {
  const rest = c.text.slice(c.pos, c.pos + 200);
  const start = c.pos;
  const num = /^\$\d+/.exec(rest);
  if (num) {
    c.pos += num[0].length;
    c.emit('param', start);
    return true;
  }
  const open = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest);
  if (!open) return false;
  const end = c.text.indexOf(open[0], c.pos + open[0].length);
  if (end < 0) throw new LexError(`a dollar-quoted string ${open[0]}…${open[0]} is never closed`);
  c.pos = end + open[0].length;
  c.emit('string', start);
  return true;
}

export const postgresLexer: SqlLexer = {
  name: 'PostgreSQL',
  scan: (sql: string): LexResult => runScanner(sql, steps),
};

/** True for a plain '…' string (not E'', not $$): its backslashes mean different things on servers with standard_conforming_strings off. */
export function isPlainStringWithBackslash(text: string): boolean {
  return /^([bBxXnN]|[uU]&)?'/.test(text) && text.includes('\\');
}

