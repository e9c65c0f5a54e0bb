/**
 * A dashboard as a report's content: a scheduled e-mail of a dashboard is a report of the Extract
 * Manager. The dashboards module provides the rendering (its widgets refreshed, then exported to
 * PDF and/or PNG by the same code as the dashboard's Export buttons); the report run writes the
 * files beside the other files of the run and delivers them through the template's channels.
 * The template's owner must be allowed to see the dashboard, when the template is written and at
 * every run (sharing may have changed since).
 */
import { OtcError } from '../shared/errors.js';
import type { QuestionReceipt } from './runs.js';

export const DASHBOARD_FORMATS = ['pdf', 'png'] as const;
export type DashboardFormat = (typeof DASHBOARD_FORMATS)[number];

/** What a template holds when its content is (also) a dashboard. */
export interface DashboardContent {
  dashboardId: string;
  formats: DashboardFormat[];
}

/** A widget as rendered into a dashboard report: the run's receipt fields of a saved question, plus its widget. */
export type RenderedWidget = Pick<QuestionReceipt, 'savedId' | 'title' | 'sql' | 'trainingVersion' | 'rows' | 'truncated' | 'error'> & { widgetId: string };

/** What the dashboards module gives the reports: implemented by src/dashboards/report.ts. */
export interface DashboardReports {
  /** Whether this user, with their current role, may see the dashboard. */
  maySee(dashboardId: string, username: string): Promise<boolean>;
  /** Refreshes every widget of the dashboard (each refresh audited under `actor`) and renders it. */
  render(dashboardId: string, o: { actor: string; formats: DashboardFormat[] }): Promise<{ name: string; files: { format: DashboardFormat; bytes: Buffer }[]; widgets: RenderedWidget[] }>;
}

export const noDashboards = () => new OtcError('OTC_ERR_NO_DASHBOARDS', 'This process cannot render dashboards (its dashboard service is not running): run the report from the server or a worker that reaches the datasource.', { status: 503 });
export const dashboardNotVisible = (id: string, owner: string) =>
  new OtcError('OTC_ERR_DASHBOARD_NOT_FOUND', `No dashboard with id ${id} that ${owner} may see: the report's owner must own it or have it shared with their role or name.`, { status: 404 });

/** The owner may see it, or the error that says why the report cannot have it. */
export async function checkDashboardContent(d: DashboardReports | undefined, c: DashboardContent, owner: string): Promise<void> {
  if (!d) throw noDashboards();
  if (!c.formats.length || c.formats.some((f) => !DASHBOARD_FORMATS.includes(f))) throw new OtcError('OTC_ERR_BAD_REPORT_TEMPLATE', `A dashboard is sent as ${DASHBOARD_FORMATS.join(' and/or ')}.`, { status: 400 });
  if (!(await d.maySee(c.dashboardId, owner))) throw dashboardNotVisible(c.dashboardId, owner);
}
