import { describe, expect, it } from 'vitest';
import { guardSql, type GuardDialect } from '../index.js';

async function capped(sql: string, dialect: GuardDialect, maxRows = 100): Promise<string> {
  const v = await guardSql(sql, dialect, { maxRows });
  if (!v.ok) throw new Error(`refused: ${v.reason}`);
  return v.sql;
}

async function reason(sql: string, dialect: GuardDialect): Promise<string> {
  const v = await guardSql(sql, dialect, { maxRows: 100 });
  if (v.ok) throw new Error(`admitted: ${v.sql}`);
  return v.reason;
}

describe('row cap: LIMIT (SQLite, PostgreSQL)', () => {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    it(`${dialect}: adds, lowers or keeps the outermost LIMIT`, async () => {
      expect(await capped('SELECT a FROM t', dialect)).toBe('SELECT a FROM t LIMIT 100');
      expect(await capped('SELECT a FROM t;', dialect)).toBe('SELECT a FROM t LIMIT 100');
      expect(await capped('SELECT a FROM t ORDER BY a LIMIT 5000', dialect)).toBe('SELECT a FROM t ORDER BY a LIMIT 100');
      expect(await capped('SELECT a FROM t LIMIT 7', dialect)).toBe('SELECT a FROM t LIMIT 7');
      expect(await capped('SELECT a FROM t LIMIT 500 OFFSET 20', dialect)).toBe('SELECT a FROM t LIMIT 100 OFFSET 20');
      // an inner LIMIT is not the outer one
      expect(await capped('SELECT a FROM (SELECT a FROM t LIMIT 5000) s', dialect)).toBe('SELECT a FROM (SELECT a FROM t LIMIT 5000) s LIMIT 100');
      expect(await capped('SELECT a FROM t UNION SELECT a FROM u', dialect)).toBe('SELECT a FROM t UNION SELECT a FROM u LIMIT 100');
      expect(await capped('WITH c AS (SELECT a FROM t LIMIT 9999) SELECT a FROM c', dialect)).toBe('WITH c AS (SELECT a FROM t LIMIT 9999) SELECT a FROM c LIMIT 100');
      // a trailing comment does not swallow the cap
      expect(await capped('SELECT a FROM t -- note', dialect)).toBe('SELECT a FROM t LIMIT 100');
    });

    it(`${dialect}: refuses limits it cannot read as a number`, async () => {
      expect(await reason('SELECT a FROM t LIMIT (SELECT 5)', dialect)).toMatch(/plain whole number/);
      expect(await reason('SELECT a FROM t LIMIT -1', dialect)).toMatch(/plain whole number/);
    });
  }

  it('sqlite: LIMIT offset, count lowers the count', async () => {
    expect(await capped('SELECT a FROM t LIMIT 10, 5000', 'sqlite')).toBe('SELECT a FROM t LIMIT 10, 100');
  });

  it('postgres: FETCH FIRST, OFFSET alone, LIMIT ALL', async () => {
    expect(await capped('SELECT a FROM t FETCH FIRST 5000 ROWS ONLY', 'postgres')).toBe('SELECT a FROM t FETCH FIRST 100 ROWS ONLY');
    expect(await capped('SELECT a FROM t ORDER BY a FETCH NEXT 3 ROWS ONLY', 'postgres')).toBe('SELECT a FROM t ORDER BY a FETCH NEXT 3 ROWS ONLY');
    expect(await capped('SELECT a FROM t OFFSET 5', 'postgres')).toBe('SELECT a FROM t OFFSET 5 LIMIT 100');
    expect(await reason('SELECT a FROM t LIMIT ALL', 'postgres')).toMatch(/plain whole number/);
  });
});

describe('row cap: TOP / OFFSET … FETCH (SQL Server)', () => {
  it('adds TOP (n) to a simple select, after DISTINCT', async () => {
    expect(await capped('SELECT a FROM t', 'mssql')).toBe('SELECT TOP (100) a FROM t');
    expect(await capped('SELECT DISTINCT a FROM t ORDER BY a', 'mssql')).toBe('SELECT DISTINCT TOP (100) a FROM t ORDER BY a');
    expect(await capped('WITH c AS (SELECT TOP 5000 a FROM t) SELECT a FROM c', 'mssql')).toBe('WITH c AS (SELECT TOP 5000 a FROM t) SELECT TOP (100) a FROM c');
  });

  it('lowers a larger TOP and keeps a smaller one, WITH TIES included', async () => {
    expect(await capped('SELECT TOP 5000 a FROM t', 'mssql')).toBe('SELECT TOP 100 a FROM t');
    expect(await capped('SELECT TOP (5000) WITH TIES a FROM t ORDER BY a', 'mssql')).toBe('SELECT TOP (100) WITH TIES a FROM t ORDER BY a');
    expect(await capped('SELECT TOP (10) a FROM t', 'mssql')).toBe('SELECT TOP (10) a FROM t');
  });

  it('uses OFFSET … FETCH where TOP is not valid', async () => {
    expect(await capped('SELECT a FROM t ORDER BY a OFFSET 10 ROWS', 'mssql')).toBe('SELECT a FROM t ORDER BY a OFFSET 10 ROWS FETCH NEXT 100 ROWS ONLY');
    expect(await capped('SELECT a FROM t ORDER BY a OFFSET 0 ROWS FETCH NEXT 500 ROWS ONLY', 'mssql')).toBe('SELECT a FROM t ORDER BY a OFFSET 0 ROWS FETCH NEXT 100 ROWS ONLY');
    expect(await capped('SELECT a FROM t UNION SELECT a FROM u ORDER BY a', 'mssql')).toBe('SELECT a FROM t UNION SELECT a FROM u ORDER BY a OFFSET 0 ROWS FETCH NEXT 100 ROWS ONLY');
    expect(await capped('SELECT a FROM t EXCEPT SELECT a FROM u', 'mssql')).toBe('SELECT a FROM t EXCEPT SELECT a FROM u ORDER BY 1 OFFSET 0 ROWS FETCH NEXT 100 ROWS ONLY');
  });

  it('refuses TOP PERCENT, TOP with an expression and LIMIT', async () => {
    expect(await reason('SELECT TOP 10 PERCENT a FROM t', 'mssql')).toMatch(/PERCENT/);
    expect(await reason('SELECT TOP (1 + 1) a FROM t', 'mssql')).toMatch(/plain whole number/);
  });
});
