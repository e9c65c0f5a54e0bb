import { layoutCategoryLabels } from './axis-labels.js';
import { toNumber } from './classify.js';
import type { ChartData, ChartSpec } from './types.js';

/** A plain ECharts option object (kept structural so this module does not need echarts' types at build time). */
export type ChartOption = Record<string, unknown>;

export const PALETTE = ['#2563eb', '#0d9488', '#d97706', '#7c3aed', '#dc2626', '#0891b2', '#65a30d', '#db2777'];

/** Human-readable column name: "failed_count" -> "Failed count". */
export function labelOf(column: string): string {
  const s = column.replace(/_/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A number the way people read it: thousands separators, at most two decimals. */
export function formatNumber(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: Math.abs(n) < 1 && n !== 0 ? 4 : 2 });
}

/** A cell for display: numbers formatted, null as an em dash, dates as they are. */
export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number' || typeof v === 'bigint') return formatNumber(Number(v));
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v);
}

const cat = (data: ChartData, spec: ChartSpec) => data.rows.map((r) => formatCategory(r[spec.category!]));
function formatCategory(v: unknown): string {
  if (v === null || v === undefined || v === '') return '(none)';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v);
}
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
  const valueAxis = { type: 'value', axisLabel: { formatter: (v: number) => compact(v) }, splitLine: { lineStyle: { color: '#e5e7eb' } } };
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
        tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? formatNumber(v) : String(v ?? '—')) },
        grid: { left: 16, right: 24, top: top + (spec.measures.length > 1 ? 24 : 0), bottom: 16 },
        xAxis: { type: 'category', data: categories, axisLabel, name: labelOf(data.columns[spec.category!] ?? ''), nameLocation: 'middle', nameGap: fixed ? fixed.nameGap : many ? 56 : 28 },
        yAxis: valueAxis,
        series: spec.measures.map((m) => ({
          type: spec.kind,
          name: labelOf(data.columns[m] ?? ''),
          data: values(data, m),
          ...(spec.kind === 'line' ? { smooth: false, showSymbol: data.rows.length <= 40 } : { barMaxWidth: 48 }),
        })),
      };
    }
    case 'pie':
      return {
        ...base,
        tooltip: { trigger: 'item', valueFormatter: (v: unknown) => (typeof v === 'number' ? formatNumber(v) : String(v ?? '—')) },
        legend: { orient: 'vertical', left: 0, top: 'middle' },
        series: [
          {
            type: 'pie',
            name: labelOf(data.columns[spec.measures[0]!] ?? ''),
            radius: ['35%', '70%'],
            center: ['60%', '55%'],
            label: { formatter: '{b}: {d}%' },
            data: data.rows.map((r) => ({ name: formatCategory(r[spec.category!]), value: toNumber(r[spec.measures[0]!]) ?? 0 })),
          },
        ],
      };
    case 'scatter': {
      const [x, y] = spec.measures as [number, number];
      return {
        ...base,
        tooltip: { trigger: 'item' },
        grid: { left: 16, right: 24, top, bottom: 16 },
        xAxis: { ...valueAxis, name: labelOf(data.columns[x] ?? ''), nameLocation: 'middle', nameGap: 28 },
        yAxis: { ...valueAxis, name: labelOf(data.columns[y] ?? '') },
        series: [{ type: 'scatter', data: data.rows.map((r) => [toNumber(r[x]) ?? null, toNumber(r[y]) ?? null]) }],
      };
    }
    default:
      return undefined;
  }
}

/** 1234567 -> "1.2M": for axis labels. */
export function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toFixed(1)}B`;
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(1)}K`;
  return formatNumber(v);
}
