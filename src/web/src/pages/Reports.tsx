import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, reportFileUrl, type ReportRun, type ReportTemplate, type SavedQuestion } from '../api.js';
import { dashboardsApi } from '../dashboards-api.js';

const FORMATS = ['csv', 'xlsx', 'pdf'] as const;
const STATUS_LABEL: Record<SavedQuestion['status'], string> = {
  current: 'current',
  same: 'same SQL under the active version',
  changed: 'no longer compiles the same',
  uncompilable: 'no longer compiles',
  'sql-only': 'saved SQL',
  'not-trained': 'nothing trained',
};

/** Reports: saved questions, templates (run now, pause, approve), run history with filters and downloads. */
export function ReportsPage({ isAdmin = false, me = '' }: { isAdmin?: boolean; me?: string }) {
  const qc = useQueryClient();
  const saved = useQuery({ queryKey: ['saved'], queryFn: api.saved.list });
  const templates = useQuery({ queryKey: ['report-templates'], queryFn: api.reports.templates });
  const [filters, setFilters] = useState({ templateId: '', status: '', from: '', to: '' });
  const runs = useQuery({ queryKey: ['report-runs', filters], queryFn: () => api.reports.runs(filters) });
  const [message, setMessage] = useState('');
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['report-templates'] });
    void qc.invalidateQueries({ queryKey: ['report-runs'] });
  };
  const act = useMutation({
    mutationFn: async (f: () => Promise<unknown>) => f(),
    onSuccess: () => {
      setMessage('');
      refresh();
    },
    onError: (e) => setMessage((e as Error).message),
  });
  const titleOf = (id: string) => templates.data?.find((t) => t.id === id)?.title ?? id.slice(0, 8);

  return (
    <div className="page">
      <h1>Reports</h1>
      {message && <p className="error" role="alert">{message}</p>}
      <section className="panel" aria-labelledby="saved-title">
        <h2 id="saved-title">Saved questions</h2>
        {saved.data?.length ? (
          <table className="result">
            <thead><tr><th>Title</th><th>Question</th><th>Saved</th><th>Status</th></tr></thead>
            <tbody>
              {saved.data.map((s) => (
                <tr key={s.id}>
                  <td>{s.title}</td>
                  <td>{s.question}</td>
                  <td>{s.createdAt.slice(0, 10)}</td>
                  <td title={s.statusText}>{STATUS_LABEL[s.status]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No saved questions yet: ask a question and press “Save question”.</p>
        )}
      </section>
      <NewTemplate saved={saved.data ?? []} canSchedule={isAdmin} onCreated={refresh} onError={setMessage} />
      <section className="panel" aria-labelledby="templates-title">
        <h2 id="templates-title">Templates</h2>
        {templates.data?.length ? (
          <table className="result">
            <thead><tr><th>Title</th><th>Formats</th><th>Targets</th><th>State</th><th>Actions</th></tr></thead>
            <tbody>
              {templates.data.map((t: ReportTemplate) => (
                <tr key={t.id}>
                  <td>{t.title}</td>
                  <td>{[...t.formats, ...(t.dashboard ? [`dashboard ${t.dashboard.formats.join(' + ').toUpperCase()}`] : [])].join(', ')}</td>
                  <td>{t.targets.map((x) => (x.channel === 'email' ? `e-mail ${x.to?.join(', ')}` : x.channel)).join('; ') || 'none'}{t.notify ? ` · failures told to ${t.notify.to?.join(', ') ?? t.notify.channel}` : ''}</td>
                  <td>{t.paused ? 'paused' : 'active'}{t.approval === 'pending' ? ', waits for a second admin' : t.approval === 'approved' ? `, approved by ${t.approvedBy}` : ''}</td>
                  <td className="actions">
                    <button type="button" className="btn small primary" disabled={act.isPending || t.approval === 'pending'} onClick={() => act.mutate(() => api.reports.run(t.id))}>Run now</button>
                    <button type="button" className="btn small" disabled={act.isPending} onClick={() => act.mutate(() => api.reports.pause(t.id, !t.paused))}>{t.paused ? 'Resume' : 'Pause'}</button>
                    {isAdmin && t.approval === 'pending' && t.owner !== me && (
                      <button type="button" className="btn small" onClick={() => act.mutate(() => api.reports.approve(t.id))}>Approve</button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No templates yet.</p>
        )}
      </section>
      <section className="panel" aria-labelledby="runs-title">
        <h2 id="runs-title">Run history</h2>
        <form className="filters" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
          <label>Template
            <select value={filters.templateId} onChange={(e) => setFilters({ ...filters, templateId: e.target.value })}>
              <option value="">any</option>
              {templates.data?.map((t) => <option key={t.id} value={t.id}>{t.title}</option>)}
            </select>
          </label>
          <label>Status
            <select value={filters.status} onChange={(e) => setFilters({ ...filters, status: e.target.value })}>
              {['', 'completed', 'partial', 'failed', 'rendered', 'rendering'].map((s) => <option key={s} value={s}>{s || 'any'}</option>)}
            </select>
          </label>
          <label>From <input type="date" value={filters.from} onChange={(e) => setFilters({ ...filters, from: e.target.value })} /></label>
          <label>To <input type="date" value={filters.to} onChange={(e) => setFilters({ ...filters, to: e.target.value })} /></label>
        </form>
        {runs.data?.length ? (
          <table className="result" aria-label="Report runs">
            <thead><tr><th>Started</th><th>Report</th><th>Status</th><th>Data as of</th><th>Files</th><th>Deliveries</th></tr></thead>
            <tbody>
              {runs.data.map((r: ReportRun) => (
                <tr key={r.id}>
                  <td>{r.startedAt.replace('T', ' ').slice(0, 19)}</td>
                  <td>{titleOf(r.templateId)}</td>
                  <td className={r.status === 'completed' ? 'ok' : 'error'} title={r.error ?? ''}>{r.status}</td>
                  <td>{r.asOf}</td>
                  <td>
                    {r.files.map((f) => (
                      <div key={f.name}>
                        <a href={reportFileUrl(r.id, f.name)} download title={`SHA-256 ${f.sha256}`}>{f.name}</a> <span className="muted small">{f.rows.toLocaleString('en-US')} rows, {(f.bytes / 1024).toFixed(0)} KB</span>
                      </div>
                    ))}
                  </td>
                  <td>
                    {r.deliveries.map((d, i) => (
                      <div key={i} title={d.error ?? ''}>{d.channel}: {d.status}{d.attempts > 1 ? ` after ${d.attempts} attempts` : ''}{d.recipients.length ? ` (${d.recipients.join(', ')})` : ''}</div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No runs match.</p>
        )}
      </section>
    </div>
  );
}

/** The saved question the Ask page's "Schedule as report" sent here (?saved=ID), if any. */
function prefilledSavedId(): string | undefined {
  return new URLSearchParams(window.location.search).get('saved') ?? undefined;
}
/** The dashboard the Dashboards page's "E-mail on a schedule" sent here (?dashboard=ID), if any. */
function prefilledDashboardId(): string {
  return new URLSearchParams(window.location.search).get('dashboard') ?? '';
}

const SCHEDULE_KINDS = [
  ['none', 'not scheduled (run it now from the list)'],
  ['daily', 'every day'],
  ['weekdays', 'every weekday'],
  ['every', 'every N minutes'],
] as const;

function NewTemplate({ saved, canSchedule, onCreated, onError }: { saved: SavedQuestion[]; canSchedule: boolean; onCreated: () => void; onError: (m: string) => void }) {
  const [title, setTitle] = useState('');
  const [intro, setIntro] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [formats, setFormats] = useState<string[]>(['csv', 'pdf']);
  const [to, setTo] = useState('');
  const [notify, setNotify] = useState('');
  const [when, setWhen] = useState({ kind: 'none', at: '07:00', minutes: '60', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' });
  const [prefill, setPrefill] = useState(prefilledSavedId);
  // a dashboard as the content (sent as PDF and/or PNG, its widgets refreshed at each run)
  const dashboards = useQuery({ queryKey: ['dashboards'], queryFn: dashboardsApi.list });
  const [dash, setDash] = useState(prefilledDashboardId);
  const [dashFormats, setDashFormats] = useState<string[]>(['pdf']);
  const [done, setDone] = useState('');
  const formRef = useRef<HTMLFormElement>(null);
  // "Schedule as report" from the Ask page: that question picked, its title as the report's, the form in view
  useEffect(() => {
    const s = prefill ? saved.find((x) => x.id === prefill) : undefined;
    if (!s) {
      const d = dash && !title ? dashboards.data?.find((x) => x.id === dash) : undefined;
      if (d) {
        setTitle(d.name);
        formRef.current?.scrollIntoView({ block: 'start' });
      }
      return;
    }
    setPicked([s.id]);
    setTitle(s.title);
    setPrefill(undefined);
    formRef.current?.scrollIntoView({ block: 'start' });
  }, [prefill, saved, dash, dashboards.data, title]);
  const spec = (): Record<string, unknown> | undefined => {
    const base = { timeZone: when.timeZone };
    if (when.kind === 'daily') return { kind: 'daily', at: when.at, ...base };
    if (when.kind === 'weekdays') return { kind: 'weekly', at: when.at, days: ['mon', 'tue', 'wed', 'thu', 'fri'], ...base };
    if (when.kind === 'every') return { kind: 'every', minutes: Number(when.minutes), ...base };
    return undefined;
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const list = (x: string) => x.split(',').map((y) => y.trim()).filter(Boolean);
    const recipients = list(to);
    const owners = list(notify);
    try {
      const t = await api.reports.create({ title, ...(intro ? { intro } : {}), items: picked.map((savedId) => ({ savedId })), formats: picked.length ? formats : [], ...(dash ? { dashboard: { dashboardId: dash, formats: dashFormats } } : {}), targets: recipients.length ? [{ channel: 'email', to: recipients }] : [], ...(owners.length ? { notify: { channel: 'email' as const, to: owners } } : {}) });
      const s = canSchedule ? spec() : undefined;
      if (s) await api.schedules.create({ name: title, handler: 'report', payload: { templateId: t.id }, spec: s, catchUp: 'latest' });
      setDone(s ? `“${title}” is scheduled.` : `“${title}” is created.`);
      setTitle('');
      setIntro('');
      setPicked([]);
      setDash('');
      if (prefilledSavedId() || prefilledDashboardId()) window.history.replaceState(null, '', '/reports');
      onCreated();
    } catch (err) {
      onError((err as Error).message);
    }
  };
  return (
    <form className="panel" id="new-template" aria-labelledby="new-title" onSubmit={submit} ref={formRef}>
      <h2 id="new-title">New template</h2>
      {done && <p className="ok" role="status">{done}</p>}
      <label>Title <input required value={title} onChange={(e) => setTitle(e.target.value)} /></label>
      <label>Intro <input value={intro} onChange={(e) => setIntro(e.target.value)} /></label>
      <fieldset>
        <legend>Questions</legend>
        {saved.map((s) => (
          <label key={s.id} className="check">
            <input type="checkbox" checked={picked.includes(s.id)} onChange={(e) => setPicked(e.target.checked ? [...picked, s.id] : picked.filter((x) => x !== s.id))} /> {s.title}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Dashboard</legend>
        <label>
          Send a dashboard{' '}
          <select value={dash} onChange={(e) => setDash(e.target.value)} aria-label="Dashboard to send">
            <option value="">none</option>
            {dashboards.data?.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        {dash &&
          (['pdf', 'png'] as const).map((f) => (
            <label key={f} className="check">
              <input type="checkbox" checked={dashFormats.includes(f)} onChange={(e) => setDashFormats(e.target.checked ? [...dashFormats, f] : dashFormats.filter((x) => x !== f))} /> Dashboard as {f.toUpperCase()}
            </label>
          ))}
      </fieldset>
      <fieldset>
        <legend>Formats</legend>
        {FORMATS.map((f) => (
          <label key={f} className="check">
            <input type="checkbox" checked={formats.includes(f)} onChange={(e) => setFormats(e.target.checked ? [...formats, f] : formats.filter((x) => x !== f))} /> {f.toUpperCase()}
          </label>
        ))}
      </fieldset>
      <label>E-mail to (comma-separated) <input value={to} onChange={(e) => setTo(e.target.value)} placeholder="ops@bank.example" /></label>
      <label>Tell me when a run fails (e-mail) <input value={notify} onChange={(e) => setNotify(e.target.value)} placeholder="me@bank.example" /></label>
      {canSchedule ? (
        <fieldset className="filters">
          <legend>Schedule</legend>
          <label>Runs
            <select value={when.kind} onChange={(e) => setWhen({ ...when, kind: e.target.value })}>
              {SCHEDULE_KINDS.map(([k, label]) => <option key={k} value={k}>{label}</option>)}
            </select>
          </label>
          {(when.kind === 'daily' || when.kind === 'weekdays') && <label>At <input type="time" value={when.at} onChange={(e) => setWhen({ ...when, at: e.target.value })} /></label>}
          {when.kind === 'every' && <label>Minutes <input type="number" min={1} max={1440} value={when.minutes} onChange={(e) => setWhen({ ...when, minutes: e.target.value })} /></label>}
          {when.kind !== 'none' && <label>Time zone <input value={when.timeZone} onChange={(e) => setWhen({ ...when, timeZone: e.target.value })} /></label>}
        </fieldset>
      ) : (
        <p className="muted small">An admin schedules the template (Scheduler); until then run it from the list.</p>
      )}
      <button type="submit" className="btn primary" disabled={!title || (picked.length === 0 && !dash) || (picked.length > 0 && formats.length === 0) || (dash !== '' && dashFormats.length === 0)}>{spec() && canSchedule ? 'Create and schedule' : 'Create template'}</button>
    </form>
  );
}
