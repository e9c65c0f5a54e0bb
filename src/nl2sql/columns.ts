/**
 * How the columns of an answer are shown, from the training profile: headers with units
 * ("Notional (USD)", "Fail rate (%)"), decimals per measure, dates as dates, and codes or flags
 * with the profile's words for them ("Cleared" / "Bilateral" for 1 / 0). Read from what was
 * understood (the typed query) when the semantic engine answered; for SQL that the language model
 * wrote, from the columns' names matched to the profile's. Nothing here knows a bank's schema.
 */
import type { ColumnFormat } from '../charts/index.js';
import type { ColumnInfo } from '../datasource/types.js';
import type { MeasureDef, TrainedModel } from '../training/index.js';
import type { ColumnRef, GroupSpec, MeasureSpec, TypedQuery } from './semantic/query.js';

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The unit in a header: "USD", "%", "days"; a percent unit is written as %. */
function unitWord(unit: string | undefined): string | undefined {
  if (!unit) return undefined;
  return /^(percent|pct|%)$/i.test(unit) ? '%' : unit;
}

function withUnit(label: string, unit: string | undefined): string {
  const l = capital(label.trim());
  if (!unit || new RegExp(`\\(${unit.replace(/[.*+?^${}()|[\]\\%]/g, '\\$&')}\\)$`, 'i').test(l)) return l;
  return `${l} (${unit})`;
}

/** The profile's measure a spec comes from: the longest measure name its alias holds. */
function measureDefOf(spec: MeasureSpec, model: TrainedModel): MeasureDef | undefined {
  return [...model.profile.measures].sort((a, b) => b.name.length - a.name.length).find((md) => spec.alias === md.name || spec.alias.includes(md.name));
}

/** Flags and codes a filter names with one `column = value` condition ("cleared": is_cleared = 1). */
function valueWords(model: TrainedModel, col: ColumnRef): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const f of model.profile.filters) {
    const e = model.profile.entities[f.entity];
    if (!e || !same(e.table, col.table) || f.where.length !== 1) continue;
    const c = f.where[0]!;
    if (!('op' in c) || c.op !== '=' || c.value === undefined || !same(c.column, col.column)) continue;
    const key = String(c.value);
    if (!(key in out)) out[key] = capital(f.label.replace(/\s*\(.*\)\s*$/, ''));
  }
  return Object.keys(out).length ? out : undefined;
}

function columnInfo(model: TrainedModel, col: ColumnRef): ColumnInfo | undefined {
  return model.snapshot.tables.find((t) => same(t.name, col.table))?.columns.find((c) => same(c.name, col.column));
}

/** A sum or average measure over this very column (its unit and decimals), if the profile has one. */
function measureOverColumn(model: TrainedModel, col: ColumnRef): MeasureDef | undefined {
  return model.profile.measures.find((md) => {
    const e = model.profile.entities[md.entity];
    return e && same(e.table, col.table) && (md.agg === 'sum' || md.agg === 'avg') && [md.expr, md.native].some((x) => x && 'column' in x && same(x.column, col.column));
  });
}

function decimalsOf(agg: MeasureSpec['agg'], unit: string | undefined, window?: MeasureSpec['window']): number {
  if (window === 'share' || agg === 'ratio') return 1;
  if (agg === 'count' || agg === 'count_distinct') return 0;
  if (unit === '%') return 2;
  if (unit && /^day/i.test(unit)) return 1;
  return 2;
}

function measureFormat(spec: MeasureSpec, q: TypedQuery, model: TrainedModel): ColumnFormat {
  const md = measureDefOf(spec, model);
  const percent = spec.agg === 'ratio' || spec.window === 'share';
  let unit = percent ? '%' : spec.agg === 'count' || spec.agg === 'count_distinct' ? undefined : unitWord(md?.unit);
  // amounts in the one currency the question named, not the reporting one
  if (unit && q.currency && md?.native && /^[A-Z]{3}$/.test(unit)) unit = q.currency;
  return {
    name: spec.alias,
    label: withUnit(spec.label, unit),
    role: 'measure',
    type: percent || unit === '%' ? 'percent' : 'number',
    decimals: decimalsOf(spec.agg, unit, spec.window),
    ...(unit && unit !== '%' ? { unit } : {}),
  };
}

