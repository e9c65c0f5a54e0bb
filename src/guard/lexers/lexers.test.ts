import { describe, expect, it } from 'vitest';
import { mssqlLexer } from './mssql.js';
import { postgresLexer } from './postgres.js';
import { sqliteLexer } from './sqlite.js';
import { singleStatement } from './statement.js';
import type { SqlLexer, Token } from './types.js';

const lexers: Record<string, SqlLexer> = { sqlite: sqliteLexer, postgres: postgresLexer, mssql: mssqlLexer };

function kinds(lexer: SqlLexer, sql: string): Array<[Token['kind'], string]> {
  const r = lexer.scan(sql);
  if (!r.ok) throw new Error(r.reason);
  return r.tokens.filter((t) => t.kind !== 'space').map((t) => [t.kind, t.text]);
}

describe.each(Object.entries(lexers))('%s lexer', (_name, lexer) => {
  it("reads '' as an escaped quote and a backslash as an ordinary character", () => {
    expect(kinds(lexer, "SELECT 'it''s'")).toEqual([['word', 'SELECT'], ['string', "'it''s'"]]);
    // the backslash trick: the string ends at the second quote, so two statements follow
    const toks = kinds(lexer, "SELECT 'x\\'; DELETE FROM t; --'");
    expect(toks[1]).toEqual(['string', "'x\\'"]);
    expect(toks.filter(([k]) => k === 'semicolon')).toHaveLength(2);
    expect(toks.at(-1)).toEqual(['comment', "--'"]);
  });

  it('ends a line comment at LF and at CR', () => {
    expect(kinds(lexer, 'SELECT 1 -- c\nFROM t').map(([k]) => k)).toEqual(['word', 'number', 'comment', 'word', 'word']);
    expect(kinds(lexer, 'SELECT 1 -- c\r; DELETE FROM t').some(([k]) => k === 'semicolon')).toBe(true);
  });

  it('finds "double quoted" identifiers, and semicolons inside quotes are not separators', () => {
    expect(kinds(lexer, `SELECT "a;b" FROM t WHERE x = ';'`).filter(([k]) => k === 'semicolon')).toEqual([]);
    expect(kinds(lexer, 'SELECT "a""b"')[1]).toEqual(['quotedIdent', '"a""b"']);
  });

  it('refuses unclosed quotes and comments', () => {
    for (const sql of ["SELECT 'abc", 'SELECT "abc', 'SELECT 1 /* open']) {
      const r = lexer.scan(sql);
      expect(r.ok, sql).toBe(false);
    }
  });

  it('single statement: one trailing semicolon is fine, a second statement is not', () => {
    expect(singleStatement('SELECT 1 ;  ', lexer)).toMatchObject({ ok: true, text: 'SELECT 1' });
    expect(singleStatement('SELECT 1; -- trailing comment', lexer)).toMatchObject({ ok: true, text: 'SELECT 1' });
    expect(singleStatement('SELECT 1;;', lexer).ok).toBe(false);
    expect(singleStatement('SELECT 1; SELECT 2', lexer).ok).toBe(false);
    expect(singleStatement("SELECT 'x\\'; DELETE FROM t; --'", lexer)).toMatchObject({ ok: false, reason: expect.stringContaining('more than one statement') });
  });

  it('strips comments into the text every later layer judges', () => {
    expect(singleStatement('SELECT /* a */ x -- b\nFROM t', lexer)).toMatchObject({ ok: true, text: 'SELECT   x  \nFROM t' });
  });

  it('refuses NUL bytes, unusual spaces and fullwidth punctuation outside quotes, but not inside', () => {
    for (const ch of ['\0', '\u00a0', '\u200b', '\uff1b', '\u2028', '\f', '\v', '\u3000']) {
      expect(singleStatement(`SELECT 1${ch}FROM t`, lexer).ok, JSON.stringify(ch)).toBe(false);
    }
    expect(singleStatement("SELECT 'caf\u00e9 \u00a0\uff1b' FROM t", lexer).ok).toBe(true);
    expect(singleStatement("SELECT 'a\0b'", lexer)).toMatchObject({ ok: false, reason: expect.stringContaining('NUL') });
  });

  it('refuses empty text', () => {
    expect(singleStatement('  ; ', lexer).ok).toBe(false);
    expect(singleStatement('/* only a comment */', lexer).ok).toBe(false);
  });
});

describe('PostgreSQL lexer', () => {
  it("reads E'' with backslash escapes", () => {
    expect(kinds(postgresLexer, "SELECT E'x\\'; DELETE' FROM t")).toEqual([['word', 'SELECT'], ['string', "E'x\\'; DELETE'"], ['word', 'FROM'], ['word', 't']]);
    // a word ending in e is not an escape-string prefix
    expect(kinds(postgresLexer, "SELECT somee'x\\'")[2]).toEqual(['string', "'x\\'"]);
  });

  it('reads dollar quotes with and without tags, and $1 as a parameter', () => {
    expect(kinds(postgresLexer, 'SELECT $$a;b$$, $q$ $$ ; $q$, $1')).toEqual([
      ['word', 'SELECT'], ['string', '$$a;b$$'], ['punct', ','], ['string', '$q$ $$ ; $q$'], ['punct', ','], ['param', '$1'],
    ]);
    expect(postgresLexer.scan('SELECT $x$ abc $y$').ok).toBe(false);
  });

  it('nests block comments', () => {
    expect(kinds(postgresLexer, 'SELECT 1 /* a /* b */ ; c */ FROM t').map(([k]) => k)).toEqual(['word', 'number', 'comment', 'word', 'word']);
    expect(postgresLexer.scan('SELECT 1 /* a /* b */ ; DELETE FROM t').ok).toBe(false);
  });
});

describe('SQL Server lexer', () => {
  it("reads N'' strings, [bracket] identifiers with ]] and nested comments", () => {
    expect(kinds(mssqlLexer, "SELECT N'a''b', [x]];y] FROM t /* a /* b */ c */")).toEqual([
      ['word', 'SELECT'], ['string', "N'a''b'"], ['punct', ','], ['quotedIdent', '[x]];y]'], ['word', 'FROM'], ['word', 't'], ['comment', '/* a /* b */ c */'],
    ]);
    expect(mssqlLexer.scan('SELECT [abc FROM t').ok).toBe(false);
  });

  it('reads @variables and @@functions as one token', () => {
    expect(kinds(mssqlLexer, 'SELECT @@version, @x')).toEqual([['word', 'SELECT'], ['param', '@@version'], ['punct', ','], ['param', '@x']]);
  });
});

describe('SQLite lexer', () => {
  it('does not nest block comments: the first */ ends it', () => {
    expect(singleStatement('SELECT 1 /* a /* b */ ; DELETE FROM t', sqliteLexer).ok).toBe(false);
    expect(kinds(sqliteLexer, 'SELECT 1 /* a /* b */ FROM t').map(([k]) => k)).toEqual(['word', 'number', 'comment', 'word', 'word']);
  });

  it('reads [brackets], `backticks` and X blobs', () => {
    expect(kinds(sqliteLexer, "SELECT [a;b], `c;d`, X'00'")).toEqual([['word', 'SELECT'], ['quotedIdent', '[a;b]'], ['punct', ','], ['quotedIdent', '`c;d`'], ['punct', ','], ['string', "X'00'"]]);
  });
});
