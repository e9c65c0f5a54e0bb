import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { SchemaSnapshot } from '../datasource/types.js';
import { guardSql, policyFromSnapshot, type GuardDialect } from './index.js';

const DEV_DB = `${process.env.OTC_SHARED_DIR}/benchmark/ops-dev.db`;
const DEV_QUESTIONS = `${process.env.OTC_SHARED_DIR}/benchmark/ops-dev.jsonl`;

/** The dev database's schema as a snapshot, read with a read-only handle (the file is never written). */
function devSnapshot(): SchemaSnapshot {
  const db = new Database(DEV_DB, { readonly: true, fileMustExist: true });
  try {
    const names = db.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").all() as Array<{ name: string }>;
    return {
      dialect: 'sqlite',
      source: DEV_DB,
      capturedAt: new Date(0).toISOString(),
      tables: names.map(({ name }) => ({
        name,
        columns: (db.prepare('SELECT name, type, "notnull" AS nn FROM pragma_table_info(?)').all(name) as Array<{ name: string; type: string; nn: number }>).map((c) => ({
          name: c.name,
          dataType: c.type.toLowerCase(),
          kind: 'other' as const,
          nullable: c.nn === 0,
        })),
        primaryKey: [],
        foreignKeys: [],
        rowCount: 0,
      })),
    };
  } finally {
    db.close();
  }
}

function goldQueries(): Array<{ id: string; sql: string }> {
  return readFileSync(DEV_QUESTIONS, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { id: string; gold_sql: string | null })
    .filter((q) => q.gold_sql)
    .map((q) => ({ id: q.id, sql: q.gold_sql! }));
}

const figures: string[] = [];
afterAll(() => console.log(`\nBenign reads admitted:\n${figures.join('\n')}\n`));

describe('dev benchmark gold SQL (SQLite, with the dev schema as allow-list)', () => {
  const gold = goldQueries();
  const snapshot = devSnapshot();

  it('admits every gold query, and the capped SQL runs and returns the same rows', async () => {
    const policy = policyFromSnapshot(snapshot, 5000);
    const db = new Database(DEV_DB, { readonly: true, fileMustExist: true });
    const refused: Array<{ id: string; reason: string }> = [];
    try {
      for (const q of gold) {
        const v = await guardSql(q.sql, 'sqlite', policy);
        if (!v.ok) {
          refused.push({ id: q.id, reason: v.reason });
          continue;
        }
        expect(v.tables.length, q.id).toBeGreaterThan(0);
        const stmt = db.prepare(v.sql);
        expect(stmt.readonly, q.id).toBe(true);
        expect(stmt.raw().all(), q.id).toEqual(db.prepare(q.sql).raw().all());
      }
    } finally {
      db.close();
    }
    figures.push(`  dev gold (sqlite): ${gold.length - refused.length}/${gold.length}`);
    expect(gold).toHaveLength(90);
    expect(refused).toEqual([]);
  });

  it('applies a small cap to every gold query: at most that many rows, LIMITs above it lowered, smaller ones kept', async () => {
    const policy = policyFromSnapshot(snapshot, 3);
    const db = new Database(DEV_DB, { readonly: true, fileMustExist: true });
    try {
      for (const q of gold) {
        const v = await guardSql(q.sql, 'sqlite', policy);
        expect(v.ok, q.id).toBe(true);
        if (!v.ok) continue;
        const rows = db.prepare(v.sql).raw().all();
        const all = db.prepare(q.sql).raw().all();
        expect(rows.length, q.id).toBe(Math.min(3, all.length));
        const limit = /LIMIT (\d+)$/.exec(q.sql);
        if (limit && Number(limit[1]) <= 3) expect(v.sql, q.id).toBe(q.sql);
        else expect(v.sql, q.id).toMatch(/LIMIT 3$/);
      }
    } finally {
      db.close();
    }
  });

  it('refuses unknown tables and columns against the same schema', async () => {
    const policy = policyFromSnapshot(snapshot, 100);
    expect(await guardSql('SELECT * FROM salaries', 'sqlite', policy)).toMatchObject({ ok: false, reason: 'The query reads an unknown table salaries.' });
    expect(await guardSql('SELECT t.password FROM trades t', 'sqlite', policy)).toMatchObject({ ok: false, reason: 'The query refers to an unknown column trades.password.' });
  });
});

