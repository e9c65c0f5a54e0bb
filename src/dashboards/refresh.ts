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
import type { Dashboard, Widget, WidgetResult } from './types.js';

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

export type RefreshReason = 'manual' | 'created' | 'edited' | 'filters' | 'schedule' | 'realtime' | 'start';

/** The typed query a widget runs: re-read at today's date (relative dates roll over), else the saved one. */
export function currentQuery(s: SavedQuestion, copilot: QueryPipeline, today: string): TypedQuery | undefined {
  if (!s.query) return undefined;
  if (s.asOf === today) return s.query;
  const u = copilot.semantic.understand(s.question, today);
  return u.status === undefined ? u.query : s.query;
}

/** The typed query of a widget with the dashboard's filters (exported for the tests and the probe). */
export function widgetQuery(s: SavedQuestion, d: Dashboard, a: ActiveAnswering, today: string): { query?: TypedQuery; applied: string[]; skipped: string[] } {
  const q = currentQuery(s, a.copilot, today);
  if (!q) return { applied: [], skipped: Object.entries(d.filters).filter(([, v]) => v !== undefined).map(([k]) => (k === 'from' || k === 'to' ? 'date' : k)) };
  return applyFilters(q, d.filters, a.model);
}

export async function refreshWidget(deps: RefreshDeps, widgetId: string, o: { actor: string; reason: RefreshReason }): Promise<Widget> {
  const w = await deps.repo.widget(widgetId);
  const d = await deps.repo.get(w.dashboardId);
  const t0 = performance.now();
  const at = new Date().toISOString();
  const details: Record<string, unknown> = { action: 'refresh', dashboardId: d.id, widgetId: w.id, reason: o.reason };
  const fail = async (code: string, message: string, extra: Record<string, unknown> = {}, sql?: string, correlationId?: string) => {
    const ms = performance.now() - t0;
    await deps.audit.append({ kind: 'dashboard_refresh', actor: o.actor, outcome: 'error', durationMs: Math.round(ms), ...(sql ? { sql } : {}), ...(correlationId ? { correlationId } : {}), details: { ...details, ...extra, code, message } });
    return deps.repo.storeError(w.id, { code, message, at, ms });
  };

  let saved: SavedQuestion;
  try {
    saved = await getSaved(deps.store, w.savedId);
  } catch (e) {
    if (isOtcError(e) && e.status === 404) return fail(e.code, 'The saved question of this widget was deleted: remove the widget or save the question again.');
    throw e;
  }
  let answer: RerunAnswer;
  let previous: WidgetResult['previous'];
  let filtersInfo: { applied: string[]; skipped: string[] } = { applied: [], skipped: [] };
  try {
    const a = await deps.answering();
    const wq = widgetQuery(saved, d, a, deps.today());
    filtersInfo = { applied: wq.applied, skipped: wq.skipped };
    const ro = { actor: o.actor, maxRows: deps.maxRows, details: { dashboardId: d.id, widgetId: w.id } };
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
    return fail(isOtcError(e) ? e.code : 'OTC_ERR_INTERNAL', e instanceof Error ? e.message : String(e), filtersInfo);
  }
  if (answer.status !== 'answered') {
    return fail(answer.code ?? 'OTC_ERR_INTERNAL', answer.message ?? answer.explanation, { ...filtersInfo, status: answer.status }, answer.sql, answer.auditId);
  }
  const ms = performance.now() - t0;
  const result: WidgetResult = { columns: answer.columns ?? [], rows: answer.rows ?? [], rowCount: answer.rowCount ?? 0, truncated: answer.truncated ?? false, ...(previous ? { previous } : {}) };
  await deps.audit.append({
    kind: 'dashboard_refresh',
    actor: o.actor,
    outcome: 'ok',
    question: saved.question,
    ...(answer.sql ? { sql: answer.sql } : {}),
    rowCount: result.rowCount,
    durationMs: Math.round(ms),
    ...(answer.auditId ? { correlationId: answer.auditId } : {}),
    details: { ...details, filters: filtersInfo.applied, filtersSkipped: filtersInfo.skipped, trainingVersion: answer.trainingVersion },
  });
  return deps.repo.storeResult(w.id, { result, dataAsOf: at, sql: answer.sql ?? null, version: answer.trainingVersion ?? null, ms });
}
