import { assembleTables } from '../../assemble.js';
import type { RowsRunner } from '../../internal.js';
import { sqlLiteral } from '../../literals.js';
import type { TableInfo } from '../../types.js';

const lit = (s: string) => sqlLiteral(s, { stringPrefix: '', booleans: 'keywords' });
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Below this estimate, row counts are exact COUNT(*); above, pg_class.reltuples. */
export const EXACT_COUNT_BELOW = 200_000;

/**
 * Only what the login may read: a bank's read-only login is often granted the profile's tables
 * and nothing else, and the catalogs list every table. A table without SELECT on the whole table
 * (only on some columns) is listed with those columns and an estimated row count.
 */
const READABLE = (rel: string) => `has_any_column_privilege(${rel}.oid, 'SELECT')`;

export const pgTablesSql = (schema: string) => `SELECT c.relname, c.reltuples, has_table_privilege(c.oid, 'SELECT')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ${lit(schema)} AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${READABLE('c')}
ORDER BY c.relname`;

export const pgColumnsSql = (schema: string) => `SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ${lit(schema)} AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  AND has_column_privilege(c.oid, a.attnum, 'SELECT')
ORDER BY c.relname, a.attnum`;

export const pgPrimaryKeysSql = (schema: string) => `SELECT c.relname, a.attname
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
WHERE n.nspname = ${lit(schema)} AND con.contype = 'p' AND ${READABLE('c')}
ORDER BY c.relname, k.ord`;

export const pgForeignKeysSql = (schema: string) => `SELECT c.relname, con.conname, a.attname, rc.relname, ra.attname
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class rc ON rc.oid = con.confrelid
CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, refnum, ord)
JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refnum
WHERE n.nspname = ${lit(schema)} AND con.contype = 'f' AND ${READABLE('c')} AND ${READABLE('rc')}
ORDER BY c.relname, con.conname, k.ord`;

/** Tables of one schema with columns, keys and row counts (exact for small tables, else estimated). */
export async function introspectPostgres(run: RowsRunner, schema: string): Promise<TableInfo[]> {
  const tables = await run(pgTablesSql(schema));
  const counted: unknown[][] = [];
  for (const [name, estimate, wholeTable] of tables) {
    const est = Number(estimate);
    if ((est >= 0 && est >= EXACT_COUNT_BELOW) || wholeTable === false) counted.push([name, Math.max(0, est)]);
    else counted.push([name, Number((await run(`SELECT COUNT(*) FROM ${ident(schema)}.${ident(String(name))}`))[0]?.[0] ?? 0)]);
  }
  return assembleTables(
    {
      tables: counted,
      columns: await run(pgColumnsSql(schema)),
      primaryKeys: await run(pgPrimaryKeysSql(schema)),
      foreignKeys: await run(pgForeignKeysSql(schema)),
    },
    schema,
  );
}
