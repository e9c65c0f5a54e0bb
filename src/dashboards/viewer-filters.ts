/**
 * A viewer's own filters: anyone who sees a dashboard may look at it through other filters (date
 * range, counterparty, desk, currency) without changing it. Each widget runs with those filters
 * written into its typed query (filters.ts, as for the dashboard's saved filters); the result is
 * kept apart from the widget's shared result, in a small in-process cache keyed by the widget,
 * its shared result's time (a refresh of the widget, by schedule, probe or hand, makes the
 * personal results stale), the date and the filters, so the same view asked again, by the same
 * viewer or another, runs no query. Every run is a dashboard_refresh audit record under the
 * viewer's name with reason 'viewer_filters'.
 */
import type { AuditLog } from '../audit/index.js';
import { auditRun, runWidget, type RefreshDeps } from './refresh.js';
import type { DashboardFilters, Widget, WidgetResult } from './types.js';

export interface PersonalResult {
  result: WidgetResult | null;
  dataAsOf: string | null;
  sql: string | null;
  error: { message: string; code: string; at: string } | null;
  filtered: { applied: string[]; skipped: string[] };
  /** Whether this came from the cache (no query ran for this request). */
  cached: boolean;
}

/** Filters in one canonical form (key order, value order), so equal filters are one cache entry. */
export function canonicalFilters(f: DashboardFilters): string {
  const out: Record<string, unknown> = {};
  for (const k of ['from', 'to', 'counterparty', 'desk', 'currency'] as const) {
    const v = f[k];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = Array.isArray(v) ? [...new Set(v)].sort() : v;
  }
  return JSON.stringify(out);
}

export class PersonalViews {
  private readonly cache = new Map<string, Promise<PersonalResult>>();
  private queries = 0;

  constructor(
    private readonly deps: Pick<RefreshDeps, 'store' | 'answering' | 'today' | 'maxRows'> & { audit: AuditLog },
    private readonly max = 200,
  ) {}

  /** Queries run for viewers' own filters since start (tests, benchmark). */
  runs(): number {
    return this.queries;
  }

  /** The widget under the viewer's filters: from the cache, or run now (audited under the viewer's name). */
  get(w: Widget, filters: DashboardFilters, actor: string): Promise<PersonalResult> {
    const key = `${w.id}|${w.updatedAt}|${w.dataAsOf ?? ''}|${this.deps.today()}|${canonicalFilters(filters)}`;
    const hit = this.cache.get(key);
    if (hit) {
      // most recently used last
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit.then((r) => ({ ...r, cached: true }));
    }
    const run = this.run(w, filters, actor);
    this.cache.set(key, run);
    // a failure is not kept: the next request tries again
    run.then((r) => (r.error ? this.cache.delete(key) : undefined)).catch(() => this.cache.delete(key));
    while (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value!);
    return run;
  }

  private async run(w: Widget, filters: DashboardFilters, actor: string): Promise<PersonalResult> {
    this.queries++;
    const at = new Date().toISOString();
    const r = await runWidget(this.deps, w, filters, { actor, dashboardId: w.dashboardId });
    await auditRun(this.deps.audit, r, { actor, dashboardId: w.dashboardId, widgetId: w.id, reason: 'viewer_filters', details: { viewerFilters: filters } });
    if (!r.ok) return { result: null, dataAsOf: null, sql: r.sql ?? null, error: { code: r.error!.code, message: r.error!.message, at }, filtered: r.filters, cached: false };
    return { result: r.result!, dataAsOf: at, sql: r.sql ?? null, error: null, filtered: r.filters, cached: false };
  }
}
