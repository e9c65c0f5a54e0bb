import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatasource, type Datasource } from '../../index.js';
import { tempDir } from '../../live-dialects.test-fixture.js';
import { parseSqliteUrl } from './url.js';

const SHARED_DB = `${process.env.OTC_SHARED_DIR}/benchmark/ops-dev.db`;
const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

describe('SQLite datasource on a copy of the benchmark database', () => {
  const tmp = tempDir();
  const file = path.join(tmp.dir, 'ops-dev.db');
  let ds: Datasource;
  let before: string;

  beforeAll(async () => {
    fs.copyFileSync(SHARED_DB, file);
    before = sha(file);
    ds = await openDatasource(`sqlite:${file}`, { maxRows: 50 });
  });

  afterAll(async () => {
    await ds?.close();
    tmp.remove();
  });

  it('introspects 8 tables, trades -> counterparties/books, exact row counts', async () => {
    const snap = await ds.introspect();
    expect(snap.source).toBe(`sqlite:${file}`);
    expect(snap.tables).toHaveLength(8);
    expect(snap.tables.some((t) => t.name.startsWith('sqlite_'))).toBe(false);
    const direct = new Database(file, { readonly: true });
    try {
      for (const t of snap.tables) {
        const n = (direct.prepare(`SELECT COUNT(*) AS n FROM "${t.name}"`).get() as { n: number }).n;
        expect(t.rowCount, t.name).toBe(n);
      }
    } finally {
      direct.close();
    }
    const trades = snap.tables.find((t) => t.name === 'trades')!;
    expect(trades.rowCount).toBeGreaterThan(1000);
    expect(trades.foreignKeys).toEqual(
      expect.arrayContaining([
        { columns: ['counterparty_id'], refTable: 'counterparties', refColumns: ['counterparty_id'] },
        { columns: ['book_id'], refTable: 'books', refColumns: ['book_id'] },
      ]),
    );
    expect(trades.columns.find((c) => c.name === 'notional')).toEqual({ name: 'notional', dataType: 'decimal(20,2)', kind: 'decimal', nullable: false });
  });

  it('refuses writable and non-query statements by itself (no guard involved)', async () => {
    const refused = [
      "INSERT INTO books (book_id, book_code, desk, asset_class, region, legal_entity) VALUES (999, 'X', 'G10 Rates', 'Rates', 'EMEA', 'Bank PLC')",
      "UPDATE trades SET status = 'Cancelled'",
      'DELETE FROM trades',
      'DROP TABLE trades',
      `ATTACH DATABASE '${path.join(tmp.dir, 'other.db')}' AS other`,
      'PRAGMA journal_mode = WAL',
      'PRAGMA user_version = 7',
      'VACUUM',
      'BEGIN',
      'CREATE TEMP TABLE t AS SELECT 1',
      'SELECT 1; DROP TABLE trades',
    ];
    for (const s of refused) {
      await expect(ds.query(s), s).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_NOT_READ_ONLY' });
    }
    expect(fs.existsSync(path.join(tmp.dir, 'other.db'))).toBe(false);
    expect((await ds.query('PRAGMA user_version')).rows).toEqual([[0]]);
  });

  it('caps a large result at maxRows (default from openDatasource)', async () => {
    const r = await ds.query('SELECT trade_id FROM trades ORDER BY trade_id');
    expect(r.rowCount).toBe(50);
    expect(r.truncated).toBe(true);
    expect(r.rows[49]).toEqual([50]);
  });

  it('a slow query does not hold up a quick one (two query processes)', async () => {
    const ac = new AbortController();
    let slowSettled = false;
    const slow = ds
      .query('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c', { signal: ac.signal, timeoutMs: 60_000 })
      .finally(() => (slowSettled = true));
    slow.catch(() => undefined);
    const quick = await ds.query('SELECT COUNT(*) FROM books');
    expect(quick.rows).toEqual([[21]]);
    expect(slowSettled).toBe(false);
    ac.abort();
    await expect(slow).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_CANCELLED' });
  });

  it('reports SQL errors with a code and the database message', async () => {
    await expect(ds.query('SELECT nope FROM trades')).rejects.toMatchObject({
      code: 'OTC_ERR_QUERY_FAILED',
      message: expect.stringContaining('no such column: nope'),
    });
  });

  it('never writes the file', async () => {
    await ds.query('SELECT COUNT(*) FROM settlements');
    expect(sha(file)).toBe(before);
    expect(fs.readdirSync(tmp.dir).sort()).toEqual(['ops-dev.db']);
  });
});

describe('SQLite URLs and files', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('reads sqlite:PATH, sqlite:///abs and plain .db/.sqlite paths', () => {
    expect(parseSqliteUrl('sqlite:/abs/x.db')).toBe('/abs/x.db');
    expect(parseSqliteUrl('sqlite:///abs/x.db')).toBe('/abs/x.db');
    expect(parseSqliteUrl('sqlite:rel/x.db')).toBe(path.resolve('rel/x.db'));
    expect(parseSqliteUrl('/abs/y.sqlite')).toBe('/abs/y.sqlite');
    expect(() => parseSqliteUrl('sqlite:')).toThrow(expect.objectContaining({ code: 'OTC_ERR_BAD_DATASOURCE_URL' }));
    expect(() => parseSqliteUrl('sqlite::memory:')).toThrow(expect.objectContaining({ code: 'OTC_ERR_BAD_DATASOURCE_URL' }));
  });

  it('a missing file is OTC_ERR_DATASOURCE_NOT_FOUND and is not created', async () => {
    const missing = path.join(tmp.dir, 'missing.db');
    for (const url of [`sqlite:${missing}`, missing, `sqlite://${missing}`]) {
      await expect(openDatasource(url)).rejects.toMatchObject({ code: 'OTC_ERR_DATASOURCE_NOT_FOUND', message: expect.stringContaining(missing) });
    }
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('a file that is not a database is OTC_ERR_DATASOURCE_UNREADABLE', async () => {
    const junk = path.join(tmp.dir, 'junk.db');
    fs.writeFileSync(junk, 'this is not a database, just text that is long enough to be read as a header '.repeat(20));
    await expect(openDatasource(junk)).rejects.toMatchObject({ code: 'OTC_ERR_DATASOURCE_UNREADABLE' });
  });

  it('a closed datasource refuses queries', async () => {
    const f = path.join(tmp.dir, 'small.db');
    const w = new Database(f);
    w.exec('CREATE TABLE t (x INTEGER)');
    w.close();
    const ds = await openDatasource(`sqlite:${f}`);
    expect((await ds.query('SELECT COUNT(*) FROM t')).rows).toEqual([[0]]);
    await ds.close();
    await expect(ds.query('SELECT 1')).rejects.toMatchObject({ code: 'OTC_ERR_DATASOURCE_CLOSED' });
  });
});
