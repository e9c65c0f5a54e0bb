/**
 * The dashboards service: dashboards and widgets with their owners and sharing, refreshes
 * (manual, scheduled, real-time), the change probe and the live hub. Every create, edit, share
 * and refresh is audited. Routes, the scheduler handler and the benchmark use only this.
 */
import type { AuditLog } from '../audit/index.js';
import type { Datasource } from '../datasource/types.js';
import type { EventBus } from '../events/index.js';
import { getSaved, saveQuestion, savedStatus, type SavedStatus } from '../reports/index.js';
import { PermanentRunError, type RunHandler, type ScheduleInput } from '../scheduler/index.js';
import { isOtcError, OtcError } from '../shared/errors.js';
import type { Store } from '../store/index.js';
import type { TrainedModel } from '../training/index.js';
import { maySee, mayEdit, type Viewer } from './access.js';
import { kpiFigure, type KpiFigure } from './chart.js';
import { FirstPaints, type FirstPaint } from './first-paint.js';
import { dashboardNotFound, DashboardErrorCode, fromZod, mayNotEdit, widgetNotFound } from './errors.js';
import { LiveHub, Relay, type LiveClient } from './live.js';
import { ChangeProbe, queryTables, type ProbeStats } from './probe.js';
import { refreshWidget, widgetQuery, type ActiveAnswering, type RefreshReason } from './refresh.js';
import { DashboardRepository } from './repository.js';
import { checkShareUsers, roleOf, shareCandidates, type ShareCandidate } from './sharing.js';
import { canonicalFilters, PersonalViews } from './viewer-filters.js';
import {
  filtersSchema,
  layoutSchema,
  refreshSchema,
  SHARE_ROLES,
  sharingSchema,
  widgetChartSchema,
  type Dashboard,
  type DashboardFilters,
  type LayoutItem,
  type NewWidget,
  type RefreshPolicy,
  type Sharing,
  type Widget,
  type WidgetChart,
} from './types.js';

export const DASHBOARD_REFRESH_KIND = 'dashboard-refresh';

/** The slice of the scheduler a dashboard needs. */
export interface DashboardScheduler {
  registerHandler(kind: string, handler: RunHandler): void;
  register(input: ScheduleInput, actor: string): Promise<{ id: string }>;
  unregister(id: string, actor: string): Promise<void>;
  /** Validates a spec without saving anything (a bad zone or calendar is a 4xx before any write). */
  nextFireTimes(spec: unknown, count?: number): Promise<Date[]>;
}

export interface DashboardServiceOptions {
  store: Store;
  audit: AuditLog;
  datasource: Datasource;
  /** The active training version's pipeline and model (OTC_ERR_NOT_TRAINED when none). */
  answering: () => Promise<ActiveAnswering>;
  today: () => string;
  maxRows: number;
  queryTimeoutMs: number;
  /** Every-N-minutes and daily widgets need one; absent: those policies are refused. */
  scheduler?: DashboardScheduler;
  /** Interval of the change probe of real-time widgets' tables (OTC_DASHBOARD_PROBE_INTERVAL_MS). */
  probeIntervalMs: number;
  /** false in scheduler workers: only the API processes probe and push (default true). */
  realtime?: boolean;
  /**
   * The deployment's event bus: with several processes, one API process at a time probes (a
   * lease on the bus), every refreshed widget is announced, and each API process re-reads it
   * once from the store for its own viewers (live.ts). Absent: this process alone.
   */
  events?: Pick<EventBus, 'origin' | 'publish' | 'subscribe' | 'lease'>;
  onError?: (what: string, e: unknown) => void;
}

export interface WidgetView extends Widget {
  question: string | null;
  /** Whether the saved question still means what it meant under the active training version. */
  savedStatus: SavedStatus | 'missing' | 'not-trained';
  kpi?: KpiFigure;
  /** A chart widget's SVG drawn on the server at its grid size (first-paint.ts), on GET of its dashboard only. */
  firstPaint?: FirstPaint;
}

export interface DashboardView extends Dashboard {
  widgets: WidgetView[];
  /** Whether the viewer may change it. */
  editable: boolean;
}

