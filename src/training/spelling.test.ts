import { describe, expect, it } from 'vitest';
import type { ColumnInfo, SchemaSnapshot, TableInfo } from '../datasource/types.js';
import { profileSchema } from './profile-schema.js';
import { spellAsDatabase } from './spelling.js';

const col = (name: string, kind: ColumnInfo['kind'] = 'text'): ColumnInfo => ({ name, dataType: kind, kind, nullable: false });
const table = (name: string, cols: ColumnInfo[], fks: TableInfo['foreignKeys'] = []): TableInfo => ({ name, columns: cols, primaryKey: [], foreignKeys: fks, rowCount: 0 });

/** A warehouse created from upper-case DDL without quotes, as PostgreSQL keeps it: all lower case. */
const snapshot: SchemaSnapshot = {
  dialect: 'postgres',
  source: 'test',
  capturedAt: '2026-11-20T00:00:00Z',
  tables: [
    table('ref_cpty', [col('cpty_id', 'integer'), col('cpty_shrt_nm'), col('cpty_lgl_nm')]),
    table('ref_sts', [col('dom_cd'), col('sts_cd'), col('sts_desc')]),
    table('deal', [col('deal_id', 'integer'), col('cpty_id', 'integer'), col('trd_dt', 'date'), col('amt', 'decimal'), col('usd_amt', 'decimal'), col('sts_cd'), col('stl_dt', 'date')], [
      { columns: ['cpty_id'], refTable: 'ref_cpty', refColumns: ['cpty_id'] },
    ]),
  ],
};

const profile = profileSchema.parse({
  name: 'p',
  joins: [{ from: 'DEAL.CPTY_ID', to: 'REF_CPTY.CPTY_ID' }],
  entities: {
    deals: { table: 'DEAL', label: 'deals', display: ['DEAL_ID', 'REF_CPTY.CPTY_SHRT_NM'], defaultDate: 'TRD_DT', dates: [{ column: 'TRD_DT', label: 'trade date' }], amount: { usd: 'USD_AMT', native: 'AMT' } },
  },
  dimensions: [
    { name: 'cpty', table: 'REF_CPTY', column: 'CPTY_SHRT_NM', label: 'counterparty', values: { aliases: ['CPTY_LGL_NM'] } },
    { name: 'status', table: 'DEAL', column: 'STS_CD', label: 'status', values: { describedBy: { table: 'REF_STS', key: 'STS_CD', label: 'STS_DESC', where: { DOM_CD: 'DEAL' } } } },
  ],
  measures: [
    { name: 'amount', entity: 'deals', label: 'amount', agg: 'sum', expr: { column: 'USD_AMT' }, native: { column: 'AMT' } },
    { name: 'delay', entity: 'deals', label: 'delay', agg: 'avg', expr: { daysBetween: ['TRD_DT', 'STL_DT'] }, date: 'STL_DT' },
    { name: 'age', entity: 'deals', label: 'age', agg: 'avg', expr: { daysBetween: ['today', 'TRD_DT'] } },
  ],
  filters: [
    { name: 'failed', entity: 'deals', label: 'failed', where: [{ column: 'STS_CD', op: '=', value: 'FAIL' }] },
    { name: 'late', entity: 'deals', label: 'late', where: [{ column: 'STL_DT', op: '>', otherColumn: 'TRD_DT' }] },
  ],
});

describe('spellAsDatabase', () => {
  it("rewrites every table and column the profile names to the database's spelling, values untouched", () => {
    const p = spellAsDatabase(profile, snapshot);
    const e = p.entities.deals!;
    expect([e.table, e.display, e.defaultDate, e.dates[0]!.column, e.amount]).toEqual(['deal', ['deal_id', 'ref_cpty.cpty_shrt_nm'], 'trd_dt', 'trd_dt', { usd: 'usd_amt', native: 'amt' }]);
    expect([p.dimensions[0]!.table, p.dimensions[0]!.column, p.dimensions[0]!.values!.aliases]).toEqual(['ref_cpty', 'cpty_shrt_nm', ['cpty_lgl_nm']]);
    expect(p.dimensions[1]!.values!.describedBy).toEqual({ table: 'ref_sts', key: 'sts_cd', label: 'sts_desc', where: { dom_cd: 'DEAL' } });
    expect(p.measures.map((m) => [m.expr, m.native, m.date])).toEqual([
      [{ column: 'usd_amt' }, { column: 'amt' }, undefined],
      [{ daysBetween: ['trd_dt', 'stl_dt'] }, undefined, 'stl_dt'],
      [{ daysBetween: ['today', 'trd_dt'] }, undefined, undefined],
    ]);
    expect(p.filters.map((f) => f.where)).toEqual([[{ column: 'sts_cd', op: '=', value: 'FAIL' }], [{ column: 'stl_dt', op: '>', otherColumn: 'trd_dt' }]]);
    expect(p.joins).toEqual([{ from: 'deal.cpty_id', to: 'ref_cpty.cpty_id' }]);
  });

  it('leaves a profile that already spells names as the database does unchanged', () => {
    const same = spellAsDatabase(profile, snapshot);
    expect(spellAsDatabase(same, snapshot)).toEqual(same);
  });
});
