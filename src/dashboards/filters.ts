/**
 * Dashboard filters applied to a widget by rewriting its typed query, never its SQL text: a
 * condition on the filter's dimension is added when the query's entity reaches that dimension's
 * table through the trained model's many-to-one joins; the compiler then joins and quotes it for
 * the datasource's dialect like any other condition. A widget without that dimension is left as
 * it is (and says so). Which column a filter means comes from the trained model: the dimension of
 * that name (or whose words name it), the entity's currency column, its default date.
 */
import { joinPaths, type ColumnRef, type LabelledCondition, type TypedQuery } from '../nl2sql/index.js';
import type { TrainedModel } from '../training/index.js';
import { FILTER_DIMENSIONS, type DashboardFilters, type FilterDimension } from './types.js';

export interface FilteredQuery {
  query: TypedQuery;
  /** Filters that narrowed this widget ('date', 'counterparty', …). */
  applied: string[];
  /** Filters this widget has no dimension for. */
  skipped: string[];
}

const lower = (s: string) => s.toLowerCase();

/** The column a filter dimension means for an entity, or undefined when the entity does not reach it. */
export function filterColumn(model: TrainedModel, entity: string, dim: FilterDimension): { col: ColumnRef; label: string } | undefined {
  const e = model.profile.entities[entity];
  if (!e) return undefined;
  if (dim === 'currency' && e.currencyColumn) {
    const d = model.profile.dimensions.find((x) => lower(x.table) === lower(e.table) && lower(x.column) === lower(e.currencyColumn!));
    return { col: { table: e.table, column: e.currencyColumn }, label: d?.label ?? 'currency' };
  }
  const paths = joinPaths(model, e.table);
  const named = model.profile.dimensions.filter((d) => lower(d.name) === dim || lower(d.label) === dim || d.words.some((w) => lower(w) === dim));
  const reachable = named
    .filter((d) => paths.has(d.table))
    // the dimension of that very name first, then the nearest table
    .sort((a, b) => Number(lower(b.name) === dim) - Number(lower(a.name) === dim) || paths.get(a.table)!.length - paths.get(b.table)!.length);
  const d = reachable[0];
  return d ? { col: { table: d.table, column: d.column }, label: d.label } : undefined;
}

/** The date column a date range narrows: the one the query already restricts on its own table, else the entity's default date. */
function dateColumn(model: TrainedModel, q: TypedQuery): { col: ColumnRef; label: string } | undefined {
  const own = q.where.find((w) => w.cond.kind === 'date' && w.cond.col.table === q.table);
  if (own && own.cond.kind === 'date') {
    const e = model.profile.entities[q.entity];
    const label = e?.dates.find((d) => lower(d.column) === lower(own.cond.col!.column))?.label ?? own.cond.col.column.replace(/_/g, ' ');
    return { col: own.cond.col, label };
  }
  const e = model.profile.entities[q.entity];
  if (!e?.defaultDate) return undefined;
  const label = e.dates.find((d) => d.column === e.defaultDate)?.label ?? e.defaultDate.replace(/_/g, ' ');
  return { col: { table: e.table, column: e.defaultDate }, label };
}

function orList(vals: string[]): string {
  return vals.length <= 1 ? (vals[0] ?? '') : `${vals.slice(0, -1).join(', ')} or ${vals[vals.length - 1]}`;
}

/** The widget's typed query with the dashboard's filters added where its entity has them. */
export function applyFilters(q: TypedQuery, filters: DashboardFilters, model: TrainedModel): FilteredQuery {
  const applied: string[] = [];
  const skipped: string[] = [];
  let where: LabelledCondition[] = [...q.where];
  let timeLabel = q.timeLabel;
  if (filters.from || filters.to) {
    const dc = dateColumn(model, q);
    if (!dc) skipped.push('date');
    else {
      // the dashboard's range replaces the widget's own range on that date
      where = where.filter((w) => !(w.cond.kind === 'date' && w.cond.col.table === dc.col.table && w.cond.col.column === dc.col.column));
      const words = filters.from && filters.to ? (filters.from === filters.to ? `on ${filters.from}` : `from ${filters.from} to ${filters.to}`) : filters.from ? `on or after ${filters.from}` : `on or before ${filters.to}`;
      const label = `${dc.label} ${words}`;
      where.push({ cond: { kind: 'date', col: dc.col, ...(filters.from ? { from: filters.from } : {}), ...(filters.to ? { to: filters.to } : {}) }, label });
      timeLabel = label;
      applied.push('date');
    }
  }
  for (const dim of FILTER_DIMENSIONS) {
    const vals = filters[dim];
    if (!vals?.length) continue;
    const fc = filterColumn(model, q.entity, dim);
    if (!fc) {
      skipped.push(dim);
      continue;
    }
    where.push({ cond: { kind: 'in', col: fc.col, values: vals }, label: `${fc.label} ${orList(vals)}` });
    applied.push(dim);
  }
  return { query: applied.length ? { ...q, where, ...(timeLabel !== undefined ? { timeLabel } : {}) } : q, applied, skipped };
}

const DAY = 86_400_000;
const addDays = (iso: string, n: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/**
 * The same query over the previous period of the same length (a KPI's trend): every bounded date
 * range on the query's own table moves back by its length. Undefined when the query has no such
 * range (nothing to compare with).
 */
export function previousPeriod(q: TypedQuery): { query: TypedQuery; from: string; to: string } | undefined {
  const ranges = q.where.filter((w) => w.cond.kind === 'date' && w.cond.col.table === q.table && w.cond.from && w.cond.to);
  if (!ranges.length) return undefined;
  let span: { from: string; to: string } | undefined;
  const where = q.where.map((w) => {
    if (!ranges.includes(w) || w.cond.kind !== 'date') return w;
    const { from, to } = w.cond as { from: string; to: string };
    const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY) + 1;
    const p = { from: addDays(from, -days), to: addDays(to, -days) };
    span ??= p;
    return { cond: { ...w.cond, ...p }, label: `${w.label} (previous period ${p.from} to ${p.to})` };
  });
  return { query: { ...q, where }, ...span! };
}
