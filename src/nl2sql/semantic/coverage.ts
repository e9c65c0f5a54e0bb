/**
 * Every requested output, or abstain (issue 10, item 3). The typed query the parser produced is
 * held against what the question's words ask for (asked.ts). Where the missing part is plain (a
 * count or a total next to the figures already understood, the columns of a listing, a time phrase
 * that belongs on the rows it qualifies) the query is completed; otherwise the engine abstains with
 * a reason a person can read, instead of answering with fewer figures than asked or another question.
 */
import type { ConditionDef } from '../../training/index.js';
import type { Asked, NamedColumn } from './asked.js';
import { columnLabel, distance, type EngineModel } from './model.js';
import type { ColumnRef, Condition, Expr, LabelledCondition, MeasureSpec, TypedQuery } from './query.js';

export type Coverage = { query: TypedQuery } | { abstain: string };

export function ensureCoverage(q0: TypedQuery, asked: Asked, m: EngineModel): Coverage {
  let q: TypedQuery = structuredClone(q0);
  const steps = [unrankedLimit, attachTimes, contradictoryDates, ratesAndDays, rowCurrency, sideBySide, listing, perRowFigure, unaskedCount, groupsWithout, countAsked, withTheirCount, aggsAsked, superlatives, measuresNamed, topPerGroup, rankedValues];
  for (const step of steps) {
    const r = step(q, asked, m);
    if ('abstain' in r) return r;
    q = r.query;
  }
  return { query: q };
}

type Step = (q: TypedQuery, a: Asked, m: EngineModel) => Coverage;

// ---------------------------------------------------------------------------------------------
// helpers

const colKey = (c: ColumnRef) => `${c.table}.${c.column}`;

function condCols(c: Condition): string[] {
  if (c.kind === 'not') return c.conds.flatMap(condCols);
  if (c.kind === 'exprcmp') return exprCols(c.expr);
  return c.kind === 'colcmp' ? [colKey(c.col), colKey(c.other)] : [colKey(c.col)];
}

function exprCols(x?: Expr): string[] {
  if (!x) return [];
  if (x.kind === 'col') return [colKey(x.col)];
  if (x.kind === 'minus') return [colKey(x.a), colKey(x.b)];
  return [x.from, x.to].filter((c): c is ColumnRef => c !== 'today').map(colKey);
}

function reachable(m: EngineModel, q: TypedQuery, table: string): boolean {
  return table === q.table || distance(m, q.entity, table) !== undefined;
}

function ref(c: string, table: string): ColumnRef {
  return c.includes('.') ? { table: c.split('.')[0]!, column: c.split('.')[1]! } : { table, column: c };
}

export function condOf(c: ConditionDef, table: string, today: string): Condition {
  if ('olderThanDays' in c) {
    const d = new Date(today + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() - c.olderThanDays - 1);
    return { kind: 'date', col: ref(c.column, table), to: d.toISOString().slice(0, 10) };
  }
  const col = ref(c.column, table);
  if (c.op === 'in' || c.op === 'not in') return { kind: 'in', col, values: c.values!, negate: c.op === 'not in' };
  if (c.op === 'is null' || c.op === 'is not null') return { kind: 'null', col, negate: c.op === 'is not null' };
  if (c.otherColumn) return { kind: 'colcmp', col, op: c.op, other: ref(c.otherColumn, table) };
  return { kind: 'cmp', col, op: c.op, value: c.value! };
}

function aggWord(agg: MeasureSpec['agg']): string {
  return { sum: 'total', avg: 'average', min: 'smallest', max: 'largest', count: 'number of', count_distinct: 'number of', ratio: '' }[agg];
}

