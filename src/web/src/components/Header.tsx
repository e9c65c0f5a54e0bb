import { useQuery } from '@tanstack/react-query';
import { api, type Me } from '../api.js';

interface Props {
  me: Me;
  path: string;
  navigate: (to: string) => void;
  onSignOut: () => void;
}

/** Brand, navigation, the datasource with its active training version and as-of date, and the user. */
export function Header({ me, path, navigate, onSignOut }: Props) {
  const meta = useQuery({ queryKey: ['meta'], queryFn: api.meta });
  const can = (p: string) => me.permissions.includes(p);
  const links = [
    ...(can('ask') ? [{ to: '/', label: 'Ask' }] : []),
    ...(can('view') ? [{ to: '/dashboards', label: 'Dashboards' }] : []),
    ...(can('save_reports') ? [{ to: '/reports', label: 'Reports' }] : []),
    ...(can('read_audit') ? [{ to: '/audit', label: 'Audit' }] : []),
    ...(can('manage_training') ? [{ to: '/training', label: 'Training' }] : []),
    ...(can('manage_users') ? [{ to: '/admin/users', label: 'Users' }] : []),
    ...(can('manage_schedules') ? [{ to: '/admin/scheduler', label: 'Scheduler' }] : []),
  ];
  const current = (to: string) => (to === '/' ? path === '/' || path === '/ask' : path === to);
  return (
    <header className="topbar">
      <div className="brand">
        <svg width="26" height="26" viewBox="0 0 32 32" aria-hidden="true">
          <rect width="32" height="32" rx="7" fill="#1d4ed8" />
          <path d="M8 21l5-6 4 3 7-9" stroke="white" strokeWidth="3" fill="none" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <span>OTC Ops Copilot</span>
      </div>
      <nav aria-label="Main">
        <ul>
          {links.map((l) => (
            <li key={l.to}>
              <a
                href={l.to}
                aria-current={current(l.to) ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(l.to);
                }}
              >
                {l.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <dl className="context" aria-label="Data context">
        {meta.data ? (
          <>
            <div>
              <dt>Data</dt>
              <dd title={meta.data.datasource}>
                {shortSource(meta.data.datasource)} <span className="muted">({meta.data.dialect})</span>
              </dd>
            </div>
            <div>
              <dt>Training</dt>
              <dd className={meta.data.trained && meta.data.validated ? undefined : 'warn'} title={meta.data.notTrained?.message ?? meta.data.trainingVersion ?? undefined}>
                {meta.data.trainingVersion ?? 'none active'}
              </dd>
            </div>
            <div>
              <dt>Data as of</dt>
              <dd>{meta.data.dataAsOf}</dd>
            </div>
          </>
        ) : meta.isError ? (
          <div><dd className="error">Datasource unavailable</dd></div>
        ) : null}
      </dl>
      <div className="who">
        <span className="user" title={`Signed in as ${me.user.username}`}>
          {me.user.displayName ?? me.user.username} <span className="role">{me.user.role}</span>
        </span>
        <button type="button" className="btn ghost small" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}

function shortSource(s: string): string {
  const file = /[\\/]([^\\/]+)$/.exec(s);
  return file ? file[1]! : s;
}
