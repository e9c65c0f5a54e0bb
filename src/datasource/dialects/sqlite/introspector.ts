import type { RowsRunner } from '../../internal.js';
import { kindOfType } from '../../kind.js';
import { sqlLiteral } from '../../literals.js';
import type { ForeignKeyInfo, TableInfo } from '../../types.js';

const lit = (s: string) => sqlLiteral(s, { stringPrefix: '', booleans: 'numbers' });
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

export const SQLITE_TABLES_SQL =
  "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";

export const sqliteColumnsSql = (table: string) =>
  `SELECT name, type, "notnull", pk FROM pragma_table_info(${lit(table)}) ORDER BY cid`;

export const sqliteForeignKeysSql = (table: string) =>
  `SELECT id, seq, "table", "from", "to" FROM pragma_foreign_key_list(${lit(table)}) ORDER BY id, seq`;

/** Tables, columns, keys and exact row counts of a SQLite database (system tables skipped). */
export async function introspectSqlite(run: RowsRunner): Promise<TableInfo[]> {
  const names = (await run(SQLITE_TABLES_SQL)).map((r) => String(r[0]));
  const tables: TableInfo[] = [];
  const pks = new Map<string, string[]>();
  for (const name of names) {
    const cols = await run(sqliteColumnsSql(name));
    const columns = cols.map(([col, type, notnull, pk]) => {
      const dataType = String(type ?? '').toLowerCase().replace(/\s*,\s*/g, ',');
      return { name: String(col), dataType, kind: kindOfType(dataType), nullable: Number(notnull) === 0 && Number(pk) === 0 };
    });
    const primaryKey = cols
      .filter((c) => Number(c[3]) > 0)
      .sort((a, b) => Number(a[3]) - Number(b[3]))
      .map((c) => String(c[0]));
    pks.set(name, primaryKey);
    const fkRows = await run(sqliteForeignKeysSql(name));
    const byId = new Map<number, ForeignKeyInfo & { missingTo: boolean }>();
    for (const [id, , refTable, from, to] of fkRows) {
      const fk = byId.get(Number(id)) ?? { columns: [], refTable: String(refTable), refColumns: [], missingTo: false };
      fk.columns.push(String(from));
      if (to === null || to === undefined) fk.missingTo = true;
      else fk.refColumns.push(String(to));
      byId.set(Number(id), fk);
    }
    const count = await run(`SELECT COUNT(*) FROM ${ident(name)}`);
    tables.push({
      name,
      columns,
      primaryKey,
      foreignKeys: [...byId.values()].map(({ missingTo, ...fk }) => (missingTo ? { ...fk, refColumns: [] } : fk)),
      rowCount: Number(count[0]?.[0] ?? 0),
    });
  }
  // `REFERENCES t` without columns points at t's primary key.
  for (const t of tables) {
    for (const fk of t.foreignKeys) if (fk.refColumns.length === 0) fk.refColumns = [...(pks.get(fk.refTable) ?? [])];
  }
  return tables;
}
