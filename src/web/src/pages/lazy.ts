/**
 * The pages, each in a chunk of its own: the first load fetches and compiles the app shell and
 * the page it opens, not every page (ECharts and the grid come with the pages that draw them).
 * A page's chunk can be asked for before React renders it (early.ts).
 */
import { lazy } from 'react';

export const loadDashboards = () => import('./Dashboards.js');
export const loadAsk = () => import('./Ask.js');

export const AskPage = lazy(() => loadAsk().then((m) => ({ default: m.AskPage })));
export const DashboardsPage = lazy(() => loadDashboards().then((m) => ({ default: m.DashboardsPage })));
export const AuditPage = lazy(() => import('./Audit.js').then((m) => ({ default: m.AuditPage })));
export const TrainingPage = lazy(() => import('./Training.js').then((m) => ({ default: m.TrainingPage })));
export const UsersPage = lazy(() => import('./Users.js').then((m) => ({ default: m.UsersPage })));
export const SchedulerPage = lazy(() => import('./Scheduler.js').then((m) => ({ default: m.SchedulerPage })));
export const ReportsPage = lazy(() => import('./Reports.js').then((m) => ({ default: m.ReportsPage })));
