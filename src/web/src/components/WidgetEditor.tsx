import { useState } from 'react';
import { CHART_TYPES } from '../../../dashboards/types.js';
import type { RefreshPolicy, WidgetChart, WidgetView } from '../dashboards-api.js';

/** Edits a widget: chart type, axes and series, colour, KPI thresholds and trend, refresh policy. */
export function WidgetEditor({ w, onSave, onCancel }: { w: WidgetView; onSave: (patch: { title: string; chart: WidgetChart; refresh: RefreshPolicy }) => Promise<void>; onCancel: () => void }) {
  const cols = w.result?.columns ?? [];
  const [title, setTitle] = useState(w.title);
  const [type, setType] = useState<WidgetChart['type']>(w.chart.type);
  const [x, setX] = useState(w.chart.x ?? '');
  const [series, setSeries] = useState(w.chart.series ?? '');
  const [colour, setColour] = useState(w.chart.colors?.[0] ?? '#2563eb');
  const [useColour, setUseColour] = useState(Boolean(w.chart.colors?.length));
  const [direction, setDirection] = useState(w.chart.thresholds?.direction ?? 'higher-is-worse');
  const [amber, setAmber] = useState(w.chart.thresholds ? String(w.chart.thresholds.amber) : '');
  const [red, setRed] = useState(w.chart.thresholds ? String(w.chart.thresholds.red) : '');
  const [trend, setTrend] = useState(Boolean(w.chart.trend));
  const [mode, setMode] = useState<RefreshPolicy['mode']>(w.refresh.mode);
  const [minutes, setMinutes] = useState(w.refresh.mode === 'every' ? String(w.refresh.minutes) : '15');
  const [at, setAt] = useState(w.refresh.mode === 'daily' ? w.refresh.at : '07:00');
  const [zone, setZone] = useState(w.refresh.mode === 'daily' ? w.refresh.timeZone : Intl.DateTimeFormat().resolvedOptions().timeZone);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  return (
    <div className="dialog-backdrop">
      <form
        className="dialog panel"
        aria-label="Edit widget"
        onSubmit={async (e) => {
          e.preventDefault();
          const chart: WidgetChart = { type, ...(x ? { x } : {}), ...(series ? { series } : {}), ...(useColour ? { colors: [colour] } : {}), ...(type === 'kpi' && trend ? { trend: true } : {}) };
          if (type === 'kpi' && amber !== '' && red !== '') chart.thresholds = { direction, amber: Number(amber), red: Number(red) };
          const refresh: RefreshPolicy = mode === 'every' ? { mode, minutes: Number(minutes) } : mode === 'daily' ? { mode, at, timeZone: zone } : { mode };
          setBusy(true);
          try {
            await onSave({ title, chart, refresh });
          } catch (err) {
            setError(err instanceof Error ? err.message : 'Not saved.');
          } finally {
            setBusy(false);
          }
        }}
      >
        <h2>Edit widget</h2>
        <label>
          Title <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} />
        </label>
        <label>
          Chart type{' '}
          <select value={type} onChange={(e) => setType(e.target.value as WidgetChart['type'])}>
            {CHART_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        {type !== 'kpi' && type !== 'table' && (
          <>
            <label>
              X axis{' '}
              <select value={x} onChange={(e) => setX(e.target.value)}>
                <option value="">automatic</option>
                {cols.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            </label>
            <label>
              Series from{' '}
              <select value={series} onChange={(e) => setSeries(e.target.value)}>
                <option value="">none</option>
                {cols.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            </label>
            <label className="inline">
              <input type="checkbox" checked={useColour} onChange={(e) => setUseColour(e.target.checked)} /> Own colour <input type="color" value={colour} onChange={(e) => setColour(e.target.value)} aria-label="Colour" />
            </label>
          </>
        )}
        {type === 'kpi' && (
          <fieldset>
            <legend>KPI thresholds</legend>
            <label>
              Direction{' '}
              <select value={direction} onChange={(e) => setDirection(e.target.value as typeof direction)}>
                <option value="higher-is-worse">higher is worse</option>
                <option value="higher-is-better">higher is better</option>
              </select>
            </label>
            <label>
              Amber at <input type="number" step="any" value={amber} onChange={(e) => setAmber(e.target.value)} aria-label="Amber at" />
            </label>
            <label>
              Red at <input type="number" step="any" value={red} onChange={(e) => setRed(e.target.value)} aria-label="Red at" />
            </label>
            <label className="inline">
              <input type="checkbox" checked={trend} onChange={(e) => setTrend(e.target.checked)} /> Trend against the previous period
            </label>
          </fieldset>
        )}
        <fieldset>
          <legend>Refresh</legend>
          <select value={mode} onChange={(e) => setMode(e.target.value as RefreshPolicy['mode'])} aria-label="Refresh">
            <option value="manual">manual</option>
            <option value="every">every N minutes</option>
            <option value="daily">daily at a time</option>
            <option value="realtime">real time</option>
          </select>
          {mode === 'every' && (
            <label>
              Minutes <input type="number" min={1} max={1440} value={minutes} onChange={(e) => setMinutes(e.target.value)} />
            </label>
          )}
          {mode === 'daily' && (
            <>
              <label>
                At <input type="time" value={at} onChange={(e) => setAt(e.target.value)} />
              </label>
              <label>
                Time zone <input value={zone} onChange={(e) => setZone(e.target.value)} />
              </label>
            </>
          )}
        </fieldset>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="btn primary" disabled={busy}>
            Save
          </button>
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
