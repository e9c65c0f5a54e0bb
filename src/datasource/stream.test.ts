/**
 * Row streaming (Datasource.stream) on every live dialect (SQLite file, PostgreSQL temp
 * database): columns before rows, every row in order across batches, the row cap with its
 * truncation flag, leaving early frees the connection, abort and timeout stop the statement,
 * writes are refused as by query().
 */
import { describe, expect, it } from 'vitest';
import { LIVE_DIALECTS, liveDatasource } from './live-dialects.test-fixture.js';

const N = 25_000;
const SERIES = `WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${N}) SELECT n, 'row ' || n AS label FROM s`;

for (const live of LIVE_DIALECTS) {
  describe(`row streaming on ${live.name}`, () => {
    const on = liveDatasource(live, { maxRows: 100, timeoutMs: 20_000 });

    it('hands the columns first, then every row in order across batches, past the query row cap', async (ctx) => {
      if (on.skip) return ctx.skip();
      const s = await on.ds.stream(SERIES, { maxRows: 1_000_000, batchRows: 700 });
      expect(s.columns).toEqual(['n', 'label']);
      let expected = 1;
      for await (const row of s) {
        if (row[0] !== expected || row[1] !== `row ${expected}`) throw new Error(`row ${expected} came as ${JSON.stringify(row)}`);
        expected++;
      }
      expect(expected - 1).toBe(N);
      expect(s.rowCount).toBe(N);
      expect(s.truncated).toBe(false);
    });

    it('stops at maxRows and says whether the database had more', async (ctx) => {
      if (on.skip) return ctx.skip();
      const capped = await on.ds.stream(SERIES, { maxRows: 10, batchRows: 4 });
      const rows: unknown[][] = [];
      for await (const r of capped) rows.push(r);
      expect(rows.map((r) => r[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(capped.truncated).toBe(true);
      const exact = await on.ds.stream('SELECT trade_ref FROM trades ORDER BY trade_id', { maxRows: 3, batchRows: 3 });
      const refs: unknown[] = [];
      for await (const r of exact) refs.push(r[0]);
      expect(refs).toEqual(['OTC-T-1', 'OTC-T-2', 'OTC-T-3']);
      expect(exact.truncated).toBe(false);
      // the default cap is the datasource's (100 here)
      const dflt = await on.ds.stream(SERIES);
      let n = 0;
      for await (const _ of dflt) n++;
      expect([n, dflt.truncated]).toEqual([100, true]);
    });

    it('an empty result still has its columns', async (ctx) => {
      if (on.skip) return ctx.skip();
      const s = await on.ds.stream("SELECT trade_ref, notional FROM trades WHERE status = 'none such'");
      expect(s.columns).toEqual(['trade_ref', 'notional']);
      const rows: unknown[][] = [];
      for await (const r of s) rows.push(r);
      expect(rows).toEqual([]);
    });

    it('leaving the loop early stops the statement and frees its connection, again and again', async (ctx) => {
      if (on.skip) return ctx.skip();
      for (let i = 0; i < 6; i++) {
        const s = await on.ds.stream(SERIES, { maxRows: N, batchRows: 50 });
        let n = 0;
        for await (const _ of s) if (++n === 5) break;
        expect(s.rowCount).toBe(5);
      }
      // a stream closed before it is read also frees it
      for (let i = 0; i < 6; i++) await (await on.ds.stream(SERIES, { maxRows: N })).close();
      expect((await on.ds.query('SELECT COUNT(*) FROM trades')).rows).toEqual([[3]]);
    });

    it('an abort mid-stream ends it with OTC_ERR_QUERY_CANCELLED and the datasource stays usable', async (ctx) => {
      if (on.skip) return ctx.skip();
      const ac = new AbortController();
      const s = await on.ds.stream(SERIES, { maxRows: N, batchRows: 100, signal: ac.signal });
      let n = 0;
      await expect(
        (async () => {
          for await (const _ of s) if (++n === 150) ac.abort();
        })(),
      ).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_CANCELLED' });
      expect(n).toBeLessThan(N);
      const slow = new AbortController();
      const p = on.ds.stream(live.slowSql, { signal: slow.signal, timeoutMs: 30_000 }).then(async (x) => {
        for await (const _ of x);
      });
      setTimeout(() => slow.abort(), 300);
      await expect(p).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_CANCELLED' });
      expect((await on.ds.query('SELECT COUNT(*) FROM trades')).rows).toEqual([[3]]);
    });

    it('a statement slower than the timeout stops with OTC_ERR_QUERY_TIMEOUT', async (ctx) => {
      if (on.skip) return ctx.skip();
      const p = on.ds.stream(live.slowSql, { timeoutMs: 200 }).then(async (x) => {
        for await (const _ of x);
      });
      await expect(p).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_TIMEOUT' });
      expect((await on.ds.query('SELECT COUNT(*) FROM trades')).rows).toEqual([[3]]);
    });

    it('refuses writes and second statements as query() does', async (ctx) => {
      if (on.skip) return ctx.skip();
      for (const w of ['DELETE FROM settlements', 'SELECT 1; DELETE FROM settlements']) {
        await expect(on.ds.stream(w), w).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_NOT_READ_ONLY' });
      }
      expect((await on.ds.query('SELECT COUNT(*) FROM settlements')).rows).toEqual([[2]]);
    });
  });
}
