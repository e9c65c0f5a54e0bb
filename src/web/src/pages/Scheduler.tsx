import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type RunView, type ScheduleOverview } from '../api.js';

const when = (iso: string, zone: string) => new Date(iso).toLocaleString('en-GB', { timeZone: zone, weekday: 'short', day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit' });
const utc = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 19) + ' UTC' : '');

/** Scheduler (admins): every schedule with its next five fire times, last run and state; run history; pause, resume, run now; a new schedule. */
export function SchedulerPage() {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['schedules'], queryFn: api.schedules.list, refetchInterval: 5000 });
  const [selected, setSelected] = useState<string | null>(null);
  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'pause' | 'resume' | 'run' }) => api.schedules.action(id, action),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['schedules'] }),
  });
  const sel = list.data?.schedules.find((s) => s.schedule.id === selected);
  return (
    <div className="page scheduler">
      <h1>Scheduler</h1>
      {list.data && (
        <p className={list.data.health.ok ? 'muted' : 'error'} role={list.data.health.ok ? undefined : 'alert'}>
          Backend: {list.data.health.backend}
          {list.data.health.ok ? ', running' : `: unavailable since ${utc(list.data.health.since ?? null)} (${list.data.health.error}). Schedules are kept; runs resume when it is back.`}
        </p>
      )}
      <section className="panel">
        {list.isError && <p className="error" role="alert">{(list.error as Error).message}</p>}
        {list.data ? (
          list.data.schedules.length ? (
            <table className="result">
              <thead>
                <tr>
                  <th scope="col">Schedule</th>
                  <th scope="col">When</th>
                  <th scope="col">State</th>
                  <th scope="col">Next fire times</th>
                  <th scope="col">Last run</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {list.data.schedules.map((o) => (
                  <ScheduleRow key={o.schedule.id} o={o} selected={o.schedule.id === selected} onSelect={() => setSelected(o.schedule.id)} onAction={(action) => act.mutate({ id: o.schedule.id, action })} busy={act.isPending} />
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">No schedules yet.</p>
          )
        ) : (
          <p className="muted">Loading…</p>
        )}
        {act.isError && <p className="error" role="alert">{(act.error as Error).message}</p>}
      </section>
      {sel && <RunHistory o={sel} />}
      <NewSchedule calendars={list.data?.calendars ?? []} />
    </div>
  );
}

function ScheduleRow({ o, selected, onSelect, onAction, busy }: { o: ScheduleOverview; selected: boolean; onSelect: () => void; onAction: (a: 'pause' | 'resume' | 'run') => void; busy: boolean }) {
  const s = o.schedule;
  return (
    <tr aria-selected={selected}>
      <td>
        <button type="button" className="link" onClick={onSelect}>{s.name}</button>
        <div className="muted">{s.handler} · catch-up {s.catchUp}</div>
      </td>
      <td>{s.description}</td>
      <td>{s.state}</td>
      <td>
        <ol className="plain">
          {o.nextFires.map((t) => (
            <li key={t}>{when(t, s.spec.timeZone)}</li>
          ))}
        </ol>
      </td>
      <td>{o.lastRun ? `${o.lastRun.state} · ${utc(o.lastRun.scheduledAt)}` : 'never'}</td>
      <td>
        {s.state === 'active' ? (
          <button type="button" className="btn" disabled={busy} onClick={() => onAction('pause')}>Pause</button>
        ) : (
          <button type="button" className="btn" disabled={busy} onClick={() => onAction('resume')}>Resume</button>
        )}{' '}
        <button type="button" className="btn" disabled={busy} onClick={() => onAction('run')}>Run now</button>
      </td>
    </tr>
  );
}

function RunHistory({ o }: { o: ScheduleOverview }) {
  const runs = useQuery({ queryKey: ['schedule-runs', o.schedule.id], queryFn: () => api.schedules.runs(o.schedule.id), refetchInterval: 3000 });
  return (
    <section className="panel" aria-labelledby="runs-title">
      <h2 id="runs-title">Runs of {o.schedule.name}</h2>
      {runs.data ? (
        <table className="result">
          <thead>
            <tr>
              <th scope="col">Scheduled</th>
              <th scope="col">Why</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col">Finished</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.runs.map((r: RunView) => (
              <tr key={r.id}>
                <td>{utc(r.scheduledAt)}</td>
                <td>{r.reason.replace('_', '-')}</td>
                <td>{r.state}</td>
                <td>{r.attempts}/{r.maxAttempts}</td>
                <td>{utc(r.finishedAt)}</td>
                <td>{r.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">Loading…</p>
      )}
    </section>
  );
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function NewSchedule({ calendars }: { calendars: string[] }) {
  const qc = useQueryClient();
  const [f, setF] = useState({ name: '', handler: 'report', kind: 'daily', at: '07:00', days: ['mon'], day: '1', businessDay: '1', minutes: '15', expression: '0 7 * * 1-5', timeZone: 'Europe/London', holidays: [] as string[], businessDaysOnly: true, catchUp: 'latest' });
  const spec = (): Record<string, unknown> => {
    const base = { timeZone: f.timeZone, businessDaysOnly: f.kind !== 'monthly-bd' && f.businessDaysOnly, ...(f.holidays.length ? { calendar: { holidays: f.holidays } } : {}) };
    if (f.kind === 'daily') return { kind: 'daily', at: f.at, ...base };
    if (f.kind === 'weekly') return { kind: 'weekly', at: f.at, days: f.days, ...base };
    if (f.kind === 'monthly') return { kind: 'monthly', at: f.at, day: f.day === 'last' ? 'last' : Number(f.day), ...base };
    if (f.kind === 'monthly-bd') return { kind: 'monthly', at: f.at, businessDay: Number(f.businessDay), ...base };
    if (f.kind === 'every') return { kind: 'every', minutes: Number(f.minutes), ...base };
    return { kind: 'cron', expression: f.expression, ...base };
  };
  const create = useMutation({
    mutationFn: () => api.schedules.create({ name: f.name, handler: f.handler, spec: spec(), catchUp: f.catchUp }),
    onSuccess: () => {
      setF({ ...f, name: '' });
      void qc.invalidateQueries({ queryKey: ['schedules'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const toggle = (xs: string[], x: string) => (xs.includes(x) ? xs.filter((y) => y !== x) : [...xs, x]);
  return (
    <form className="panel filters" onSubmit={submit} aria-labelledby="new-schedule">
      <h2 id="new-schedule">New schedule</h2>
      <label>Name <input required value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} /></label>
      <label>Run kind <input required value={f.handler} onChange={(e) => setF({ ...f, handler: e.target.value })} /></label>
      <label>
        Fires
        <select value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value })}>
          <option value="daily">daily at a time</option>
          <option value="weekly">weekly on days</option>
          <option value="monthly">monthly on a day</option>
          <option value="monthly-bd">monthly on the nth business day</option>
          <option value="every">every N minutes</option>
          <option value="cron">cron</option>
        </select>
      </label>
      {['daily', 'weekly', 'monthly', 'monthly-bd'].includes(f.kind) && <label>At (local time) <input value={f.at} onChange={(e) => setF({ ...f, at: e.target.value })} /></label>}
      {f.kind === 'weekly' && (
        <fieldset>
          <legend>Days</legend>
          {DAYS.map((d) => (
            <label key={d}><input type="checkbox" checked={f.days.includes(d)} onChange={() => setF({ ...f, days: toggle(f.days, d) })} /> {d}</label>
          ))}
        </fieldset>
      )}
      {f.kind === 'monthly' && <label>Day of month (or last) <input value={f.day} onChange={(e) => setF({ ...f, day: e.target.value })} /></label>}
      {f.kind === 'monthly-bd' && <label>Business day (1 = first, -1 = last) <input value={f.businessDay} onChange={(e) => setF({ ...f, businessDay: e.target.value })} /></label>}
      {f.kind === 'every' && <label>Minutes <input value={f.minutes} onChange={(e) => setF({ ...f, minutes: e.target.value })} /></label>}
      {f.kind === 'cron' && <label>Cron expression <input value={f.expression} onChange={(e) => setF({ ...f, expression: e.target.value })} /></label>}
      <label>Time zone (IANA) <input value={f.timeZone} onChange={(e) => setF({ ...f, timeZone: e.target.value })} /></label>
      <fieldset>
        <legend>Holiday calendars</legend>
        {calendars.map((c) => (
          <label key={c}><input type="checkbox" checked={f.holidays.includes(c)} onChange={() => setF({ ...f, holidays: toggle(f.holidays, c) })} /> {c}</label>
        ))}
      </fieldset>
      {f.kind !== 'monthly-bd' && <label><input type="checkbox" checked={f.businessDaysOnly} onChange={(e) => setF({ ...f, businessDaysOnly: e.target.checked })} /> Business days only</label>}
      <label>
        Missed while down
        <select value={f.catchUp} onChange={(e) => setF({ ...f, catchUp: e.target.value })}>
          <option value="latest">run the latest</option>
          <option value="all">run them all</option>
          <option value="skip">skip them</option>
        </select>
      </label>
      <button type="submit" className="btn primary" disabled={create.isPending}>Add schedule</button>
      {create.isError && <p className="error" role="alert">{(create.error as Error).message}</p>}
    </form>
  );
}
