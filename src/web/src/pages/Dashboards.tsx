import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useLayoutEffect, useMemo, useState } from 'react';
import ReactGridLayout, { useContainerWidth, type Layout } from 'react-grid-layout';
import 'react-grid-layout/css/styles.css';
import 'react-resizable/css/styles.css';
import { ShareDialog } from '../components/ShareDialog.js';
import { WidgetCard } from '../components/WidgetCard.js';
import { WidgetEditor } from '../components/WidgetEditor.js';
import { WEB_GRID } from '../../../dashboards/grid.js';
import { takeOver } from '../first-paint.js';
import { dashboardsApi, filtersQuery, type DashboardFilters, type DashboardView, type LayoutItem, type WidgetView } from '../dashboards-api.js';

const split = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/** The viewer's own filters in the page's address (?id=…&desk=…&from=…), so a filtered view can be reloaded and passed on. */
function filtersFromUrl(): DashboardFilters | null {
  const q = new URLSearchParams(window.location.search);
  if (q.get('mine') !== '1') return null;
  const f: DashboardFilters = {};
  if (q.get('from')) f.from = q.get('from')!;
  if (q.get('to')) f.to = q.get('to')!;
  for (const k of ['counterparty', 'desk', 'currency'] as const) if (q.getAll(k).length) f[k] = q.getAll(k);
  return f;
}
function filtersToUrl(id: string | null, f: DashboardFilters | null) {
  const q = new URLSearchParams(f ? filtersQuery(f) : '');
  if (f) q.set('mine', '1');
  if (id) q.set('id', id);
  window.history.replaceState(window.history.state, '', `${window.location.pathname}?${q.toString()}`);
}
const describeFilters = (f: DashboardFilters) =>
  [f.from || f.to ? `${f.from ?? '…'} to ${f.to ?? '…'}` : '', ...(['counterparty', 'desk', 'currency'] as const).map((k) => (f[k]?.length ? `${k} ${f[k]!.join(', ')}` : ''))].filter(Boolean).join('; ') || 'none';

