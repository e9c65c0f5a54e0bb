/**
 * The follow-up operations on a typed query: each takes the previous query and one change, and
 * returns the changed query with the words that say what changed, or why it cannot apply. They
 * know only TypedQuery and the engine model, so they can be lifted onto another query language.
 */
import type { EngineModel } from '../model.js';
import { columnLabel } from '../model.js';
import type { Condition, ColumnRef, GroupSpec, LabelledCondition, MeasureSpec, TypedQuery } from '../query.js';
import { colsOf, rangeWords } from '../query-parts.js';
import { applyWindow } from '../reshape.js';

export type OpResult = { query: TypedQuery; change: string } | { fail: string };

export interface FollowUpOps {
  /** "and by currency?" (add) / "now by counterparty" (replace) */
  group(q: TypedQuery, groups: GroupSpec[], mode: 'add' | 'replace'): OpResult;
  /** "by month": a time bucket on the query's date */
  bucket(q: TypedQuery, bucket: Extract<GroupSpec, { kind: 'bucket' }>['bucket'], date: { col: ColumnRef; label: string }, mode?: 'add' | 'replace'): OpResult;
  /** "only EUR", "excluding cleared", "what about bilateral?": narrows, or swaps a contradicting condition */
  filter(q: TypedQuery, cond: LabelledCondition): OpResult;
  /** "same for last week": the period replaced (or added) on a date */
  period(q: TypedQuery, range: { from?: string; to?: string }, date: { col: ColumnRef; label: string }): OpResult;
  /** "top 5 of those", "the smallest 10 instead" */
  top(q: TypedQuery, top: { n?: number; dir: 'asc' | 'desc' }): OpResult;
  /** "include ties": a top N of groups keeps every group tied with the Nth */
  ties(q: TypedQuery): OpResult;
  /** "show all of them": a top N of groups without its limit, every group in the same order */
  unlimit(q: TypedQuery): OpResult;
  /** "across all counterparties": the conditions on the columns named taken off */
  unfilter(q: TypedQuery, cols: ColumnRef[]): OpResult;
  /** "the total break amount", "their notional" */
  measures(q: TypedQuery, measures: MeasureSpec[], currency?: string): OpResult;
  /** "in GBP": amounts in the currency named */
  currency(q: TypedQuery, currency: string): OpResult;
  /** "show me the trades": the rows behind the figure, same filters */
  listing(q: TypedQuery, columns: TypedQuery['listColumns']): OpResult;
  /** "as a percentage": the count as the rate whose numerator its filter is */
  rate(q: TypedQuery, rate: MeasureSpec, numerator: Condition[]): OpResult;
  /** "as a share of the total" */
  share(q: TypedQuery): OpResult;
}

const same = (a: ColumnRef, b: ColumnRef) => a.table === b.table && a.column === b.column;
const key = (c: Condition) => JSON.stringify(c);

/** The values a condition admits on its column, when it is a plain equality or IN; undefined otherwise. */
function admitted(c: Condition): Set<string> | undefined {
  if (c.kind === 'cmp' && c.op === '=') return new Set([String(c.value)]);
  if (c.kind === 'in' && !c.negate) return new Set(c.values.map(String));
  return undefined;
}
function excluded(c: Condition): Set<string> | undefined {
  if (c.kind === 'cmp' && c.op === '<>') return new Set([String(c.value)]);
  if (c.kind === 'in' && c.negate) return new Set(c.values.map(String));
  return undefined;
}

/** Can both hold at once? (a value allowed by one that the other allows too) */
function compatible(a: Condition, b: Condition): boolean {
  const aa = admitted(a);
  const ba = admitted(b);
  if (aa && ba) return [...aa].some((v) => ba.has(v));
  const ae = excluded(a);
  const be = excluded(b);
  if (aa && be) return [...aa].some((v) => !be.has(v));
  if (ae && ba) return [...ba].some((v) => !ae.has(v));
  if (a.kind === 'null' && b.kind === 'null') return !!a.negate === !!b.negate;
  if (a.kind === 'null' || b.kind === 'null') return false;
  return true;
}

