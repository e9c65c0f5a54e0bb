import { classifyColumn, looksLikeIdentifier, looksLikePeriod, toNumber } from './classify.js';
import type { ChartData, ChartKind, ChartSpec, ColumnKind } from './types.js';

/** Most slices a pie may have; above that a bar chart reads better. */
export const MAX_PIE_SLICES = 8;
/** Most categories a bar chart draws before the table alone is the better view. */
export const MAX_BAR_CATEGORIES = 50;

const SHARE_WORDS = /\b(share|shares|breakdown|break down|split|proportion|proportions|percentage|percent|mix|distribution|composition)\b/i;

/** True when the question asks for parts of a whole ("share of", "breakdown by", "split"). */
export function asksForShares(question: string | undefined): boolean {
  return question !== undefined && SHARE_WORDS.test(question);
}

function measureIndexes(data: ChartData, kinds: ColumnKind[]): number[] {
  return kinds.flatMap((k, i) => (k === 'number' && !looksLikeIdentifier(data.columns[i] ?? '') ? [i] : []));
}

/**
 * What each column holds, its format first: a dimension of numbers (a book id, a rating band) is a
 * category, never a figure to draw; a time column is a period; a measure is a number.
 */
function columnKinds(data: ChartData): ColumnKind[] {
  return data.columns.map((_, i) => {
    const k = classifyColumn(data.rows, i);
    const f = data.formats?.[i];
    if (!f || k === 'empty') return k;
    if (f.role === 'time') return k === 'month' ? 'month' : k === 'number' || k === 'text' ? 'month' : k;
    if (f.role === 'dimension' || f.role === 'detail') return k === 'date' || k === 'month' ? k : 'text';
    return k;
  });
}

/** True when the spec's category column is a date or period (a line joins points in time only). */
function overTime(current: ChartSpec, data: ChartData): boolean {
  if (current.category === undefined) return false;
  const k = columnKinds(data)[current.category];
  return k === 'date' || k === 'month' || data.formats?.[current.category]?.role === 'time';
}

function spec(kind: ChartKind, measures: number[], reason: string, category: number | undefined, _hint: ChartKind[]): ChartSpec {
  return { kind, measures, reason, options: [kind], ...(category === undefined ? {} : { category }) };
}

const ALL_KINDS: ChartKind[] = ['kpi', 'bar', 'line', 'pie', 'scatter', 'table'];

/** Fills `options` with every kind this data can be switched to, the chosen one first. */
function withOptions(s: ChartSpec, data: ChartData): ChartSpec {
  const others = ALL_KINDS.filter((k) => k !== s.kind && switchChart(s, k, data) !== undefined);
  return { ...s, options: [s.kind, ...others] };
}

/**
 * Chooses a chart from a result's shape:
 * - one value -> KPI;
 * - a date/month column and measures -> line (time series);
 * - a category column and measures -> bar; pie instead when the question asks for shares,
 *   there are at most 8 slices and every value is positive;
 * - two measures and nothing else -> scatter;
 * - anything else (no measure, many text columns, too many categories) -> table only.
 */
export function chooseChart(data: ChartData, question?: string): ChartSpec {
  return withOptions(chooseKind(data, question), data);
}

function chooseKind(data: ChartData, question?: string): ChartSpec {
  const { columns, rows } = data;
  if (rows.length === 0 || columns.length === 0) return spec('table', [], 'no rows to draw', undefined, []);
  const kinds = columnKinds(data);

  if (rows.length === 1 && columns.length === 1 && kinds[0] === 'number') {
    return spec('kpi', [0], 'a single value', undefined, []);
  }
  const measures = measureIndexes(data, kinds);
  const timeCols = kinds.flatMap((k, i) => (k === 'date' || k === 'month' || (k === 'number' && looksLikePeriod(columns[i] ?? '') && /year/i.test(columns[i] ?? '')) ? [i] : []));
  const textCols = kinds.flatMap((k, i) => (k === 'text' ? [i] : []));

  if (rows.length === 1 && measures.length === 1 && columns.length <= 2) {
    return spec('kpi', measures, 'a single value', textCols[0], ['bar']);
  }

  // Time series: exactly one period column, no other dimension, at least one measure.
  if (timeCols.length === 1 && textCols.length === 0) {
    const time = timeCols[0]!;
    const ms = measures.filter((m) => m !== time);
    if (ms.length >= 1 && rows.length >= 2) return spec('line', ms, 'a measure over time', time, ['bar']);
  }

  // Category x measure.
  if (textCols.length === 1 && measures.length >= 1 && timeCols.length === 0) {
    const cat = textCols[0]!;
    if (rows.length > MAX_BAR_CATEGORIES) return spec('table', [], `more than ${MAX_BAR_CATEGORIES} categories`, undefined, []);
    const pieOk = measures.length === 1 && rows.length <= MAX_PIE_SLICES && rows.length >= 2 && rows.every((r) => (toNumber(r[measures[0]!]) ?? 0) > 0);
    if (pieOk && asksForShares(question)) return spec('pie', measures, 'shares of a whole', cat, ['bar']);
    return spec('bar', measures, 'a measure by category', cat, pieOk ? ['pie'] : []);
  }

  // Two measures and nothing else: how one relates to the other.
  if (measures.length === 2 && columns.length === 2 && rows.length >= 2) {
    return spec('scatter', measures, 'two measures against each other', undefined, []);
  }

  return spec('table', [], 'a detailed listing', undefined, []);
}

/**
 * The same data as another kind the user picked, when its shape allows it (e.g. a bar chart as
 * a pie or a line). Returns undefined when the kind cannot draw this data.
 */
export function switchChart(current: ChartSpec, kind: ChartKind, data: ChartData): ChartSpec | undefined {
  if (kind === current.kind) return current;
  if (kind === 'table') return { ...current, kind: 'table' };
  const first = current.measures[0];
  if (kind === 'kpi') return data.rows.length === 1 && first !== undefined ? { ...current, kind, measures: [first] } : undefined;
  if (current.category === undefined || first === undefined) return undefined;
  if (kind === 'pie') {
    const ok = data.rows.length <= MAX_PIE_SLICES && data.rows.every((r) => (toNumber(r[first]) ?? 0) > 0);
    return ok ? { ...current, kind, measures: [first] } : undefined;
  }
  if (kind === 'line') return overTime(current, data) ? { ...current, kind } : undefined;
  if (kind === 'bar') return { ...current, kind };
  return undefined;
}
