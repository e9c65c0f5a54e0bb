/**
 * Work the opened address needs, started with the app instead of after the session check: the
 * page's chunk, and for a dashboard its widgets with their cached results (one GET; the server
 * runs no query for it), or the dashboard inlined in the page the server drew (first-paint.ts).
 * A request made signed out fails like the session check does.
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
    void qc.prefetchQuery({ queryKey: ['dashboards'], queryFn: dashboardsApi.list });
    if (id) void qc.prefetchQuery({ queryKey: ['dashboard', id], queryFn: () => dashboardsApi.get(id) });
  } else if (where.pathname === '/' || where.pathname === '/ask') {
    void loadAsk().catch(() => undefined);
  }
}
