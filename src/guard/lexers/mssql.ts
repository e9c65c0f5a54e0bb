import { Cursor, isAsciiLetter, isAsciiWordPart, runScanner, type ScanStep } from './scanner.js';
import type { LexResult, SqlLexer } from './types.js';

/**
 * SQL Server's lexical rules (T-SQL): '' strings with doubling only (no backslash escapes),
 * N'' Unicode strings, [bracket] identifiers with ]] doubling, "…" identifiers, -- comments and
 * NESTED block comments, @variables, @@functions and #temp names as words.
 */
const steps: readonly ScanStep[] = [
  (c) => c.space(),
  (c) => c.lineComment(),
  (c) => c.blockComment(true),
  (c) => c.startsWithCi("N'") && c.quoted('string', 2, "'", { what: "a Unicode string N'…'" }),
  (c) => c.peek() === "'" && c.quoted('string', 1, "'", { what: "a string literal '…'" }),
  (c) => c.peek() === '[' && c.quoted('quotedIdent', 1, ']', { what: 'a bracketed identifier […]' }),
  (c) => c.peek() === '"' && c.quoted('quotedIdent', 1, '"', { what: 'a quoted identifier "…"' }),
  (c) => c.number(),
  (c) => variable(c),
  (c) => c.word((ch) => isAsciiLetter(ch) || ch === 35, (ch) => isAsciiWordPart(ch) || ch === 64 || ch === 35 || ch === 36),
  (c) => c.semicolon(),
];

/** @name and @@name. */
const VARIABLE = /@@?[A-Za-z0-9_@#$]*/y;

function variable(c: Cursor): boolean {
  return c.text.charCodeAt(c.pos) === 64 && c.match(VARIABLE, 'param');
}

export const mssqlLexer: SqlLexer = {
  name: 'SQL Server',
  scan: (sql: string): LexResult => runScanner(sql, steps),
};