/** Dashboards: pick one, drag and resize its widgets, filter it, edit widgets, export it; real-time widgets update live. */
export function DashboardsPage({ canEdit }: { canEdit: boolean }) {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['dashboards'], queryFn: dashboardsApi.list });
  const [selected, setSelected] = useState<string | null>(() => new URLSearchParams(window.location.search).get('id'));
  const id = selected ?? list.data?.[0]?.id ?? null;
  const board = useQuery({ queryKey: ['dashboard', id], queryFn: () => dashboardsApi.get(id!), enabled: id !== null });
  // the viewer's own filters: the widgets re-run with them on the server, nothing saved
  const [mine, setMine] = useState<DashboardFilters | null>(filtersFromUrl);
  const personal = useQuery({ queryKey: ['dashboard-view', id, mine ? filtersQuery(mine) : null], queryFn: () => dashboardsApi.view(id!, mine!), enabled: id !== null && mine !== null });
  const [editing, setEditing] = useState<WidgetView | null>(null);
  const [sharing, setSharing] = useState(false);
  const [error, setError] = useState('');
  const applyMine = (f: DashboardFilters | null) => {
    setMine(f);
    filtersToUrl(id, f);
  };

  // live: refreshed widgets pushed by the server (one shared probe per table, no query per viewer)
  useEffect(() => {
    if (!id) return;
    const es = new EventSource(dashboardsApi.eventsUrl(id));
    es.addEventListener('widget', (ev) => {
      const w = JSON.parse((ev as MessageEvent<string>).data) as WidgetView;
      qc.setQueryData<DashboardView>(['dashboard', id], (d) => (d ? { ...d, widgets: d.widgets.map((x) => (x.id === w.id ? w : x)) } : d));
      // a viewer's own view of it is stale now: ask again (one run per widget and filters on the server, shared by every viewer of them)
      void qc.invalidateQueries({ queryKey: ['dashboard-view', id] });
    });
    return () => es.close();
  }, [id, qc]);

  // nothing of the server's drawing to keep: an error, no dashboard, or the viewer's own filters
  const nothingDrawn = list.isError || board.isError || (!list.isPending && id === null) || mine !== null;
  useLayoutEffect(() => {
    if (nothingDrawn) takeOver();
  }, [nothingDrawn]);

  const setBoard = (d: DashboardView) => qc.setQueryData(['dashboard', d.id], d);
  const act = useMutation({
    mutationFn: async (f: () => Promise<unknown>) => f(),
    onError: (e) => setError(e instanceof Error ? e.message : String(e)),
    onSuccess: () => {
      setError('');
      if (mine) void qc.invalidateQueries({ queryKey: ['dashboard-view', id] });
    },
  });
  const run = (f: () => Promise<unknown>) => act.mutate(f);

  if (list.isPending) return <p className="muted">Loading dashboards…</p>;
  if (list.isError) return <p className="error" role="alert">{(list.error as Error).message}</p>;
  const d = mine !== null ? (personal.data ?? (personal.isError ? board.data : undefined)) : board.data;

  return (
    <section className="dashboards" aria-labelledby="dash-title">
      <div className="dash-toolbar">
        <h1 id="dash-title" className="sr-only">
          Dashboards
        </h1>
        <label className="inline">
          Dashboard{' '}
          <select
            value={id ?? ''}
            onChange={(e) => {
              setSelected(e.target.value);
              setMine(null);
              filtersToUrl(e.target.value, null);
            }}
            aria-label="Dashboard"
          >
            {list.data.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </label>
        {canEdit && (
          <button
            type="button"
            className="btn small"
            onClick={() => {
              const name = window.prompt('Name of the new dashboard', 'My dashboard');
              if (name) run(async () => {
                const n = await dashboardsApi.create(name);
                await qc.invalidateQueries({ queryKey: ['dashboards'] });
                setSelected(n.id);
              });
            }}
          >
            New
          </button>
        )}
        {d && (
          <>
            {d.editable && (
              <button
                type="button"
                className="btn small"
                onClick={() => {
                  const name = window.prompt('New name', d.name);
                  if (name) run(async () => {
                    setBoard(await dashboardsApi.update(d.id, { name }));
                    await qc.invalidateQueries({ queryKey: ['dashboards'] });
                  });
                }}
              >
                Rename
              </button>
            )}
            {canEdit && (
              <button type="button" className="btn small" onClick={() => run(async () => {
                const c = await dashboardsApi.duplicate(d.id);
                await qc.invalidateQueries({ queryKey: ['dashboards'] });
                setSelected(c.id);
              })}>
                Duplicate
              </button>
            )}
            {d.editable && (
              <button type="button" className="btn small" onClick={() => {
                if (window.confirm(`Delete the dashboard "${d.name}"?`)) run(async () => {
                  await dashboardsApi.remove(d.id);
                  setSelected(null);
                  await qc.invalidateQueries({ queryKey: ['dashboards'] });
                });
              }}>
                Delete
              </button>
            )}
            <button type="button" className="btn small" onClick={() => run(async () => {
              const ws = await dashboardsApi.refresh(d.id);
              setBoard({ ...d, widgets: d.widgets.map((w) => ws.find((x) => x.id === w.id) ?? w) });
            })}>
              Refresh all
            </button>
            <a className="btn small" href={dashboardsApi.exportUrl(d.id, 'pdf', mine)} download>
              Export PDF
            </a>
            <a className="btn small" href={dashboardsApi.exportUrl(d.id, 'png', mine)} download>
              Export PNG
            </a>
            {canEdit && (
              <a className="btn small" href={`/reports?dashboard=${encodeURIComponent(d.id)}#new-template`} title="A report of the Extract Manager: the dashboard as PDF or PNG to e-mail, Slack, Teams or SharePoint, on a schedule">
                E-mail on a schedule…
              </a>
            )}
            {d.editable && (
              <>
                <span className="muted small" data-testid="shared-with">
                  {d.sharing.roles.length || d.sharing.users.length ? `Shared with ${[...d.sharing.roles.map((r) => `${r}s`), ...d.sharing.users].join(', ')}` : 'Not shared'}
                </span>
                <button type="button" className="btn small" onClick={() => setSharing(true)}>
                  Share…
                </button>
              </>
            )}
          </>
        )}
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {!d && !board.isPending && <p className="muted">No dashboard yet. Save an answer as a widget from Ask, or create one.</p>}
      {mine !== null && personal.isPending && <p className="muted">Running the widgets with your filters…</p>}
      {mine !== null && personal.isError && (
        <p className="error" role="alert">
          {(personal.error as Error).message}
        </p>
      )}
      {d && (
        <FiltersBar
          key={`${d.id}-${mine ? filtersQuery(mine) : 'saved'}`}
          d={d}
          mine={mine}
          onSave={(filters) =>
            run(async () => {
              setBoard(await dashboardsApi.update(d.id, { filters }));
              applyMine(null);
            })
          }
          onMine={applyMine}
        />
      )}
      {d && mine !== null && personal.data && (
        <p className="viewer-filters-note muted small" role="status">
          Filtered for you, not saved: {describeFilters(mine)}. The dashboard's own filters: {describeFilters(personal.data.defaultFilters ?? {})}.
          {personal.data.widgets.some((w) => w.filtered?.skipped.length) &&
            ` Not narrowed: ${personal.data.widgets
              .filter((w) => w.filtered?.skipped.length)
              .map((w) => `${w.title} (no ${w.filtered!.skipped.join(', ')})`)
              .join('; ')}.`}
        </p>
      )}
      {d && sharing && (
        <ShareDialog
          dashboardId={d.id}
          name={d.name}
          onCancel={() => setSharing(false)}
          onSave={async (s) => {
            const n = await dashboardsApi.share(d.id, s);
            if (mine === null) setBoard(n);
            else qc.setQueryData(['dashboard', d.id], n);
            await qc.invalidateQueries({ queryKey: ['dashboard-sharing', d.id] });
            setSharing(false);
          }}
        />
      )}
      {d && (
        <Grid
          d={d}
          onLayout={(layout) => run(async () => setBoard(await dashboardsApi.update(d.id, { layout })))}
          onRefresh={(w) => run(async () => {
            const n = await dashboardsApi.refreshWidget(d.id, w.id);
            setBoard({ ...d, widgets: d.widgets.map((x) => (x.id === n.id ? n : x)) });
          })}
          onEdit={setEditing}
          onRemove={(w) => run(async () => {
            await dashboardsApi.removeWidget(d.id, w.id);
            setBoard(await dashboardsApi.get(d.id));
          })}
          onRegenerate={(w) => run(async () => {
            const n = await dashboardsApi.regenerate(d.id, w.id);
            setBoard({ ...d, widgets: d.widgets.map((x) => (x.id === n.id ? n : x)) });
          })}
        />
      )}
      {d && editing && (
        <WidgetEditor
          w={editing}
          onCancel={() => setEditing(null)}
          onSave={async (patch) => {
            const n = await dashboardsApi.updateWidget(d.id, editing.id, patch);
            setBoard({ ...d, widgets: d.widgets.map((x) => (x.id === n.id ? n : x)) });
            setEditing(null);
          }}
        />
      )}
    </section>
  );
}