export function createFollowUpOps(m: EngineModel): FollowUpOps {
  return {
    group(q, groups, mode) {
      if (q.shape !== 'aggregate') return { fail: 'the previous answer lists rows; a breakdown needs a figure' };
      const kept = mode === 'add' ? q.groupBy : q.groupBy.filter((g) => g.kind !== 'column');
      const added = groups.filter((g) => g.kind === 'column' && !kept.some((k) => k.kind === 'column' && same(k.col, g.col)));
      if (!added.length) return { fail: 'the answer is already broken down that way' };
      const removed = q.groupBy.filter((g) => !kept.includes(g));
      const words = added.map((g) => g.label).join(' and ');
      return {
        query: { ...q, groupBy: [...kept, ...added], having: undefined },
        change: removed.length ? `broken down by ${words} instead of ${removed.map((g) => g.label).join(' and ')}` : `broken down by ${words}`,
      };
    },
    bucket(q, bucket, date, mode = 'add') {
      if (q.shape !== 'aggregate') return { fail: 'the previous answer lists rows; a breakdown needs a figure' };
      const g: GroupSpec = { kind: 'bucket', col: date.col, bucket, alias: bucket, label: `${bucket} of ${date.label}` };
      // "by month instead": the time buckets replace the breakdown; "and by month": added to it
      const rest = q.groupBy.filter((x) => x.kind !== 'bucket' && mode === 'add');
      const removed = q.groupBy.filter((x) => x.kind !== 'bucket' && mode === 'replace');
      return {
        query: { ...q, groupBy: [g, ...rest], orderBy: q.orderBy?.expr === 'measure' ? q.orderBy : undefined },
        change: `by ${bucket} of ${date.label}${removed.length ? ` instead of ${removed.map((x) => x.label).join(' and ')}` : ''}`,
      };
    },
    filter(q, cond) {
      const cols = colsOf(cond.cond);
      const clash = q.where.filter((w) => colsOf(w.cond).some((c) => cols.includes(c)) && !compatible(w.cond, cond.cond));
      if (q.where.some((w) => key(w.cond) === key(cond.cond))) return { fail: `the answer is already for ${cond.label}` };
      const where = [...q.where.filter((w) => !clash.includes(w)), cond];
      return { query: { ...q, where }, change: clash.length ? `${cond.label} instead of ${clash.map((c) => c.label).join(', ')}` : `only ${cond.label}` };
    },
    period(q, range, date) {
      const old = q.where.filter((w) => w.cond.kind === 'date' && same(w.cond.col, date.col));
      const label = `${date.label} ${rangeWords(range.from, range.to)}`;
      const where = [...q.where.filter((w) => !old.includes(w)), { cond: { kind: 'date' as const, col: date.col, from: range.from, to: range.to }, label }];
      return { query: { ...q, where, timeLabel: label }, change: old.length ? `${label} instead of ${old.map((o) => o.label.replace(`${date.label} `, '')).join(', ')}` : label };
    },
    top(q, top) {
      if (q.shape !== 'aggregate' || !q.groupBy.length) return { fail: '"top" needs a breakdown to rank' };
      const n = top.n ?? q.limit;
      if (n === undefined) return { fail: 'top how many? say e.g. "top 5 of those"' };
      const measure = q.orderBy?.expr === 'measure' ? q.orderBy.measure : 0;
      return { query: { ...q, orderBy: { expr: 'measure', measure, dir: top.dir }, limit: n, withTies: undefined }, change: `the ${top.dir === 'desc' ? 'largest' : 'smallest'} ${n} by ${q.measures[measure]?.label ?? 'the figure'}` };
    },
    ties(q) {
      if (q.shape !== 'aggregate' || !q.groupBy.length || q.orderBy?.expr !== 'measure' || q.limit === undefined || q.perGroup)
        return { fail: 'the previous answer is not a top N of groups, so it has no ties at its edge to include' };
      if (q.withTies) return { fail: 'the answer already includes the ties at its edge' };
      return { query: { ...q, withTies: true }, change: `every ${q.groupBy.map((g) => g.label).join(' and ')} tied with the last of the ${q.orderBy.dir === 'asc' ? 'bottom' : 'top'} ${q.limit} included` };
    },
    unlimit(q) {
      if (q.shape !== 'aggregate' || !q.groupBy.length || q.limit === undefined || q.perGroup) return { fail: 'the previous answer is not a top N of groups' };
      return { query: { ...q, limit: undefined, withTies: undefined }, change: `every ${q.groupBy.map((g) => g.label).join(' and ')}, not only the ${q.orderBy?.expr === 'measure' && q.orderBy.dir === 'asc' ? 'bottom' : 'top'} ${q.limit}` };
    },
    unfilter(q, cols) {
      // a condition on a column named, or on the name of the rows named (a counterparty named by its legal name)
      const names = (table: string) => [...m.entities.values()].find((x) => x.table === table)?.display.filter((c) => !c.includes('.')) ?? [];
      const on = (k: string) => {
        const c: ColumnRef = { table: k.slice(0, k.indexOf('.')), column: k.slice(k.indexOf('.') + 1) };
        return cols.some((x) => same(x, c) || (x.table === c.table && x.table !== q.table && names(x.table).includes(x.column) && names(c.table).includes(c.column)));
      };
      const gone = q.where.filter((w) => w.cond.kind !== 'date' && colsOf(w.cond).length > 0 && colsOf(w.cond).every((k) => on(k)));
      if (!gone.length) return { fail: 'the answer is not limited to some of them' };
      let next: TypedQuery = { ...q, where: q.where.filter((w) => !gone.includes(w)) };
      // amounts were in the one currency the answer was limited to: across all currencies they are in the reporting one
      if (q.currency && gone.some((g) => (admitted(g.cond) ?? new Set()).has(q.currency!))) next = reportingCurrency(m, next);
      return { query: next, change: `no longer only ${gone.map((g) => g.label).join(', ')}` };
    },
    measures(q, measures, currency) {
      if (!measures.length) return { fail: 'no measure to show' };
      const same = measures.length === q.measures.length && measures.every((x, i) => x.alias === q.measures[i]!.alias);
      if (same && currency === q.currency) return { fail: 'the answer already shows that' };
      return { query: { ...q, shape: 'aggregate', measures, listColumns: [], distinct: false, having: undefined, orderBy: q.orderBy?.expr === 'measure' ? { ...q.orderBy, measure: 0 } : q.orderBy, currency }, change: `showing ${measures.map((x) => x.label).join(' and ')}` };
    },
    currency(q, currency) {
      const e = m.entities.get(q.entity);
      if (!e?.amount?.native) return { fail: `${q.entityLabel} have no amounts in their own currency` };
      let changed = false;
      const measures = q.measures.map((x) => {
        if (x.expr?.kind !== 'col' || x.expr.col.column !== e.amount!.usd) return x;
        const md = [...m.measures.values()].find((d) => d.entity === q.entity && d.native && 'column' in d.native && d.expr && 'column' in d.expr && d.expr.column === e.amount!.usd);
        const native = md?.native && 'column' in md.native ? md.native.column : e.amount!.native!;
        changed = true;
        return { ...x, alias: x.alias.replace(/_usd$/, ''), expr: { kind: 'col' as const, col: { table: x.expr.col.table, column: native } } };
      });
      return { query: { ...q, measures, currency }, change: changed ? `amounts in ${currency}` : `only ${currency}` };
    },
    listing(q, columns) {
      if (q.shape === 'list') return { fail: 'the previous answer already lists rows' };
      if (q.having) return { fail: 'the previous answer compares groups; the rows behind it are not one list' };
      const dateCond = q.where.find((w) => w.cond.kind === 'date');
      const dateCol = dateCond?.cond.kind === 'date' ? dateCond.cond.col : undefined;
      return {
        query: { ...q, shape: 'list', measures: [], groupBy: [], listColumns: columns, distinct: false, having: undefined, limit: undefined, perGroup: undefined, orderBy: dateCol ? { expr: 'column', col: dateCol, dir: 'asc' } : undefined },
        change: `the ${q.entityLabel} themselves instead of ${q.measures.map((x) => x.label).join(' and ')}`,
      };
    },
    rate(q, rate, numerator) {
      if (q.shape !== 'aggregate') return { fail: 'a rate needs a figure' };
      const nk = new Set(numerator.map(key));
      const where = q.where.filter((w) => !nk.has(key(w.cond)));
      if (where.length + numerator.length !== q.where.length) return { fail: 'the figure is not the count of a rate the model knows' };
      // the rate's denominator decides the rows; a default on the same column would cut it
      const dcols = new Set((rate.denominator ?? []).flatMap(colsOf));
      const kept = where.filter((w) => !(w.cond.kind !== 'date' && colsOf(w.cond).some((c) => dcols.has(c))));
      return { query: { ...q, measures: [rate], where: kept, having: undefined }, change: `as ${rate.label.replace(/ \(%\)$/, '')} instead of ${q.measures.map((x) => x.label).join(' and ')}` };
    },
    share(q) {
      const w = applyWindow(q, 'share');
      return w ? { query: w, change: 'with each group\'s share of the total' } : { fail: 'a share of the total needs one count or amount broken down by something' };
    },
  };
}

