/**
 * The default ops dashboard, made once on first start from the training profile's own example
 * questions (nothing about the data is written here): each example the semantic engine answers
 * with a chart becomes a saved question and a widget, at most two per entity so the dashboard
 * spans the profile's areas, single figures first as KPI tiles (refreshed in real time), the rest
 * as the chart the result's shape calls for.
 */
import { chooseChart } from '../charts/index.js';
import { saveQuestion } from '../reports/index.js';
import type { SqlDialect } from '../datasource/dialect.js';
import { WEB_GRID } from './grid.js';
import type { Store } from '../store/index.js';
import type { ActiveAnswering } from './refresh.js';
import type { DashboardService } from './service.js';
import type { LayoutItem, WidgetChart } from './types.js';

const META_KEY = 'dashboards.default_created';

export interface DefaultDashboardOptions {
  store: Store;
  service: DashboardService;
  answering: ActiveAnswering;
  owner: string;
  today: string;
  dialect: SqlDialect;
  /** Widgets at most (default 8). */
  max?: number;
}

/** Creates the default dashboard unless it was made before (even if deleted since); returns its id, or null. */
export async function ensureDefaultDashboard(o: DefaultDashboardOptions): Promise<string | null> {
  const done = await o.store.db.selectFrom('app_meta').select('value').where('key', '=', META_KEY).executeTakeFirst();
  if (done) return null;
  const max = o.max ?? 8;
  const perEntity = new Map<string, number>();
  const picks: { question: string; chart: WidgetChart; entity: string }[] = [];
  for (const ex of o.answering.model.profile.examples) {
    if (picks.length >= max) break;
    const u = o.answering.copilot.semantic.understand(ex.question, o.today);
    if (u.status !== undefined) continue;
    if ((perEntity.get(u.query.entity) ?? 0) >= 2) continue;
    const a = await o.answering.copilot.ask({ question: ex.question, today: o.today, actor: 'system' });
    if (a.status !== 'answered' || !a.rows?.length) continue;
    const spec = chooseChart({ columns: a.columns ?? [], rows: a.rows }, ex.question);
    if (spec.kind === 'table') continue;
    // a breakdown that has one row today ("netting breaks by counterparty this week") stays a chart:
    // a KPI tile would hide whose figure it is, and tomorrow there may be more rows
    const type: WidgetChart['type'] = spec.kind === 'kpi' ? (u.query.groupBy.length ? 'bar' : 'kpi') : spec.kind;
    picks.push({ question: ex.question, chart: { type }, entity: u.query.entity });
    perEntity.set(u.query.entity, (perEntity.get(u.query.entity) ?? 0) + 1);
  }
  if (!picks.length) return null;
  const admin = { username: o.owner, role: 'admin' };
  const d = await o.service.create({ name: 'Operations overview', sharing: { roles: ['viewer', 'analyst', 'auditor'], users: [] } }, admin);
  const kpis = picks.filter((p) => p.chart.type === 'kpi');
  const charts = picks.filter((p) => p.chart.type !== 'kpi');
  const layout = defaultLayout(kpis.length, charts.length);
  for (const [i, p] of [...kpis, ...charts].entries()) {
    const u = o.answering.copilot.semantic.understand(p.question, o.today);
    if (u.status !== undefined) continue;
    const c = o.answering.copilot.semantic.compile(u.query, o.dialect);
    const s = await saveQuestion(o.store, { owner: o.owner, question: p.question, asOf: o.today, sql: c.sql, query: u.query, engine: 'semantic', explanation: c.explanation, ...(o.answering.copilot.trainingVersion ? { trainingVersion: o.answering.copilot.trainingVersion } : {}) });
    await o.service.addWidget(d.id, { savedId: s.id, chart: p.chart, refresh: p.chart.type === 'kpi' ? { mode: 'realtime' } : { mode: 'manual' }, position: layout[i]! }, admin);
  }
  await o.store.db.insertInto('app_meta').values({ key: META_KEY, value: d.id }).execute();
  return d.id;
}

const COLS = WEB_GRID.cols;

/**
 * The default dashboard's grid: KPI tiles on top, at most 4 to a row and the rows as even as they
 * can be, each row's tiles sharing its 12 columns (5 tiles: 3 then 2, no empty cell beside the
 * last one for a chart below to rise into and leave a hole), then the charts two to a row.
 */
export function defaultLayout(kpis: number, charts: number): Omit<LayoutItem, 'i'>[] {
  const out: Omit<LayoutItem, 'i'>[] = [];
  const rows = Math.ceil(kpis / 4);
  for (let r = 0; r < rows; r++) {
    // the first rows take one tile more when the tiles do not divide evenly
    const n = Math.floor(kpis / rows) + (r < kpis % rows ? 1 : 0);
    for (let k = 0; k < n; k++) {
      const x = Math.round((k * COLS) / n);
      out.push({ x, y: r * 4, w: Math.round(((k + 1) * COLS) / n) - x, h: 4 });
    }
  }
  for (let i = 0; i < charts; i++) out.push({ x: (i % 2) * 6, y: rows * 4 + Math.floor(i / 2) * 8, w: 6, h: 8 });
  return out;
}
