import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { dialectFor } from '../datasource/index.js';
import { guardSql, type GuardDialect } from './index.js';

/**
 * The SQL the engines write comes from each dialect's compile-only Kysely and its date helpers
 * (src/datasource/dialects/*): it must pass the guard in every dialect, including SQL Server's
 * @@DATEFIRST week arithmetic, and come back with the cap.
 */
const allowed = new Map<string, Set<string> | '*'>([
  ['trades', new Set(['trade_id', 'notional', 'status', 'trade_date', 'settle_date', 'counterparty_id'])],
  ['counterparties', new Set(['counterparty_id', 'short_name'])],
]);

describe('SQL built with the datasource dialects passes the guard', () => {
  for (const name of ['sqlite', 'postgres', 'mssql'] as GuardDialect[]) {
    it(`${name}: buckets, day counts, casts, joins, inlined literals`, async () => {
      const d = dialectFor(name);
      const td = sql.ref('t.trade_date');
      const text = d
        .compiler()
        .selectFrom('trades as t')
        .innerJoin('counterparties as c', 'c.counterparty_id', 't.counterparty_id')
        .select([
          'c.short_name',
          d.dayBucket(td).as('day'),
          d.weekBucket(td).as('week'),
          d.monthBucket(td).as('month'),
          d.daysBetween(td, sql.ref('t.settle_date')).as('days'),
          sql`100.0 * ${d.toFloat(sql`sum(case when ${sql.ref('t.status')} = 'Failed' then 1 else 0 end)`)} / nullif(count(*), 0)`.as('fail_rate'),
          sql`count(*)`.as('n'),
        ])
        .where('t.status', '=', "Live'; DROP TABLE trades; --")
        .where(td, '>=', d.dateLiteral('2026-01-01'))
        .groupBy(['c.short_name', 't.trade_date', 't.settle_date'])
        .orderBy('n', 'desc')
        .limit(10)
        .compile().sql;
      const v = await guardSql(text, name, { allowedTables: allowed, maxRows: 5 });
      expect(v, text).toMatchObject({ ok: true, tables: ['trades', 'counterparties'] });
      if (v.ok) expect(v.sql).toMatch(/limit 5$|top\(5\)/);
    });
  }
});
