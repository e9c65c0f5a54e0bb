/**
 * Ties at the edge of a top N: "top 5 counterparties by fails" answers 5 rows (ORDER BY the figure,
 * LIMIT 5, as a report and any SQL written by hand does), and when groups beyond the 5th have the
 * same figure as the 5th, the answer says so: how many more tie, and which. They are found by a
 * second, small run of the same typed query with a longer limit, through the same compile, guard
 * and execute stages (pipeline.ts); the follow-up "include ties" answers them (withTies: RANK).
 */
import type { QueryResult } from '../../datasource/types.js';
import type { TypedQuery } from '../semantic/index.js';
import type { TieNote } from '../types.js';

/** Groups fetched beyond the Nth to look for ties; more tied than that is said as "at least". */
export const TIE_LOOKAHEAD = 25;
/** Tied groups named in the note; the rest are counted. */
const NAMED = 8;

/** The follow-up question that answers the tied groups too (followup/cues.ts reads it). */
export const INCLUDE_TIES = 'include ties';

/** The probe for a top N of groups ranked by a measure (not per group, not already with ties), else undefined. */
export function tieProbe(q: TypedQuery): TypedQuery | undefined {
  if (q.shape !== 'aggregate' || !q.groupBy.length || q.orderBy?.expr !== 'measure' || q.limit === undefined || q.perGroup || q.withTies) return undefined;
  return { ...q, limit: q.limit + TIE_LOOKAHEAD };
}

const num = (v: unknown): number | undefined => {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
};

/** Same figure: exactly, or (sums and averages computed as floating point) within a relative 1e-9. */
function sameFigure(a: unknown, b: unknown): boolean {
  const x = num(a);
  const y = num(b);
  if (x === undefined || y === undefined) return a === b;
  return x === y || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

export function ordinal(n: number): string {
  const t = n % 100;
  if (t >= 11 && t <= 13) return `${n}th`;
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`;
}

function plural(label: string, n: number): string {
  if (n === 1) return label;
  if (/[^aeiou]y$/i.test(label)) return `${label.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(label)) return `${label}es`;
  return `${label}s`;
}

function figure(v: unknown): string {
  const x = num(v);
  if (x === undefined) return String(v);
  return x.toLocaleString('en-US', { maximumFractionDigits: Number.isInteger(x) ? 0 : 2 });
}

/**
 * The note for `shown` (the answer's rows, the query's first N) given `probe` (the same query's first
 * N + TIE_LOOKAHEAD rows): undefined when the answer has fewer than N rows or no group beyond it ties.
 */
export function edgeTies(q: TypedQuery, shown: Pick<QueryResult, 'columns' | 'rows'>, probe: Pick<QueryResult, 'columns' | 'rows'>): TieNote | undefined {
  const n = q.limit;
  if (n === undefined || q.orderBy?.expr !== 'measure' || shown.rows.length < n) return undefined;
  const alias = q.measures[q.orderBy.measure]?.alias;
  const mi = shown.columns.indexOf(alias ?? '');
  const pi = probe.columns.indexOf(alias ?? '');
  if (mi < 0 || pi < 0) return undefined;
  const gi = q.groupBy.map((g) => shown.columns.indexOf(g.alias));
  const pgi = q.groupBy.map((g) => probe.columns.indexOf(g.alias));
  if (gi.some((i) => i < 0) || pgi.some((i) => i < 0)) return undefined;
  const edge = shown.rows[n - 1]![mi];
  const keyOf = (row: unknown[], idx: number[]) => JSON.stringify(idx.map((i) => row[i] ?? null));
  const inAnswer = new Set(shown.rows.map((r) => keyOf(r, gi)));
  // the probe may order groups of the same figure otherwise than the answer did: the ones not shown
  const tied = probe.rows.filter((r) => sameFigure(r[pi], edge) && !inAnswer.has(keyOf(r, pgi)));
  if (!tied.length) return undefined;
  const lastTies = probe.rows.length >= n + TIE_LOOKAHEAD && sameFigure(probe.rows[probe.rows.length - 1]![pi], edge);
  const groups = tied.map((r) => pgi.map((i) => (r[i] === null || r[i] === undefined ? '(none)' : String(r[i]))).join(' / '));
  const groupLabel = q.groupBy.length === 1 ? q.groupBy[0]!.label : 'group';
  const measureLabel = q.measures[q.orderBy.measure]!.label;
  const more = `${lastTies ? 'at least ' : ''}${tied.length} more ${plural(groupLabel, tied.length)}`;
  const named = groups.slice(0, NAMED).join(', ') + (groups.length > NAMED ? ` and ${groups.length - NAMED} other${groups.length - NAMED === 1 ? '' : 's'}` : '');
  const note = `${more} ${tied.length === 1 ? 'ties' : 'tie'} with the ${ordinal(n)} at ${figure(edge)} (${measureLabel}): ${named}.`;
  return { rank: n, value: num(edge) ?? String(edge), more: tied.length, atLeast: lastTies, groups, note, followUp: INCLUDE_TIES };
}
