import fs from 'node:fs';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatasource, type Datasource } from '../../index.js';
import { OPS_SCHEMA_SQL, SEED_SQL, services } from '../../live-dialects.test-fixture.js';
import { parsePostgresUrl } from './url.js';

describe('PostgreSQL datasource specifics', () => {
  let tmp: { url: string; drop(): Promise<void> } | undefined;
  let ds: Datasource | undefined;
  let skip: string | undefined;

  beforeAll(async () => {
    const svc = await services();
    if (!(await svc.postgresAvailable())) {
      skip = 'PostgreSQL is not reachable';
      console.warn(`[skip] ${skip}`);
      return;
    }
    tmp = await svc.createTempPgDatabase('otc_dspg');
    const c = new pg.Client({ connectionString: tmp.url });
    await c.connect();
    try {
      await c.query(fs.readFileSync(OPS_SCHEMA_SQL, 'utf8'));
      for (const s of SEED_SQL) await c.query(s);
      await c.query('CREATE SEQUENCE otc_seq');
      await c.query(`CREATE FUNCTION sneaky_write() RETURNS integer LANGUAGE sql VOLATILE AS $$ DELETE FROM settlements RETURNING 1 $$`);
      await c.query('CREATE SCHEMA "Risk2"');
      await c.query('CREATE TABLE "Risk2".t (x INTEGER)');
      await c.query('CREATE SCHEMA risk');
      await c.query('CREATE TABLE risk.limits (limit_id INTEGER PRIMARY KEY, counterparty_id INTEGER NOT NULL REFERENCES public.counterparties(counterparty_id), amount_usd NUMERIC(20,2), as_of TIMESTAMPTZ, flag BOOLEAN, big BIGINT)');
      await c.query("INSERT INTO risk.limits VALUES (1, 1, 12.34, '2026-11-20 10:00:00+00', true, 9007199254740991)");
    } finally {
      await c.end();
    }
    ds = await openDatasource(tmp.url, { timeoutMs: 10_000 });
  });

  afterAll(async () => {
    await ds?.close();
    await tmp?.drop();
  });

  it('a write hidden in a SELECT fails because the transaction is READ ONLY', async (ctx) => {
    if (skip || !ds) return ctx.skip();
    await expect(ds.query('SELECT sneaky_write()')).rejects.toMatchObject({
      code: 'OTC_ERR_QUERY_NOT_READ_ONLY',
      message: expect.stringMatching(/read-only transaction/),
    });
    await expect(ds.query("SELECT nextval('otc_seq')")).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_NOT_READ_ONLY' });
    expect((await ds.query('SELECT COUNT(*) FROM settlements')).rows).toEqual([[2]]);
  });

  it('only a query can be a cursor: writes, DDL and writable CTEs are refused as not read-only', async (ctx) => {
    if (skip || !ds) return ctx.skip();
    for (const w of [
      "INSERT INTO books VALUES (9, 'X', 'G10 Rates', 'Rates', 'EMEA', 'Bank PLC')",
      "  -- comment first\n  UPDATE trades SET status = 'Cancelled'",
      'DROP TABLE books',
      'WITH d AS (DELETE FROM settlements RETURNING 1) SELECT * FROM d',
    ]) {
      await expect(ds.query(w), w).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_NOT_READ_ONLY' });
    }
    await expect(ds.query('SELECT FROM WHERE')).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_FAILED' });
    expect((await ds.query('SELECT (SELECT COUNT(*) FROM books), (SELECT COUNT(*) FROM settlements)')).rows).toEqual([[2, 2]]);
  });

  it('one statement only: the extended protocol refuses a second one', async (ctx) => {
    if (skip || !ds) return ctx.skip();
    await expect(ds.query('SELECT 1; SET statement_timeout = 0')).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_NOT_READ_ONLY' });
    expect((await ds.query('SELECT 1;')).rows).toEqual([[1]]);
  });

  it('backslashes in inlined strings stay plain text even if the server default says otherwise', async (ctx) => {
    if (skip || !tmp || !ds) return ctx.skip();
    const admin = new pg.Client({ connectionString: tmp.url });
    await admin.connect();
    const dbName = new URL(tmp.url).pathname.slice(1);
    await admin.query(`ALTER DATABASE ${dbName} SET standard_conforming_strings = off`);
    await admin.end();
    const fresh = await openDatasource(tmp.url);
    try {
      const text = "a\\' OR 1=1 --";
      const q = fresh.dialect.compiler().selectNoFrom([sql`${text}`.as('s')]).compile();
      expect((await fresh.query(q.sql)).rows).toEqual([[text]]);
      expect((await fresh.query("SELECT current_setting('standard_conforming_strings')")).rows).toEqual([['on']]);
    } finally {
      await fresh.close();
    }
  });

  it('pg_sleep(5) with a 200 ms timeout is OTC_ERR_QUERY_TIMEOUT', async (ctx) => {
    if (skip || !ds) return ctx.skip();
    await expect(ds.query('SELECT pg_sleep(5)', { timeoutMs: 200 })).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_TIMEOUT' });
  });

  it('?schema=x introspects and queries that schema; values keep their types', async (ctx) => {
    if (skip || !tmp) return ctx.skip();
    const u = new URL(tmp.url);
    u.searchParams.set('schema', 'risk');
    const risk = await openDatasource(u.toString());
    try {
      const snap = await risk.introspect();
      expect(snap.tables.map((t) => [t.schema, t.name, t.rowCount])).toEqual([['risk', 'limits', 1]]);
      const limits = snap.tables[0]!;
      expect(limits.foreignKeys).toEqual([{ columns: ['counterparty_id'], refTable: 'counterparties', refColumns: ['counterparty_id'] }]);
      expect(limits.columns.map((c) => [c.name, c.dataType, c.kind])).toEqual([
        ['limit_id', 'integer', 'integer'],
        ['counterparty_id', 'integer', 'integer'],
        ['amount_usd', 'numeric(20,2)', 'decimal'],
        ['as_of', 'timestamp with time zone', 'timestamp'],
        ['flag', 'boolean', 'boolean'],
        ['big', 'bigint', 'integer'],
      ]);
      const r = await risk.query('SELECT amount_usd, as_of, flag, big FROM limits');
      expect(r.rows).toEqual([[12.34, '2026-11-20T10:00:00.000Z', true, 9007199254740991]]);
    } finally {
      await risk.close();
    }
    const mixed = new URL(tmp.url);
    mixed.searchParams.set('schema', 'Risk2');
    const m = await openDatasource(mixed.toString());
    try {
      expect((await m.introspect()).tables.map((t) => `${t.schema}.${t.name}`)).toEqual(['Risk2.t']);
      expect((await m.query('SELECT COUNT(*) FROM t')).rows).toEqual([[0]]);
    } finally {
      await m.close();
    }
    const bad = new URL(tmp.url);
    bad.searchParams.set('schema', 'nope');
    await expect(openDatasource(bad.toString())).rejects.toMatchObject({ code: 'OTC_ERR_DATASOURCE_NOT_FOUND' });
  });

  it('description and messages never show the password', async (ctx) => {
    if (skip || !tmp) return ctx.skip();
    const u = new URL(tmp.url);
    u.password = 'S3cret-pw';
    const withPw = await openDatasource(u.toString());
    try {
      expect(withPw.description).not.toContain('S3cret-pw');
      expect(withPw.description).toContain('postgres:***@');
    } finally {
      await withPw.close();
    }
    const missingDb = new URL(tmp.url);
    missingDb.pathname = '/otc_no_such_db_x';
    missingDb.password = 'S3cret-pw';
    const err = await openDatasource(missingDb.toString()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OTC_ERR_DATASOURCE_NOT_FOUND' });
    expect(String((err as Error).message)).not.toContain('S3cret-pw');
  });
});

describe('PostgreSQL URLs', () => {
  it('parses host, port, database, user and schema', () => {
    expect(parsePostgresUrl('postgresql://ops:pw@db.bank.internal:6543/otc?schema=ops&sslmode=require')).toEqual({
      connectionString: 'postgresql://ops:pw@db.bank.internal:6543/otc?sslmode=require',
      host: 'db.bank.internal',
      port: 6543,
      user: 'ops',
      database: 'otc',
      schema: 'ops',
    });
    expect(parsePostgresUrl('postgres://u@h/d')).toMatchObject({ port: 5432, schema: 'public' });
  });

  it('refuses malformed URLs with OTC_ERR_BAD_DATASOURCE_URL', () => {
    for (const bad of ['postgres://', 'postgres://u:p@h:99999/d', 'postgres://h/d?schema=a;drop', 'postgres://h/a/b']) {
      expect(() => parsePostgresUrl(bad), bad).toThrow(expect.objectContaining({ code: 'OTC_ERR_BAD_DATASOURCE_URL' }));
    }
  });
});
