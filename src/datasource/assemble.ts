import { kindOfType } from './kind.js';
import type { TableInfo } from './types.js';

/** Rows of the catalog queries of a server database, in the column order each query selects. */
export interface CatalogRows {
  /** [table, rowCount] */
  tables: unknown[][];
  /** [table, column, dataType, nullable (bool or 'YES'/'NO' or 1/0)] in column order */
  columns: unknown[][];
  /** [table, column] in key order */
  primaryKeys: unknown[][];
  /** [table, constraintName, column, refTable, refColumn] in key order */
  foreignKeys: unknown[][];
}

const truthy = (v: unknown) => v === true || v === 1 || v === '1' || (typeof v === 'string' && /^(yes|true|t)$/i.test(v));

/** One TableInfo per table row, with its columns, primary key and foreign keys. */
export function assembleTables(rows: CatalogRows, schema: string | undefined): TableInfo[] {
  const byName = new Map<string, TableInfo>();
  for (const [name, count] of rows.tables) {
    const n = String(name);
    byName.set(n, { name: n, ...(schema ? { schema } : {}), columns: [], primaryKey: [], foreignKeys: [], rowCount: Math.max(0, Math.round(Number(count ?? 0))) });
  }
  for (const [table, column, dataType, nullable] of rows.columns) {
    const t = byName.get(String(table));
    if (!t) continue;
    const dt = String(dataType).toLowerCase();
    t.columns.push({ name: String(column), dataType: dt, kind: kindOfType(dt), nullable: truthy(nullable) });
  }
  for (const [table, column] of rows.primaryKeys) byName.get(String(table))?.primaryKey.push(String(column));
  const fks = new Map<string, { table: string; columns: string[]; refTable: string; refColumns: string[] }>();
  for (const [table, name, column, refTable, refColumn] of rows.foreignKeys) {
    const key = `${String(table)}\u0000${String(name)}`;
    const fk = fks.get(key) ?? { table: String(table), columns: [], refTable: String(refTable), refColumns: [] };
    fk.columns.push(String(column));
    fk.refColumns.push(String(refColumn));
    fks.set(key, fk);
  }
  for (const { table, ...fk } of fks.values()) byName.get(table)?.foreignKeys.push(fk);
  return [...byName.values()];
}
