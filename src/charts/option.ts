import { layoutCategoryLabels } from './axis-labels.js';
import { toNumber } from './classify.js';
import { abbreviate, formatCategory, formatCompact, formatValue, headerOf } from './format.js';
import type { ChartData, ChartSpec, ColumnFormat } from './types.js';

/** A plain ECharts option object (kept structural so this module does not need echarts' types at build time). */
export type ChartOption = Record<string, unknown>;

export const PALETTE = ['#2563eb', '#0d9488', '#d97706', '#7c3aed', '#dc2626', '#0891b2', '#65a30d', '#db2777'];

/** A cell for display: the column's format when given (exact figures, % sign, dates, codes named). */
export function formatCell(v: unknown, format?: ColumnFormat): string {
  return formatValue(v, format);
}

const fmt = (data: ChartData, i: number | undefined) => (i === undefined ? undefined : data.formats?.[i]);
const header = (data: ChartData, i: number) => headerOf(data.columns[i] ?? '', fmt(data, i));
const cat = (data: ChartData, spec: ChartSpec) => data.rows.map((r) => formatCategory(r[spec.category!], fmt(data, spec.category)));
const values = (data: ChartData, i: number) => data.rows.map((r) => toNumber(r[i]) ?? null);

/**
 * The ECharts option for a chart spec. KPI and table are not ECharts charts (the surface shows
 * the number or the table itself): for those this returns undefined.
 */
/**
 * `width` (pixels), when the chart's size is fixed (the server's SVG): the category labels are laid
 * out for it so they never overlap (layoutCategoryLabels); without it (the browser, resizable) the
 * labels rotate past a rule of thumb and ECharts hides those that would overlap.
 */
export function buildChartOption(spec: ChartSpec, data: ChartData, opts: { title?: string; animation?: boolean; width?: number } = {}): ChartOption | undefined {
  const base: ChartOption = {
    color: PALETTE,
    animation: opts.animation ?? true,
    textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
    ...(opts.title ? { title: { text: opts.title, left: 'center', textStyle: { fontSize: 14, fontWeight: 600 } } } : {}),
  };
  const top = opts.title ? 40 : 16;
  const legend = spec.measures.length > 1 ? { legend: { top: opts.title ? 24 : 0 } } : {};
  const first = fmt(data, spec.measures[0]);
  const axisOf = (f: ColumnFormat | undefined) => ({ type: 'value', axisLabel: { formatter: (v: number) => formatCompact(v, f) }, splitLine: { lineStyle: { color: '#e5e7eb' } } });
  // whole numbers only (counts): no 0.2 steps between 0 and 1 on the axis
  const whole = spec.measures.length > 0 && spec.measures.every((m) => values(data, m).every((v) => v === null || Number.isInteger(v)));
  const valueAxis = { ...axisOf(first), ...(whole ? { minInterval: 1 } : {}) };
  // a tooltip's figure: abbreviated like the axis, with its series' unit
  const tip = (seriesIndex: number) => (v: unknown) => (typeof v === 'number' ? formatCompact(v, fmt(data, spec.measures[seriesIndex])) : String(v ?? '—'));
  switch (spec.kind) {
    case 'bar':
    case 'line': {
      const categories = cat(data, spec);
      const longest = Math.max(0, ...categories.map((c) => c.length));
      const many = categories.length > 24 || categories.length * Math.min(longest + 2, 26) > 130;
      const fixed = opts.width !== undefined ? layoutCategoryLabels(categories, opts.width) : undefined;
      const axisLabel = fixed
        ? { rotate: fixed.rotate, interval: fixed.interval, width: fixed.width, overflow: 'truncate', hideOverlap: false }
        : many
          ? { rotate: 30, interval: spec.kind === 'bar' && categories.length <= 30 ? 0 : 'auto', width: 140, overflow: 'truncate' }
          : { interval: 0, hideOverlap: true };
      return {
        ...base,
        ...legend,
        tooltip: {
          trigger: 'axis',
          formatter: (items: { axisValueLabel?: string; marker?: string; seriesName?: string; seriesIndex?: number; value?: unknown }[]) =>
            [items[0]?.axisValueLabel ?? '', ...items.map((it) => `${it.marker ?? ''}${it.seriesName ?? ''}: <b>${tip(it.seriesIndex ?? 0)(it.value)}</b>`)].join('<br/>'),
        },
        grid: { left: 16, right: 24, top: top + (spec.measures.length > 1 ? 24 : 0), bottom: 16 },
        xAxis: { type: 'category', data: categories, axisLabel, name: header(data, spec.category!), nameLocation: 'middle', nameGap: fixed ? fixed.nameGap : many ? 56 : 28 },
        yAxis: valueAxis,
        series: spec.measures.map((m) => ({
          type: spec.kind,
          name: header(data, m),
          data: values(data, m),
          ...(spec.kind === 'line' ? { smooth: false, showSymbol: data.rows.length <= 40 } : { barMaxWidth: 48 }),
        })),
      };
    }
    case 'pie':
      return {
        ...base,
        tooltip: { trigger: 'item', valueFormatter: tip(0) },
        legend: { orient: 'vertical', left: 0, top: 'middle' },
        series: [
          {
            type: 'pie',
            name: header(data, spec.measures[0]!),
            radius: ['35%', '70%'],
            center: ['60%', '55%'],
            label: { formatter: '{b}: {d}%' },
            data: data.rows.map((r) => ({ name: formatCategory(r[spec.category!], fmt(data, spec.category)), value: toNumber(r[spec.measures[0]!]) ?? 0 })),
          },
        ],
      };
    case 'scatter': {
      const [x, y] = spec.measures as [number, number];
      return {
        ...base,
        tooltip: { trigger: 'item' },
        grid: { left: 16, right: 24, top, bottom: 16 },
        xAxis: { ...axisOf(fmt(data, x)), name: header(data, x), nameLocation: 'middle', nameGap: 28 },
        yAxis: { ...axisOf(fmt(data, y)), name: header(data, y) },
        series: [{ type: 'scatter', data: data.rows.map((r) => [toNumber(r[x]) ?? null, toNumber(r[y]) ?? null]) }],
      };
    }
    default:
      return undefined;
  }
}

/** 1234567 -> "1.2m": for axis labels. */
export function compact(v: number): string {
  return abbreviate(v);
}
