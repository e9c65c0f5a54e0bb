/**
 * Against a real SQL Server, only when OTC_MSSQL_URL names one (a login that can read a
 * database holding the demo schema). Skipped with a printed reason otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctValues, openDatasource, type Datasource } from '../../index.js';

const URL_ = process.env.OTC_MSSQL_URL;
if (!URL_) console.warn('[skip] SQL Server live tests: set OTC_MSSQL_URL=mssql://user:pass@host:1433/db to run them');

describe.skipIf(!URL_)('SQL Server datasource (live)', () => {
  let ds: Datasource;
  beforeAll(async () => {
    ds = await openDatasource(URL_!, { maxRows: 100, timeoutMs: 20_000 });
  });
  afterAll(async () => {
    await ds?.close();
  });

  it('introspects the schema and counts rows', async () => {
    const snap = await ds.introspect();
    expect(snap.dialect).toBe('mssql');
    expect(snap.tables.length).toBeGreaterThan(0);
    expect(snap.source).not.toMatch(/:[^*@/]+@/);
  });

  it('returns typed rows, caps them, and compiles limit as TOP', async () => {
    const r = await ds.query(`SELECT CAST('2026-11-20' AS DATE) AS d, CAST(1.5 AS DECIMAL(10,2)) AS n, N'O''Brien ✓' AS s`);
    expect(r.rows).toEqual([['2026-11-20', 1.5, "O'Brien ✓"]]);
    const capped = await ds.query('SELECT a.object_id FROM sys.all_objects a CROSS JOIN sys.all_objects b', { maxRows: 5 });
    expect(capped).toMatchObject({ rowCount: 5, truncated: true });
    const k = ds.dialect.compiler();
    const q = k.selectFrom('sys.all_objects').select('name').orderBy('name').limit(3).compile();
    expect((await ds.query(q.sql)).rowCount).toBe(3);
  });

  it('date helpers give Monday weeks whatever DATEFIRST is', async () => {
    const d = ds.dialect;
    const k = d.compiler();
    for (const [day, monday] of [['2026-11-22', '2026-11-16'], ['2026-11-23', '2026-11-23'], ['2026-01-01', '2025-12-29'], ['2024-02-29', '2024-02-26']]) {
      const q = k.selectNoFrom([d.weekBucket(d.dateLiteral(day!)).as('w')]).compile();
      expect((await ds.query(q.sql)).rows).toEqual([[monday]]);
    }
  });

  it('stops a slow query with OTC_ERR_QUERY_TIMEOUT and refuses non-queries', async () => {
    await expect(
      ds.query('SELECT COUNT_BIG(*) FROM sys.all_objects a CROSS JOIN sys.all_objects b CROSS JOIN sys.all_objects c CROSS JOIN sys.all_objects d', { timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_TIMEOUT' });
    await expect(ds.query("WAITFOR DELAY '00:00:01'")).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_NOT_READ_ONLY' });
    expect(Array.isArray(await distinctValues(ds, 'sys.all_objects', 'type', 3))).toBe(true);
  });
});
