import { describe, expect, it } from 'vitest';
import { GUARD_DIALECTS } from '../dialects/index.js';
import { parseStatements } from '../parser.js';
import type { GuardDialect } from '../types.js';
import { checkQueryAst } from './check.js';
import { resolveNames } from './scope.js';

async function check(sql: string, dialect: GuardDialect): Promise<string | undefined> {
  const rules = GUARD_DIALECTS[dialect];
  const stmts = await parseStatements(sql, rules.parserDialect);
  if (!stmts) throw new Error(`unparseable: ${sql}`);
  expect(stmts).toHaveLength(1);
  return checkQueryAst(stmts[0]!, rules);
}

async function names(sql: string, dialect: GuardDialect, allowed?: Map<string, Set<string> | '*'>) {
  const rules = GUARD_DIALECTS[dialect];
  const stmts = await parseStatements(sql, rules.parserDialect);
  return resolveNames(stmts![0]!, rules, allowed);
}

describe('AST safety walk (layer 2, alone)', () => {
  it('admits plain reads', async () => {
    expect(await check('SELECT a, COUNT(*) FROM t GROUP BY a', 'sqlite')).toBeUndefined();
    expect(await check("SELECT date_trunc('month', d) FROM t", 'postgres')).toBeUndefined();
    expect(await check('SELECT TOP (5) DATEADD(day, 1, d) FROM dbo.t WITH (NOLOCK)', 'mssql')).toBeUndefined();
  });

  it('sqlparser alone also splits the backslash trick into two statements, in every dialect', async () => {
    for (const dialect of ['sqlite', 'postgres', 'mssql'] as const) {
      const stmts = await parseStatements("SELECT 'x\\'; DELETE FROM t; --'", GUARD_DIALECTS[dialect].parserDialect);
      expect(stmts?.length, dialect).toBe(2);
    }
  });

  it('refuses statements of other kinds, at the top and nested', async () => {
    expect(await check('DELETE FROM t', 'sqlite')).toMatch(/DELETE/);
    expect(await check('WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x', 'postgres')).toMatch(/DELETE/);
    expect(await check('WITH x AS (UPDATE t SET a = 1 RETURNING *) SELECT * FROM x', 'postgres')).toMatch(/UPDATE/);
    expect(await check('WITH x AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM x', 'postgres')).toMatch(/INSERT/);
    expect(await check("EXEC xp_cmdshell 'dir'", 'mssql')).toMatch(/EXEC/);
  });

  it('refuses INTO, locking clauses and lock hints', async () => {
    expect(await check('SELECT * INTO #x FROM t', 'mssql')).toMatch(/INTO/);
    expect(await check('SELECT * FROM t WHERE a IN (SELECT a INTO y FROM u)', 'postgres')).toMatch(/INTO/);
    expect(await check('SELECT * FROM t FOR UPDATE SKIP LOCKED', 'postgres')).toMatch(/Locking/);
    expect(await check('SELECT * FROM t WITH (TABLOCKX)', 'mssql')).toMatch(/TABLOCKX/);
  });

  it('refuses functions outside the allow-list wherever they are', async () => {
    expect(await check('SELECT COALESCE(UPPER(pg_read_file(a)), b) FROM t', 'postgres')).toMatch(/pg_read_file/);
    expect(await check('SELECT a FROM t ORDER BY CASE WHEN a > 1 THEN randomblob(4) END', 'sqlite')).toMatch(/randomblob/);
    expect(await check('SELECT pg_catalog.now()', 'postgres')).toMatch(/pg_catalog\.now/);
    // allowed in one dialect, not in another
    expect(await check('SELECT julianday(d) FROM t', 'sqlite')).toBeUndefined();
    expect(await check('SELECT julianday(d) FROM t', 'postgres')).toMatch(/julianday/);
  });

  it('refuses system catalogs, table-valued functions and names outside the database', async () => {
    expect(await check('SELECT * FROM t JOIN sqlite_schema s ON 1 = 1', 'sqlite')).toMatch(/system table/);
    expect(await check('SELECT * FROM information_schema.tables', 'postgres')).toMatch(/system catalog/);
    expect(await check('SELECT * FROM generate_series(1, 3)', 'postgres')).toMatch(/table-valued/);
    expect(await check('SELECT * FROM master.dbo.sysdatabases', 'mssql')).toMatch(/another database/);
    expect(await check("SELECT * FROM OPENQUERY(srv, 'SELECT 1')", 'mssql')).toMatch(/table-valued/);
  });
});

