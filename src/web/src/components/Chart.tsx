import { useEffect, useRef } from 'react';
import { buildChartOption, echarts, type ChartData, type ChartSpec } from '../../../charts/index.js';

/** Draws a chart spec with ECharts (SVG renderer), resizing with its box. */
export function Chart({ spec, data, label }: { spec: ChartSpec; data: ChartData; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = echarts.init(el, null, { renderer: 'svg' });
    const option = buildChartOption(spec, data);
    if (option) chart.setOption(option as never);
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      chart.dispose();
    };
  }, [spec, data]);
  return <div ref={ref} className="chart" role="img" aria-label={label} data-chart-kind={spec.kind} />;
}
