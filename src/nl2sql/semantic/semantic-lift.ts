/**
 * The semantic query of a typed query: tables and columns back to the profile's names (fields.ts),
 * runs of conditions that are a named filter back to that filter, measures that are a named measure
 * back to it. Labels and result column names are written only where they differ from the profile's
 * defaults, so resolving the semantic query (semantic-resolve.ts) gives the same typed query: the
 * same SQL and the same explanation (semantic-query.test.ts checks it on every question of the
 * evaluation sets).
 */
import { fieldName, type FieldCatalog } from './fields.js';
import type { FilterDef } from '../../training/index.js';
import type { EngineModel } from './model.js';
import type { ColumnRef, Condition, Expr, LabelledCondition, MeasureSpec, TypedQuery } from './query.js';
import { filterConds, labelOf, measureSpec } from './semantic-labels.js';
import type { SemanticCondition, SemanticGroup, SemanticMeasure, SemanticQuery, SemanticValue } from './semantic-query.js';
import { resolveSemanticQuery } from './semantic-resolve.js';

export class LiftError extends Error {}

const canon = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(canon) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, canon(x)])) : v;
const keyOf = (v: unknown) => JSON.stringify(canon(v));
const same = (a: unknown, b: unknown) => keyOf(a) === keyOf(b);

interface NamedFilter {
  f: FilterDef;
  /** its typed conditions, as canonical text */
  keys: string[];
}
/**
 * The model's named filters, longest first, with their typed conditions as canonical text: made
 * once per model and as-of date (a question lifted its conditions against every filter's again,
 * a few per cent of a busy server's event loop, issue 14 item 7). The model never changes once
 * built (a new training version is a new model).
 */
const namedCache = new WeakMap<EngineModel, { today: string; named: NamedFilter[] }>();
function namedFilters(m: EngineModel, today: string): NamedFilter[] {
  const hit = namedCache.get(m);
  if (hit?.today === today) return hit.named;
  const named = [...m.filters.values()].map((f) => ({ f, keys: filterConds(m, f.name, today).map(keyOf) })).sort((a, b) => b.keys.length - a.keys.length);
  namedCache.set(m, { today, named });
  return named;
}