/** A dashboard seen through the viewer's own filters (`filters`); the saved ones are `defaultFilters`. */
export interface FilteredDashboardView extends DashboardView {
  defaultFilters: DashboardFilters;
  viewerFilters: true;
  widgets: (WidgetView & { filtered?: { applied: string[]; skipped: string[] } })[];
}

/** What the share dialog shows: the sharing, the roles and the users it can name. */
export interface SharingChoices {
  sharing: Sharing;
  roles: readonly string[];
  users: ShareCandidate[];
}

export interface DashboardService {
  list(user: Viewer): Promise<Dashboard[]>;
  get(id: string, user: Viewer): Promise<DashboardView>;
  /** The dashboard through the viewer's own filters, nothing saved (widgets re-run with them, cached apart; audited under the viewer). */
  viewWith(id: string, user: Viewer, filters: unknown): Promise<FilteredDashboardView>;
  /** Who the dashboard is shared with and who it could be (its editors only). */
  sharingChoices(id: string, user: Viewer): Promise<SharingChoices>;
  /** Whether a user (by name, with their current role) may see a dashboard: a report of it runs for its owner. */
  mayUserSee(dashboardId: string, username: string): Promise<boolean>;
  create(input: { name: string; filters?: unknown; sharing?: unknown }, user: Viewer): Promise<DashboardView>;
  update(id: string, patch: { name?: string; layout?: unknown; filters?: unknown }, user: Viewer): Promise<DashboardView>;
  share(id: string, sharing: unknown, user: Viewer): Promise<DashboardView>;
  duplicate(id: string, user: Viewer, name?: string): Promise<DashboardView>;
  remove(id: string, user: Viewer): Promise<void>;
  addWidget(dashboardId: string, input: { savedId: string; title?: string; chart: unknown; refresh?: unknown; position?: Omit<LayoutItem, 'i'> }, user: Viewer): Promise<WidgetView>;
  updateWidget(dashboardId: string, widgetId: string, patch: { title?: string; chart?: unknown; refresh?: unknown }, user: Viewer): Promise<WidgetView>;
  removeWidget(dashboardId: string, widgetId: string, user: Viewer): Promise<void>;
  /** Re-runs a widget now (anyone who sees the dashboard; audited under their name). */
  refreshWidget(dashboardId: string, widgetId: string, user: Viewer): Promise<WidgetView>;
  refreshDashboard(dashboardId: string, user: Viewer): Promise<WidgetView[]>;
  /** Asks the widget's question again under the active training version and points the widget at the new saved question. */
  regenerate(dashboardId: string, widgetId: string, user: Viewer): Promise<WidgetView>;
  /** A viewer's live feed (SSE) of a dashboard: refreshed widgets are pushed to it. */
  subscribe(dashboardId: string, user: Viewer, client: LiveClient): Promise<() => void>;
  /** Watches the tables of every real-time widget again (after a widget or a training change). */
  syncRealtime(): Promise<void>;
  /** One probe round now (tests, benchmark); the timer does the same every interval. */
  probeNow(): Promise<string[]>;
  /** A system refresh of one widget (scheduler, probe); published to its viewers. */
  refreshAs(widgetId: string, actor: string, reason: RefreshReason): Promise<Widget>;
  /** Probe figures, live clients and frames, and widget re-runs (datasource queries of widgets) by reason since start. */
  stats(): ProbeStats & { clients: number; framesSent: number; realtimeWidgets: number; refreshes: Record<string, number>; relayed: number; viewerFilterRuns: number };
  readonly repo: DashboardRepository;
  readonly hub: LiveHub;
  start(): Promise<void>;
  close(): Promise<void>;
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, v: unknown): T {
  const r = schema.safeParse(v);
  if (!r.success) throw fromZod(r.error);
  return r.data;
}

const name = (s: unknown) => {
  const n = typeof s === 'string' ? s.trim() : '';
  if (!n || n.length > 200) throw new OtcError(DashboardErrorCode.Invalid, 'A dashboard needs a name of 1 to 200 characters.', { status: 400 });
  return n;
};

