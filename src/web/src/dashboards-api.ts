/** The dashboards API for the web app (types from the server's own dashboard types). */
import type { KpiFigure } from '../../dashboards/chart.js';
import type { DashboardFilters, LayoutItem, RefreshPolicy, Sharing, WidgetChart, WidgetResult } from '../../dashboards/types.js';
import { request } from './api.js';

export type { DashboardFilters, LayoutItem, RefreshPolicy, Sharing, WidgetChart, WidgetResult, KpiFigure };

export interface WidgetView {
  id: string;
  dashboardId: string;
  savedId: string;
  title: string;
  question: string | null;
  chart: WidgetChart;
  refresh: RefreshPolicy;
  scheduleId: string | null;
  result: WidgetResult | null;
  dataAsOf: string | null;
  sql: string | null;
  error: { message: string; code: string; at: string } | null;
  savedStatus: string;
  kpi?: KpiFigure;
  /** The chart drawn by the server at its grid size, shown until ECharts takes the box over (opening a dashboard). */
  firstPaint?: { svg: string; width: number; height: number };
  /** Under a viewer's own filters: which narrowed this widget, which it has no dimension for. */
  filtered?: { applied: string[]; skipped: string[] };
}
export interface DashboardSummary {
  id: string;
  name: string;
  owner: string;
  sharing: Sharing;
  updatedAt: string;
}
export interface DashboardView extends DashboardSummary {
  layout: LayoutItem[];
  filters: DashboardFilters;
  widgets: WidgetView[];
  editable: boolean;
  /** Seen through the viewer's own filters (GET …/view): the saved ones. */
  defaultFilters?: DashboardFilters;
  viewerFilters?: boolean;
}
export interface SharingChoices {
  sharing: Sharing;
  roles: string[];
  users: { username: string; displayName: string | null; role: string }[];
}

/** Filters as the query string of …/view and the exports (a key repeated per value). */
export function filtersQuery(f: DashboardFilters): string {
  const q = new URLSearchParams();
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  for (const k of ['counterparty', 'desk', 'currency'] as const) for (const v of f[k] ?? []) q.append(k, v);
  return q.toString();
}

const d = (id: string) => `/api/dashboards/${encodeURIComponent(id)}`;
export const dashboardsApi = {
  list: () => request<DashboardSummary[]>('GET', '/api/dashboards'),
  get: (id: string) => request<DashboardView>('GET', d(id)),
  create: (name: string) => request<DashboardView>('POST', '/api/dashboards', { name }),
  update: (id: string, patch: { name?: string; layout?: LayoutItem[]; filters?: DashboardFilters }) => request<DashboardView>('PATCH', d(id), patch),
  share: (id: string, sharing: Sharing) => request<DashboardView>('PUT', `${d(id)}/sharing`, sharing),
  duplicate: (id: string) => request<DashboardView>('POST', `${d(id)}/duplicate`, {}),
  remove: (id: string) => request<void>('DELETE', d(id)),
  refresh: (id: string) => request<WidgetView[]>('POST', `${d(id)}/refresh`),
  addWidget: (id: string, body: { savedId: string; title?: string; chart: WidgetChart; refresh?: RefreshPolicy }) => request<WidgetView>('POST', `${d(id)}/widgets`, body),
  updateWidget: (id: string, widgetId: string, patch: { title?: string; chart?: WidgetChart; refresh?: RefreshPolicy }) => request<WidgetView>('PATCH', `${d(id)}/widgets/${encodeURIComponent(widgetId)}`, patch),
  removeWidget: (id: string, widgetId: string) => request<void>('DELETE', `${d(id)}/widgets/${encodeURIComponent(widgetId)}`),
  refreshWidget: (id: string, widgetId: string) => request<WidgetView>('POST', `${d(id)}/widgets/${encodeURIComponent(widgetId)}/refresh`),
  regenerate: (id: string, widgetId: string) => request<WidgetView>('POST', `${d(id)}/widgets/${encodeURIComponent(widgetId)}/regenerate`),
  /** The dashboard through the viewer's own filters (nothing saved). */
  view: (id: string, filters: DashboardFilters) => request<DashboardView>('GET', `${d(id)}/view?${filtersQuery(filters)}`),
  sharingChoices: (id: string) => request<SharingChoices>('GET', `${d(id)}/sharing`),
  eventsUrl: (id: string) => `${d(id)}/events`,
  /** With the viewer's own filters (mine=true: even none, the saved ones cleared), else the dashboard's. */
  exportUrl: (id: string, format: 'pdf' | 'png', filters?: DashboardFilters | null) => `${d(id)}/export.${format}${filters ? `?mine=true${filtersQuery(filters) ? `&${filtersQuery(filters)}` : ''}` : ''}`,
};
