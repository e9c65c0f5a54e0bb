import { OtcError } from '../shared/errors.js';

/** Stable error codes of dashboards and widgets. */
export const DashboardErrorCode = {
  NotFound: 'OTC_ERR_DASHBOARD_NOT_FOUND',
  WidgetNotFound: 'OTC_ERR_WIDGET_NOT_FOUND',
  Invalid: 'OTC_ERR_DASHBOARD_INVALID',
  Forbidden: 'OTC_ERR_FORBIDDEN',
  NotRealtime: 'OTC_ERR_WIDGET_NOT_REALTIME',
  SavedGone: 'OTC_ERR_SAVED_QUESTION_NOT_FOUND',
  NoScheduler: 'OTC_ERR_NO_SCHEDULER',
} as const;

export const dashboardNotFound = (id: string) => new OtcError(DashboardErrorCode.NotFound, `No dashboard with id ${id} (or it is not shared with you).`, { status: 404 });
export const widgetNotFound = (id: string) => new OtcError(DashboardErrorCode.WidgetNotFound, `No widget with id ${id} on this dashboard.`, { status: 404 });
export const invalidDashboard = (what: string) => new OtcError(DashboardErrorCode.Invalid, `Invalid dashboard settings: ${what}.`, { status: 400 });
export const mayNotEdit = () =>
  new OtcError(DashboardErrorCode.Forbidden, 'Only its owner or an admin may change this dashboard.', { status: 403, hint: 'duplicate it to make your own copy' });

/** zod issues -> one clear 400. */
export function fromZod(e: { issues: { path: PropertyKey[]; message: string }[] }): OtcError {
  const i = e.issues[0];
  return invalidDashboard(i ? `${i.path.length ? `${i.path.map(String).join('.')}: ` : ''}${i.message}` : 'unreadable');
}
