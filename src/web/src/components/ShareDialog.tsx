import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { dashboardsApi, type Sharing } from '../dashboards-api.js';

/**
 * Shares a dashboard with roles and with named users: the users come from the server (enabled
 * users, by name, with their display names and roles); a filter box narrows a long list. Saving
 * sends the whole sharing; the server checks the names and audits what was added and removed.
 */
export function ShareDialog({ dashboardId, name, onSave, onCancel }: { dashboardId: string; name: string; onSave: (s: Sharing) => Promise<void>; onCancel: () => void }) {
  const choices = useQuery({ queryKey: ['dashboard-sharing', dashboardId], queryFn: () => dashboardsApi.sharingChoices(dashboardId) });
  const [roles, setRoles] = useState<Sharing['roles'] | null>(null);
  const [users, setUsers] = useState<string[] | null>(null);
  const [find, setFind] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const c = choices.data;
  const r = roles ?? c?.sharing.roles ?? [];
  const u = users ?? c?.sharing.users ?? [];
  const toggle = <T,>(list: T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const shown = (c?.users ?? []).filter((x) => !find || `${x.username} ${x.displayName ?? ''} ${x.role}`.toLowerCase().includes(find.toLowerCase()));

  return (
    <div className="dialog-backdrop">
      <form
        className="dialog panel share-dialog"
        role="dialog"
        aria-modal="true"
        aria-label="Share dashboard"
        onKeyDown={(e) => e.key === 'Escape' && onCancel()}
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          try {
            await onSave({ roles: r, users: u });
          } catch (err) {
            setError(err instanceof Error ? err.message : 'Not saved.');
          } finally {
            setBusy(false);
          }
        }}
      >
        <h2>Share “{name}”</h2>
        {choices.isPending && <p className="muted">Loading users…</p>}
        {choices.isError && (
          <p className="error" role="alert">
            {(choices.error as Error).message}
          </p>
        )}
        {c && (
          <>
            <fieldset>
              <legend>Everyone with the role</legend>
              {c.roles
                .filter((x) => x === 'viewer' || x === 'analyst')
                .map((x) => (
                  <label key={x}>
                    <input type="checkbox" checked={r.includes(x as never)} onChange={() => setRoles(toggle(r, x as Sharing['roles'][number]))} /> {x}s
                  </label>
                ))}
            </fieldset>
            <fieldset>
              <legend>Named users</legend>
              <label>
                Find <input type="search" value={find} onChange={(e) => setFind(e.target.value)} placeholder="name or role" />
              </label>
              <ul className="share-users" aria-label="Users">
                {shown.map((x) => (
                  <li key={x.username}>
                    <label>
                      <input type="checkbox" checked={u.includes(x.username)} onChange={() => setUsers(toggle(u, x.username))} aria-label={`Share with ${x.username}`} />
                      <span>
                        <strong>{x.displayName ?? x.username}</strong> <span className="muted">{x.displayName ? `${x.username} · ` : ''}{x.role}</span>
                      </span>
                    </label>
                  </li>
                ))}
                {shown.length === 0 && <li className="muted">No user matches.</li>}
              </ul>
            </fieldset>
            <p className="muted small" data-testid="share-summary">
              {r.length || u.length ? `Shared with ${[...r.map((x) => `every ${x}`), ...u].join(', ')}.` : 'Only you (and admins) see it.'}
            </p>
          </>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="row">
          <button type="submit" className="btn small primary" disabled={busy || !c}>
            Save sharing
          </button>
          <button type="button" className="btn small" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