export function liftTypedQuery(q: TypedQuery, m: EngineModel, fields: FieldCatalog): SemanticQuery {
  const e = m.entities.get(q.entity)!;
  const native = q.currency !== undefined || !e.amount?.usd;
  const field = (c: ColumnRef): string => fieldName(fields, c) ?? fail(`no field names ${c.table}.${c.column}`);
  const value = (x: Expr): SemanticValue =>
    x.kind === 'col' ? { field: field(x.col) } : x.kind === 'minus' ? { minus: [field(x.a), field(x.b)] } : { daysBetween: [x.from === 'today' ? 'today' : field(x.from), x.to === 'today' ? 'today' : field(x.to)] };
  const one = (c: Condition): SemanticCondition => {
    switch (c.kind) {
      case 'cmp':
        return { field: field(c.col), op: c.op, value: c.value };
      case 'in':
        return { field: field(c.col), in: c.values, ...(c.negate !== undefined ? { negate: c.negate } : {}) };
      case 'null':
        return { field: field(c.col), isNull: !c.negate };
      case 'colcmp':
        return { field: field(c.col), op: c.op, otherField: field(c.other) };
      case 'date':
        return { field: field(c.col), ...(c.from !== undefined ? { from: c.from } : {}), ...(c.to !== undefined ? { to: c.to } : {}) };
      case 'exprcmp':
        return { of: value(c.expr), op: c.op, value: c.value };
      case 'not':
        return { not: c.conds.map(one) };
    }
  };
  // named filters, longest first, as their typed conditions
  const named = namedFilters(m, q.today);
  /** conditions -> semantic conditions, a run that is exactly a named filter's becoming that filter */
  const conds = (list: LabelledCondition[]): SemanticCondition[] => {
    const out: SemanticCondition[] = [];
    const keys = list.map((l) => keyOf(l.cond));
    for (let i = 0; i < list.length; ) {
      const hit = named.find(({ keys: fc }) => fc.length && i + fc.length <= list.length && fc.every((c, k) => c === keys[i + k]) && list.slice(i, i + fc.length).every((l) => l.label === list[i]!.label));
      if (hit) {
        out.push({ filter: hit.f.name, ...(list[i]!.label !== hit.f.label ? { label: list[i]!.label } : {}) });
        i += hit.keys.length;
        continue;
      }
      const c = list[i]!;
      const s = one(c.cond);
      if (c.label !== labelOf(m, fields, c.cond)) (s as { label?: string }).label = c.label;
      out.push(s);
      i++;
    }
    return out;
  };
  const plain = (cs: Condition[] | undefined) => conds((cs ?? []).map((cond) => ({ cond, label: '' }))).map(stripLabel);

  const measure = (ms: MeasureSpec): SemanticMeasure => {
    const { window, ...base } = ms;
    const w = window ? { window } : {};
    // the entity's own measures first; another entity's (reached through joins) only for a value of its rows
    const own = [...m.measures.values()].sort((a, b) => Number(b.entity === q.entity) - Number(a.entity === q.entity));
    for (const md of own) {
      if (md.entity !== q.entity && (md.agg === 'count' || md.agg === 'ratio' || !m.paths.get(q.entity)?.has(m.entities.get(md.entity)!.table))) continue;
      const spec = measureSpec(m, md, native, q.today);
      if (spec.agg === base.agg && same({ ...spec, alias: 0, label: 0 }, { ...base, alias: 0, label: 0 })) return { measure: md.name, ...w };
    }
    if (base.agg === 'ratio') return { ratio: { numerator: plain(base.numerator), denominator: plain(base.denominator) }, ...w };
    if (base.agg === 'count') return { agg: 'count', ...w };
    return { agg: base.agg, ...(base.expr ? { of: value(base.expr) } : {}), ...w };
  };
  const group = (g: TypedQuery['groupBy'][number]): SemanticGroup => {
    switch (g.kind) {
      case 'column':
        return { field: field(g.col) };
      case 'bucket':
        return { field: field(g.col), bucket: g.bucket };
      case 'period':
        return { field: field(g.col), periods: g.periods };
      case 'band':
        return { value: value(g.expr), bands: g.bands };
    }
  };
  const column = (l: TypedQuery['listColumns'][number]) => ({ field: field(l.col) });

  const s: SemanticQuery = {
    entity: q.entity,
    shape: q.shape,
    measures: q.measures.map(measure),
    groupBy: q.groupBy.map(group),
    columns: q.shape === 'list' ? q.listColumns.map(column) : [],
    ...(q.distinct ? { distinct: true } : {}),
    where: conds(q.where),
    ...(q.having ? { having: q.having } : {}),
    ...(q.orderBy
      ? { orderBy: q.orderBy.expr === 'measure' ? { measure: q.orderBy.measure, dir: q.orderBy.dir } : { value: 'kind' in q.orderBy.col ? value(q.orderBy.col) : { field: field(q.orderBy.col) }, dir: q.orderBy.dir, ...(q.orderBy.byDate ? { byDate: true } : {}) } }
      : {}),
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
    ...(q.exists ? { exists: q.exists.map((x) => ({ entity: m.entityByTable.get(x.table) ?? fail(`no entity has table ${x.table}`), where: plain(x.where), negate: x.negate, ...(x.on ? { on: field(x.on) } : {}), label: x.label })) } : {}),
    ...(q.perGroup ? { perGroup: { partition: q.perGroup.partition, ...(q.perGroup.columns ? { columns: q.perGroup.columns.map(column) } : {}) } } : {}),
    ...(q.currency ? { currency: q.currency } : {}),
  };

  // what the resolver would say by default is left out; what differs is written
  const r = resolveSemanticQuery(s, { m, fields, today: q.today });
  if (r.where.length !== q.where.length) s.defaultFilters = false;
  if (q.shape === 'list') {
    // the entity's display columns, as they are by default, are left out
    s.columns = [];
    const byDefault = resolveSemanticQuery(s, { m, fields, today: q.today }).listColumns;
    if (!same(byDefault, q.listColumns)) s.columns = q.listColumns.map(column);
  }
  const again = resolveSemanticQuery(s, { m, fields, today: q.today });
  q.measures.forEach((ms, i) => override(s.measures[i]!, ms, again.measures[i]));
  q.groupBy.forEach((g, i) => override(s.groupBy[i]!, g, again.groupBy[i]));
  if (s.columns.length) q.listColumns.forEach((l, i) => override(s.columns[i]!, l, again.listColumns[i]));
  q.perGroup?.columns?.forEach((l, i) => override(s.perGroup!.columns![i]!, l, again.perGroup?.columns?.[i]));
  s.exists?.forEach((x, i) => {
    if (again.exists?.[i]?.label === x.label) delete x.label;
  });
  if (q.timeLabel !== again.timeLabel && q.timeLabel !== undefined) s.timeLabel = q.timeLabel;
  return s;
}

function override(target: { as?: string; label?: string }, want: { alias: string; label: string }, got: { alias: string; label: string } | undefined): void {
  if (want.alias !== got?.alias) target.as = want.alias;
  if (want.label !== got?.label) target.label = want.label;
}

function stripLabel(c: SemanticCondition): SemanticCondition {
  if ('not' in c) return { not: c.not.map(stripLabel) };
  const { label: _label, ...rest } = c as SemanticCondition & { label?: string };
  return rest as SemanticCondition;
}

function fail(msg: string): never {
  throw new LiftError(msg);
}
