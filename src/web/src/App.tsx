import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Suspense, useCallback, useEffect, useLayoutEffect } from 'react';
import { api, ApiError, setCsrfToken, SIGNED_OUT_EVENT, type Me } from './api.js';
import { Header } from './components/Header.js';
import { startEarly } from './early.js';
import { takeOver } from './first-paint.js';
import { ChangePasswordPage } from './pages/ChangePassword.js';
import { AskPage, AuditPage, DashboardsPage, ReportsPage, SchedulerPage, TrainingPage, UsersPage } from './pages/lazy.js';
import { SignInPage } from './pages/SignIn.js';
import { usePath } from './router.js';
import { useServerEvents } from './server-events.js';

export function App() {
  const qc = useQueryClient();
  // a page opened in the app starts its chunk and its data together, as on a first load
  const [path, navigate] = usePath(useCallback((where: Location) => startEarly(qc, where), [qc]));
  const me = useQuery({
    queryKey: ['me'],
    queryFn: async (): Promise<Me | null> => {
      try {
        const m = await api.me();
        setCsrfToken(m.csrfToken);
        return m;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
  });

  useEffect(() => {
    const onSignedOut = () => {
      setCsrfToken(undefined);
      qc.setQueryData(['me'], null);
    };
    window.addEventListener(SIGNED_OUT_EVENT, onSignedOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, onSignedOut);
  }, [qc]);
  useServerEvents(Boolean(me.data));
  // the server's drawing of a dashboard stays until the dashboards page replaces it; any other page replaces it now
  const onDashboards = Boolean(me.data && !me.data.user.mustChangePassword && me.data.permissions.includes('view')) && path === '/dashboards';
  useLayoutEffect(() => {
    if (!me.isPending && !onDashboards) takeOver();
  }, [me.isPending, onDashboards]);

  if (me.isPending) return <main className="center" aria-busy="true"><p className="muted">Loading…</p></main>;
  if (me.isError) return <main className="center"><p role="alert" className="error">Cannot reach the server: {(me.error as Error).message}</p></main>;
  if (!me.data) {
    return (
      <SignInPage
        onSignedIn={(m) => {
          setCsrfToken(m.csrfToken);
          qc.setQueryData(['me'], m);
          if (path === '/signin') navigate('/');
        }}
      />
    );
  }

  const m = me.data;
  const can = (p: string) => m.permissions.includes(p);
  const signOut = async () => {
    if (m.user.authProvider.startsWith('oidc:')) {
      // Signed out here; then at the identity provider too, which sends the browser back.
      const r = await api.ssoLogout().catch(() => undefined);
      if (r?.endSessionUrl) {
        window.location.assign(r.endSessionUrl);
        return;
      }
    }
    await api.logout().catch(() => undefined);
    setCsrfToken(undefined);
    qc.clear();
    qc.setQueryData(['me'], null);
    navigate('/');
  };
  if (m.user.mustChangePassword) {
    return (
      <ChangePasswordPage
        me={m}
        onSignOut={() => void signOut()}
        onChanged={(next) => {
          setCsrfToken(next.csrfToken);
          qc.setQueryData(['me'], next);
          navigate(homeOf(can));
        }}
      />
    );
  }
  const home = homeOf(can);
  let page;
  if (path === '/audit') page = can('read_audit') ? <AuditPage /> : <NotAllowed what="the audit trail" />;
  else if (path === '/admin/users') page = can('manage_users') ? <UsersPage /> : <NotAllowed what="user administration" />;
  else if (path === '/reports') page = can('view') && can('ask') ? <ReportsPage isAdmin={m.user.role === 'admin'} me={m.user.username} /> : <NotAllowed what="reports" />;
  else if (path === '/dashboards') page = can('view') ? <DashboardsPage canEdit={can('save_widgets')} /> : <NotAllowed what="dashboards" />;
  else if (path === '/admin/scheduler') page = can('manage_schedules') ? <SchedulerPage /> : <NotAllowed what="the scheduler" />;
  else if (path === '/training') page = can('manage_training') ? <TrainingPage /> : <NotAllowed what="training" />;
  else if ((path === '/' || path === '/ask' || path === '/signin') && home !== '/') page = <Redirect to={home} navigate={navigate} />;
  else if (path === '/' || path === '/ask') page = can('ask') ? <AskPage canTrain={can('manage_training')} canSave={can('save_reports')} navigate={navigate} /> : <NotAllowed what="asking questions" />;
  else page = <NotFound onHome={() => navigate(home)} />;

  return (
    <div className="app">
      <a href="#main" className="skip">Skip to content</a>
      <Header me={m} path={path} navigate={navigate} onSignOut={signOut} />
      <main id="main" className="main" tabIndex={-1}>
        <Suspense fallback={<p className="muted">Loading…</p>}>{page}</Suspense>
      </main>
    </div>
  );
}

/** The page each role lands on: one it may use (an auditor cannot ask: the audit trail). */
export function homeOf(can: (p: string) => boolean): string {
  if (can('ask')) return '/';
  if (can('read_audit')) return '/audit';
  if (can('manage_users')) return '/admin/users';
  return '/';
}

/** Replaces the current address with the role's start page. */
function Redirect({ to, navigate }: { to: string; navigate: (to: string) => void }) {
  useEffect(() => {
    window.history.replaceState(null, '', to);
    navigate(to);
  }, [to, navigate]);
  return null;
}

function NotAllowed({ what }: { what: string }) {
  return (
    <section className="panel narrow" aria-labelledby="na-title">
      <h1 id="na-title">Not available for your role</h1>
      <p>Your role does not give access to {what}. Ask an administrator if you need it.</p>
    </section>
  );
}

function NotFound({ onHome }: { onHome: () => void }) {
  return (
    <section className="panel narrow" aria-labelledby="nf-title">
      <h1 id="nf-title">Page not found</h1>
      <button type="button" className="btn" onClick={onHome}>Go to the start page</button>
    </section>
  );
}
