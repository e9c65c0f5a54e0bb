/** Dashboards and widgets in the app store (migration 006): rows <-> typed objects, nothing else. */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/index.js';
import type { DashboardsTable, DashboardWidgetsTable } from '../store/schema.js';
import { dashboardNotFound, widgetNotFound } from './errors.js';
import type { Dashboard, DashboardFilters, LayoutItem, NewWidget, RefreshPolicy, Sharing, Widget, WidgetChart, WidgetResult } from './types.js';

const json = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));

function toDashboard(r: DashboardsTable): Dashboard {
  return {
    id: r.id,
    name: r.name,
    owner: r.owner,
    layout: JSON.parse(r.layout_json) as LayoutItem[],
    filters: JSON.parse(r.filters_json) as DashboardFilters,
    sharing: { roles: JSON.parse(r.shared_roles_json) as Sharing['roles'], users: JSON.parse(r.shared_users_json) as string[] },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toWidget(r: DashboardWidgetsTable): Widget {
  return {
    id: r.id,
    dashboardId: r.dashboard_id,
    savedId: r.saved_id,
    title: r.title,
    chart: JSON.parse(r.chart_json) as WidgetChart,
    refresh: JSON.parse(r.refresh_json) as RefreshPolicy,
    scheduleId: r.schedule_id,
    result: json<WidgetResult>(r.result_json),
    dataAsOf: r.data_as_of,
    sql: r.result_sql,
    resultVersion: r.result_version,
    error: r.last_error !== null ? { message: r.last_error, code: r.last_error_code ?? 'OTC_ERR_INTERNAL', at: r.last_error_at ?? r.updated_at } : null,
    lastRefreshMs: r.last_refresh_ms,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class DashboardRepository {
  constructor(private readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  async create(d: { name: string; owner: string; filters?: DashboardFilters; sharing?: Sharing; layout?: LayoutItem[] }): Promise<Dashboard> {
    const now = new Date().toISOString();
    const row: DashboardsTable = {
      id: randomUUID(),
      name: d.name,
      owner: d.owner,
      layout_json: JSON.stringify(d.layout ?? []),
      filters_json: JSON.stringify(d.filters ?? {}),
      shared_roles_json: JSON.stringify(d.sharing?.roles ?? []),
      shared_users_json: JSON.stringify(d.sharing?.users ?? []),
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('dashboards').values(row).execute();
    return toDashboard(row);
  }

  async get(id: string): Promise<Dashboard> {
    const r = await this.db.selectFrom('dashboards').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw dashboardNotFound(id);
    return toDashboard(r);
  }

  async list(): Promise<Dashboard[]> {
    return (await this.db.selectFrom('dashboards').selectAll().orderBy('created_at').orderBy('id').execute()).map(toDashboard);
  }

  async update(id: string, patch: { name?: string; layout?: LayoutItem[]; filters?: DashboardFilters; sharing?: Sharing }): Promise<Dashboard> {
    const set: Partial<DashboardsTable> = { updated_at: new Date().toISOString() };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.layout !== undefined) set.layout_json = JSON.stringify(patch.layout);
    if (patch.filters !== undefined) set.filters_json = JSON.stringify(patch.filters);
    if (patch.sharing !== undefined) {
      set.shared_roles_json = JSON.stringify(patch.sharing.roles);
      set.shared_users_json = JSON.stringify(patch.sharing.users);
    }
    const r = await this.db.updateTable('dashboards').set(set).where('id', '=', id).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw dashboardNotFound(id);
    return this.get(id);
  }

  /** Deletes the dashboard and its widgets (one transaction). */
  async delete(id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('dashboard_widgets').where('dashboard_id', '=', id).execute();
      const r = await tx.deleteFrom('dashboards').where('id', '=', id).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw dashboardNotFound(id);
    });
  }

  async widgets(dashboardId: string): Promise<Widget[]> {
    return (await this.db.selectFrom('dashboard_widgets').selectAll().where('dashboard_id', '=', dashboardId).orderBy('created_at').orderBy('id').execute()).map(toWidget);
  }

  async allWidgets(): Promise<Widget[]> {
    return (await this.db.selectFrom('dashboard_widgets').selectAll().orderBy('created_at').execute()).map(toWidget);
  }

  async widget(id: string): Promise<Widget> {
    const r = await this.db.selectFrom('dashboard_widgets').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw widgetNotFound(id);
    return toWidget(r);
  }

  async addWidget(dashboardId: string, w: NewWidget & { title: string }, copy?: Widget): Promise<Widget> {
    const now = new Date().toISOString();
    const row: DashboardWidgetsTable = {
      id: randomUUID(),
      dashboard_id: dashboardId,
      saved_id: w.savedId,
      title: w.title,
      chart_json: JSON.stringify(w.chart),
      refresh_json: JSON.stringify(w.refresh ?? { mode: 'manual' }),
      schedule_id: null,
      result_json: copy?.result ? JSON.stringify(copy.result) : null,
      data_as_of: copy?.dataAsOf ?? null,
      result_sql: copy?.sql ?? null,
      result_version: copy?.resultVersion ?? null,
      last_error: null,
      last_error_code: null,
      last_error_at: null,
      last_refresh_ms: copy?.lastRefreshMs ?? null,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('dashboard_widgets').values(row).execute();
    return toWidget(row);
  }

  async updateWidget(id: string, patch: { title?: string; chart?: WidgetChart; refresh?: RefreshPolicy; scheduleId?: string | null }): Promise<Widget> {
    const set: Partial<DashboardWidgetsTable> = { updated_at: new Date().toISOString() };
    if (patch.title !== undefined) set.title = patch.title;
    if (patch.chart !== undefined) set.chart_json = JSON.stringify(patch.chart);
    if (patch.refresh !== undefined) set.refresh_json = JSON.stringify(patch.refresh);
    if (patch.scheduleId !== undefined) set.schedule_id = patch.scheduleId;
    const r = await this.db.updateTable('dashboard_widgets').set(set).where('id', '=', id).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw widgetNotFound(id);
    return this.widget(id);
  }

  /** A good result replaces the cached one and clears the error. */
  async storeResult(id: string, r: { result: WidgetResult; dataAsOf: string; sql: string | null; version: string | null; ms: number }): Promise<Widget> {
    await this.db
      .updateTable('dashboard_widgets')
      .set({ result_json: JSON.stringify(r.result), data_as_of: r.dataAsOf, result_sql: r.sql, result_version: r.version, last_error: null, last_error_code: null, last_error_at: null, last_refresh_ms: Math.round(r.ms) })
      .where('id', '=', id)
      .execute();
    return this.widget(id);
  }

  /** A failed refresh records its error and keeps the last good result. */
  async storeError(id: string, e: { message: string; code: string; at: string; ms: number }): Promise<Widget> {
    await this.db
      .updateTable('dashboard_widgets')
      .set({ last_error: e.message.slice(0, 2000), last_error_code: e.code, last_error_at: e.at, last_refresh_ms: Math.round(e.ms) })
      .where('id', '=', id)
      .execute();
    return this.widget(id);
  }

  async deleteWidget(id: string): Promise<void> {
    const r = await this.db.deleteFrom('dashboard_widgets').where('id', '=', id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw widgetNotFound(id);
  }
}
