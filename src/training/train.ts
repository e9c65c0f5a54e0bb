/**
 * Training: profile + live database -> TrainedModel. Introspects the schema snapshot, checks every
 * table and column the profile names, derives the join graph from the foreign keys, and learns the
 * value index (names of counterparties, desks, statuses...) from the data itself.
 */
import { sql } from 'kysely';
import type { Datasource, SchemaSnapshot, TableInfo } from '../datasource/types.js';
import { profileSchemaMismatch } from './errors.js';
import type { Profile } from './profile-schema.js';
import { spellAsDatabase } from './spelling.js';
import { normPhrase } from './text.js';
import type { JoinEdge, TrainedModel, ValueColumn, ValueEntry } from './types.js';

export interface TrainOptions {
  /** Training time stamp (defaults to now). */
  now?: Date;
}

export async function trainModel(profile: Profile, datasource: Datasource, opts: TrainOptions = {}): Promise<TrainedModel> {
  const snapshot = await datasource.introspect();
  checkProfileAgainstSchema(profile, snapshot);
  // the database's spelling of every name (a profile written in upper case over PostgreSQL's lower case)
  profile = spellAsDatabase(profile, snapshot);
  const joins = deriveJoins(profile, snapshot);
  const { values, stats } = await buildValueIndex(profile, datasource, snapshot);
  return {
    format: 'otc-copilot/trained-model@1',
    profile,
    snapshot,
    joins,
    values,
    trainedAt: (opts.now ?? new Date()).toISOString(),
    stats,
  };
}

function tableMap(snapshot: SchemaSnapshot): Map<string, TableInfo> {
  return new Map(snapshot.tables.map((t) => [t.name.toLowerCase(), t]));
}

/** Every table/column the profile names must exist; all that are missing are listed in one error. */
export function checkProfileAgainstSchema(profile: Profile, snapshot: SchemaSnapshot): void {
  const tables = tableMap(snapshot);
  const missing = new Set<string>();
  const col = (table: string, column: string) => {
    const t = tables.get(table.toLowerCase());
    if (!t) missing.add(table);
    else if (!t.columns.some((c) => c.name.toLowerCase() === column.toLowerCase())) missing.add(`${table}.${column}`);
  };
  const ref = (table: string, r: string) => {
    const [a, b] = r.includes('.') ? (r.split('.') as [string, string]) : [table, r];
    col(a, b);
  };
  for (const e of Object.values(profile.entities)) {
    if (!tables.has(e.table.toLowerCase())) {
      missing.add(e.table);
      continue;
    }
    e.display.forEach((d) => ref(e.table, d));
    if (e.defaultDate) col(e.table, e.defaultDate);
    e.dates.forEach((d) => col(e.table, d.column));
    if (e.amount?.usd) col(e.table, e.amount.usd);
    if (e.amount?.native) col(e.table, e.amount.native);
    if (e.currencyColumn) col(e.table, e.currencyColumn);
  }
  for (const d of profile.dimensions) {
    col(d.table, d.column);
    d.values?.aliases.forEach((a) => col(d.table, a));
    const lk = d.values?.describedBy;
    if (lk) [lk.key, lk.label, ...Object.keys(lk.where)].forEach((c) => col(lk.table, c));
  }
  const exprCols = (table: string, x: unknown) => {
    if (!x || typeof x !== 'object') return;
    for (const v of Object.values(x as Record<string, unknown>)) {
      for (const c of Array.isArray(v) ? v : [v]) if (typeof c === 'string' && c !== 'today') col(table, c);
    }
  };
  for (const m of profile.measures) {
    const e = profile.entities[m.entity];
    if (!e) continue;
    exprCols(e.table, m.expr);
    exprCols(e.table, m.native);
    if (m.date) col(e.table, m.date);
  }
  for (const f of profile.filters) {
    const e = profile.entities[f.entity];
    if (!e) continue;
    for (const c of f.where) {
      col(e.table, c.column);
      if ('otherColumn' in c && c.otherColumn) col(e.table, c.otherColumn);
    }
  }
  for (const j of profile.joins) {
    ref('', j.from);
    ref('', j.to);
  }
  if (missing.size) throw profileSchemaMismatch([...missing].sort());
}

/** Many-to-one edges from the database's foreign keys, plus the profile's preferred joins. */
export function deriveJoins(profile: Profile, snapshot: SchemaSnapshot): JoinEdge[] {
  const out: JoinEdge[] = [];
  for (const t of snapshot.tables) {
    for (const fk of t.foreignKeys) {
      if (fk.columns.length !== 1 || fk.refColumns.length !== 1) continue;
      out.push({ fromTable: t.name, fromColumn: fk.columns[0]!, toTable: fk.refTable, toColumn: fk.refColumns[0]!, origin: 'foreign_key' });
    }
  }
  for (const j of profile.joins) {
    const [ft, fc] = j.from.split('.') as [string, string];
    const [tt, tc] = j.to.split('.') as [string, string];
    if (!out.some((e) => e.fromTable === ft && e.fromColumn === fc && e.toTable === tt)) out.push({ fromTable: ft, fromColumn: fc, toTable: tt, toColumn: tc, origin: 'profile' });
  }
  return out;
}

