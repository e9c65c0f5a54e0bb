/**
 * Refreshing a widget: its saved question through the query pipeline (rerun), with the
 * dashboard's filters written into its typed query (filters.ts); the result is cached on the
 * widget with the time the data is as of; a failure is recorded on the widget beside the last
 * good result, which stays. Every refresh is audited (dashboard_refresh: its SQL, rows, time),
 * besides the pipeline's own question/SQL/run records under the same correlation id.
 */
import type { AuditLog } from '../audit/index.js';
import type { SqlDialect } from '../datasource/dialect.js';
import type { QueryPipeline, RerunAnswer, TypedQuery } from '../nl2sql/index.js';
import { getSaved, runSaved, type SavedQuestion } from '../reports/index.js';
import { isOtcError } from '../shared/errors.js';
import type { Store } from '../store/index.js';
import type { TrainedModel } from '../training/index.js';
import { kpiFigure } from './chart.js';
import { applyFilters, previousPeriod } from './filters.js';
import type { DashboardRepository } from './repository.js';
import type { Dashboard, DashboardFilters, Widget, WidgetResult } from './types.js';

/** What answers now: the active training version's pipeline and model. */
export interface ActiveAnswering {
  copilot: QueryPipeline;
  model: TrainedModel;
}

export interface RefreshDeps {
  store: Store;
  audit: AuditLog;
  repo: DashboardRepository;
  answering: () => Promise<ActiveAnswering>;
  dialect: SqlDialect;
  /** As-of date of relative dates ("today", "this week") in saved questions. */
  today: () => string;
  maxRows: number;
}

export type RefreshReason = 'manual' | 'created' | 'edited' | 'filters' | 'schedule' | 'realtime' | 'start' | 'report';

/** The typed query a widget runs: re-read at today's date (relative dates roll over), else the saved one. */
export function currentQuery(s: SavedQuestion, copilot: QueryPipeline, today: string): TypedQuery | undefined {
  if (!s.query) return undefined;
  if (s.asOf === today) return s.query;
  const u = copilot.semantic.understand(s.question, today);
  return u.status === undefined ? u.query : s.query;
}

/** The typed query of a widget with the dashboard's filters (exported for the tests and the probe). */
export function widgetQuery(s: SavedQuestion, d: Pick<Dashboard, 'filters'>, a: ActiveAnswering, today: string): { query?: TypedQuery; applied: string[]; skipped: string[] } {
  const q = currentQuery(s, a.copilot, today);
  if (!q) return { applied: [], skipped: Object.entries(d.filters).filter(([, v]) => v !== undefined).map(([k]) => (k === 'from' || k === 'to' ? 'date' : k)) };
  return applyFilters(q, d.filters, a.model);
}

/** One run of a widget's query under some filters: its result, or the error it met (nothing stored, nothing audited here). */
export interface WidgetRun {
  ok: boolean;
  result?: WidgetResult;
  sql?: string;
  trainingVersion?: string;
  correlationId?: string;
  error?: { code: string; message: string; extra?: Record<string, unknown> };
  filters: { applied: string[]; skipped: string[] };
  question?: string;
  ms: number;
}

/**
 * Runs a widget's saved question with `filters` written into its typed query (the dashboard's
 * own, or a viewer's for themselves), and the previous period of a KPI with a trend. The query
 * pipeline audits the SQL run under `actor`; the caller audits the refresh and keeps the result.
 */
