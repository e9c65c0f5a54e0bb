/**
 * The behaviour every live dialect shares, looped over LIVE_DIALECTS (SQLite file, PostgreSQL
 * temp database): introspection of the demo schema, value types, row cap, literal round trip,
 * date helpers on known dates, distinct values, timeout, cancellation, refusal of writes.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { distinctValues } from './index.js';
import { LIVE_DIALECTS, liveDatasource } from './live-dialects.test-fixture.js';

const TRICKY = `O'Brien "quoted" ünïcødé ✓ 東京 -- not a comment; \\ back\\slash`;

const WEEK_CASES = [
  // [date, Monday of its week, month]
  ['2026-11-22', '2026-11-16', '2026-11'], // Sunday
  ['2026-11-23', '2026-11-23', '2026-11'], // Monday
  ['2026-01-01', '2025-12-29', '2026-01'], // year start, a Thursday: week begins in the old year
  ['2024-02-29', '2024-02-26', '2024-02'], // leap day
  ['2024-03-03', '2024-02-26', '2024-03'], // Sunday after the leap day
  ['2027-01-03', '2026-12-28', '2027-01'], // Sunday at year start
] as const;

const DAYS_CASES = [
  ['2024-02-28', '2024-03-01', 2],
  ['2025-12-31', '2026-01-01', 1],
  ['2026-11-23', '2026-11-20', -3],
  ['2023-03-01', '2024-03-01', 366],
] as const;

for (const live of LIVE_DIALECTS) {
  describe(`datasource on ${live.name}`, () => {
    const on = liveDatasource(live, { maxRows: 1000, timeoutMs: 20_000 });

    it('introspects the 8 tables of the demo schema with keys, kinds and row counts', async (ctx) => {
      if (on.skip) return ctx.skip();
      const snap = await on.ds.introspect();
      expect(snap.dialect).toBe(live.name);
      expect(snap.tables.map((t) => t.name)).toEqual([
        'books', 'confirmations', 'counterparties', 'exceptions', 'margin_calls', 'payment_netting', 'settlements', 'trades',
      ]);
      const trades = snap.tables.find((t) => t.name === 'trades')!;
      expect(trades.primaryKey).toEqual(['trade_id']);
      expect(trades.rowCount).toBe(3);
      expect(snap.tables.find((t) => t.name === 'confirmations')!.rowCount).toBe(0);
      expect(trades.foreignKeys.map((f) => `${f.columns}->${f.refTable}.${f.refColumns}`).sort()).toEqual([
        'book_id->books.book_id',
        'counterparty_id->counterparties.counterparty_id',
      ]);
      const col = (n: string) => trades.columns.find((c) => c.name === n)!;
      expect(col('trade_ref')).toMatchObject({ kind: 'text', nullable: false });
      expect(col('trade_date').kind).toBe('date');
      expect(col('created_at').kind).toBe('timestamp');
      expect(col('notional').kind).toBe('decimal');
      expect(col('is_cleared').kind).toBe('integer');
      expect(col('counterparty_id').kind).toBe('integer');
      expect(col('currency').kind).toBe('text');
      expect(col('fixed_rate').nullable).toBe(true);
      expect(trades.columns.map((c) => c.name)[0]).toBe('trade_id');
      expect(trades.columns).toHaveLength(21);
    });

    it('returns rows as arrays: dates as YYYY-MM-DD text, numbers as numbers', async (ctx) => {
      if (on.skip) return ctx.skip();
      const r = await on.ds.query(
        'SELECT trade_id, trade_date, notional, fixed_rate, created_at, COUNT(*) OVER () AS n FROM trades ORDER BY trade_id',
      );
      expect(r.columns).toEqual(['trade_id', 'trade_date', 'notional', 'fixed_rate', 'created_at', 'n']);
      expect(r.rowCount).toBe(3);
      expect(r.truncated).toBe(false);
      const [first] = r.rows;
      expect(first!.slice(0, 4)).toEqual([1, '2026-11-20', 1500000.5, 2.125]);
      expect(first![4]).toBe('2026-11-20T10:15:30');
      expect(first![5]).toBe(3);
      expect(r.rows[1]![3]).toBeNull();
    });

    it('caps rows at maxRows and says when more existed', async (ctx) => {
      if (on.skip) return ctx.skip();
      const q = 'SELECT trade_id FROM trades ORDER BY trade_id';
      const two = await on.ds.query(q, { maxRows: 2 });
      expect(two).toMatchObject({ rows: [[1], [2]], rowCount: 2, truncated: true });
      const three = await on.ds.query(q, { maxRows: 3 });
      expect(three).toMatchObject({ rowCount: 3, truncated: false });
    });

    it('inlines values as literals that round-trip: quotes, unicode, numbers, booleans, null', async (ctx) => {
      if (on.skip) return ctx.skip();
      const k = on.ds.dialect.compiler();
      const q = k
        .selectFrom('counterparties')
        .select(['short_name', sql<string>`${TRICKY}`.as('s'), sql<number>`${-12.5}`.as('f'), sql<number>`${9007199254740991}`.as('big')])
        .where('short_name', '=', "Alpha O'Brien")
        .where('counterparty_id', 'in', [1, 2])
        .compile();
      expect(q.parameters).toEqual([]);
      expect(q.sql).not.toMatch(/\?|\$\d/);
      const r = await on.ds.query(q.sql);
      expect(r.rows).toEqual([["Alpha O'Brien", TRICKY, -12.5, 9007199254740991]]);
      const z = k.selectFrom('counterparties').select('short_name').where('legal_name', '=', 'Zürich Rück Versicherung').compile();
      expect((await on.ds.query(z.sql)).rows).toEqual([['Zürich Rück']]);
      const b = k.selectFrom('trades').select('trade_id').where('is_cleared', '=', 1).where('fixed_rate', 'is not', null).compile();
      expect((await on.ds.query(b.sql)).rows).toEqual([[1]]);
    });

    it('date helpers: week (Monday), month, day buckets and day counts on known dates', async (ctx) => {
      if (on.skip) return ctx.skip();
      const d = on.ds.dialect;
      const k = d.compiler();
      for (const [day, monday, month] of WEEK_CASES) {
        const lit = d.dateLiteral(day);
        const q = k.selectNoFrom([d.dayBucket(lit).as('d'), d.weekBucket(lit).as('w'), d.monthBucket(lit).as('m')]).compile();
        expect((await on.ds.query(q.sql)).rows, `${day} via ${q.sql}`).toEqual([[day, monday, month]]);
      }
      for (const [from, to, n] of DAYS_CASES) {
        const q = k.selectNoFrom([d.daysBetween(d.dateLiteral(from), d.dateLiteral(to)).as('n')]).compile();
        expect((await on.ds.query(q.sql)).rows, q.sql).toEqual([[n]]);
      }
      const f = k.selectNoFrom([sql<number>`${d.toFloat(sql`7`)} / 2`.as('x')]).compile();
      expect((await on.ds.query(f.sql)).rows).toEqual([[3.5]]);
    });

    it('date helpers on DATE and TIMESTAMP columns, compared with a date literal', async (ctx) => {
      if (on.skip) return ctx.skip();
      const d = on.ds.dialect;
      const k = d.compiler();
      const q = k
        .selectFrom('trades')
        .select([
          'trade_id',
          d.weekBucket(sql.ref('trade_date')).as('w'),
          d.monthBucket(sql.ref('trade_date')).as('m'),
          d.dayBucket(sql.ref('created_at')).as('c'),
          d.daysBetween(sql.ref('trade_date'), sql.ref('effective_date')).as('lag'),
        ])
        .where('trade_date', '>=', d.dateLiteral('2026-11-20'))
        .orderBy('trade_id')
        .compile();
      expect((await on.ds.query(q.sql)).rows).toEqual([
        [1, '2026-11-16', '2026-11', '2026-11-20', 4],
        [2, '2026-11-16', '2026-11', '2026-11-22', 2],
      ]);
      const g = k
        .selectFrom('trades')
        .select([d.weekBucket(sql.ref('trade_date')).as('w'), sql<number>`COUNT(*)`.as('n')])
        .groupBy(d.weekBucket(sql.ref('trade_date')))
        .orderBy('w')
        .compile();
      expect((await on.ds.query(g.sql)).rows).toEqual([['2024-02-26', 1], ['2026-11-16', 2]]);
    });

    it('distinctValues gives each value with its count, most frequent first', async (ctx) => {
      if (on.skip) return ctx.skip();
      expect(await distinctValues(on.ds, 'trades', 'status', 10)).toEqual([
        { value: 'Live', count: 2 },
        { value: 'Matured', count: 1 },
      ]);
      expect(await distinctValues(on.ds, 'trades', 'ccp', 10)).toEqual([{ value: 'LCH', count: 1 }]);
      expect(await distinctValues(on.ds, 'trades', 'currency', 1)).toHaveLength(1);
    });

    it('stops a runaway query with OTC_ERR_QUERY_TIMEOUT and stays usable', async (ctx) => {
      if (on.skip) return ctx.skip();
      await expect(on.ds.query(live.slowSql, { timeoutMs: 200 })).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_TIMEOUT' });
      expect((await on.ds.query('SELECT COUNT(*) FROM trades')).rows).toEqual([[3]]);
    });

    it('cancels a running query through an AbortSignal', async (ctx) => {
      if (on.skip) return ctx.skip();
      const ac = new AbortController();
      const p = on.ds.query(live.slowSql, { signal: ac.signal, timeoutMs: 30_000 });
      setTimeout(() => ac.abort(), 300);
      await expect(p).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_CANCELLED' });
      const pre = new AbortController();
      pre.abort();
      await expect(on.ds.query('SELECT 1', { signal: pre.signal })).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_CANCELLED' });
      expect((await on.ds.query('SELECT COUNT(*) FROM trades')).rows).toEqual([[3]]);
    });

    it('refuses writes and second statements by itself, and the data stays as it was', async (ctx) => {
      if (on.skip) return ctx.skip();
      const writes = [
        "INSERT INTO books VALUES (9, 'X', 'G10 Rates', 'Rates', 'EMEA', 'Bank PLC')",
        "UPDATE trades SET status = 'Cancelled'",
        'DELETE FROM settlements',
        'DROP TABLE books',
        'CREATE TABLE evil (x INTEGER)',
      ];
      for (const w of writes) {
        await expect(on.ds.query(w), w).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_NOT_READ_ONLY' });
      }
      for (const multi of ['SELECT 1; DELETE FROM settlements', 'SELECT 1; COMMIT; DELETE FROM settlements']) {
        await expect(on.ds.query(multi), multi).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_NOT_READ_ONLY' });
      }
      const after = await on.ds.query(
        "SELECT (SELECT COUNT(*) FROM books), (SELECT COUNT(*) FROM settlements), (SELECT COUNT(*) FROM trades WHERE status = 'Cancelled')",
      );
      expect(after.rows).toEqual([[2, 2, 0]]);
      const snap = await on.ds.introspect();
      expect(snap.tables).toHaveLength(8);
    });
  });
}
