import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempPgDatabase, postgresAvailable, type TempPgDatabase } from '../support/services.js';
import { buildDemoDatabase, OPS_TABLE_NAMES, OPS_TABLES } from '../../src/demo/index.js';

const AS_OF = '2026-11-25';
const TRADES = 1500;
const SEED = 11;
const available = await postgresAvailable();

describe.runIf(available)('demo database on PostgreSQL', () => {
  let pgdb: TempPgDatabase;
  let dir: string;
  let client: pg.Client;

  beforeAll(async () => {
    pgdb = await createTempPgDatabase('otc_demo');
    dir = mkdtempSync(join(tmpdir(), 'otc-demo-pg-'));
    client = new pg.Client({ connectionString: pgdb.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await pgdb?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const one = async (sql: string, params: unknown[] = []): Promise<string> => String(Object.values((await client.query(sql, params)).rows[0])[0]);

  it('writes the same rows as SQLite for the same seed, in the same tables and columns', async () => {
    const r = await buildDemoDatabase({ out: pgdb.url, trades: TRADES, seed: SEED, asOf: AS_OF });
    expect(r.kind).toBe('postgres');
    const lite = await buildDemoDatabase({ out: join(dir, 'same.db'), trades: TRADES, seed: SEED, asOf: AS_OF });
    expect(r.counts).toEqual(lite.counts);
    const sqlite = new Database(join(dir, 'same.db'), { readonly: true });
    try {
      for (const t of OPS_TABLE_NAMES) {
        expect(Number(await one(`SELECT COUNT(*) FROM ${t}`)), t).toBe(lite.counts[t]);
        const cols = (await client.query("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position", [t])).rows.map((x) => x.column_name);
        expect(cols, t).toEqual([...OPS_TABLES[t]]);
      }
      const liteSum = (sqlite.prepare('SELECT SUM(notional_usd), SUM(is_cleared), MAX(trade_ref) FROM trades').raw().get() as [number, number, string]);
      const pgSum = (await client.query('SELECT SUM(notional_usd) AS a, SUM(is_cleared) AS b, MAX(trade_ref) AS c FROM trades')).rows[0];
      expect(Number(pgSum.a)).toBeCloseTo(liteSum[0], 0);
      expect(Number(pgSum.b)).toBe(liteSum[1]);
      expect(pgSum.c).toBe(liteSum[2]);
      const liteFails = (sqlite.prepare("SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND value_date = ?").raw().get('2026-11-20') as [number])[0];
      expect(Number(await one("SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND value_date = DATE '2026-11-20'"))).toBe(liteFails);
    } finally {
      sqlite.close();
    }
    const types = (await client.query("SELECT data_type FROM information_schema.columns WHERE table_name = 'trades' AND column_name IN ('trade_date','notional','created_at','is_cleared') ORDER BY column_name")).rows.map((x) => x.data_type);
    expect(types).toEqual(['timestamp without time zone', 'smallint', 'numeric', 'date']);
    const indexes = (await client.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'ix_%' ORDER BY 1")).rows.map((x) => x.indexname);
    expect(indexes).toHaveLength(10);
  });

  it('refuses to touch existing tables without force, and replaces them with force', async () => {
    const before = await one('SELECT COUNT(*) FROM trades');
    await expect(buildDemoDatabase({ out: pgdb.url, trades: 200, seed: 1, asOf: AS_OF })).rejects.toMatchObject({ code: 'OTC_ERR_DEMO_EXISTS' });
    expect(await one('SELECT COUNT(*) FROM trades')).toBe(before);
    const r = await buildDemoDatabase({ out: pgdb.url, trades: 200, seed: 1, asOf: AS_OF, force: true });
    expect(r.counts.trades).toBe(200);
    expect(await one('SELECT COUNT(*) FROM trades')).toBe('200');
  });

  it('loads into the schema named in the URL, and a failed build leaves no tables behind', async () => {
    const url = `${pgdb.url}?schema=demo_ops`;
    const boom = (t: string): void => {
      if (t === 'settlements') throw new Error('connection dropped');
    };
    await expect(buildDemoDatabase({ out: url, trades: 300, seed: 2, asOf: AS_OF, onProgress: boom })).rejects.toThrow(/connection dropped/);
    expect(await one("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'demo_ops'")).toBe('0');
    const r = await buildDemoDatabase({ out: url, trades: 300, seed: 2, asOf: AS_OF });
    expect(r.kind === 'postgres' && r.url).toContain('demo_ops');
    expect(await one("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'demo_ops'")).toBe('8');
    expect(await one('SELECT COUNT(*) FROM demo_ops.trades')).toBe('300');
    expect(await one('SELECT COUNT(*) FROM public.trades')).toBe('200');
  });
});