export async function runWidget(deps: Pick<RefreshDeps, 'store' | 'answering' | 'today' | 'maxRows'>, w: Widget, filters: DashboardFilters, o: { actor: string; dashboardId: string }): Promise<WidgetRun> {
  const t0 = performance.now();
  const done = (r: Omit<WidgetRun, 'ms'>): WidgetRun => ({ ...r, ms: performance.now() - t0 });
  let saved: SavedQuestion;
  try {
    saved = await getSaved(deps.store, w.savedId);
  } catch (e) {
    if (isOtcError(e) && e.status === 404) return done({ ok: false, error: { code: e.code, message: 'The saved question of this widget was deleted: remove the widget or save the question again.' }, filters: { applied: [], skipped: [] } });
    throw e;
  }
  let answer: RerunAnswer;
  let previous: WidgetResult['previous'];
  let filtersInfo: { applied: string[]; skipped: string[] } = { applied: [], skipped: [] };
  try {
    const a = await deps.answering();
    const wq = widgetQuery(saved, { filters }, a, deps.today());
    filtersInfo = { applied: wq.applied, skipped: wq.skipped };
    const ro = { actor: o.actor, maxRows: deps.maxRows, details: { dashboardId: o.dashboardId, widgetId: w.id } };
    answer = wq.query
      ? await a.copilot.rerun({ query: wq.query, question: saved.question, trainingVersion: saved.trainingVersion ?? undefined }, ro)
      : await runSaved(a.copilot, saved, { ...ro, asOf: undefined });
    if (answer.status === 'answered' && wq.query && w.chart.type === 'kpi' && w.chart.trend) {
      const p = previousPeriod(wq.query);
      if (p) {
        const pa = await a.copilot.rerun({ query: p.query, question: `${saved.question} (previous period)`, trainingVersion: saved.trainingVersion ?? undefined }, ro);
        const figure = pa.status === 'answered' ? kpiFigure(w.chart, { columns: pa.columns ?? [], rows: pa.rows ?? [], rowCount: pa.rowCount ?? 0, truncated: false }).value : null;
        previous = { value: figure, from: p.from, to: p.to };
      }
    }
  } catch (e) {
    return done({ ok: false, question: saved.question, error: { code: isOtcError(e) ? e.code : 'OTC_ERR_INTERNAL', message: e instanceof Error ? e.message : String(e) }, filters: filtersInfo });
  }
  if (answer.status !== 'answered') {
    return done({ ok: false, question: saved.question, error: { code: answer.code ?? 'OTC_ERR_INTERNAL', message: answer.message ?? answer.explanation, extra: { status: answer.status } }, filters: filtersInfo, ...(answer.sql ? { sql: answer.sql } : {}), ...(answer.auditId ? { correlationId: answer.auditId } : {}) });
  }
  const result: WidgetResult = { columns: answer.columns ?? [], rows: answer.rows ?? [], rowCount: answer.rowCount ?? 0, truncated: answer.truncated ?? false, ...(previous ? { previous } : {}) };
  return done({ ok: true, question: saved.question, result, filters: filtersInfo, ...(answer.sql ? { sql: answer.sql } : {}), ...(answer.trainingVersion ? { trainingVersion: answer.trainingVersion } : {}), ...(answer.auditId ? { correlationId: answer.auditId } : {}) });
}

/** The dashboard_refresh audit record of a run (its SQL, rows and time; the filters it applied and skipped). */
export function auditRun(audit: AuditLog, run: WidgetRun, o: { actor: string; dashboardId: string; widgetId: string; reason: string; details?: Record<string, unknown> }): Promise<unknown> {
  const details = { action: 'refresh', dashboardId: o.dashboardId, widgetId: o.widgetId, reason: o.reason, ...o.details };
  if (!run.ok) {
    return audit.append({ kind: 'dashboard_refresh', actor: o.actor, outcome: 'error', durationMs: Math.round(run.ms), ...(run.sql ? { sql: run.sql } : {}), ...(run.correlationId ? { correlationId: run.correlationId } : {}), details: { ...details, ...run.filters, ...run.error?.extra, code: run.error?.code, message: run.error?.message } });
  }
  return audit.append({
    kind: 'dashboard_refresh',
    actor: o.actor,
    outcome: 'ok',
    ...(run.question ? { question: run.question } : {}),
    ...(run.sql ? { sql: run.sql } : {}),
    rowCount: run.result!.rowCount,
    durationMs: Math.round(run.ms),
    ...(run.correlationId ? { correlationId: run.correlationId } : {}),
    details: { ...details, filters: run.filters.applied, filtersSkipped: run.filters.skipped, trainingVersion: run.trainingVersion },
  });
}

/** A refresh of the widget under its dashboard's filters: audited, the result cached on the widget, a failure kept beside the last good result. */
export async function refreshWidget(deps: RefreshDeps, widgetId: string, o: { actor: string; reason: RefreshReason }): Promise<Widget> {
  const w = await deps.repo.widget(widgetId);
  const d = await deps.repo.get(w.dashboardId);
  const at = new Date().toISOString();
  const run = await runWidget(deps, w, d.filters, { actor: o.actor, dashboardId: d.id });
  await auditRun(deps.audit, run, { actor: o.actor, dashboardId: d.id, widgetId: w.id, reason: o.reason });
  if (!run.ok) return deps.repo.storeError(w.id, { code: run.error!.code, message: run.error!.message, at, ms: run.ms });
  return deps.repo.storeResult(w.id, { result: run.result!, dataAsOf: at, sql: run.sql ?? null, version: run.trainingVersion ?? null, ms: run.ms });
}