function amountSpec(m: EngineModel, q: TypedQuery, agg: 'sum' | 'avg' | 'min' | 'max', measureName?: string): MeasureSpec | undefined {
  const e = m.entities.get(q.entity)!;
  const md = measureName
    ? m.measures.get(measureName)
    : [...m.measures.values()].find((x) => x.entity === q.entity && x.agg === 'sum' && x.expr && 'column' in x.expr && (x.expr.column === e.amount?.usd || x.expr.column === e.amount?.native));
  if (!md || md.entity !== q.entity || !md.expr || md.agg === 'ratio' || md.agg === 'count' || md.agg === 'count_distinct') return undefined;
  const native = q.currency !== undefined || !e.amount?.usd;
  const x = native && md.native ? md.native : md.expr;
  const ex: Expr =
    'column' in x
      ? { kind: 'col', col: ref(x.column, e.table) }
      : 'minus' in x
        ? { kind: 'minus', a: ref(x.minus[0], e.table), b: ref(x.minus[1], e.table) }
        : 'daysBetween' in x
          ? { kind: 'days', from: x.daysBetween[0] === 'today' ? 'today' : ref(x.daysBetween[0], e.table), to: x.daysBetween[1] === 'today' ? 'today' : ref(x.daysBetween[1], e.table) }
          : { kind: 'days', from: ref(x.ageDays, e.table), to: 'today' };
  const usd = native && md.native ? '' : md.unit === 'USD' ? '_usd' : '';
  return { alias: `${agg === 'sum' ? 'total' : agg}_${md.name}${usd}`, label: md.agg === agg ? md.label : `${aggWord(agg)} ${md.label}`, agg, expr: ex };
}

/** Insert a measure, keeping HAVING and ORDER BY pointing at the measures they did. */
function addMeasure(q: TypedQuery, spec: MeasureSpec, first = false): TypedQuery {
  if (q.measures.some((s) => s.alias === spec.alias)) spec = { ...spec, alias: `${spec.alias}_${q.measures.length}` };
  if (!first) return { ...q, measures: [...q.measures, spec] };
  const shift = <T extends { measure: number }>(x: T | undefined) => (x ? { ...x, measure: x.measure + 1 } : x);
  return {
    ...q,
    measures: [spec, ...q.measures],
    having: shift(q.having),
    orderBy: q.orderBy?.expr === 'measure' ? shift(q.orderBy) : q.orderBy,
  };
}

const soleRatio = (q: TypedQuery) => q.measures.length === 1 && q.measures[0]!.agg === 'ratio';

// ---------------------------------------------------------------------------------------------
// steps

/** "settlements on trades booked last month": a time phrase goes on the date of the rows it qualifies. */
const attachTimes: Step = (q, a, m) => {
  let where = q.where;
  for (const t of a.times) {
    const r = t.time.range;
    if (!r || !t.entity) continue;
    const idx = where.findIndex((w) => w.cond.kind === 'date' && w.cond.from === r.from && w.cond.to === r.to);
    if (idx < 0) continue;
    const w = where[idx]!;
    const cond = w.cond as Extract<Condition, { kind: 'date' }>;
    const te = m.entities.get(t.entity)!;
    // the rows themselves, no date word: the parser's choice of date stands
    if (!t.dates.length && (t.entity === q.entity || t.adjacent)) continue;
    const named = t.dates.map((d) => ({ table: m.entities.get(d.entity)!.table, column: d.column }));
    if (named.some((d) => d.table === cond.col.table && d.column === cond.col.column)) continue;
    // a date word that no joined rows carry ("issued" of another table) was some other word's sense
    if (named.length && !named.some((d) => reachable(m, q, d.table))) continue;
    const target = named.length ? named.find((d) => reachable(m, q, d.table)) : te.defaultDate ? { table: te.table, column: te.defaultDate } : undefined;
    if (!target) return { abstain: `"${t.time.text}" is said of ${te.label}, which have no date to apply it to` };
    // within the rows' own table the parser's choice of date stands (a share's part keeps the whole's date)
    if (target.table === cond.col.table) continue;
    if (!reachable(m, q, target.table))
      return { abstain: `"${t.time.text}" is said of ${te.label}, but the answer is about ${q.entityLabel}, and their dates cannot be joined` };
    const owner = m.entities.get(m.entityByTable.get(target.table) ?? '')!;
    const dlabel = owner?.dates.find((d) => d.column === target.column)?.label ?? target.column.replace(/_/g, ' ');
    where = [...where];
    where[idx] = { cond: { ...cond, col: target }, label: `${owner && owner.name !== q.entity ? owner.label.replace(/s$/, '') + ' ' : ''}${dlabel} ${w.label.replace(/^.*?\b(from|on|on or after|on or before) /, '$1 ')}` };
    // the qualified rows' default filters hold for them too ("trades" leaves cancelled trades out)
    if (owner && owner.name !== q.entity) {
      const touched = new Set(where.flatMap((x) => condCols(x.cond)));
      for (const fname of owner.defaultFilters) {
        const f = m.filters.get(fname);
        if (!f) continue;
        const conds = f.where.map((c) => condOf(c, owner.table, q.today));
        if (conds.some((c) => condCols(c).some((k) => touched.has(k)))) continue;
        conds.forEach((c) => (where = [...where, { cond: c, label: `${owner.label}: ${f.label}` }]));
      }
    }
  }
  return { query: { ...q, where, timeLabel: q.timeLabel && where !== q.where ? where.filter((w) => w.cond.kind === 'date').map((w) => w.label).join(' and ') : q.timeLabel } };
};

