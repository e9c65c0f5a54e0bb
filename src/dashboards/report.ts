/**
 * Dashboards as the content of Extract Manager reports (src/reports/dashboard-content.ts): the
 * template's owner must be allowed to see the dashboard; a run refreshes every widget (audited
 * under the run's actor, reason 'report'; a failed refresh keeps the last good result and the
 * file shows the error) and exports it with the Export buttons' own code (export.ts).
 */
import type { DashboardReports, DashboardFormat, RenderedWidget } from '../reports/index.js';
import { dashboardPdf, dashboardPng } from './export.js';
import type { DashboardService } from './service.js';

/** `service` is read at each call: the server builds its dashboard service after the report handler is registered. */
export function dashboardReports(service: () => DashboardService | undefined): DashboardReports {
  const get = () => {
    const s = service();
    if (!s) throw new Error('the dashboard service is not running yet');
    return s;
  };
  return {
    maySee: (dashboardId, username) => get().mayUserSee(dashboardId, username),
    async render(dashboardId, o) {
      const s = get();
      const d = await s.repo.get(dashboardId);
      await Promise.all((await s.repo.widgets(d.id)).map((w) => s.refreshAs(w.id, o.actor, 'report')));
      // seen as its owner would (the widgets' shared results, just refreshed)
      const view = await s.get(d.id, { username: d.owner, role: 'admin' });
      const files: { format: DashboardFormat; bytes: Buffer }[] = [];
      for (const format of o.formats) files.push({ format, bytes: format === 'pdf' ? await dashboardPdf(view) : dashboardPng(view, 2) });
      const widgets: RenderedWidget[] = view.widgets.map((w) => ({
        widgetId: w.id,
        savedId: w.savedId,
        title: w.title,
        ...(w.sql ? { sql: w.sql } : {}),
        ...(w.resultVersion ? { trainingVersion: w.resultVersion } : {}),
        rows: w.result?.rowCount ?? 0,
        truncated: w.result?.truncated ?? false,
        ...(w.error ? { error: `${w.error.code}: ${w.error.message}` } : {}),
      }));
      return { name: view.name, files, widgets };
    },
  };
}
