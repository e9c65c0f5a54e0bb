import { echarts } from './echarts-setup.js';
import { buildChartOption } from './option.js';
import type { ChartData, ChartSpec } from './types.js';

/**
 * Renders a chart to an SVG string without a DOM (for PDF reports and e-mail).
 * Returns undefined for KPI and table specs, which are not drawn as charts.
 */
export function renderChartSvg(spec: ChartSpec, data: ChartData, size: { width: number; height: number; title?: string }): string | undefined {
  const option = buildChartOption(spec, data, { title: size.title, animation: false, width: size.width });
  if (!option) return undefined;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption(option as never);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
