/** Compile-only behaviour of every dialect (no connection), looped over one list. */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DialectName } from './dialect.js';
import { dialectFor, distinctValues, type Datasource, type QueryResult } from './index.js';

const DIALECTS: DialectName[] = ['sqlite', 'postgres', 'mssql'];

const EXPECT: Record<DialectName, { str: string; bool: string; limit: string; distinct: string }> = {
  sqlite: {
    str: `'it''s ✓'`,
    bool: '1',
    limit: 'select "trade_ref" from "trades" where "status" = \'Live\' order by "trade_date" desc limit 5',
    distinct: 'select "status" as "value", COUNT(*) as "n" from "trades" where "status" is not null group by "status" order by COUNT(*) desc, "status" limit 20',
  },
  postgres: {
    str: `'it''s ✓'`,
    bool: 'true',
    limit: 'select "trade_ref" from "trades" where "status" = \'Live\' order by "trade_date" desc limit 5',
    distinct: 'select "status" as "value", COUNT(*) as "n" from "trades" where "status" is not null group by "status" order by COUNT(*) desc, "status" limit 20',
  },
  mssql: {
    str: `N'it''s ✓'`,
    bool: '1',
    limit: 'select top(5) "trade_ref" from "trades" where "status" = N\'Live\' order by "trade_date" desc',
    distinct: 'select top(20) "status" as "value", COUNT(*) as "n" from "trades" where "status" is not null group by "status" order by COUNT(*) desc, "status"',
  },
};

function recordingDatasource(name: DialectName, rows: unknown[][]): { ds: Datasource; seen: string[] } {
  const seen: string[] = [];
  const ds: Datasource = {
    dialect: dialectFor(name),
    description: 'recording',
    introspect: () => Promise.reject(new Error('not used')),
    stream: () => Promise.reject(new Error('not used')),
    query: async (text): Promise<QueryResult> => {
      seen.push(text);
      return { columns: ['value', 'n'], rows, rowCount: rows.length, truncated: false, ms: 0 };
    },
    close: async () => undefined,
  };
  return { ds, seen };
}

for (const name of DIALECTS) {
  describe(`${name} compiler`, () => {
    const d = dialectFor(name);
    const k = d.compiler();
    const e = EXPECT[name];

    it('inlines strings, numbers and booleans with no parameters left', () => {
      const q = k.selectNoFrom([sql`${"it's ✓"}`.as('s'), sql`${42}`.as('i'), sql`${-0.5}`.as('f'), sql`${true}`.as('b'), sql`${null}`.as('z')]).compile();
      expect(q.parameters).toEqual([]);
      expect(q.sql).toBe(`select ${e.str} as "s", 42 as "i", -0.5 as "f", ${e.bool} as "b", null as "z"`);
    });

    it('compiles select/where/orderBy/limit to runnable text', () => {
      expect(k.selectFrom('trades').select('trade_ref').where('status', '=', 'Live').orderBy('trade_date', 'desc').limit(5).compile().sql).toBe(e.limit);
    });

    it('only compiles: executing through it fails instead of returning no rows', async () => {
      await expect(k.selectFrom('trades').selectAll().execute()).rejects.toThrow(/only compiles/);
    });

    it('refuses values it cannot write safely', () => {
      expect(() => k.selectNoFrom([sql`${Number.NaN}`.as('x')]).compile()).toThrow(/NaN/);
      expect(() => k.selectNoFrom([sql`${'a\u0000b'}`.as('x')]).compile()).toThrow(/NUL/);
      expect(() => k.selectNoFrom([sql`${{ a: 1 }}`.as('x')]).compile()).toThrow(/object/);
    });

    it('date literal checks the calendar', () => {
      expect(() => d.dateLiteral('2026-13-01')).toThrow(expect.objectContaining({ code: 'OTC_ERR_BAD_DATE' }));
      expect(() => d.dateLiteral("2026-01-01' OR '1'='1")).toThrow(expect.objectContaining({ code: 'OTC_ERR_BAD_DATE' }));
      expect(k.selectNoFrom([d.dateLiteral('2024-02-29').as('d')]).compile().sql).toContain("'2024-02-29'");
    });

    it('distinctValues builds one portable query and reads value/count pairs', async () => {
      const { ds, seen } = recordingDatasource(name, [['Live', '11589'], ['Matured', 7512]]);
      expect(await distinctValues(ds, 'trades', 'status', 20)).toEqual([
        { value: 'Live', count: 11589 },
        { value: 'Matured', count: 7512 },
      ]);
      expect(seen).toEqual([e.distinct]);
      await expect(distinctValues(ds, 'trades', 'status', 0)).rejects.toThrow(/limit/);
    });
  });
}