/** "the biggest pending payment" with nothing to rank by: one row picked at random is no answer. */
const unrankedLimit: Step = (q) => {
  if (q.limit !== undefined && !q.orderBy) return { abstain: 'the question asks for the largest or first rows, but says nothing to rank them by; name the amount or date' };
  return { query: q };
};

/** Two periods on one date column that never meet: the answer would always be nothing. */
const contradictoryDates: Step = (q) => {
  const byCol = new Map<string, { from?: string; to?: string }>();
  for (const w of q.where) {
    if (w.cond.kind !== 'date') continue;
    const k = colKey(w.cond.col);
    const cur = byCol.get(k) ?? {};
    const from = [cur.from, w.cond.from].filter(Boolean).sort().pop();
    const to = [cur.to, w.cond.to].filter(Boolean).sort()[0];
    if (from && to && from > to) return { abstain: `two periods were read on the ${w.cond.col.column.replace(/_/g, ' ')} that never meet; say which date each period is about` };
    byCol.set(k, { from, to });
  }
  return { query: q };
};

/** "more than 2%", "more than 3 days late": a rate or a day count is never an amount. */
const ratesAndDays: Step = (q, a, m) => {
  for (const [nums, what] of [[a.rateNumbers, 'a percentage'], [a.dayNumbers, 'a number of days']] as const) {
    // a column that is itself a percentage or a number of days ("a coupon between 1% and 2%") compares as said
    const unit = what === 'a percentage' ? 'percent' : 'days';
    const own = new Set([...m.measures.values()].filter((md) => md.unit === unit && md.expr && 'column' in md.expr).map((md) => `${m.entities.get(md.entity)!.table}.${(md.expr as { column: string }).column}`));
    for (const n of nums) {
      if (q.where.some((w) => w.cond.kind === 'cmp' && w.cond.value === n && typeof w.cond.value === 'number' && !own.has(colKey(w.cond.col))))
        return { abstain: `${n} is ${what} here, but it was read as a limit on a column of ${q.entityLabel}` };
      if (q.having && q.having.value === n) {
        const ms = q.measures[q.having.measure];
        const ok = what === 'a percentage' ? ms?.agg === 'ratio' : ms?.expr?.kind === 'days';
        if (!ok) return { abstain: `${n} is ${what} here, but it was compared with the ${ms?.label ?? 'figure'} of each group` };
      }
    }
  }
  return { query: q };
};

/** The column a named column of an enumeration stands for, from the rows of `q`. */
function columnFor(c: NamedColumn, q: TypedQuery, m: EngineModel, ccyListed: boolean): { col: ColumnRef; alias: string; label: string } | null | undefined {
  const near = (table: string) => (table === q.table ? 0 : distance(m, q.entity, table) ?? 99);
  switch (c.kind) {
    case 'dimension': {
      let dims = c.dimensions.map((n) => m.dimensions.get(n)!);
      if (c.owner) {
        const oe = m.entities.get(c.owner)!;
        dims = dims.filter((d) => d.table === oe.table);
        // "settlement id": the entity's own identifier
        if (!dims.length) {
          const col = ref(oe.display[0]!, oe.table);
          return { col, alias: col.column, label: col.column.replace(/_/g, ' ') };
        }
      }
      const d = [...dims].sort((x, y) => near(x.table) - near(y.table))[0]!;
      return { col: { table: d.table, column: d.column }, alias: d.name, label: d.label };
    }
    case 'date': {
      const all = c.all.map((x) => ({ ...x, table: m.entities.get(x.entity)!.table })).sort((x, y) => near(x.table) - near(y.table));
      const d = all[0]!;
      const e = m.entities.get(d.entity)!;
      return { col: { table: e.table, column: d.column }, alias: d.column, label: e.dates.find((x) => x.column === d.column)?.label ?? c.label };
    }
    case 'entity': {
      if (c.entity === q.entity) return null; // the rows themselves
      const e = m.entities.get(c.entity)!;
      const col = ref(e.display[0]!, e.table);
      const dim = [...m.dimensions.values()].find((d) => d.table === col.table && d.column === col.column);
      return { col, alias: dim?.name ?? c.entity, label: dim?.label ?? e.label };
    }
    case 'measure': {
      const md = c.measures.map((n) => m.measures.get(n)!).find((x) => x.entity === q.entity && x.expr && 'column' in x.expr);
      if (!md || !md.expr || !('column' in md.expr)) return undefined;
      const e = m.entities.get(md.entity)!;
      const x = !c.usd && (ccyListed || q.currency) && md.native && 'column' in md.native ? md.native : md.expr;
      const col = ref((x as { column: string }).column, e.table);
      return { col, alias: col.column, label: md.label };
    }
  }
}