/**
 * The filter bar. Editors save the dashboard's filters (every viewer's default) with "Apply
 * filters"; anyone who sees the dashboard applies filters for themselves ("Apply for me"),
 * nothing saved, and goes back to the dashboard's own with "Reset".
 */
function FiltersBar({ d, mine, onSave, onMine }: { d: DashboardView; mine: DashboardFilters | null; onSave: (f: DashboardFilters) => void; onMine: (f: DashboardFilters | null) => void }) {
  const shown = mine ?? d.filters;
  const [from, setFrom] = useState(shown.from ?? '');
  const [to, setTo] = useState(shown.to ?? '');
  const [counterparty, setCounterparty] = useState((shown.counterparty ?? []).join(', '));
  const [desk, setDesk] = useState((shown.desk ?? []).join(', '));
  const [currency, setCurrency] = useState((shown.currency ?? []).join(', '));
  const value = (): DashboardFilters => {
    const f: DashboardFilters = {};
    if (from) f.from = from;
    if (to) f.to = to;
    if (split(counterparty).length) f.counterparty = split(counterparty);
    if (split(desk).length) f.desk = split(desk);
    if (split(currency).length) f.currency = split(currency);
    return f;
  };
  return (
    <form
      className="filters-bar"
      aria-label="Dashboard filters"
      onSubmit={(e) => {
        e.preventDefault();
        if (d.editable) onSave(value());
        else onMine(value());
      }}
    >
      <label>
        From <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        To <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      <label>
        Counterparty <input value={counterparty} onChange={(e) => setCounterparty(e.target.value)} placeholder="any" />
      </label>
      <label>
        Desk <input value={desk} onChange={(e) => setDesk(e.target.value)} placeholder="any" />
      </label>
      <label>
        Currency <input value={currency} onChange={(e) => setCurrency(e.target.value)} placeholder="any" size={8} />
      </label>
      {d.editable ? (
        <>
          <button type="submit" className="btn small primary" title="Save these filters as the dashboard's own (every viewer's default)">
            Apply filters
          </button>
          <button type="button" className="btn small" onClick={() => onMine(value())} title="Only for you, nothing saved">
            Just for me
          </button>
        </>
      ) : (
        <button type="submit" className="btn small primary" title="Only for you, nothing saved">
          Apply for me
        </button>
      )}
      {mine !== null && (
        <button type="button" className="btn small" onClick={() => onMine(null)}>
          Reset to the dashboard's filters
        </button>
      )}
    </form>
  );
}

