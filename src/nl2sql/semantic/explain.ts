/** One plain-English sentence restating what a typed query computes, with its actual values and dates. */
import type { TypedQuery } from './query.js';
import { joinOr } from './parse.js';

export function explain(q: TypedQuery): string {
  const conds = [...q.where.map((w) => w.label), ...(q.exists ?? []).map((x) => x.label)];
  const uniq = [...new Set(conds)];
  const withPart = uniq.length ? ` with ${uniq.join(' and ')}` : '';
  const groups = q.groupBy.map((g) => (g.kind === 'bucket' ? g.label : g.kind === 'period' ? g.periods.map((p) => p.label).join(' vs ') : g.label));
  const byPart = groups.length ? `, by ${joinAnd(groups)}` : '';
  const ccy = q.currency ? ` (amounts in ${q.currency})` : '';
  let head: string;
  if (q.shape === 'list') {
    const cols = q.listColumns.map((l) => l.label);
    head = q.distinct ? `Listing the distinct ${joinAnd(cols)} of ${q.entityLabel}` : `Listing ${q.entityLabel} (${joinAnd(cols)})`;
  } else {
    const parts = q.measures.map((m) => {
      switch (m.agg) {
        case 'count':
          return `Counting ${q.entityLabel}`;
        case 'count_distinct':
          return `Counting the ${m.label} of ${q.entityLabel}`;
        case 'ratio':
          return `Computing the ${m.label} of ${q.entityLabel}`;
        case 'avg':
          return `Averaging ${m.label.replace(/^average /, '')} of ${q.entityLabel}`;
        case 'sum':
          return `Adding up ${m.label.replace(/^total /, '')} of ${q.entityLabel}`;
        default:
          return `Finding the ${m.label} of ${q.entityLabel}`;
      }
    });
    head = parts.length === 1 ? parts[0]! : `${parts[0]} (${q.measures.slice(1).map((m) => m.label).join(', ')})`;
  }
  let tail = '';
  if (q.having) tail += `, keeping those where the ${q.measures[q.having.measure]?.agg === 'count' ? 'count' : q.measures[q.having.measure]?.label} is ${{ '>': 'over', '>=': 'at least', '<': 'under', '<=': 'at most', '=': 'exactly' }[q.having.op]} ${q.having.value}`;
  const byDate = q.orderBy?.expr === 'column' && q.orderBy.byDate === true;
  if (q.limit !== undefined && q.perGroup) tail += `, the ${q.orderBy?.dir === 'asc' ? 'bottom' : 'top'} ${q.limit} in each ${(q.perGroup.columns ?? q.perGroup.partition.map((i) => q.groupBy[i]!)).map((g) => g?.label).join(' and ')}`;
  else if (q.limit !== undefined) tail += byDate ? `, the ${q.orderBy?.dir === 'asc' ? 'oldest' : 'latest'} ${q.limit}` : `, ${q.orderBy?.dir === 'asc' ? 'bottom' : 'top'} ${q.limit}${q.withTies ? ' with any tied at the last place' : ''}`;
  return `${head}${ccy}${withPart}${byPart}${tail}.`;
}

function joinAnd(xs: string[]): string {
  if (xs.length <= 1) return xs[0] ?? '';
  return xs.slice(0, -1).join(', ') + ' and ' + xs[xs.length - 1];
}
