/**
 * Dashboards: widgets from saved questions on a grid, dashboard filters written into each
 * widget's typed query, refreshes (manual, every N minutes, daily on a business calendar, real
 * time through shared change probes and Server-Sent Events), sharing by role and user, every
 * change and refresh audited.
 */
export { createDashboardService, DASHBOARD_REFRESH_KIND, type DashboardService, type DashboardServiceOptions, type DashboardScheduler, type DashboardView, type WidgetView } from './service.js';
export { ensureDefaultDashboard, type DefaultDashboardOptions } from './defaults.js';
export { applyFilters, filterColumn, previousPeriod, type FilteredQuery } from './filters.js';
export { widgetOption, widgetSpec, widgetColumns, kpiFigure, kpiStatus, type KpiFigure, type KpiStatus } from './chart.js';
export { ChangeProbe, probeSql, probeColumn, queryTables, type ProbeStats } from './probe.js';
export { dashboardSvg, dashboardPng, dashboardPdf } from './export.js';
export { LiveHub, type LiveClient } from './live.js';
export { maySee, mayEdit, type Viewer } from './access.js';
export { DashboardErrorCode } from './errors.js';
export type { ActiveAnswering, RefreshReason } from './refresh.js';
export {
  CHART_TYPES,
  FILTER_DIMENSIONS,
  filtersSchema,
  layoutSchema,
  refreshSchema,
  sharingSchema,
  widgetChartSchema,
  type Dashboard,
  type DashboardFilters,
  type KpiThresholds,
  type LayoutItem,
  type RefreshPolicy,
  type Sharing,
  type Widget,
  type WidgetChart,
  type WidgetChartType,
  type WidgetResult,
} from './types.js';
export { dashboardReports } from './report.js';
