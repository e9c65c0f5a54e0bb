/**
 * The fields of a profile: every column a semantic query can name, under the name the profile
 * gives it. In order of preference a column is named by
 *   - its dimension ("counterparty"),
 *   - an entity's named date: "<entity>.<date label>" ("trades.trade date"),
 *   - a measure whose per-row value it is ("notional"; its native-currency column "notional (native)"),
 *   - otherwise "<entity>.<column>" (display columns and the columns of named filters, as the profile
 *     lists them; a table that is no entity's is named by itself).
 * Built once per trained model; the names are data, never code.
 */
import { columnLabel, type EngineModel } from './model.js';
import type { ColumnRef } from './query.js';

export interface Field {
  name: string;
  col: ColumnRef;
  label: string;
  kind: 'dimension' | 'date' | 'measure' | 'column';
}

export interface FieldCatalog {
  byName: Map<string, Field>;
  /** first name of each column ('table.column', as the profile spells it) */
  byColumn: Map<string, string>;
}

export function buildFieldCatalog(m: EngineModel): FieldCatalog {
  const byName = new Map<string, Field>();
  const byColumn = new Map<string, string>();
  const add = (name: string, col: ColumnRef, label: string, kind: Field['kind']) => {
    if (byName.has(name)) return;
    byName.set(name, { name, col, label, kind });
    const key = `${col.table}.${col.column}`;
    if (!byColumn.has(key)) byColumn.set(key, name);
  };
  const ref = (c: string, table: string): ColumnRef => (c.includes('.') ? { table: c.split('.')[0]!, column: c.split('.')[1]! } : { table, column: c });
  const p = m.model.profile;
  for (const d of p.dimensions) add(d.name, { table: d.table, column: d.column }, d.label, 'dimension');
  for (const e of m.entities.values()) {
    for (const d of e.dates) add(`${e.name}.${d.label}`, { table: e.table, column: d.column }, d.label, 'date');
    if (e.defaultDate && !e.dates.some((d) => d.column === e.defaultDate)) {
      const col = { table: e.table, column: e.defaultDate };
      add(`${e.name}.${columnLabel(m, col)}`, col, columnLabel(m, col), 'date');
    }
  }
  for (const md of p.measures) {
    const e = m.entities.get(md.entity);
    if (!e) continue;
    if (md.expr && 'column' in md.expr) add(md.name, ref(md.expr.column, e.table), md.label, 'measure');
    if (md.native && 'column' in md.native) add(`${md.name} (native)`, ref(md.native.column, e.table), `${md.label} (native currency)`, 'measure');
  }
  const owner = (table: string) => m.entityByTable.get(table) ?? table;
  const plain = (col: ColumnRef) => add(`${owner(col.table)}.${col.column}`, col, columnLabel(m, col), 'column');
  for (const e of m.entities.values()) {
    for (const c of e.display) plain(ref(c, e.table));
    if (e.amount?.usd) plain({ table: e.table, column: e.amount.usd });
    if (e.amount?.native) plain({ table: e.table, column: e.amount.native });
    if (e.currencyColumn) plain({ table: e.table, column: e.currencyColumn });
  }
  for (const f of p.filters) {
    const e = m.entities.get(f.entity);
    if (!e) continue;
    for (const c of f.where) {
      plain(ref(c.column, e.table));
      if ('otherColumn' in c && c.otherColumn) plain(ref(c.otherColumn, e.table));
    }
  }
  // every other column of the schema, so anything the engine can reach has a name
  for (const t of m.model.snapshot.tables) for (const c of t.columns) plain({ table: t.name, column: c.name });
  return { byName, byColumn };
}

/** The field name of a column; undefined when the profile's schema has no such column. */
export function fieldName(cat: FieldCatalog, col: ColumnRef): string | undefined {
  return cat.byColumn.get(`${col.table}.${col.column}`);
}
