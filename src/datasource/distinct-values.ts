import { sql } from 'kysely';
import type { Datasource } from './types.js';

export interface DistinctValue {
  value: string | number | boolean;
  count: number;
}

/**
 * The most frequent non-null values of one column with their counts, most frequent first
 * (ties by value), built with the datasource's own dialect so it runs on every database.
 * `table` may be schema-qualified ('dbo.trades').
 */
export async function distinctValues(ds: Datasource, table: string, column: string, limit: number): Promise<DistinctValue[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const db = ds.dialect.compiler();
  const col = sql.ref(column);
  const q = db
    .selectFrom(table)
    .select([col.as('value'), sql<number>`COUNT(*)`.as('n')])
    .where(col, 'is not', null)
    .groupBy(col)
    .orderBy(sql`COUNT(*)`, 'desc')
    .orderBy(col)
    .limit(limit)
    .compile();
  const res = await ds.query(q.sql, { maxRows: limit });
  return res.rows.map(([value, n]) => ({ value: value as DistinctValue['value'], count: Number(n) }));
}
