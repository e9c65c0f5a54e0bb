import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardSql } from '../../src/guard/index.js';
import { createTempPgDatabase, postgresAvailable, type TempPgDatabase } from '../support/services.js';

/**
 * The guard against a real PostgreSQL server: what it admits runs there (capped), and the
 * backslash trick it refuses really is two statements to the server.
 */
const up = await postgresAvailable();

describe.skipIf(!up)('SQL guard on a real PostgreSQL server', () => {
  let db: TempPgDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    db = await createTempPgDatabase('otc_guard');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`CREATE TABLE trades (trade_id int PRIMARY KEY, counterparty_id int, currency text, status text, notional numeric, trade_date date);
      INSERT INTO trades SELECT i, i % 7, (ARRAY['EUR','USD','GBP'])[1 + i % 3], (ARRAY['Live','Cancelled','Matured'])[1 + i % 3], i * 1000.5, DATE '2026-01-01' + i FROM generate_series(1, 300) AS i;`);
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  const policy = {
    allowedTables: new Map<string, Set<string> | '*'>([['trades', new Set(['trade_id', 'counterparty_id', 'currency', 'status', 'notional', 'trade_date'])]]),
    maxRows: 25,
  };

  const reads = [
    'SELECT * FROM trades',
    'SELECT * FROM trades ORDER BY trade_date DESC NULLS LAST LIMIT 5000 OFFSET 10',
    'SELECT * FROM trades OFFSET 3',
    'SELECT * FROM trades FETCH FIRST 500 ROWS ONLY',
    'SELECT trade_id, SUM(notional) OVER (PARTITION BY counterparty_id ORDER BY trade_date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM trades',
    "SELECT date_trunc('month', trade_date) AS m, COUNT(*) FILTER (WHERE status = 'Live') FROM trades GROUP BY 1 ORDER BY 1",
    'SELECT currency FROM trades INTERSECT SELECT currency FROM trades WHERE notional > 0',
    "SELECT counterparty_id, STRING_AGG(currency, ', ' ORDER BY currency) FROM trades GROUP BY counterparty_id",
    "SELECT E'it\\'s', $$q$$, trade_id FROM trades -- comment\n WHERE trade_date > DATE '2026-01-01' - INTERVAL '30 days';",
    'SELECT trade_id, ROW_NUMBER() OVER w FROM trades WINDOW w AS (ORDER BY trade_date) LIMIT 3',
  ];

  it('every admitted query runs read-only on the server and returns at most the cap', async () => {
    for (const sql of reads) {
      const v = await guardSql(sql, 'postgres', policy);
      expect(v.ok, sql).toBe(true);
      if (!v.ok) continue;
      await client.query('BEGIN READ ONLY');
      try {
        const r = await client.query(v.sql);
        expect(r.rowCount, sql).toBeLessThanOrEqual(25);
      } finally {
        await client.query('ROLLBACK');
      }
    }
  });

  it('otc-copilot guard --db postgres://… takes the allow-list from the live schema', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const run = (sql: string) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'guard', '--db', db.url, '--max-rows', '5'], { cwd: root, input: sql, encoding: 'utf8' });
    expect(run('SELECT status, COUNT(*) FROM trades GROUP BY status')).toMatchObject({ status: 0, stdout: 'OK\nSELECT status, COUNT(*) FROM trades GROUP BY status LIMIT 5\n' });
    expect(run('SELECT secret FROM trades')).toMatchObject({ status: 1, stdout: 'REFUSED: The query refers to an unknown column trades.secret.\n' });
  });

  it('the backslash trick is two statements to the server, and the guard refuses it', async () => {
    const trick = "SELECT 'x\\'; DELETE FROM trades WHERE trade_id = 1; --'";
    expect(await guardSql(trick, 'postgres', policy)).toMatchObject({ ok: false, reason: expect.stringContaining('more than one statement') });
    await client.query('BEGIN');
    try {
      await client.query(trick); // simple protocol: the server runs both statements
      const left = await client.query('SELECT COUNT(*)::int AS n FROM trades WHERE trade_id = 1');
      expect(left.rows[0].n).toBe(0);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
