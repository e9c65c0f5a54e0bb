/**
 * The semantic query's resolver: a semantic query (profile names) -> the typed query the compiler
 * reads (tables, columns, join paths), applying the profile's defaults: the entity's default
 * filters (unless a condition already constrains their column, or defaultFilters is false), its
 * default date for a period without a field, the measures' own expressions (native amounts when
 * a currency is named), and the labels and result column names the explanation uses. Whatever the
 * query names that the profile does not have is an error with the names it could have used.
 */
import { filterConds, labelOf, measureSpec } from './semantic-labels.js';
import type { FieldCatalog } from './fields.js';
import { columnLabel, type EngineModel } from './model.js';
import type { ColumnRef, Condition, Expr, GroupSpec, LabelledCondition, MeasureSpec, TypedQuery } from './query.js';
import { colsOf } from './query-parts.js';
import type { SemanticCondition, SemanticGroup, SemanticMeasure, SemanticQuery, SemanticValue } from './semantic-query.js';
import { parseTimeExpressions } from './time/index.js';

export class SemanticQueryError extends Error {
  readonly code = 'OTC_ERR_SEMANTIC_QUERY';
}

const fail = (msg: string): never => {
  throw new SemanticQueryError(msg);
};

function known(names: Iterable<string>, max = 12): string {
  const all = [...names];
  return all.slice(0, max).map((n) => `"${n}"`).join(', ') + (all.length > max ? ', …' : '');
}

/** What a resolver needs: the engine's model, the field names, the as-of date. */
export interface ResolveContext {
  m: EngineModel;
  fields: FieldCatalog;
  today: string;
}