/** "pending payments - id, counterparty, value date, amount": rows with the columns named, not a sum per group. */
const listing: Step = (q, a, m) => {
  const en = a.enumeration;
  if (!en.length || !a.listingCue || a.count || a.aggs.size) return { query: q };
  // "by type: number of settlements and USD amount": a count named is a figure per group, never a row's column
  if (en.some((c) => c.kind === 'measure' && c.measures.every((n) => m.measures.get(n)?.agg === 'count'))) return { query: q };
  // two names after a listing cue ("- show the cpty and exception type") that the groups would not all show:
  // the rows themselves, with those columns
  const grouped = new Set(q.groupBy.flatMap((g) => (g.kind === 'column' ? [colKey(g.col)] : [])));
  const unshown =
    q.shape === 'aggregate' &&
    en.length >= 2 &&
    q.measures.every((s) => s.agg !== 'count' && s.agg !== 'count_distinct' && s.agg !== 'ratio') &&
    en.some((c) => {
      const col = c.kind === 'dimension' || c.kind === 'entity' ? columnFor(c, q, m, false) : undefined;
      return !!col && !grouped.has(colKey(col.col));
    });
  if (!(en.some((c) => c.kind === 'measure' || c.kind === 'date') || en.length >= 3 || (a.withCue && en.length >= 2) || unshown)) return { query: q };
  // a "by"/"per" right before the names groups by them
  const firstItem = a.items.find((it) => it.text === en[0]!.text);
  const prevItem = firstItem ? a.items[a.items.indexOf(firstItem) - 1] : undefined;
  if (prevItem?.senses.some((s) => s.kind === 'group' || s.kind === 'split')) return { query: q };
  const e = m.entities.get(q.entity)!;
  const ccyListed = en.some((c) => c.kind === 'dimension' && c.dimensions.some((n) => m.dimensions.get(n)?.column === e.currencyColumn && m.dimensions.get(n)?.table === e.table));
  const cols: TypedQuery['listColumns'] = [];
  for (const c of en) {
    const col = columnFor(c, q, m, ccyListed);
    if (col === null) continue;
    if (!col) return { abstain: `"${c.text}" cannot be shown for each of the ${q.entityLabel}` };
    if (!reachable(m, q, col.col.table)) return { abstain: `"${c.text}" cannot be shown next to ${q.entityLabel}` };
    // two names read as one column ("our net", "their net"): one of them is not understood
    if (cols.some((x) => colKey(x.col) === colKey(col.col))) return { abstain: `two of the columns named ("${c.text}" and another) were read as the same ${col.label}` };
    cols.push(col);
  }
  if (!cols.length) return { query: q };
  // "list trades with their notional": the rows' own columns first, then the ones named
  // (only the rows' own table's: a join for another table's column could drop rows nobody asked to drop)
  const own = a.withCue ? e.display.filter((c) => !c.includes('.')).map((c) => ({ table: e.table, column: c })).filter((c) => !cols.some((x) => colKey(x.col) === colKey(c))).map((col) => ({ col, alias: col.column, label: columnLabel(m, col) })) : [];
  if (q.shape === 'list') {
    // the listing is only the columns named: the rows themselves come first
    const onlyNamed = q.listColumns.every((l) => cols.some((x) => colKey(x.col) === colKey(l.col)));
    const listColumns = onlyNamed ? [...own, ...q.listColumns] : [...q.listColumns];
    for (const c of cols) if (!listColumns.some((x) => colKey(x.col) === colKey(c.col))) listColumns.push(c);
    return { query: { ...q, listColumns, distinct: q.distinct && listColumns.length === q.listColumns.length } };
  }
  // an aggregate of the rows becomes the rows: HAVING on a per-row amount becomes WHERE; a ranking stays one
  // "called amount": a filter word inside a column's name names the column, not a condition on the rows
  let where = q.where.filter((w) => !en.some((c) => (c.kind === 'measure' ? c.filters ?? [] : []).some((fn: string) => (m.filters.get(fn)?.where ?? []).some((fc) => JSON.stringify(condOf(fc, m.entities.get(m.filters.get(fn)!.entity)!.table, q.today)) === JSON.stringify(w.cond)))));
  if (q.having) {
    const ms = q.measures[q.having.measure];
    if (!ms || ms.agg === 'count' || ms.agg === 'count_distinct' || ms.agg === 'ratio' || ms.expr?.kind !== 'col')
      return { abstain: 'the question lists rows, but compares a figure per group; say whether each row or each group is compared' };
    where = [...where, { cond: { kind: 'cmp', col: ms.expr.col, op: q.having.op, value: q.having.value }, label: `${ms.label.replace(/^(total|average|largest|smallest) /, '')} ${q.having.op} ${q.having.value}` }];
  }
  let orderBy: TypedQuery['orderBy'];
  if (q.orderBy?.expr === 'measure') {
    const ms = q.measures[q.orderBy.measure];
    if (!ms || !ms.expr || ms.agg === 'count' || ms.agg === 'count_distinct') return { abstain: 'the question lists rows but ranks them by a count; say what to rank each row by' };
    orderBy = { expr: 'column', col: ms.expr, dir: q.orderBy.dir };
  } else orderBy = q.orderBy;
  return { query: { ...q, shape: 'list', measures: [], groupBy: [], listColumns: [...own, ...cols], distinct: false, where, having: undefined, orderBy } };
};

