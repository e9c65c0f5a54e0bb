import { Cursor, isAsciiLetter, isWordPartOrDollar, runScanner, type ScanStep } from './scanner.js';
import type { LexResult, SqlLexer } from './types.js';

/**
 * SQLite's lexical rules (tokenize.c): '' strings with doubling only (a backslash is an
 * ordinary character), X'' blobs, "…", `…` and […] identifiers, -- and non-nested block
 * comments, ?NNN / :name / @name / $name parameters.
 */
const steps: readonly ScanStep[] = [
  (c) => c.space(),
  (c) => c.lineComment(),
  (c) => c.blockComment(false),
  (c) => c.startsWithCi("X'") && c.quoted('string', 2, "'", { what: "a blob literal X'…'" }),
  (c) => c.peek() === "'" && c.quoted('string', 1, "'", { what: "a string literal '…'" }),
  (c) => c.peek() === '"' && c.quoted('quotedIdent', 1, '"', { what: 'a quoted identifier "…"' }),
  (c) => c.peek() === '`' && c.quoted('quotedIdent', 1, '`', { what: 'a quoted identifier `…`' }),
  (c) => c.peek() === '[' && bracket(c),
  (c) => param(c),
  (c) => c.number(),
  (c) => c.word(isAsciiLetter, isWordPartOrDollar),
  (c) => c.semicolon(),
];

/** SQLite's [identifier]: ends at the first ], no escape. */
function bracket(c: Cursor): boolean {
  const close = c.text.indexOf(']', c.pos + 1);
  if (close < 0) return c.quoted('quotedIdent', 1, ']', { what: 'a bracketed identifier […]' });
  const start = c.pos;
  c.pos = close + 1;
  c.emit('quotedIdent', start);
  return true;
}

const PARAM = /\?\d*|[:@$][A-Za-z_][A-Za-z0-9_]*/y;

function param(c: Cursor): boolean {
  const code = c.text.charCodeAt(c.pos);
  // ? : @ $
  if (code !== 63 && code !== 58 && code !== 64 && code !== 36) return false;
  return c.match(PARAM, 'param');
}

export const sqliteLexer: SqlLexer = {
  name: 'SQLite',
  scan: (sql: string): LexResult => runScanner(sql, steps),
};
