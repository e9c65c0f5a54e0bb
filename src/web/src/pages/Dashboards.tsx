import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import ReactGridLayout, { useContainerWidth, type Layout } from 'react-grid-layout';
import 'react-grid-layout/css/styles.css';
import 'react-resizable/css/styles.css';
import { WidgetCard } from '../components/WidgetCard.js';
import { WidgetEditor } from '../components/WidgetEditor.js';
import { dashboardsApi, type DashboardFilters, type DashboardView, type LayoutItem, type WidgetView } from '../dashboards-api.js';

const split = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/** Dashboards: pick one, drag and resize its widgets, filter it, edit widgets, export it; real-time widgets update live. */
export function DashboardsPage({ canEdit }: { canEdit: boolean }) {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['dashboards'], queryFn: dashboardsApi.list });
  const [selected, setSelected] = useState<string | null>(() => new URLSearchParams(window.location.search).get('id'));
  const id = selected ?? list.data?.[0]?.id ?? null;
  const board = useQuery({ queryKey: ['dashboard', id], queryFn: () => dashboardsApi.get(id!), enabled: id !== null });
  const [editing, setEditing] = useState<WidgetView | null>(null);
  const [error, setError] = useState('');

  // live: refreshed widgets pushed by the server (one shared probe per table, no query per viewer)
  useEffect(() => {
    if (!id) return;
    const es = new EventSource(dashboardsApi.eventsUrl(id));
    es.addEventListener('widget', (ev) => {
      const w = JSON.parse((ev as MessageEvent<string>).data) as WidgetView;
      qc.setQueryData<DashboardView>(['dashboard', id], (d) => (d ? { ...d, widgets: d.widgets.map((x) => (x.id === w.id ? w : x)) } : d));
    });
    return () => es.close();
  }, [id, qc]);

  const setBoard = (d: DashboardView) => qc.setQueryData(['dashboard', d.id], d);
  const act = useMutation({
    mutationFn: async (f: () => Promise<unknown>) => f(),
    onError: (e) => setError(e instanceof Error ? e.message : String(e)),
    onSuccess: () => setError(''),
  });
  const run = (f: () => Promise<unknown>) => act.mutate(f);

  if (list.isPending) return <p className="muted">Loading dashboards…</p>;
  if (list.isError) return <p className="error" role="alert">{(list.error as Error).message}</p>;
  const d = board.data;

  return (
    <section className="dashboards" aria-labelledby="dash-title">
      <div className="dash-toolbar">
        <h1 id="dash-title" className="sr-only">
          Dashboards
        </h1>
        <label className="inline">
          Dashboard{' '}
          <select value={id ?? ''} onChange={(e) => setSelected(e.target.value)} aria-label="Dashboard">
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
            <a className="btn small" href={dashboardsApi.exportUrl(d.id, 'pdf')} download>
              Export PDF
            </a>
            <a className="btn small" href={dashboardsApi.exportUrl(d.id, 'png')} download>
              Export PNG
            </a>
            {d.editable && <Sharing d={d} onSave={(roles) => run(async () => setBoard(await dashboardsApi.share(d.id, { roles, users: d.sharing.users })))} />}
          </>
        )}
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {!d && !board.isPending && <p className="muted">No dashboard yet. Save an answer as a widget from Ask, or create one.</p>}
      {d && <FiltersBar key={d.id} d={d} onApply={(filters) => run(async () => setBoard(await dashboardsApi.update(d.id, { filters })))} />}
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

function Sharing({ d, onSave }: { d: DashboardView; onSave: (roles: ('viewer' | 'analyst')[]) => void }) {
  const roles = d.sharing.roles;
  const toggle = (r: 'viewer' | 'analyst') => onSave((roles.includes(r) ? roles.filter((x) => x !== r) : [...roles, r]).filter((x): x is 'viewer' | 'analyst' => x === 'viewer' || x === 'analyst'));
  return (
    <span className="inline small" role="group" aria-label="Shared with">
      Shared with:
      {(['viewer', 'analyst'] as const).map((r) => (
        <label key={r} className="inline">
          <input type="checkbox" checked={roles.includes(r)} onChange={() => toggle(r)} /> {r}s
        </label>
      ))}
    </span>
  );
}

function FiltersBar({ d, onApply }: { d: DashboardView; onApply: (f: DashboardFilters) => void }) {
  const [from, setFrom] = useState(d.filters.from ?? '');
  const [to, setTo] = useState(d.filters.to ?? '');
  const [counterparty, setCounterparty] = useState((d.filters.counterparty ?? []).join(', '));
  const [desk, setDesk] = useState((d.filters.desk ?? []).join(', '));
  const [currency, setCurrency] = useState((d.filters.currency ?? []).join(', '));
  return (
    <form
      className="filters-bar"
      aria-label="Dashboard filters"
      onSubmit={(e) => {
        e.preventDefault();
        const f: DashboardFilters = {};
        if (from) f.from = from;
        if (to) f.to = to;
        if (split(counterparty).length) f.counterparty = split(counterparty);
        if (split(desk).length) f.desk = split(desk);
        if (split(currency).length) f.currency = split(currency);
        onApply(f);
      }}
    >
      <label>
        From <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} disabled={!d.editable} />
      </label>
      <label>
        To <input type="date" value={to} onChange={(e) => setTo(e.target.value)} disabled={!d.editable} />
      </label>
      <label>
        Counterparty <input value={counterparty} onChange={(e) => setCounterparty(e.target.value)} placeholder="any" disabled={!d.editable} />
      </label>
      <label>
        Desk <input value={desk} onChange={(e) => setDesk(e.target.value)} placeholder="any" disabled={!d.editable} />
      </label>
      <label>
        Currency <input value={currency} onChange={(e) => setCurrency(e.target.value)} placeholder="any" size={8} disabled={!d.editable} />
      </label>
      {d.editable && (
        <button type="submit" className="btn small primary">
          Apply filters
        </button>
      )}
    </form>
  );
}

function Grid({ d, onLayout, onRefresh, onEdit, onRemove, onRegenerate }: { d: DashboardView; onLayout: (l: LayoutItem[]) => void; onRefresh: (w: WidgetView) => void; onEdit: (w: WidgetView) => void; onRemove: (w: WidgetView) => void; onRegenerate: (w: WidgetView) => void }) {
  const { width, containerRef, mounted } = useContainerWidth();
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
          gridConfig={{ cols: 12, rowHeight: 40, margin: [10, 10] }}
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