async function buildValueIndex(profile: Profile, ds: Datasource, snapshot: SchemaSnapshot): Promise<{ values: ValueColumn[]; stats: TrainedModel['stats'] }> {
  const { maxDistinct, readLimit } = profile.vocabulary.valueIndex;
  const db = ds.dialect.compiler();
  const tables = tableMap(snapshot);
  const values: ValueColumn[] = [];
  const stats: TrainedModel['stats'] = [];
  for (const d of profile.dimensions) {
    const cfg = d.values;
    if (!cfg || !cfg.index) continue;
    const t = tables.get(d.table.toLowerCase())!;
    const colInfo = t.columns.find((c) => c.name.toLowerCase() === d.column.toLowerCase());
    if (colInfo && colInfo.kind !== 'text') {
      stats.push({ table: d.table, column: d.column, distinct: 0, skipped: `not a text column (${colInfo.kind})` });
      continue;
    }
    const cols = [d.column, ...cfg.aliases];
    const q = db
      .selectFrom(d.table)
      .select(cols.map((c) => sql.ref(c).as(c)))
      .distinct()
      .where(sql.ref(d.column), 'is not', null)
      .orderBy(sql.ref(d.column))
      .compile();
    const res = await ds.query(q.sql, { maxRows: readLimit });
    const byValue = new Map<string, Set<string>>();
    for (const row of res.rows) {
      const v = row[0];
      if (v == null) continue;
      const s = String(v).trim();
      if (!s) continue;
      const set = byValue.get(s) ?? new Set<string>();
      for (const alias of row.slice(1)) if (alias != null && String(alias).trim()) set.add(String(alias));
      byValue.set(s, set);
    }
    if (byValue.size > maxDistinct || res.truncated) {
      stats.push({ table: d.table, column: d.column, distinct: byValue.size, skipped: `more than ${maxDistinct} distinct values` });
      continue;
    }
    const descriptions = cfg.describedBy ? await readDescriptions(ds, cfg.describedBy, readLimit) : new Map<string, string>();
    const entries: ValueEntry[] = [];
    const names: string[][] = [];
    const abbreviations = Object.entries(profile.vocabulary.abbreviations).map(([full, short]) => [normPhrase(full), short.map(normPhrase)] as const);
    for (const [value, aliases] of byValue) {
      const forms = new Set<string>();
      const add = (s: string) => {
        const n = normPhrase(s);
        if (n) forms.add(n);
      };
      add(value);
      for (const a of aliases) add(a);
      const own = [...forms];
      // "Valmont Asset Mgmt", "Penrose AM": the abbreviations people write inside names
      if (cfg.partial)
        for (const f of own)
          for (const [full, shorts] of abbreviations)
            if (` ${f} `.includes(` ${full} `)) for (const sh of shorts) forms.add(` ${f} `.replace(` ${full} `, ` ${sh} `).trim());
      for (const [canon, syns] of Object.entries(cfg.synonyms)) if (canon.toLowerCase() === value.toLowerCase()) syns.forEach(add);
      const description = descriptions.get(value);
      if (description) add(description);
      entries.push({ value, forms: [...forms], distinctive: [], ...(description ? { description } : {}) });
      names.push(own);
    }
    if (cfg.partial) markDistinctiveTokens(entries, names, cfg.partial === 'any' ? 'any' : 'first');
    values.push({ dimension: d.name, table: d.table, column: d.column, caseSensitive: cfg.caseSensitive, currency: cfg.currency, values: entries });
    stats.push({ table: d.table, column: d.column, distinct: entries.length });
  }
  return { values, stats };
}

/** Code -> description from a lookup table (its rows that match `where`, e.g. one status domain). */
async function readDescriptions(ds: Datasource, lk: NonNullable<NonNullable<Profile['dimensions'][number]['values']>['describedBy']>, readLimit: number): Promise<Map<string, string>> {
  let q = ds.dialect.compiler().selectFrom(lk.table).select([sql.ref(lk.key).as('k'), sql.ref(lk.label).as('d')]).distinct();
  for (const [c, v] of Object.entries(lk.where)) q = q.where(sql.ref(c), '=', v);
  // the compile-only dialect inlines literals: the text runs as it is
  const res = await ds.query(q.compile().sql, { maxRows: readLimit });
  const out = new Map<string, string>();
  for (const [k, d] of res.rows) if (k != null && d != null && String(d).trim()) out.set(String(k).trim(), String(d).trim());
  return out;
}

/**
 * A word of a multi-word name (value or alias, not synonyms) that appears in no other value of
 * the column names that value on its own ("Northbridge" -> 'Northbridge Capital'): the first
 * word of organisations' names (a later word such as "Peak" is too often plain English), any
 * word of people's names. Only words of 4+ letters, and never one shared by two names.
 */
function markDistinctiveTokens(entries: ValueEntry[], names: string[][], which: 'first' | 'any'): void {
  const owners = new Map<string, Set<number>>();
  entries.forEach((e, i) => {
    for (const f of names[i]!) for (const tok of f.split(' ')) (owners.get(tok) ?? owners.set(tok, new Set()).get(tok)!).add(i);
  });
  entries.forEach((e, i) => {
    const d = new Set<string>();
    for (const f of names[i]!) {
      const toks = f.split(' ');
      if (toks.length < 2) continue;
      for (const tok of which === 'first' ? toks.slice(0, 1) : toks) if (tok.length >= 4 && !/^\d+$/.test(tok) && owners.get(tok)!.size === 1 && owners.get(tok)!.has(i)) d.add(tok);
    }
    e.distinctive = [...d];
  });
}
