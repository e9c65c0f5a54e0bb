import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ChartKind } from '../../../charts/index.js';
import { api } from '../api.js';
import { dashboardsApi, type DashboardSummary, type WidgetChart } from '../dashboards-api.js';

const NEW = '__new__';

/** "Save as widget": saves the answer as a saved question and adds it to a dashboard (a new one or one of yours). */
export function SaveAsWidget({ auditId, kind, title }: { auditId: string; kind: ChartKind; title: string }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [boards, setBoards] = useState<DashboardSummary[]>([]);
  const [target, setTarget] = useState(NEW);
  const [name, setName] = useState('My dashboard');
  const [state, setState] = useState<'idle' | 'saving' | 'saved' | 'error'>('idle');
  const [message, setMessage] = useState('');
  if (state === 'saved') return <span className="muted small" role="status">{message}</span>;
  if (!open) {
    return (
      <button
        type="button"
        className="btn small"
        onClick={async () => {
          setOpen(true);
          const list = await dashboardsApi.list().catch(() => []);
          setBoards(list);
          if (list[0]) setTarget(list[0].id);
        }}
      >
        Save as widget
      </button>
    );
  }
  return (
    <form
      className="inline-form"
      aria-label="Save as widget"
      onSubmit={async (e) => {
        e.preventDefault();
        setState('saving');
        try {
          const s = await api.saved.save(auditId, { title, chart: { kind } });
          const board = target === NEW ? await dashboardsApi.create(name.trim() || 'My dashboard') : { id: target, name: boards.find((b) => b.id === target)?.name ?? '' };
          const chart: WidgetChart = { type: kind === 'kpi' ? 'kpi' : kind };
          await dashboardsApi.addWidget(board.id, { savedId: s.id, chart });
          await qc.invalidateQueries({ queryKey: ['dashboards'] });
          await qc.invalidateQueries({ queryKey: ['dashboard', board.id] });
          setMessage(`Added to the dashboard "${board.name}".`);
          setState('saved');
        } catch (err) {
          setMessage(err instanceof Error ? err.message : 'Not saved.');
          setState('error');
        }
      }}
    >
      <label>
        Dashboard{' '}
        <select value={target} onChange={(e) => setTarget(e.target.value)}>
          {boards.map((b) => (
            <option key={b.id} value={b.id}>
              {b.name}
            </option>
          ))}
          <option value={NEW}>New dashboard…</option>
        </select>
      </label>
      {target === NEW && (
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required />
        </label>
      )}
      <button type="submit" className="btn small primary" disabled={state === 'saving'}>
        Add widget
      </button>
      {state === 'error' && (
        <span className="error small" role="alert">
          {message}
        </span>
      )}
    </form>
  );
}