export function createDashboardService(o: DashboardServiceOptions): DashboardService {
  let unsubscribe = () => undefined as void;
  const repo = new DashboardRepository(o.store);
  const hub = new LiveHub();
  let lastModel: TrainedModel | undefined;
  const answering = async () => {
    const a = await o.answering();
    lastModel = a.model;
    return a;
  };
  const deps = { store: o.store, audit: o.audit, repo, answering, dialect: o.datasource.dialect, today: o.today, maxRows: o.maxRows };
  /** widget id -> the tables its query reads (real-time widgets only) */
  let realtime = new Map<string, string[]>();
  const probe = new ChangeProbe({
    datasource: o.datasource,
    intervalMs: o.probeIntervalMs,
    timeoutMs: o.queryTimeoutMs,
    model: () => lastModel,
    onChange: async (tables) => {
      const hit = [...realtime].filter(([, ts]) => ts.some((t) => tables.includes(t))).map(([id]) => id);
      await Promise.all(hit.map((id) => refreshAs(id, 'system:realtime', 'realtime').catch((e) => o.onError?.('realtime refresh', e))));
    },
    onError: (t, e) => o.onError?.(`probe ${t}`, e),
    ...(o.events ? { mayProbe: () => o.events!.lease('dashboards:probe', o.probeIntervalMs * 3) } : {}),
  });
  const bus = o.events;
  const announce = (e: Parameters<EventBus['publish']>[0]) => void bus?.publish(e).catch((err: unknown) => o.onError?.('dashboard event', err));
  const relay = new Relay(async (widgetId) => {
    const w = await repo.widget(widgetId);
    if (hub.clients(w.dashboardId)) hub.publish(w.dashboardId, 'widget', await view(w));
  }, (e) => o.onError?.('widget from another process', e));

  const personal = new PersonalViews({ store: o.store, audit: o.audit, answering, today: o.today, maxRows: o.maxRows });
  const audit = (actor: string, action: string, details: Record<string, unknown>) => o.audit.append({ kind: 'dashboard_change', actor, outcome: 'ok', details: { action, ...details } });

  async function visible(id: string, user: Viewer): Promise<Dashboard> {
    const d = await repo.get(id);
    if (!maySee(d, user)) throw dashboardNotFound(id);
    return d;
  }
  async function editable(id: string, user: Viewer): Promise<Dashboard> {
    const d = await visible(id, user);
    if (!mayEdit(d, user)) throw mayNotEdit();
    return d;
  }
  async function widgetOf(d: Dashboard, widgetId: string): Promise<Widget> {
    const w = await repo.widget(widgetId);
    if (w.dashboardId !== d.id) throw widgetNotFound(widgetId);
    return w;
  }

  async function view(w: Widget): Promise<WidgetView> {
    let question: string | null = null;
    let status: WidgetView['savedStatus'] = 'missing';
    try {
      const s = await getSaved(o.store, w.savedId);
      question = s.question;
      const a = await o.answering().catch(() => undefined);
      status = a ? savedStatus(s, a.copilot, o.datasource.dialect) : 'not-trained';
    } catch (e) {
      if (!isOtcError(e) || e.status !== 404) throw e;
    }
    return { ...w, question, savedStatus: status, ...(w.chart.type === 'kpi' && w.result ? { kpi: kpiFigure(w.chart, w.result) } : {}) };
  }

  async function dashboardView(d: Dashboard, user: Viewer): Promise<DashboardView> {
    const widgets = await Promise.all(
      (await repo.widgets(d.id)).map(async (w) => {
        const paint = paints.get(w, d.layout.find((l) => l.i === w.id));
        return { ...(await view(w)), ...(paint ? { firstPaint: paint } : {}) };
      }),
    );
    return { ...d, widgets, editable: mayEdit(d, user) };
  }

  // one refresh of a widget at a time; a refresh asked for meanwhile runs once after it
  const inflight = new Map<string, { run: Promise<Widget>; again?: Promise<Widget> }>();
  const refreshes: Record<string, number> = {};
  const paints = new FirstPaints();
  /** Draws a refreshed chart widget's first paint now, so the next opening of its dashboard finds it. */
  const warm = (w: Widget) =>
    void repo
      .get(w.dashboardId)
      .then((d) => paints.get(w, d.layout.find((l) => l.i === w.id)))
      .catch(() => undefined);
  function refreshAs(widgetId: string, actor: string, reason: RefreshReason): Promise<Widget> {
    const cur = inflight.get(widgetId);
    if (cur) {
      cur.again ??= cur.run.catch(() => undefined).then(() => refreshAs(widgetId, actor, reason));
      return cur.again;
    }
    refreshes[reason] = (refreshes[reason] ?? 0) + 1;
    const run = refreshWidget(deps, widgetId, { actor, reason })
      .then(async (w) => {
        hub.publish(w.dashboardId, 'widget', await view(w));
        announce({ type: 'dashboard_widget', dashboardId: w.dashboardId, widgetId: w.id });
        if (o.realtime !== false) warm(w);
        return w;
      })
      .finally(() => {
        if (inflight.get(widgetId)?.run === run) inflight.delete(widgetId);
      });
    inflight.set(widgetId, { run });
    return run;
  }

  function specOf(policy: RefreshPolicy) {
    if (policy.mode === 'every') return { kind: 'every' as const, minutes: policy.minutes, timeZone: 'UTC' };
    if (policy.mode === 'daily') return { kind: 'daily' as const, at: policy.at, timeZone: policy.timeZone, businessDaysOnly: policy.businessDaysOnly ?? false, ...(policy.holidays?.length ? { calendar: { holidays: policy.holidays } } : {}) };
    return undefined;
  }

  /** Checks a refresh policy before anything is written: a scheduler to run it, a valid zone and calendar. */
  async function checkPolicy(policy: RefreshPolicy): Promise<void> {
    const spec = specOf(policy);
    if (!spec) return;
    if (!o.scheduler) throw new OtcError(DashboardErrorCode.NoScheduler, 'Scheduled refreshes need the scheduler, which this process does not run.', { status: 409 });
    await o.scheduler.nextFireTimes(spec, 1);
  }

  async function schedule(w: Widget, policy: RefreshPolicy, actor: string): Promise<Widget> {
    if (w.scheduleId && o.scheduler) await o.scheduler.unregister(w.scheduleId, actor).catch((e) => (isOtcError(e) && e.status === 404 ? undefined : Promise.reject(e)));
    let scheduleId: string | null = null;
    const spec = specOf(policy);
    if (spec && o.scheduler) {
      const s = await o.scheduler.register({ name: `dashboard widget ${w.id}`, handler: DASHBOARD_REFRESH_KIND, payload: { widgetId: w.id }, spec, catchUp: 'latest', maxAttempts: 2, timeoutMs: Math.max(o.queryTimeoutMs * 3, 60_000) }, actor);
      scheduleId = s.id;
    }
    return repo.updateWidget(w.id, { refresh: policy, scheduleId });
  }

  /** Re-reads the real-time widgets here and has the other API processes do the same. */
  async function syncRealtime(): Promise<void> {
    await resync();
    announce({ type: 'dashboard_realtime' });
  }

  async function resync(): Promise<void> {
    const next = new Map<string, string[]>();
    const widgets = (await repo.allWidgets()).filter((w) => w.refresh.mode === 'realtime');
    if (widgets.length) {
      const a = await answering().catch(() => undefined);
      if (a) {
        for (const w of widgets) {
          try {
            const s = await getSaved(o.store, w.savedId);
            const q = widgetQuery(s, await repo.get(w.dashboardId), a, o.today()).query;
            if (q) next.set(w.id, queryTables(q));
          } catch (e) {
            o.onError?.(`realtime widget ${w.id}`, e);
          }
        }
      }
    }
    realtime = next;
    probe.watch(new Set([...next.values()].flat()));
  }

  const service: DashboardService = {
    repo,
    hub,
    async list(user) {
      return (await repo.list()).filter((d) => maySee(d, user));
    },
    async get(id, user) {
      return dashboardView(await visible(id, user), user);
    },
    async viewWith(id, user, rawFilters) {
      const d = await visible(id, user);
      const filters = parse<DashboardFilters>(filtersSchema, rawFilters);
      const base = await dashboardView(d, user);
      // the saved filters: the widgets' shared results are that view already
      if (canonicalFilters(filters) === canonicalFilters(d.filters)) return { ...base, filters, defaultFilters: d.filters, viewerFilters: true };
      const widgets = await Promise.all(
        base.widgets.map(async (w) => {
          const p = await personal.get(w, filters, user.username);
          const { kpi: _k, ...rest } = w;
          return { ...rest, result: p.result, dataAsOf: p.dataAsOf, sql: p.sql, error: p.error, filtered: p.filtered, ...(w.chart.type === 'kpi' && p.result ? { kpi: kpiFigure(w.chart, p.result) } : {}) };
        }),
      );
      return { ...base, widgets, filters, defaultFilters: d.filters, viewerFilters: true };
    },
    async sharingChoices(id, user) {
      const d = await editable(id, user);
      return { sharing: d.sharing, roles: SHARE_ROLES, users: (await shareCandidates(o.store)).filter((u) => u.username !== d.owner) };
    },
    async mayUserSee(dashboardId, username) {
      const role = await roleOf(o.store, username);
      return role !== undefined && maySee(await repo.get(dashboardId), { username, role });
    },
    async create(input, user) {
      const filters = parse<DashboardFilters>(filtersSchema, input.filters ?? {});
      const sharing = parse<Sharing>(sharingSchema, input.sharing ?? { roles: [], users: [] });
      await checkShareUsers(o.store, sharing, { roles: [], users: [] });
      const d = await repo.create({ name: name(input.name), owner: user.username, filters, sharing });
      await audit(user.username, 'create_dashboard', { dashboardId: d.id, name: d.name, sharing });
      return dashboardView(d, user);
    },
    async update(id, patch, user) {
      const before = await editable(id, user);
      const upd: { name?: string; layout?: LayoutItem[]; filters?: DashboardFilters } = {};
      if (patch.name !== undefined) upd.name = name(patch.name);
      if (patch.layout !== undefined) upd.layout = parse<LayoutItem[]>(layoutSchema, patch.layout);
      if (patch.filters !== undefined) upd.filters = parse<DashboardFilters>(filtersSchema, patch.filters);
      const d = await repo.update(id, upd);
      const action = upd.filters ? 'set_filters' : upd.name !== undefined && upd.name !== before.name ? 'rename_dashboard' : 'edit_layout';
      await audit(user.username, action, { dashboardId: id, ...(upd.name !== undefined ? { from: before.name, name: upd.name } : {}), ...(upd.filters ? { filters: upd.filters } : {}), ...(upd.layout ? { widgets: upd.layout.length } : {}) });
      if (upd.filters && JSON.stringify(upd.filters) !== JSON.stringify(before.filters)) {
        await Promise.all((await repo.widgets(id)).map((w) => refreshAs(w.id, user.username, 'filters')));
        await syncRealtime();
      }
      return dashboardView(d, user);
    },
    async share(id, sharing, user) {
      const before = await editable(id, user);
      const s = parse<Sharing>(sharingSchema, sharing);
      s.users = [...new Set(s.users.map((u) => u.trim()).filter(Boolean))];
      await checkShareUsers(o.store, s, before.sharing);
      const d = await repo.update(id, { sharing: s });
      const diff = (a: readonly string[], b: readonly string[]) => a.filter((x) => !b.includes(x));
      await audit(user.username, 'share_dashboard', {
        dashboardId: id,
        sharing: s,
        added: { roles: diff(s.roles, before.sharing.roles), users: diff(s.users, before.sharing.users) },
        removed: { roles: diff(before.sharing.roles, s.roles), users: diff(before.sharing.users, s.users) },
      });
      return dashboardView(d, user);
    },
    async duplicate(id, user, newName) {
      const src = await visible(id, user);
      const d = await repo.create({ name: newName !== undefined ? name(newName) : `${src.name} (copy)`.slice(0, 200), owner: user.username, filters: src.filters });
      const layout: LayoutItem[] = [];
      for (const w of await repo.widgets(id)) {
        // the copy starts with the same cached result; scheduled and real-time policies become manual until its owner sets them
        const c = await repo.addWidget(d.id, { savedId: w.savedId, title: w.title, chart: w.chart, refresh: { mode: 'manual' } }, w);
        const pos = src.layout.find((l) => l.i === w.id);
        if (pos) layout.push({ ...pos, i: c.id });
      }
      const out = await repo.update(d.id, { layout });
      await audit(user.username, 'duplicate_dashboard', { dashboardId: d.id, from: id, name: d.name });
      return dashboardView(out, user);
    },
    async remove(id, user) {
      const d = await editable(id, user);
      const widgets = await repo.widgets(id);
      for (const w of widgets) if (w.scheduleId && o.scheduler) await o.scheduler.unregister(w.scheduleId, user.username).catch(() => undefined);
      await repo.delete(id);
      await audit(user.username, 'delete_dashboard', { dashboardId: id, name: d.name, widgets: widgets.length });
      await syncRealtime();
    },
    async addWidget(dashboardId, input, user) {
      const d = await editable(dashboardId, user);
      const chart = parse<WidgetChart>(widgetChartSchema, input.chart);
      const refresh = parse<RefreshPolicy>(refreshSchema, input.refresh ?? { mode: 'manual' });
      const s = await getSaved(o.store, input.savedId);
      if (s.owner !== user.username && user.role !== 'admin') throw new OtcError(DashboardErrorCode.Forbidden, 'You can add only your own saved questions.', { status: 403 });
      if (refresh.mode === 'realtime' && !s.query) throw new OtcError(DashboardErrorCode.NotRealtime, 'Only a question the semantic engine understood can refresh in real time (its tables are known); choose a schedule instead.', { status: 422 });
      await checkPolicy(refresh);
      const nw: NewWidget & { title: string } = { savedId: s.id, title: (input.title?.trim() || s.title).slice(0, 200), chart, refresh: { mode: 'manual' } };
      let w = await repo.addWidget(d.id, nw);
      const bottom = d.layout.reduce((m, l) => Math.max(m, l.y + l.h), 0);
      const pos = input.position ?? { x: 0, y: bottom, w: chart.type === 'kpi' ? 3 : 6, h: chart.type === 'kpi' ? 4 : 8 };
      await repo.update(d.id, { layout: [...d.layout, { i: w.id, ...pos }] });
      w = await schedule(w, refresh, user.username);
      await audit(user.username, 'add_widget', { dashboardId: d.id, widgetId: w.id, savedId: s.id, chart: chart.type, refresh: refresh.mode });
      w = await refreshAs(w.id, user.username, 'created');
      if (refresh.mode === 'realtime') await syncRealtime();
      return view(w);
    },
    async updateWidget(dashboardId, widgetId, patch, user) {
      const d = await editable(dashboardId, user);
      let w = await widgetOf(d, widgetId);
      const chart = patch.chart !== undefined ? parse<WidgetChart>(widgetChartSchema, patch.chart) : undefined;
      const refresh = patch.refresh !== undefined ? parse<RefreshPolicy>(refreshSchema, patch.refresh) : undefined;
      if (refresh?.mode === 'realtime' && !(await getSaved(o.store, w.savedId)).query) throw new OtcError(DashboardErrorCode.NotRealtime, 'Only a question the semantic engine understood can refresh in real time; choose a schedule instead.', { status: 422 });
      if (refresh) await checkPolicy(refresh);
      const title = patch.title !== undefined ? patch.title.trim().slice(0, 200) || w.title : undefined;
      w = await repo.updateWidget(w.id, { ...(title !== undefined ? { title } : {}), ...(chart ? { chart } : {}) });
      if (refresh && JSON.stringify(refresh) !== JSON.stringify(w.refresh)) w = await schedule(w, refresh, user.username);
      await audit(user.username, 'edit_widget', { dashboardId: d.id, widgetId: w.id, ...(chart ? { chart: chart.type, thresholds: chart.thresholds } : {}), ...(refresh ? { refresh } : {}), ...(title !== undefined ? { title } : {}) });
      // editing a widget re-runs it
      w = await refreshAs(w.id, user.username, 'edited');
      if (refresh) await syncRealtime();
      return view(w);
    },
    async removeWidget(dashboardId, widgetId, user) {
      const d = await editable(dashboardId, user);
      const w = await widgetOf(d, widgetId);
      if (w.scheduleId && o.scheduler) await o.scheduler.unregister(w.scheduleId, user.username).catch(() => undefined);
      await repo.deleteWidget(w.id);
      paints.forget(w.id);
      await repo.update(d.id, { layout: d.layout.filter((l) => l.i !== w.id) });
      await audit(user.username, 'remove_widget', { dashboardId: d.id, widgetId: w.id });
      if (w.refresh.mode === 'realtime') await syncRealtime();
    },
    async refreshWidget(dashboardId, widgetId, user) {
      const d = await visible(dashboardId, user);
      const w = await widgetOf(d, widgetId);
      return view(await refreshAs(w.id, user.username, 'manual'));
    },
    async refreshDashboard(dashboardId, user) {
      const d = await visible(dashboardId, user);
      const ws = await repo.widgets(d.id);
      return Promise.all(ws.map(async (w) => view(await refreshAs(w.id, user.username, 'manual'))));
    },
    async regenerate(dashboardId, widgetId, user) {
      const d = await editable(dashboardId, user);
      const w = await widgetOf(d, widgetId);
      const s = await getSaved(o.store, w.savedId);
      const a = await answering();
      const today = o.today();
      const u = a.copilot.semantic.understand(s.question, today);
      if (u.status !== undefined) throw new OtcError('OTC_ERR_CANNOT_ANSWER', `The active training version cannot answer "${s.question}" any more: ${u.message}.`, { status: 422 });
      const compiled = a.copilot.semantic.compile(u.query, o.datasource.dialect);
      const ns = await saveQuestion(o.store, { owner: user.username, title: s.title, question: s.question, asOf: today, sql: compiled.sql, query: u.query, engine: 'semantic', explanation: compiled.explanation, ...(a.copilot.trainingVersion ? { trainingVersion: a.copilot.trainingVersion } : {}), ...(s.chart ? { chart: s.chart } : {}) }, o.audit);
      await o.store.db.updateTable('dashboard_widgets').set({ saved_id: ns.id, updated_at: new Date().toISOString() }).where('id', '=', w.id).execute();
      await audit(user.username, 'regenerate_widget', { dashboardId: d.id, widgetId: w.id, from: s.id, savedId: ns.id, trainingVersion: a.copilot.trainingVersion });
      const out = await refreshAs(w.id, user.username, 'edited');
      if (w.refresh.mode === 'realtime') await syncRealtime();
      return view(out);
    },
    async subscribe(dashboardId, user, client) {
      await visible(dashboardId, user);
      return hub.subscribe(dashboardId, client);
    },
    syncRealtime,
    probeNow: () => probe.tick(),
    refreshAs,
    stats() {
      return { ...probe.stats(), clients: hub.clients(), framesSent: hub.framesSent(), realtimeWidgets: realtime.size, refreshes: { ...refreshes }, relayed: relay.count, viewerFilterRuns: personal.runs() };
    },
    async start() {
      o.scheduler?.registerHandler(DASHBOARD_REFRESH_KIND, async (ctx) => {
        const id = ctx.payload.widgetId;
        if (typeof id !== 'string') throw new PermanentRunError('a dashboard-refresh schedule needs payload.widgetId');
        let w: Widget;
        try {
          w = await repo.widget(id);
        } catch (e) {
          throw new PermanentRunError(e instanceof Error ? e.message : String(e), { cause: e });
        }
        const out = await refreshAs(w.id, `scheduler:${ctx.scheduleName}`, 'schedule');
        if (out.error && out.error.at >= ctx.scheduledAt.toISOString()) throw new Error(`${out.error.code}: ${out.error.message}`);
      });
      if (o.realtime === false) return;
      if (bus) {
        // another process's refresh: re-read once for this process's viewers; its real-time widgets changed: watch their tables
        let resyncing: Promise<void> | undefined;
        unsubscribe = bus.subscribe((e) => {
          if (e.origin === bus.origin) return;
          if (e.type === 'dashboard_widget' && hub.clients(e.dashboardId)) relay.add(e.widgetId);
          if (e.type === 'dashboard_realtime') resyncing ??= resync().catch((err: unknown) => o.onError?.('real-time widgets', err)).finally(() => (resyncing = undefined));
        });
      }
      await resync();
      probe.start();
    },
    async close() {
      unsubscribe();
      await probe.stop();
    },
  };
  return service;
}
