/**
 * Work the opened address needs, started with the app instead of after the session check, and
 * again each time the app opens a page (router.ts): the page's chunk, and for a dashboard its
 * widgets with their cached results (one GET; the server runs no query for it), or the dashboard
 * inlined in the page the server drew (first-paint.ts). A request made signed out fails like the
 * session check does.
 */
import type { QueryClient } from '@tanstack/react-query';
import { dashboardsApi } from './dashboards-api.js';
import { firstPaintData } from './first-paint.js';
import { loadAsk, loadDashboards } from './pages/lazy.js';

export function startEarly(qc: QueryClient, where: Location = window.location): void {
  if (where.pathname === '/dashboards') {
    void loadDashboards().catch(() => undefined);
    const id = new URLSearchParams(where.search).get('id');
    // drawn by the server: its data is the GET's answer already
    const drawn = firstPaintData();
    if (drawn && (id ?? drawn.id) === drawn.id) {
      qc.setQueryData(['dashboards'], drawn.list);
      qc.setQueryData(['dashboard', drawn.id], drawn.dashboard);
      if (drawn.meta) qc.setQueryData(['meta'], drawn.meta);
      return;
    }
    const list = qc.fetchQuery({ queryKey: ['dashboards'], queryFn: dashboardsApi.list });
    list.catch(() => undefined); // a failure shows on the page, which asks again
    // without an id the page opens the first dashboard of the list (Dashboards.tsx): that one, once the list is in
    const open = id ? Promise.resolve(id) : list.then((l) => l[0]?.id);
    open.then((d) => (d ? qc.prefetchQuery({ queryKey: ['dashboard', d], queryFn: () => dashboardsApi.get(d) }) : undefined)).catch(() => undefined);
  } else if (where.pathname === '/' || where.pathname === '/ask') {
    void loadAsk().catch(() => undefined);
  }
}
