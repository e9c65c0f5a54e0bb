/**
 * First paint of a dashboard: each chart widget's SVG drawn on the server from its cached result
 * with the same option the browser uses (chart.ts, ECharts' SVG renderer), at the size of its
 * box on the web grid. The browser shows it at once and hands the box to ECharts (tooltips,
 * resizing) when it is idle, so opening a dashboard does not wait for a dozen charts to be laid
 * out in the page. Drawn once per result and size (not per viewer): after each refresh, and on
 * the first request that finds none.
 */
import { echarts } from '../charts/index.js';
import { widgetOption } from './chart.js';
import { WEB_GRID } from './grid.js';
import type { LayoutItem, Widget } from './types.js';

const GRID = WEB_GRID;
/** A widget's frame around its chart: the title block above, the body's padding and the border. */
const FRAME = { x: 18, y: 56 } as const;

export interface FirstPaint {
  svg: string;
  width: number;
  height: number;
}

/** The size of a widget's chart on the grid, in CSS pixels. */
export function chartBox(pos: Pick<LayoutItem, 'w' | 'h'>): { width: number; height: number } {
  const col = (GRID.width - (GRID.cols - 1) * GRID.gap) / GRID.cols;
  const width = Math.round(pos.w * col + (pos.w - 1) * GRID.gap) - FRAME.x;
  const height = pos.h * GRID.rowHeight + (pos.h - 1) * GRID.gap - FRAME.y;
  return { width: Math.max(120, width), height: Math.max(120, height) };
}

/** The SVG of a chart widget, or undefined for KPI and table widgets and results with nothing to draw. */
export function drawWidget(w: Pick<Widget, 'chart' | 'result'>, size: { width: number; height: number }): FirstPaint | undefined {
  if (!w.result || w.chart.type === 'kpi' || w.chart.type === 'table') return undefined;
  const option = widgetOption(w.chart, w.result, { animation: false, width: size.width });
  if (!option) return undefined;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption(option as never);
    return { svg: chart.renderToSVGString(), ...size };
  } finally {
    chart.dispose();
  }
}

/** First paints by widget, kept while the widget's result, chart settings and size stay the same. */
export class FirstPaints {
  private readonly byWidget = new Map<string, { key: string; paint: FirstPaint | undefined }>();

  get(w: Widget, pos: Pick<LayoutItem, 'w' | 'h'> | undefined): FirstPaint | undefined {
    if (!w.result || w.chart.type === 'kpi' || w.chart.type === 'table') return undefined;
    const size = chartBox(pos ?? { w: 6, h: 8 });
    const key = `${w.dataAsOf}|${size.width}x${size.height}|${JSON.stringify(w.chart)}`;
    const hit = this.byWidget.get(w.id);
    if (hit?.key === key) return hit.paint;
    let paint: FirstPaint | undefined;
    try {
      paint = drawWidget(w, size);
    } catch {
      paint = undefined; // the browser draws it then
    }
    this.byWidget.set(w.id, { key, paint });
    return paint;
  }

  forget(widgetId: string): void {
    this.byWidget.delete(widgetId);
  }
}