/** A semantic query -> a typed query; throws SemanticQueryError with a reason a person (or a model) can act on. */
export function resolveSemanticQuery(s: SemanticQuery, ctx: ResolveContext): TypedQuery {
  const { m } = ctx;
  const e = m.entities.get(s.entity) ?? fail(`unknown entity "${s.entity}"; the entities are ${known(m.entities.keys())}`);
  const reach = m.paths.get(e.name)!;
  const native = s.currency !== undefined || !e.amount?.usd;
  const col = (name: string, from = e.name): ColumnRef => {
    const f = ctx.fields.byName.get(name) ?? fail(`unknown field "${name}"; fields are named as the profile names them, e.g. ${known(ctx.fields.byName.keys())}`);
    if (!m.paths.get(from)?.has(f.col.table)) fail(`field "${name}" cannot be reached from ${from}`);
    return f.col;
  };
  const value = (v: SemanticValue, from = e.name): Expr => {
    if ('field' in v) return { kind: 'col', col: col(v.field, from) };
    if ('minus' in v) return { kind: 'minus', a: col(v.minus[0], from), b: col(v.minus[1], from) };
    const end = (x: string) => (x === 'today' ? ('today' as const) : col(x, from));
    return { kind: 'days', from: end(v.daysBetween[0]), to: end(v.daysBetween[1]) };
  };
  const cond = (c: SemanticCondition, from = e.name): LabelledCondition[] => {
    if ('filter' in c) {
      const f = m.filters.get(c.filter) ?? fail(`unknown filter "${c.filter}"; the filters are ${known(m.filters.keys(), 40)}`);
      if (!reach.has(m.entities.get(f.entity)!.table) && !m.paths.get(from)?.has(m.entities.get(f.entity)!.table)) fail(`filter "${c.filter}" is about ${f.entity}, which cannot be reached from ${from}`);
      return filterConds(m, f.name, ctx.today).map((x) => ({ cond: x, label: c.label ?? f.label }));
    }
    if ('not' in c) {
      const inner = c.not.flatMap((x) => cond(x, from));
      const x: Condition = { kind: 'not', conds: inner.map((i) => i.cond) };
      return [{ cond: x, label: c.label ?? labelOf(m, ctx.fields, x) }];
    }
    let x: Condition;
    if ('period' in c) {
      const dc = c.field !== undefined ? col(c.field, from) : defaultDate(from);
      const t = parseTimeExpressions(c.period, ctx.today).find((r) => r.range);
      if (!t?.range || c.period.trim().length - t.text.length > 4) fail(`the period "${c.period}" is not understood; give from and to dates instead`);
      x = { kind: 'date', col: dc, from: t!.range!.from, to: t!.range!.to };
    } else if ('of' in c) x = { kind: 'exprcmp', expr: value(c.of, from), op: c.op, value: c.value };
    else if ('in' in c) x = { kind: 'in', col: col(c.field, from), values: c.in, ...(c.negate !== undefined ? { negate: c.negate } : {}) };
    else if ('isNull' in c) x = { kind: 'null', col: col(c.field, from), ...(c.isNull ? {} : { negate: true }) };
    else if ('otherField' in c) x = { kind: 'colcmp', col: col(c.field, from), op: c.op, other: col(c.otherField, from) };
    else if ('op' in c) x = { kind: 'cmp', col: col(c.field, from), op: c.op, value: c.value };
    else {
      const dc = c.field !== undefined ? col(c.field, from) : defaultDate(from);
      x = { kind: 'date', col: dc, ...(c.from !== undefined ? { from: c.from } : {}), ...(c.to !== undefined ? { to: c.to } : {}) };
    }
    return [{ cond: x, label: c.label ?? labelOf(m, ctx.fields, x) }];
  };
  const defaultDate = (from: string): ColumnRef => {
    const fe = m.entities.get(from)!;
    if (!fe.defaultDate) fail(`${fe.label} have no default date; name the date field`);
    return { table: fe.table, column: fe.defaultDate! };
  };

  // measures
  const measures: MeasureSpec[] = [];
  const aliases = new Set<string>();
  const unique = (a: string) => {
    let n = a;
    for (let i = 2; aliases.has(n); i++) n = `${a}_${i}`;
    aliases.add(n);
    return n;
  };
  for (const sm of s.measures) measures.push(measureOf(sm));
  function measureOf(sm: SemanticMeasure): MeasureSpec {
    let spec: MeasureSpec;
    if ('measure' in sm) {
      const md = m.measures.get(sm.measure) ?? fail(`unknown measure "${sm.measure}"; the measures are ${known(m.measures.keys(), 40)}`);
      if (!reach.has(m.entities.get(md.entity)!.table)) fail(`measure "${md.name}" is about ${md.entity}, not ${e.name}`);
      spec = measureSpec(m, md, native, ctx.today);
    } else if ('ratio' in sm) {
      spec = { alias: 'ratio_pct', label: 'share (%)', agg: 'ratio', numerator: sm.ratio.numerator.flatMap((c) => cond(c)).map((l) => l.cond), denominator: sm.ratio.denominator.flatMap((c) => cond(c)).map((l) => l.cond) };
    } else if (sm.agg === 'count') {
      if (sm.of) fail('count takes no value; use count_distinct to count different values');
      spec = { alias: 'count', label: `number of ${e.label}`, agg: 'count' };
    } else {
      if (!sm.of) fail(`${sm.agg} needs "of": the value to aggregate`);
      const x = value(sm.of!);
      const l = exprLabel(x);
      spec = sm.agg === 'count_distinct'
        ? { alias: `distinct_${aliasWord(l)}`, label: `number of different ${l}s`, agg: 'count_distinct', expr: x }
        : { alias: `${sm.agg}_${aliasWord(l)}`, label: `${{ sum: 'total', avg: 'average', min: 'smallest', max: 'largest' }[sm.agg]} ${l}`, agg: sm.agg, expr: x };
    }
    if (sm.window) {
      if (spec.agg !== 'count' && spec.agg !== 'sum') fail('a share or running total is of a count or a sum');
      spec.window = sm.window;
    }
    return { ...spec, alias: sm.as ?? unique(spec.alias), label: sm.label ?? spec.label };
  }
  function exprLabel(x: Expr): string {
    return x.kind === 'col' ? columnLabel(m, x.col) : x.kind === 'minus' ? `${columnLabel(m, x.a)} minus ${columnLabel(m, x.b)}` : `days from ${x.from === 'today' ? 'today' : columnLabel(m, x.from)} to ${x.to === 'today' ? 'today' : columnLabel(m, x.to)}`;
  }

  // groups
  const groupBy: GroupSpec[] = s.groupBy.map((g) => groupOf(g));
  function groupOf(g: SemanticGroup): GroupSpec {
    if ('bands' in g) {
      for (let i = 0; i < g.bands.length - 1; i++) if (g.bands[i]!.upper === undefined) fail('every band but the last needs an upper bound');
      return { kind: 'band', expr: value(g.value), bands: g.bands, alias: g.as ?? unique('band'), label: g.label ?? 'band' };
    }
    const c = col(g.field);
    const l = columnLabel(m, c);
    if ('bucket' in g) return { kind: 'bucket', col: c, bucket: g.bucket, alias: g.as ?? unique(g.bucket), label: g.label ?? `${g.bucket} of ${l}` };
    if ('periods' in g) return { kind: 'period', col: c, periods: g.periods, alias: g.as ?? unique('period'), label: g.label ?? 'period' };
    const dim = ctx.fields.byName.get(g.field)!.kind === 'dimension' ? g.field : undefined;
    return { kind: 'column', col: c, alias: g.as ?? unique(dim ?? c.column), label: g.label ?? l };
  }
  const columnOf = (c: { field: string; as?: string; label?: string }) => {
    const x = col(c.field);
    return { col: x, alias: c.as ?? x.column, label: c.label ?? columnLabel(m, x) };
  };
  const list = s.shape === 'list';
  const listColumns = list
    ? s.columns.length
      ? s.columns.map(columnOf)
      : e.display.map((d) => {
          const x = d.includes('.') ? { table: d.split('.')[0]!, column: d.split('.')[1]! } : { table: e.table, column: d };
          return { col: x, alias: x.column, label: columnLabel(m, x) };
        })
    : [];
  if (!list && s.columns.length) fail('columns are for a listing (shape "list"); group by them for an aggregate');
  if (!list && !measures.length) measures.push({ alias: unique('count'), label: `number of ${e.label}`, agg: 'count' });
  if (list && (measures.length || groupBy.length)) fail('a listing (shape "list") has columns, not measures or groups');

  // conditions, then the entity's default filters
  const where = s.where.flatMap((c) => cond(c));
  if (s.defaultFilters !== false) {
    const touched = new Set([...where.flatMap((w) => colsOf(w.cond)), ...groupBy.flatMap((g) => (g.kind === 'column' ? [`${g.col.table}.${g.col.column}`] : []))]);
    const present = new Set(where.map((w) => JSON.stringify(w.cond)));
    const ratioDecides = measures.some((x) => x.agg === 'ratio' && x.denominator!.length);
    for (const fname of ratioDecides ? [] : e.defaultFilters) {
      const f = m.filters.get(fname)!;
      const conds = filterConds(m, fname, ctx.today);
      if (conds.some((c) => present.has(JSON.stringify(c)) || colsOf(c).some((k) => touched.has(k)))) continue;
      conds.forEach((c) => where.push({ cond: c, label: f.label }));
    }
  }

  if (s.having && s.having.measure >= measures.length) fail(`having refers to measure ${s.having.measure}, but there are ${measures.length}`);
  if (s.having && list) fail('having is a condition per group; a listing has none');
  let orderBy: TypedQuery['orderBy'];
  if (s.orderBy && 'measure' in s.orderBy) {
    if (s.orderBy.measure >= measures.length) fail(`orderBy refers to measure ${s.orderBy.measure}, but there are ${measures.length}`);
    orderBy = { expr: 'measure', measure: s.orderBy.measure, dir: s.orderBy.dir };
  } else if (s.orderBy) {
    const v = s.orderBy.value;
    orderBy = { expr: 'column', col: 'field' in v && s.orderBy.byDate ? col(v.field) : value(v), dir: s.orderBy.dir, ...(s.orderBy.byDate ? { byDate: true } : {}) };
  }

  const exists = s.exists?.map((x) => {
    const re = m.entities.get(x.entity) ?? fail(`unknown entity "${x.entity}"; the entities are ${known(m.entities.keys())}`);
    const link = m.paths.get(re.name)?.get(e.table);
    if (!link?.length) fail(`${re.label} are not linked to ${e.label}`);
    const w = x.where.flatMap((c) => cond(c, re.name));
    const on = x.on === undefined ? undefined : col(x.on);
    if (on && on.table !== e.table) fail(`exists.on must be a field of ${e.label} themselves`);
    return { table: re.table, link: link!, where: w.map((l) => l.cond), negate: x.negate, ...(on ? { on } : {}), label: x.label ?? `${x.negate ? 'no' : 'some'} ${re.label}${w.length ? ` (${w.map((l) => l.label).join(', ')})` : ''}` };
  });

  let perGroup: TypedQuery['perGroup'];
  if (s.perGroup) {
    if (s.limit === undefined) fail('perGroup needs a limit (top N in each group)');
    if (s.perGroup.partition.some((i) => i >= groupBy.length)) fail('perGroup.partition refers to a group that is not in groupBy');
    perGroup = { partition: s.perGroup.partition, ...(s.perGroup.columns ? { columns: s.perGroup.columns.map(columnOf) } : {}) };
  }

  const dates = where.filter((w) => w.cond.kind === 'date').map((w) => w.label);
  const timeLabel = s.timeLabel ?? (dates.length ? dates.join(' and ') : undefined);
  return {
    entity: e.name,
    table: e.table,
    entityLabel: e.label,
    shape: s.shape,
    measures: list ? [] : measures,
    groupBy: list ? [] : groupBy,
    listColumns,
    distinct: s.distinct ?? false,
    where,
    ...(s.having ? { having: s.having } : {}),
    ...(orderBy ? { orderBy } : {}),
    ...(s.limit !== undefined ? { limit: s.limit } : {}),
    ...(exists ? { exists } : {}),
    ...(perGroup ? { perGroup } : {}),
    today: ctx.today,
    ...(timeLabel ? { timeLabel } : {}),
    ...(s.currency ? { currency: s.currency } : {}),
  };
}

function aliasWord(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40) || 'value';
}