/** "swaps in USD": a currency said of the rows filters them (the reporting one leaves amounts as they are). */
const rowCurrency: Step = (q, a, m) => {
  let out = q;
  for (const rc of a.rowCurrency) {
    const d = m.dimensions.get(rc.dimension)!;
    if (d.table !== q.table) continue;
    // "average notional ... in USD": with amounts asked, the reporting currency says how to report them
    if (q.measures.some((x) => x.expr) || q.listColumns.length) continue;
    if (q.where.some((w) => condCols(w.cond).includes(`${d.table}.${d.column}`))) continue;
    if (rc.value !== m.model.profile.vocabulary.currency?.reporting && !q.currency) return { abstain: `"in ${rc.value}" was not applied to the ${q.entityLabel}` };
    out = { ...out, where: [...out.where, { cond: { kind: 'cmp', col: { table: d.table, column: d.column }, op: '=', value: rc.value }, label: `${d.label} ${rc.value}` }] };
  }
  return { query: out };
};

/** "side by side", "vs": a comparison the answer must show as separate rows or columns. */
const sideBySide: Step = (q, a) => {
  if (!a.sideBySide || q.shape === 'list') return { query: q };
  if (q.groupBy.some((g) => g.kind === 'period')) return { query: q };
  if (a.times.some((t) => t.time.range)) return { abstain: 'the question compares periods side by side, but the answer does not split them' };
  return { query: q };
};

/** A count per group nobody asked for ("deals from yesterday still without a confirmation" counted per trade). */
const unaskedCount: Step = (q, a, m) => {
  if (q.shape !== 'aggregate' || a.count || a.groupWord || q.having || q.orderBy || !q.groupBy.length || q.groupBy.some((g) => g.kind !== 'column')) return { query: q };
  // "X vs Y" is one row per side; "the LEI of <a named counterparty>" shows a property of the record named
  if (a.items.some((it) => it.senses.some((s) => s.kind === 'versus'))) return { query: q };
  if (q.where.some((w) => w.cond.kind === 'cmp' && w.cond.op === '=' && q.groupBy.some((g) => g.kind === 'column' && g.col.table === (w.cond as { col: ColumnRef }).col.table))) return { query: q };
  if (q.measures.length !== 1 || q.measures[0]!.agg !== 'count') return { query: q };
  if (a.items.some((it) => it.senses.some((s) => s.kind === 'which' || (s.kind === 'agg' && s.superlative)))) return { query: q };
  // a parent listed with a count alongside is still the parents; a count per record (its key) is not asked
  const keys = new Set([...m.entities.values()].map((e) => { const d = e.display[0]!; return d.includes('.') ? d : `${e.table}.${d}`; }));
  if (!q.groupBy.some((g) => g.kind === 'column' && keys.has(colKey(g.col)))) return { query: q };
  return { abstain: `the question does not ask for a count, but was understood as a count of ${q.entityLabel} per ${q.groupBy.map((g) => g.label).join(', ')}` };
};