describe('names against the allow-list (layer 2, alone)', () => {
  const allowed = new Map<string, Set<string> | '*'>([
    ['trades', new Set(['trade_id', 'cp_id', 'notional'])],
    ['counterparties', new Set(['cp_id', 'short_name'])],
    ['books', '*'],
  ]);

  it('collects the real tables, not CTE names', async () => {
    expect((await names('WITH x AS (SELECT cp_id FROM trades) SELECT * FROM x JOIN counterparties c ON c.cp_id = x.cp_id', 'sqlite')).tables).toEqual(['trades', 'counterparties']);
  });

  it('resolves aliases, CTE columns, derived tables, correlated subqueries and select aliases', async () => {
    const ok = [
      'SELECT c.short_name, SUM(t.notional) AS total FROM trades t JOIN counterparties c ON c.cp_id = t.cp_id GROUP BY c.short_name ORDER BY total DESC',
      'WITH x(id, n) AS (SELECT cp_id, COUNT(*) FROM trades GROUP BY cp_id) SELECT id, n FROM x',
      'SELECT d.n FROM (SELECT COUNT(*) AS n FROM trades) d',
      'SELECT short_name FROM counterparties c WHERE EXISTS (SELECT 1 FROM trades WHERE trades.cp_id = c.cp_id)',
      'SELECT anything, at_all FROM books',
    ];
    for (const sql of ok) expect((await names(sql, 'sqlite', allowed)).reason, sql).toBeUndefined();
  });

  it('reports unknown tables and columns by name', async () => {
    expect((await names('SELECT * FROM secrets', 'sqlite', allowed)).reason).toBe('The query reads an unknown table secrets.');
    expect((await names('SELECT t.password FROM trades t', 'sqlite', allowed)).reason).toBe('The query refers to an unknown column trades.password.');
    expect((await names('SELECT password FROM trades', 'sqlite', allowed)).reason).toBe('The query refers to an unknown column trades.password.');
    expect((await names('SELECT x.cp_id FROM trades t', 'sqlite', allowed)).reason).toMatch(/x is not a table or alias/);
    expect((await names('SELECT cp_id FROM trades WHERE cp_id IN (SELECT secret FROM counterparties)', 'sqlite', allowed)).reason).toMatch(/unknown column counterparties.secret/);
    expect((await names('SELECT d.nope FROM (SELECT cp_id FROM trades) d', 'sqlite', allowed)).reason).toMatch(/unknown column d.nope/);
  });

  it('refuses * over a real table when the allow-list may leave columns out', async () => {
    const rules = GUARD_DIALECTS.sqlite;
    const parsed = async (sql: string) => (await parseStatements(sql, 'sqlite'))![0]!;
    expect(resolveNames(await parsed('SELECT * FROM trades'), rules, allowed, false).reason).toMatch(/must name the columns it reads from trades/);
    expect(resolveNames(await parsed('SELECT t.* FROM trades t'), rules, allowed, false).reason).toMatch(/must name the columns/);
    expect(resolveNames(await parsed('SELECT d.* FROM (SELECT cp_id FROM trades) d'), rules, allowed, false).reason).toBeUndefined();
    expect(resolveNames(await parsed('SELECT COUNT(*) FROM trades'), rules, allowed, false).reason).toBeUndefined();
    expect(resolveNames(await parsed('SELECT * FROM trades'), rules, allowed, true).reason).toBeUndefined();
  });

  it('does not take a T-SQL date part for a column', async () => {
    expect((await names('SELECT DATEDIFF(day, t.trade_id, GETDATE()) FROM trades t', 'mssql', allowed)).reason).toBeUndefined();
  });
});