/** The query's amounts back in the reporting currency (the inverse of the currency operation). */
function reportingCurrency(m: EngineModel, q: TypedQuery): TypedQuery {
  const e = m.entities.get(q.entity);
  const measures = q.measures.map((x) => {
    if (!e?.amount?.usd || x.expr?.kind !== 'col' || x.expr.col.table !== e.table) return x;
    const md = [...m.measures.values()].find((d) => d.entity === q.entity && d.native && 'column' in d.native && d.native.column === (x.expr as { col: ColumnRef }).col.column);
    const usd = md?.expr && 'column' in md.expr ? md.expr.column : x.expr.col.column === e.amount.native ? e.amount.usd : undefined;
    return usd ? { ...x, alias: x.alias.endsWith('_usd') ? x.alias : `${x.alias}_usd`, expr: { kind: 'col' as const, col: { table: x.expr.col.table, column: usd } } } : x;
  });
  return { ...q, measures, currency: undefined };
}

/** The columns of a listing of the rows behind a figure: the rows' own and those of the rows named. */
export function detailColumns(m: EngineModel, entity: string, named: string[]): TypedQuery['listColumns'] {
  const e = m.entities.get(entity)!;
  const out: TypedQuery['listColumns'] = [];
  const aliases = new Set<string>();
  const push = (col: ColumnRef) => {
    if (out.some((o) => same(o.col, col))) return;
    let alias = col.column;
    if (aliases.has(alias)) alias = `${col.table}_${col.column}`;
    aliases.add(alias);
    out.push({ col, alias, label: columnLabel(m, col) });
  };
  const ref = (table: string, c: string): ColumnRef => (c.includes('.') ? { table: c.split('.')[0]!, column: c.split('.')[1]! } : { table, column: c });
  const reach = (t: string) => t === e.table || m.paths.get(entity)?.has(t);
  for (const c of e.display) push(ref(e.table, c));
  for (const d of e.dates) push({ table: e.table, column: d.column });
  if (e.amount?.usd) push({ table: e.table, column: e.amount.usd });
  if (e.amount?.native) push({ table: e.table, column: e.amount.native });
  for (const d of m.dimensions.values()) if (d.table === e.table) push({ table: d.table, column: d.column });
  // the parents one join away name who and what each row is about (counterparty, trade)
  for (const [t, path] of m.paths.get(entity) ?? []) {
    if (path.length !== 1) continue;
    const pe = [...m.entities.values()].find((x) => x.table === t);
    if (pe?.display[0]) push(ref(pe.table, pe.display[0]));
  }
  for (const n of named) {
    const ne = m.entities.get(n);
    if (!ne || n === entity || !reach(ne.table)) continue;
    for (const c of ne.display) if (reach(ref(ne.table, c).table)) push(ref(ne.table, c));
    for (const d of m.dimensions.values()) if (d.table === ne.table) push({ table: d.table, column: d.column });
  }
  return out;
}