/**
 * "desks without settlement fails this month": the groups that have none of the rows, not a count of
 * the other rows per group (exists.ts reads it once this reading is declined).
 */
const groupsWithout: Step = (q, a) => {
  if (q.shape !== 'aggregate' || a.count || a.groupWord || q.having || q.exists?.length || !q.groupBy.length || q.groupBy.some((g) => g.kind !== 'column')) return { query: q };
  if (q.measures.length !== 1 || q.measures[0]!.agg !== 'count') return { query: q };
  const text = a.tokens.map((t) => t.raw.toLowerCase()).join(' ');
  if (!/\b(without|with no|have no|has no|had no|having no|have had no|has had no|never had)\b/.test(text)) return { query: q };
  return { abstain: `the question asks for the ${q.groupBy.map((g) => g.label).join(', ')} without some ${q.entityLabel}, not a count of the others` };
};

/** "largest", "longest": the extreme is the figure (MAX/MIN), or a ranking; never dropped for an average. */
const superlatives: Step = (q, a, m) => {
  if (q.shape !== 'aggregate' || !a.superlatives.length) return { query: q };
  // "longest time to resolve by type": the extreme of a measure that is an average by default is not the
  // type with the longest average (which nobody said)
  for (const s of a.superlatives) {
    const avgDefault = s.measures.map((n) => m.measures.get(n)!).find((md) => md.agg === 'avg' && q.measures.some((x) => x.agg === 'avg' && x.alias.includes(md.name)));
    // "longest time to resolve ... by exception type": the extreme in each group, every group shown
    if (avgDefault && !a.aggs.has('avg') && q.orderBy && a.groupWord && q.groupBy.length && !a.items.some((it) => it.senses.some((x) => x.kind === 'which' || x.kind === 'top'))) {
      const spec = amountSpec(m, q, s.agg, avgDefault.name);
      if (spec) return { query: { ...q, measures: q.measures.map((x) => (x.agg === 'avg' && x.alias.includes(avgDefault.name) ? spec : x)), orderBy: undefined, limit: undefined } };
    }
    if (avgDefault && !a.aggs.has('avg') && q.orderBy) return { abstain: `"${s.text} ${avgDefault.label}" could be the ${s.agg === 'max' ? 'largest' : 'smallest'} single value or the ${s.agg === 'max' ? 'highest' : 'lowest'} average; say which` };
  }
  if (q.orderBy || q.limit !== undefined) return { query: q };
  let out = q;
  for (const s of a.superlatives) {
    if (out.measures.some((x) => x.agg === s.agg)) continue;
    const idx = out.measures.findIndex((x) => s.measures.some((n) => x.alias.includes(n)) && (x.agg === 'avg' || x.agg === 'sum'));
    const md = idx >= 0 ? s.measures.map((n) => m.measures.get(n)!).find((x) => out.measures[idx]!.alias.includes(x.name)) : undefined;
    const spec = md ? amountSpec(m, out, s.agg, md.name) : undefined;
    if (!spec) return { abstain: `"${s.text}" was not understood as the figure to show or as a ranking` };
    const measures = [...out.measures];
    measures[idx] = spec;
    out = { ...out, measures };
  }
  return { query: out };
};

/** "top 3 break reasons": a ranking of a column's values leaves out rows that have none. */
const rankedValues: Step = (q) => {
  if (q.shape !== 'aggregate' || q.limit === undefined || q.orderBy?.expr !== 'measure' || !q.groupBy.length) return { query: q };
  const where = [...q.where];
  for (const g of q.groupBy) {
    if (g.kind !== 'column') continue;
    if (where.some((w) => condCols(w.cond).includes(colKey(g.col)))) continue;
    where.push({ cond: { kind: 'null', col: g.col, negate: true }, label: `a ${g.label}` });
  }
  return { query: { ...q, where } };
};

/** "late settlements per counterparty with their average delay": the rows counted next to their figure. */
const withTheirCount: Step = (q, a) => {
  if (q.shape !== 'aggregate' || !a.withTheir || a.count || !a.groupWord || !q.groupBy.length || q.orderBy || q.having) return { query: q };
  if (q.measures.some((s) => s.agg === 'count' || s.agg === 'count_distinct' || s.agg === 'ratio')) return { query: q };
  return { query: addMeasure(q, { alias: 'count', label: `number of ${q.entityLabel}`, agg: 'count' }, true) };
};

