/** Schema drift: what changed in the database since a version's snapshot was taken. */
import type { SchemaSnapshot } from '../../datasource/types.js';
import type { SchemaDrift } from './report-types.js';
export type { SchemaDrift } from './report-types.js';


/** Compares two snapshots by table and column name (case-insensitive). */
export function diffSnapshots(before: SchemaSnapshot, after: SchemaSnapshot): SchemaDrift {
  const key = (s: string) => s.toLowerCase();
  const a = new Map(before.tables.map((t) => [key(t.name), t]));
  const b = new Map(after.tables.map((t) => [key(t.name), t]));
  const d: SchemaDrift = { changed: false, tablesAdded: [], tablesRemoved: [], columnsAdded: [], columnsRemoved: [], typeChanged: [] };
  for (const [k, t] of b) if (!a.has(k)) d.tablesAdded.push(t.name);
  for (const [k, t] of a) if (!b.has(k)) d.tablesRemoved.push(t.name);
  for (const [k, ta] of a) {
    const tb = b.get(k);
    if (!tb) continue;
    const ca = new Map(ta.columns.map((c) => [key(c.name), c]));
    const cb = new Map(tb.columns.map((c) => [key(c.name), c]));
    for (const [ck, c] of cb) if (!ca.has(ck)) d.columnsAdded.push({ table: tb.name, column: c.name, type: c.dataType });
    for (const [ck, c] of ca) {
      const n = cb.get(ck);
      if (!n) d.columnsRemoved.push({ table: ta.name, column: c.name, type: c.dataType });
      else if (n.dataType !== c.dataType || n.kind !== c.kind) d.typeChanged.push({ table: ta.name, column: c.name, from: c.dataType, to: n.dataType });
    }
  }
  d.tablesAdded.sort();
  d.tablesRemoved.sort();
  d.changed = !!(d.tablesAdded.length || d.tablesRemoved.length || d.columnsAdded.length || d.columnsRemoved.length || d.typeChanged.length);
  return d;
}

export function formatDrift(d: SchemaDrift): string {
  if (!d.changed) return 'No schema drift: the database has the tables and columns of the snapshot.';
  const lines: string[] = ['Schema drift against the snapshot:'];
  for (const t of d.tablesAdded) lines.push(`  + table ${t}`);
  for (const t of d.tablesRemoved) lines.push(`  - table ${t}`);
  for (const c of d.columnsAdded) lines.push(`  + column ${c.table}.${c.column} (${c.type})`);
  for (const c of d.columnsRemoved) lines.push(`  - column ${c.table}.${c.column} (${c.type})`);
  for (const c of d.typeChanged) lines.push(`  ~ column ${c.table}.${c.column}: ${c.from} -> ${c.to}`);
  return lines.join('\n');
}