function plainColumnFormat(name: string, label: string, col: ColumnRef, model: TrainedModel, role: ColumnFormat['role']): ColumnFormat {
  const info = columnInfo(model, col);
  const words = valueWords(model, col);
  if (info && (info.kind === 'date' || info.kind === 'timestamp')) return { name, label: capital(label), role: role === 'dimension' ? 'time' : role, type: 'date' };
  const md = measureOverColumn(model, col);
  if (md && !words) {
    const unit = unitWord(md.unit);
    return { name, label: withUnit(label, unit), role, type: unit === '%' ? 'percent' : 'number', decimals: unit === '%' ? 2 : 2, ...(unit && unit !== '%' ? { unit } : {}) };
  }
  // identifiers and references are written as they are (no thousands separators), figures as numbers
  const identifier = /(^id$|_id$|_ref$|_no$|_number$|_code$)/i.test(col.column);
  const numeric = !words && !identifier && info && (info.kind === 'integer' || info.kind === 'decimal') && role === 'detail';
  return { name, label: capital(label), role, type: numeric ? 'number' : 'text', ...(words ? { values: words } : {}) };
}

function groupFormat(g: GroupSpec, model: TrainedModel): ColumnFormat {
  switch (g.kind) {
    case 'column':
      return plainColumnFormat(g.alias, g.label, g.col, model, 'dimension');
    case 'bucket':
      return { name: g.alias, label: capital(g.label), role: 'time', type: g.bucket === 'day' ? 'date' : 'text' };
    default:
      return { name: g.alias, label: capital(g.label), role: 'dimension', type: 'text' };
  }
}

/** The formats of an answer's columns, in the answer's column order (only a label from the name where nothing is known). */
export function describeColumns(columns: string[], understood: TypedQuery | undefined, model: TrainedModel): ColumnFormat[] {
  const known = new Map<string, ColumnFormat>();
  if (understood) {
    for (const g of understood.groupBy) known.set(g.alias.toLowerCase(), groupFormat(g, model));
    for (const m of understood.measures) known.set(m.alias.toLowerCase(), measureFormat(m, understood, model));
    for (const l of [...(understood.perGroup?.columns ?? []), ...understood.listColumns]) known.set(l.alias.toLowerCase(), plainColumnFormat(l.alias, l.label, l.col, model, 'detail'));
    known.set('rank_in_group', { name: 'rank_in_group', label: 'Rank', role: 'detail', type: 'number', decimals: 0 });
  }
  return columns.map((c) => {
    const f = known.get(c.toLowerCase()) ?? byName(c, model);
    return f ? { ...f, name: c } : { name: c, label: capital(c.replace(/_/g, ' ').trim()) };
  });
}

/** SQL the language model wrote: a column named like one of the profile's (a dimension, a date, a measure's column). */
function byName(column: string, model: TrainedModel): ColumnFormat | undefined {
  const p = model.profile;
  const dim = p.dimensions.find((d) => same(d.name, column) || same(d.column, column));
  if (dim) return plainColumnFormat(column, dim.label, { table: dim.table, column: dim.column }, model, 'dimension');
  for (const e of Object.values(p.entities)) {
    const d = e.dates.find((x) => same(x.column, column));
    if (d) return { name: column, label: capital(d.label), role: 'time', type: 'date' };
    const info = columnInfo(model, { table: e.table, column });
    if (info && (measureOverColumn(model, { table: e.table, column }) || valueWords(model, { table: e.table, column }))) return plainColumnFormat(column, column.replace(/_/g, ' '), { table: e.table, column }, model, 'detail');
  }
  return undefined;
}