/**
 * "open exceptions older than 60 days with their age": a value for each row, which an
 * aggregate over all the rows (the age's average) does not give; with no aggregate word said,
 * one figure would silently answer another question.
 */
const perRowFigure: Step = (q, a) => {
  if (q.shape !== 'aggregate' || q.groupBy.length || !a.withTheir || a.count || a.aggs.size || a.superlatives.length) return { query: q };
  const figure = q.measures.find((s) => s.agg === 'avg' || s.agg === 'sum' || s.agg === 'min' || s.agg === 'max');
  if (!figure) return { query: q };
  return { abstain: `the question asks for each of the ${q.entityLabel} with their ${figure.label.replace(/^(total|average|largest|smallest) /, '')}, which this data can give only as one figure over them (say "average" or "total" for that)` };
};

/** "how many ... and what was their total": a count next to the other figures. */
const countAsked: Step = (q, a) => {
  if (!a.count) return { query: q };
  if (q.shape === 'list') {
    // "how many days since ..." per row, or a ranking of rows with a count: not a listing
    return { abstain: 'the question asks how many, but was understood as a listing of rows' };
  }
  const counts = q.measures.filter((s) => s.agg === 'count' || s.agg === 'count_distinct').length;
  if (a.countTimes > 1 && counts < a.countTimes) return { abstain: `the question asks for ${a.countTimes} different counts; ask for each one on its own` };
  if (counts) return { query: q };
  // a share's count would lose its denominator
  if (soleRatio(q)) return { abstain: `the question asks for a count and the ${q.measures[0]!.label}; ask for them one at a time` };
  // "how many have more than 5 breaks": the count is of groups, not rows
  if (q.having) return { abstain: 'the question counts groups that meet a condition; ask to list them instead' };
  return { query: addMeasure(q, { alias: 'count', label: `number of ${q.entityLabel}`, agg: 'count' }, true) };
};

