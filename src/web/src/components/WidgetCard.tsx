import { useLayoutEffect, useRef } from 'react';
import { echarts, formatNumber } from '../../../charts/index.js';
import { widgetOption } from '../../../dashboards/chart.js';
import type { WidgetView } from '../dashboards-api.js';
import { ResultTable } from './ResultTable.js';

/**
 * A widget's chart drawn from the same spec as the server's export (dashboards/chart.ts). On
 * opening a dashboard the server's drawing of it (firstPaint: ECharts' SVG of the same option at
 * the widget's grid size) is shown before the first frame, and ECharts takes the box over when
 * the browser is idle: a dozen charts are not laid out before anything shows. Drawn without the
 * entry animation; drawn again only when its box really changes size (a ResizeObserver reports
 * every box once as it starts observing), its category labels laid out again for a new width.
 */
function WidgetChartView({ w }: { w: WidgetView }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !w.result) return;
    if (w.firstPaint) el.innerHTML = w.firstPaint.svg.replace(/^<svg width="\d+" height="\d+"/, '<svg width="100%" height="100%" preserveAspectRatio="xMidYMid meet"');
    let chart: ReturnType<typeof echarts.init> | undefined;
    let ro: ResizeObserver | undefined;
    const draw = () => {
      el.innerHTML = '';
      chart = echarts.init(el, null, { renderer: 'svg' });
      // the category labels are laid out for the box's width (none hidden or overlapping), again when it changes
      const option = widgetOption(w.chart, w.result!, { animation: false, width: chart.getWidth() });
      if (option) chart.setOption(option as never);
      let [width, height] = [chart.getWidth(), chart.getHeight()];
      ro = new ResizeObserver(() => {
        if (!chart || (el.clientWidth === width && el.clientHeight === height)) return;
        const widthChanged = el.clientWidth !== width;
        [width, height] = [el.clientWidth, el.clientHeight];
        chart.resize();
        const next = widthChanged ? widgetOption(w.chart, w.result!, { animation: false, width: chart.getWidth() }) : undefined;
        if (next) chart.setOption(next as never);
      });
      ro.observe(el);
    };
    const idle = w.firstPaint ? whenIdle(draw) : (draw(), () => undefined);
    return () => {
      idle();
      ro?.disconnect();
      chart?.dispose();
    };
  }, [w.chart, w.result, w.firstPaint]);
  return <div ref={ref} className="widget-chart" role="img" aria-label={`${w.chart.type} chart: ${w.title}`} data-chart-type={w.chart.type} />;
}

/** Runs `f` when the browser is idle (within a second at most); returns the cancel function. */
function whenIdle(f: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(f, { timeout: 1000 });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(f, 50);
  return () => clearTimeout(id);
}

function asOf(iso: string | null): string {
  if (!iso) return 'not run yet';
  const d = new Date(iso);
  return `data as of ${d.toLocaleString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', day: '2-digit', month: 'short' })}`;
}

const REFRESH_LABEL = (w: WidgetView) =>
  w.refresh.mode === 'realtime' ? 'real time' : w.refresh.mode === 'every' ? `every ${w.refresh.minutes} min` : w.refresh.mode === 'daily' ? `daily ${w.refresh.at} ${w.refresh.timeZone}` : 'manual';

export function WidgetCard({ w, editable, onRefresh, onEdit, onRemove, onRegenerate }: { w: WidgetView; editable: boolean; onRefresh: () => void; onEdit: () => void; onRemove: () => void; onRegenerate: () => void }) {
  const k = w.kpi;
  const outdated = w.savedStatus === 'changed' || w.savedStatus === 'uncompilable';
  return (
    <article className={`widget${w.error ? ' has-error' : ''}`} aria-label={w.title} data-widget-id={w.id}>
      <header className="widget-head">
        <div className="widget-title">
          <h2 title={w.question ?? w.title}>{w.title}</h2>
          <p className="muted small" data-testid="as-of">
            {asOf(w.dataAsOf)} · {REFRESH_LABEL(w)}
          </p>
        </div>
        <div className="widget-actions">
          <button type="button" className="btn small icon" title="Refresh now" aria-label={`Refresh ${w.title}`} onClick={onRefresh}>
            ↻
          </button>
          {editable && (
            <>
              <button type="button" className="btn small icon" title="Edit" aria-label={`Edit ${w.title}`} onClick={onEdit}>
                ✎
              </button>
              <button type="button" className="btn small icon" title="Remove" aria-label={`Remove ${w.title}`} onClick={onRemove}>
                ×
              </button>
            </>
          )}
        </div>
      </header>
      {w.error && (
        <p className="widget-error" role="alert">
          Refresh failed: {w.error.message}
          {w.result ? ' (showing the last good result)' : ''}
        </p>
      )}
      {outdated && (
        <p className="widget-note">
          Saved under another training version, which reads it differently now.{' '}
          {editable && (
            <button type="button" className="btn small" onClick={onRegenerate}>
              Re-generate
            </button>
          )}
        </p>
      )}
      <div className="widget-body">
        {!w.result ? (
          <p className="muted">No result yet.</p>
        ) : w.chart.type === 'kpi' && k ? (
          <div className={`kpi-tile ${k.status ?? 'none'}`} data-kpi-status={k.status ?? 'none'}>
            <span className="kpi-value">{k.value === null ? '—' : formatNumber(k.value)}</span>
            <span className="kpi-label">{k.label.replace(/_/g, ' ')}</span>
            {k.change !== undefined && (
              <span className="kpi-trend">
                {k.change >= 0 ? '▲' : '▼'} {formatNumber(Math.abs(k.change))} vs previous period
              </span>
            )}
          </div>
        ) : w.chart.type === 'table' ? (
          <ResultTable columns={w.result.columns} rows={w.result.rows} caption={w.title} />
        ) : (
          <WidgetChartView w={w} />
        )}
      </div>
    </article>
  );
}