function Grid({ d, onLayout, onRefresh, onEdit, onRemove, onRegenerate }: { d: DashboardView; onLayout: (l: LayoutItem[]) => void; onRefresh: (w: WidgetView) => void; onEdit: (w: WidgetView) => void; onRemove: (w: WidgetView) => void; onRegenerate: (w: WidgetView) => void }) {
  const { width, containerRef, mounted } = useContainerWidth();
  // the grid with every widget is in place (their first paints set in their own layout effects): the server's drawing goes in the same frame
  useLayoutEffect(() => {
    if (mounted) takeOver();
  }, [mounted]);
  const layout = useMemo(
    () => d.widgets.map((w, n) => d.layout.find((l) => l.i === w.id) ?? { i: w.id, x: (n % 2) * 6, y: 100 + n * 8, w: 6, h: 8 }),
    [d.layout, d.widgets],
  );
  const save = (l: Layout) => {
    const next = l.map(({ i, x, y, w, h }) => ({ i, x, y, w, h }));
    const same = next.every((n) => {
      const o = layout.find((x) => x.i === n.i);
      return o && o.x === n.x && o.y === n.y && o.w === n.w && o.h === n.h;
    });
    if (!same) onLayout(next);
  };
  return (
    <div ref={containerRef} className="grid-wrap">
      {mounted && (
        <ReactGridLayout
          layout={layout}
          width={width}
          gridConfig={{ cols: WEB_GRID.cols, rowHeight: WEB_GRID.rowHeight, margin: [WEB_GRID.gap, WEB_GRID.gap] }}
          dragConfig={{ enabled: d.editable, handle: '.widget-head', cancel: 'button' }}
          resizeConfig={{ enabled: d.editable }}
          onDragStop={(l) => save(l)}
          onResizeStop={(l) => save(l)}
        >
          {d.widgets.map((w) => (
            <div key={w.id} className="grid-item">
              <WidgetCard w={w} editable={d.editable} onRefresh={() => onRefresh(w)} onEdit={() => onEdit(w)} onRemove={() => onRemove(w)} onRegenerate={() => onRegenerate(w)} />
            </div>
          ))}
        </ReactGridLayout>
      )}
    </div>
  );
}