/** "min, max and mean amount", "total and average": every aggregate named is in the answer. */
const aggsAsked: Step = (q, a, m) => {
  if (!a.aggs.size) return { query: q };
  if (q.shape === 'list') {
    // "smallest, largest and mean notional of live trades": figures over the rows, not the rows ranked
    if (a.aggs.size < 2 && !a.count) return { query: q };
    const named = a.measures.flatMap((x) => x.names).find((n) => m.measures.get(n)?.entity === q.entity);
    const measures: MeasureSpec[] = [];
    if (a.count) measures.push({ alias: 'count', label: `number of ${q.entityLabel}`, agg: 'count' });
    for (const g of a.aggs) {
      const spec = amountSpec(m, q, g, named);
      if (!spec) return { abstain: `the question asks for a ${aggWord(g)}, but was understood as a listing of ${q.entityLabel}` };
      measures.push(spec);
    }
    return { query: { ...q, shape: 'aggregate', measures, listColumns: [], distinct: false, orderBy: undefined, limit: undefined, groupBy: [] } };
  }
  const have = new Set(q.measures.map((s) => s.agg));
  const missing = [...a.aggs].filter((g) => !have.has(g));
  if (!missing.length) return { query: q };
  // the amount the other figures are of (one), else the rows' own amount
  const exprs = new Map(q.measures.filter((s) => s.expr && s.agg !== 'count_distinct').map((s) => [JSON.stringify(s.expr), s]));
  if (exprs.size > 1) return { abstain: `the question asks for ${missing.map(aggWord).join(', ')} but names several amounts; ask for each amount's figures` };
  if (soleRatio(q)) return { abstain: `the question asks for a ${missing.map(aggWord).join(', ')} next to the ${q.measures[0]!.label}; ask for them one at a time` };
  const base = [...exprs.values()][0];
  let out = q;
  for (const g of missing) {
    const md = base ? [...m.measures.values()].find((x) => x.entity === q.entity && base.alias.includes(x.name)) : undefined;
    const spec = base ? amountSpec(m, q, g, md?.name) ?? (base.expr ? { alias: `${g}_${base.alias}`, label: `${aggWord(g)} ${base.label.replace(/^(total|average|largest|smallest) /, '')}`, agg: g, expr: base.expr } : undefined) : amountSpec(m, q, g);
    if (!spec) return { abstain: `the question asks for a ${aggWord(g)} but there is no amount to take it of for ${q.entityLabel}` };
    out = addMeasure(out, spec);
  }
  // "average notional" read twice: keep one of each
  const seen = new Set<string>();
  const measures = out.measures.filter((s) => {
    const k = `${s.agg}|${JSON.stringify(s.expr ?? s.numerator ?? null)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (measures.length !== out.measures.length && (out.having || out.orderBy?.expr === 'measure')) return { abstain: 'the question names one figure twice; say which to rank or compare' };
  return { query: { ...out, measures } };
};

/** Every measure the question names is shown, compared, or ranked by. */
const measuresNamed: Step = (q, a, m) => {
  const used = new Set<string>([
    ...q.where.flatMap((w) => condCols(w.cond)),
    ...q.measures.flatMap((s) => [...exprCols(s.expr), ...(s.numerator ?? []).flatMap(condCols)]),
    ...q.listColumns.map((l) => colKey(l.col)),
    ...(q.orderBy?.expr === 'column' ? ('kind' in q.orderBy.col ? exprCols(q.orderBy.col) : [colKey(q.orderBy.col)]) : []),
  ]);
  let out = q;
  for (const named of a.measures) {
    const mds = named.names.map((n) => m.measures.get(n)!).filter((md) => reachable(m, q, m.entities.get(md.entity)!.table));
    if (!mds.length) continue;
    const isUsed = mds.some((md) => {
      if (md.agg === 'count') return out.measures.some((s) => s.agg === 'count') || out.shape === 'list';
      if (md.agg === 'count_distinct') return out.measures.some((s) => s.agg === 'count_distinct');
      if (md.agg === 'ratio') return out.measures.some((s) => s.alias.startsWith(md.name));
      const table = m.entities.get(md.entity)!.table;
      return [md.expr, md.native].some((x) => x && exprCols(toExpr(x, table)).every((k) => used.has(k)));
    });
    if (isUsed) continue;
    // "number of distinct counterparties with fails": the count is of the distinct values, through the join
    const cd = mds.find((x) => x.agg === 'count_distinct' && x.expr && 'column' in x.expr);
    if (cd && out.shape === 'aggregate' && out.measures.length === 1 && out.measures[0]!.agg === 'count' && !out.having) {
      const table = m.entities.get(cd.entity)!.table;
      out = { ...out, measures: [{ alias: cd.name, label: cd.label, agg: 'count_distinct', expr: toExpr(cd.expr!, table) }] };
      continue;
    }
    const md = mds.find((x) => x.entity === q.entity);
    if (out.shape === 'aggregate' && md && md.agg !== 'count' && md.agg !== 'count_distinct' && md.agg !== 'ratio' && md.expr && !soleRatio(out)) {
      const spec = amountSpec(m, out, md.agg as 'sum' | 'avg' | 'min' | 'max', md.name);
      if (spec) {
        out = addMeasure(out, spec);
        exprCols(spec.expr).forEach((k) => used.add(k));
        continue;
      }
    }
    return { abstain: `the question names ${named.text}, which the answer understood would not show` };
  }
  return { query: out };
};

export function toExpr(x: NonNullable<import('../../training/index.js').MeasureDef['expr']>, table: string): Expr {
  if ('column' in x) return { kind: 'col', col: ref(x.column, table) };
  if ('minus' in x) return { kind: 'minus', a: ref(x.minus[0], table), b: ref(x.minus[1], table) };
  if ('daysBetween' in x) return { kind: 'days', from: x.daysBetween[0] === 'today' ? 'today' : ref(x.daysBetween[0], table), to: x.daysBetween[1] === 'today' ? 'today' : ref(x.daysBetween[1], table) };
  return { kind: 'days', from: ref(x.ageDays, table), to: 'today' };
}

/** "top 3 products in each asset class": N per group, never N overall. */
const topPerGroup: Step = (q, a) => {
  if (!a.perGroupTop || q.limit === undefined) return { query: q };
  if (q.shape === 'aggregate' && q.groupBy.length < 2 && !(a.perGroupTop.n === 1 && q.groupBy.length === 1 && q.limit === 1)) return { query: q };
  // "top 2 counterparties by notional in each desk": the first group is ranked within each value of the other
  if (q.shape === 'aggregate' && q.groupBy.length === 2 && q.orderBy?.expr === 'measure' && q.limit === a.perGroupTop.n && q.groupBy.every((g) => g.kind === 'column'))
    return { query: { ...q, perGroup: { partition: [1] } } };
  return { abstain: `"top ${a.perGroupTop.n}" is asked within each group, but the answer ranks across all of them` };
};

export type { LabelledCondition };
