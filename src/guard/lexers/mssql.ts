import { Cursor, runScanner, type ScanStep } from './scanner.js';
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
  (c) => /^[nN]'/.test(c.text.slice(c.pos, c.pos + 2)) && c.quoted('string', 2, "'", { what: "a Unicode string N'…'" }),
  (c) => c.peek() === "'" && c.quoted('string', 1, "'", { what: "a string literal '…'" }),
  (c) => c.peek() === '[' && c.quoted('quotedIdent', 1, ']', { what: 'a bracketed identifier […]' }),
  (c) => c.peek() === '"' && c.quoted('quotedIdent', 1, '"', { what: 'a quoted identifier "…"' }),
  (c) => c.number(),
  (c) => variable(c),
  (c) => c.word((ch) => /^[A-Za-z_#]$/.test(ch), (ch) => /^[A-Za-z0-9_@#$]$/.test(ch)),
  (c) => c.semicolon(),
];

/** @name and @@name. */
function variable(c: Cursor): boolean {
  const m = /^@@?[A-Za-z0-9_@#$]*/.exec(c.text.slice(c.pos, c.pos + 200));
  if (!m) return false;
  const start = c.pos;
  c.pos += m[0].length;
  c.emit('param', start);
  return true;
}

export const mssqlLexer: SqlLexer = {
  name: 'SQL Server',
  scan: (sql: string): LexResult => runScanner(sql, steps),
};
