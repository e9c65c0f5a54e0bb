/**
 * What was understood, as a few short lines a person reads under the SQL: the data, the figures or
 * columns, the filters, the time, the grouping, the condition per group, the order and the as-of
 * date. Only the labels the engine already wrote into its typed query; nothing is re-derived.
 */
import type { TypedQuery } from '../../nl2sql/semantic/query.js';

export interface UnderstoodLine {
  term: string;
  text: string;
}

const OP: Record<string, string> = { '>': 'over', '>=': 'at least', '<': 'under', '<=': 'at most', '=': 'exactly' };
const words = (s: string) => s.replace(/_/g, ' ');

export function describeUnderstood(q: TypedQuery): UnderstoodLine[] {
  const out: UnderstoodLine[] = [];
  const add = (term: string, parts: (string | undefined)[], sep = ', ') => {
    const xs = parts.filter((p): p is string => !!p);
    if (xs.length) out.push({ term, text: xs.join(sep) });
  };
  const measures = q.measures ?? [];
  add('Data', [q.entityLabel ?? q.entity]);
  if (q.shape === 'list') add(q.distinct ? 'Distinct columns' : 'Columns', (q.listColumns ?? []).map((c) => c.label));
  else add('Figures', measures.map((m) => m.label));
  const filters = [...new Set((q.where ?? []).map((w) => w.label))];
  add('Filters', filters, '; ');
  if (q.timeLabel && !filters.includes(q.timeLabel)) add('Time', [q.timeLabel]);
  add(
    'Grouped by',
    (q.groupBy ?? []).map((g) => (g.kind === 'bucket' ? `${g.bucket} of ${words(g.col.column)}` : g.kind === 'period' ? g.periods.map((p) => p.label).join(' vs ') : g.label)),
  );
  if (q.having) add('Keeping groups where', [`${measures[q.having.measure]?.label ?? 'the figure'} is ${OP[q.having.op] ?? q.having.op} ${q.having.value}`]);
  const first = q.limit !== undefined ? `first ${q.limit}` : undefined;
  if (q.orderBy) add('Order', [`${orderedBy(q) ?? 'the figure'}, ${q.orderBy.dir === 'desc' ? 'highest first' : 'lowest first'}`, first]);
  else add('Order', [first]);
  add('Amounts in', [q.currency]);
  add('As of', [q.today]);
  return out;
}

function orderedBy(q: TypedQuery): string | undefined {
  const o = q.orderBy;
  if (!o) return undefined;
  if (o.expr === 'measure') return q.measures[o.measure]?.label;
  if (!('kind' in o.col)) return words(o.col.column);
  return o.col.kind === 'col' ? words(o.col.col.column) : 'a computed value';
}