const BENIGN: Record<Exclude<GuardDialect, 'sqlite'>, string[]> = {
  postgres: [
    'SELECT status, COUNT(*) FROM trades GROUP BY status ORDER BY 2 DESC',
    "SELECT date_trunc('month', trade_date) AS m, SUM(notional) FROM trades WHERE trade_date >= DATE '2026-01-01' GROUP BY 1 ORDER BY 1",
    "SELECT to_char(trade_date, 'YYYY-MM'), extract(year FROM trade_date), date_part('dow', trade_date) FROM trades",
    'SELECT trade_id, SUM(notional) OVER (PARTITION BY counterparty_id ORDER BY trade_date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM trades',
    'SELECT trade_id, ROW_NUMBER() OVER w, LAG(notional) OVER w FROM trades WINDOW w AS (ORDER BY trade_date)',
    "SELECT counterparty_id, STRING_AGG(currency, ', ' ORDER BY currency) FROM trades GROUP BY counterparty_id",
    'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY notional) FROM trades',
    'SELECT currency FROM trades INTERSECT SELECT currency FROM trades WHERE status = \'Live\'',
    "SELECT currency FROM trades EXCEPT SELECT currency FROM trades WHERE status = 'Cancelled' ORDER BY 1",
    "SELECT substring(currency FROM 1 FOR 2), trim(both ' ' FROM status), position('a' IN status) FROM trades",
    'WITH live AS (SELECT * FROM trades WHERE status = \'Live\') SELECT COUNT(*) FILTER (WHERE notional > 1000000) FROM live',
    "SELECT E'it\\'s', $$dollar 'quoted'$$, 'plain ''doubled''' FROM trades LIMIT 10",
    'SELECT * FROM trades ORDER BY trade_date DESC NULLS LAST LIMIT 50000 OFFSET 10',
    'SELECT * FROM trades FETCH FIRST 20 ROWS ONLY',
    'SELECT now() - trade_date::timestamp, age(trade_date), current_date - 7 FROM trades',
    "SELECT \"status\" /* inline */ FROM trades -- trailing\n WHERE trade_date > current_date - INTERVAL '30 days';",
    'SELECT t.trade_id FROM trades t CROSS JOIN LATERAL (SELECT COUNT(*) AS n FROM trades x WHERE x.counterparty_id = t.counterparty_id) c WHERE c.n > 1',
    'SELECT CASE WHEN notional > 0 THEN \'pos\' ELSE \'neg\' END, COALESCE(NULLIF(status, \'\'), \'?\'), ROUND(notional::numeric, 2) FROM trades',
    'SELECT * FROM public.trades',
    'VALUES (1), (2)',
  ],
  mssql: [
    'SELECT TOP (10) WITH TIES counterparty_id, notional FROM trades ORDER BY notional DESC',
    'SELECT TOP 5 * FROM dbo.trades ORDER BY trade_date DESC',
    'SELECT DISTINCT TOP (20000) currency FROM trades',
    'SELECT status, COUNT(*) AS n FROM trades GROUP BY status',
    'SELECT counterparty_id, STRING_AGG(currency, N\', \') WITHIN GROUP (ORDER BY currency) FROM trades GROUP BY counterparty_id',
    'SELECT trade_id, SUM(notional) OVER (PARTITION BY counterparty_id ORDER BY trade_date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running FROM trades',
    'SELECT trade_id, RANK() OVER (ORDER BY notional DESC), NTILE(4) OVER (ORDER BY notional), LEAD(trade_date) OVER (ORDER BY trade_date) FROM trades',
    "SELECT N'Zürich', [status], [trade date] = trade_date FROM [dbo].[trades] WHERE currency = N'EUR'",
    "SELECT DATEADD(day, -7, GETDATE()), DATEDIFF(day, trade_date, GETDATE()), DATEPART(year, trade_date), EOMONTH(trade_date) FROM trades",
    "SELECT CONVERT(varchar(10), trade_date, 120), FORMAT(notional, 'N2'), YEAR(trade_date), MONTH(trade_date), DAY(trade_date) FROM trades",
    "SELECT IIF(notional > 0, 'pos', 'neg'), ISNULL(status, '?'), LEN(currency), TRY_CAST(notional AS int) FROM trades",
    'SELECT currency FROM trades INTERSECT SELECT currency FROM trades WHERE notional > 0',
    'SELECT currency FROM trades EXCEPT SELECT currency FROM trades WHERE notional < 0 ORDER BY currency',
    'SELECT currency FROM trades UNION ALL SELECT currency FROM trades',
    'SELECT * FROM trades ORDER BY trade_date OFFSET 10 ROWS',
    'SELECT * FROM trades ORDER BY trade_date OFFSET 0 ROWS FETCH NEXT 50000 ROWS ONLY',
    'WITH live AS (SELECT * FROM trades WHERE status = \'Live\') SELECT counterparty_id, COUNT(*) FROM live GROUP BY counterparty_id',
    'SELECT t.trade_id FROM trades t WITH (NOLOCK) WHERE EXISTS (SELECT 1 FROM trades x WHERE x.counterparty_id = t.counterparty_id)',
    "SELECT 'a /* not a comment */ -- nor this', 1 /* a /* nested */ comment */ FROM trades;",
    'SELECT CAST(notional AS decimal(20, 2)), ROUND(notional, 2), ABS(notional), UPPER(status), LOWER(status), LTRIM(RTRIM(status)), SUBSTRING(currency, 1, 2), REPLACE(status, \'a\', \'b\') FROM trades',
  ],
};

describe('benign PostgreSQL and T-SQL reads', () => {
  for (const dialect of ['postgres', 'mssql'] as const) {
    it(`${dialect}: admitted with the cap, and the admitted SQL passes the guard again unchanged`, async () => {
      const refused: Array<{ sql: string; reason: string }> = [];
      for (const sql of BENIGN[dialect]) {
        const v = await guardSql(sql, dialect, { maxRows: 1000 });
        if (!v.ok) {
          refused.push({ sql, reason: v.reason });
          continue;
        }
        const again = await guardSql(v.sql, dialect, { maxRows: 1000 });
        expect(again, sql).toEqual(v);
      }
      figures.push(`  ${dialect} benign: ${BENIGN[dialect].length - refused.length}/${BENIGN[dialect].length}`);
      expect(refused).toEqual([]);
    });
  }
});
