/**
 * A widget's chart from its settings and its result: the one ChartSpec + ECharts option that the
 * browser draws and the server renders to SVG for PDF and PNG (src/charts). Pure: no DOM, no
 * Node; the web app imports it too. Stacked bars and areas are the bar and line charts of
 * src/charts with their series stacked or filled; a series column pivots the rows into one
 * series per value.
 */
import { buildChartOption, classifyColumn, toNumber, type ChartData, type ChartOption, type ChartSpec } from '../charts/index.js';
import type { KpiThresholds, WidgetChart, WidgetResult } from './types.js';

export type KpiStatus = 'green' | 'amber' | 'red';

export interface KpiFigure {
  value: number | null;
  label: string;
  status?: KpiStatus;
  previous?: number | null;
  /** value - previous, when both exist. */
  change?: number;
}

const find = (columns: string[], name?: string) => (name === undefined ? -1 : columns.findIndex((c) => c.toLowerCase() === name.toLowerCase()));

/** The columns a widget draws: category, measures, series (indexes into the result's columns). */
export function widgetColumns(chart: WidgetChart, data: ChartData): { x?: number; y: number[]; series?: number } {
  const kinds = data.columns.map((_, i) => classifyColumn(data.rows, i));
  const series = find(data.columns, chart.series);
  let x = find(data.columns, chart.x);
  if (x < 0) x = kinds.findIndex((k, i) => (k === 'text' || k === 'date' || k === 'month') && i !== series);
  let y = (chart.y ?? []).map((c) => find(data.columns, c)).filter((i) => i >= 0);
  if (!y.length) y = kinds.flatMap((k, i) => (k === 'number' && i !== x && i !== series ? [i] : []));
  return { ...(x >= 0 ? { x } : {}), y, ...(series >= 0 ? { series } : {}) };
}

/** KPI band of a value. */
export function kpiStatus(value: number | null, t: KpiThresholds | undefined): KpiStatus | undefined {
  if (value === null || !t) return undefined;
  if (t.direction === 'higher-is-worse') return value >= t.red ? 'red' : value >= t.amber ? 'amber' : 'green';
  return value <= t.red ? 'red' : value <= t.amber ? 'amber' : 'green';
}

/** The figure a KPI widget shows: the first row's measure, its band and its change on the previous period. */
export function kpiFigure(chart: WidgetChart, result: WidgetResult): KpiFigure {
  const { y } = widgetColumns(chart, result);
  const i = y[0] ?? 0;
  const value = result.rows.length ? (toNumber(result.rows[0]![i]) ?? null) : null;
  const label = result.columns[i] ?? '';
  const status = kpiStatus(value, chart.thresholds);
  const previous = result.previous?.value;
  return {
    value,
    label,
    ...(status ? { status } : {}),
    ...(previous !== undefined ? { previous } : {}),
    ...(previous !== undefined && previous !== null && value !== null ? { change: value - previous } : {}),
  };
}

/** Rows of (x, series, y) -> one row per x with one column per series value. */
function pivot(data: ChartData, x: number, series: number, y: number): ChartData {
  const xs: unknown[] = [];
  const names: string[] = [];
  const cells = new Map<string, Map<string, unknown>>();
  for (const r of data.rows) {
    const xk = String(r[x]);
    const sk = String(r[series] ?? '(none)');
    if (!cells.has(xk)) {
      cells.set(xk, new Map());
      xs.push(r[x]);
    }
    if (!names.includes(sk)) names.push(sk);
    cells.get(xk)!.set(sk, r[y]);
  }
  return { columns: [data.columns[x]!, ...names], rows: xs.map((xv) => [xv, ...names.map((n) => cells.get(String(xv))!.get(n) ?? null)]) };
}

/** The spec and data a widget draws; undefined for KPI and table widgets, or when the result has nothing to draw. */
export function widgetSpec(chart: WidgetChart, result: ChartData): { spec: ChartSpec; data: ChartData } | undefined {
  if (chart.type === 'kpi' || chart.type === 'table' || !result.rows.length) return undefined;
  const { x, y, series } = widgetColumns(chart, result);
  if (chart.type === 'scatter') {
    if (y.length < 2) return undefined;
    return { spec: { kind: 'scatter', measures: [y[0]!, y[1]!], options: ['scatter', 'table'], reason: 'chosen on the widget' }, data: result };
  }
  if (x === undefined || !y.length) return undefined;
  const data = series !== undefined ? pivot(result, x, series, y[0]!) : result;
  const category = series !== undefined ? 0 : x;
  const measures = series !== undefined ? data.columns.slice(1).map((_, i) => i + 1) : chart.type === 'pie' ? [y[0]!] : y;
  const kind = chart.type === 'pie' ? 'pie' : chart.type === 'line' || chart.type === 'area' ? 'line' : 'bar';
  return { spec: { kind, category, measures, options: [kind, 'table'], reason: 'chosen on the widget' }, data };
}

/** The ECharts option of a widget (the same for the browser and the server's SVG). */
export function widgetOption(chart: WidgetChart, result: ChartData, opts: Parameters<typeof buildChartOption>[2] = {}): ChartOption | undefined {
  const s = widgetSpec(chart, result);
  if (!s) return undefined;
  const option = buildChartOption(s.spec, s.data, opts);
  if (!option) return undefined;
  if (chart.colors?.length) option.color = chart.colors;
  if ((chart.type === 'stacked-bar' || chart.type === 'area') && Array.isArray(option.series)) {
    option.series = (option.series as Record<string, unknown>[]).map((x) => ({ ...x, stack: 'total', ...(chart.type === 'area' ? { areaStyle: {} } : {}) }));
  }
  if (s.spec.measures.length > 1 && !option.legend) option.legend = { top: 0 };
  return option;
}
