import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatasource, type Datasource } from '../../index.js';
import { tempDir } from '../../live-dialects.test-fixture.js';

/**
 * The query process sends rows as one JSON text when every value is text, a finite number or
 * NULL, and as a structured clone otherwise: either way the parent gets exactly the values
 * better-sqlite3 reads in process.
 */
describe('SQLite query process: rows arrive exactly as read', () => {
  const tmp = tempDir();
  const file = path.join(tmp.dir, 'values.db');
  let ds: Datasource;
  let direct: Database.Database;

  beforeAll(async () => {
    const db = new Database(file);
    db.exec(`CREATE TABLE v (id INTEGER PRIMARY KEY, t TEXT, r REAL, b BLOB);
      INSERT INTO v (t, r, b) VALUES ('plain', 1.5, NULL), ('ünïcödé ✓ 😀', -2.25e-300, NULL), ('quote " and \\ and
newline', 9007199254740991, NULL), (NULL, NULL, NULL);
      CREATE TABLE many (i INTEGER, s TEXT, x REAL);
      WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 30000) INSERT INTO many SELECT n, 'row ' || n, n / 7.0 FROM c;`);
    db.close();
    ds = await openDatasource(`sqlite:${file}`, { maxRows: 100_000 });
    direct = new Database(file, { readonly: true });
  });

  afterAll(async () => {
    await ds?.close();
    direct?.close();
    tmp.remove();
  });

  const read = (sql: string) => direct.prepare(sql).raw(true).all();

  it('text, numbers and NULLs (the JSON path), including unicode, escapes and the largest safe integer', async () => {
    const r = await ds.query('SELECT id, t, r, b FROM v ORDER BY id');
    expect(r.rows).toEqual(read('SELECT id, t, r, b FROM v ORDER BY id'));
    expect(r.rows[2]![2]).toBe(9007199254740991);
  });

  it('values JSON cannot carry: blobs, -0, Infinity (the structured-clone path)', async () => {
    const r = await ds.query("SELECT X'00ff10' AS blob, -0.0 AS negzero, 1e999 AS inf, -1e999 AS neginf, 'x' AS t");
    expect(Buffer.isBuffer(r.rows[0]![0])).toBe(true);
    expect([...(r.rows[0]![0] as Buffer)]).toEqual([0, 255, 16]);
    expect(Object.is(r.rows[0]![1], -0)).toBe(true);
    expect(r.rows[0]!.slice(2)).toEqual([Infinity, -Infinity, 'x']);
  });

  it('a large result is complete and in order', async () => {
    const r = await ds.query('SELECT i, s, x FROM many ORDER BY i');
    expect(r.rowCount).toBe(30000);
    expect(r.rows).toEqual(read('SELECT i, s, x FROM many ORDER BY i'));
  });
});
