/**
 * The dashboards module against real components: the store (SQLite, and PostgreSQL in CI), the
 * demo datasource, the trained demo profile and its query pipeline, the audit log. Filters are
 * written into typed queries (checked against the same question asked with the filter in words),
 * a failed refresh keeps the last good result, and a row inserted through a writable connection
 * reaches a real-time widget through one shared probe, pushed once to every viewer.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardService, ensureDefaultDashboard, applyFilters, type DashboardService } from '../../src/dashboards/index.js';
import { saveQuestion } from '../../src/reports/index.js';
import { createTestWorld, TEST_TODAY, type TestWorld } from '../../src/server/testing.js';
import { openStore, type Store } from '../../src/store/index.js';
import { createTempPgDatabase, postgresAvailable, type TempPgDatabase } from '../support/services.js';

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld({ maxRows: 500 });
}, 120_000);
afterAll(async () => {
  await world?.close();
});

const analyst = { username: 'analyst', role: 'analyst' };
const viewer = { username: 'viewer', role: 'viewer' };
const admin = { username: 'admin', role: 'admin' };

async function answering() {
  const a = await world.deps.answering.require();
  return { copilot: a.copilot, model: a.model };
}

function service(store: Store): DashboardService {
  return createDashboardService({ store, audit: world.audit, datasource: world.datasource, answering, today: () => TEST_TODAY, maxRows: 500, queryTimeoutMs: 10_000, probeIntervalMs: 60_000 });
}

async function save(store: Store, question: string, owner = 'analyst') {
  const { copilot } = await answering();
  const a = await copilot.ask({ question, today: TEST_TODAY, actor: owner });
  expect(a.status, `${question}: ${a.explanation}`).toBe('answered');
  return saveQuestion(store, { owner, question, asOf: TEST_TODAY, sql: a.sql, query: a.understood, engine: 'semantic', trainingVersion: a.trainingVersion });
}

describe('dashboard filters rewrite the typed query', () => {
  it('adds the dimension where the entity reaches it, and the result is the question asked with that filter', async () => {
    const { copilot, model } = await answering();
    const u = copilot.semantic.understand('How many failed settlements by desk?', TEST_TODAY);
    if (u.status) throw new Error(u.message);
    const cpty = (await copilot.ask({ question: 'Top counterparty by number of failed settlements', today: TEST_TODAY })).rows![0]![0] as string;
    const f = applyFilters(u.query, { counterparty: [cpty] }, model);
    expect(f.applied).toEqual(['counterparty']);
    const filtered = copilot.semantic.compile(f.query, world.datasource.dialect).sql;
    expect(filtered).toContain('counterparties');
    const viaFilter = await copilot.rerun({ query: f.query, question: 'filtered' });
    const inWords = await copilot.ask({ question: `How many failed settlements with ${cpty} by desk?`, today: TEST_TODAY });
    expect(inWords.status).toBe('answered');
    expect(viaFilter.rows).toEqual(inWords.rows);
    // a dimension the entity does not reach is skipped, not guessed
    const c = copilot.semantic.understand('How many counterparties by country?', TEST_TODAY);
    if (c.status) throw new Error(c.message);
    const g = applyFilters(c.query, { desk: ['Rates'] }, model);
    expect(g.skipped).toEqual(['desk']);
    expect(g.query).toBe(c.query);
  });
});

const backends: { name: string; open(): Promise<{ store: Store; drop(): Promise<void> }> }[] = [
  { name: 'sqlite', open: async () => ({ store: world.store, drop: async () => undefined }) },
  {
    name: 'postgres',
    open: async () => {
      const db: TempPgDatabase = await createTempPgDatabase('otc_dash');
      const store = await openStore(db.url);
      return {
        store,
        drop: async () => {
          await store.close();
          await db.drop();
        },
      };
    },
  },
];

for (const backend of backends) {
  describe(`dashboards on ${backend.name}`, () => {
    let available = true;
    let store: Store;
    let drop: () => Promise<void> = async () => undefined;
    let svc: DashboardService;
    beforeAll(async () => {
      if (backend.name === 'postgres') available = await postgresAvailable();
      if (!available) return;
      ({ store, drop } = await backend.open());
      svc = service(store);
    }, 60_000);
    afterAll(async () => {
      await svc?.close();
      await drop();
    });

    it('creates, shares, duplicates, filters and deletes, with widgets and their cached results, audited', async (ctx) => {
      if (!available) return ctx.skip();
      const d = await svc.create({ name: 'Fails desk' }, analyst);
      const s1 = await save(store, 'How many failed settlements by desk?');
      const s2 = await save(store, 'How many failed settlements?');
      const w1 = await svc.addWidget(d.id, { savedId: s1.id, chart: { type: 'stacked-bar' } }, analyst);
      expect(w1.result?.rows.length).toBeGreaterThan(0);
      expect(w1.dataAsOf).not.toBeNull();
      const w2 = await svc.addWidget(d.id, { savedId: s2.id, chart: { type: 'kpi', thresholds: { direction: 'higher-is-worse', amber: 1, red: 1_000_000 } } }, analyst);
      expect(w2.kpi?.status).toBe('amber');
      const edited = await svc.updateWidget(d.id, w2.id, { chart: { type: 'kpi', thresholds: { direction: 'higher-is-worse', amber: 0, red: 1 } } }, analyst);
      expect(edited.kpi?.status).toBe('red');
      await expect(svc.updateWidget(d.id, w2.id, { chart: { type: 'kpi', thresholds: { direction: 'higher-is-worse', amber: 5, red: 1 } } }, analyst)).rejects.toMatchObject({ code: 'OTC_ERR_DASHBOARD_INVALID', status: 400 });

      // not shared: a viewer does not see it; shared with viewers: sees it but cannot edit
      await expect(svc.get(d.id, viewer)).rejects.toMatchObject({ status: 404 });
      await svc.share(d.id, { roles: ['viewer'], users: [] }, analyst);
      const seen = await svc.get(d.id, viewer);
      expect(seen.editable).toBe(false);
      expect(seen.widgets).toHaveLength(2);
      await expect(svc.update(d.id, { name: 'x' }, viewer)).rejects.toMatchObject({ status: 403 });
      expect((await svc.list(admin)).some((x) => x.id === d.id)).toBe(true);

      // filters narrow every widget that has the dimension
      const total = Number(w2.result!.rows[0]![0]);
      const desk = String(w1.result!.rows[0]![0]);
      const filtered = await svc.update(d.id, { filters: { desk: [desk] } }, analyst);
      const kpi = filtered.widgets.find((w) => w.id === w2.id)!;
      expect(Number(kpi.result!.rows[0]![0])).toBe(Number(w1.result!.rows.find((r) => r[0] === desk)![1]));
      expect(Number(kpi.result!.rows[0]![0])).toBeLessThanOrEqual(total);

      const copy = await svc.duplicate(d.id, viewer);
      expect(copy.owner).toBe('viewer');
      expect(copy.widgets.map((w) => w.title).sort()).toEqual(seen.widgets.map((w) => w.title).sort());
      expect(copy.layout).toHaveLength(2);

      const renamed = await svc.update(d.id, { name: 'Fails by desk' }, analyst);
      expect(renamed.name).toBe('Fails by desk');
      await svc.remove(d.id, analyst);
      await expect(svc.get(d.id, admin)).rejects.toMatchObject({ code: 'OTC_ERR_DASHBOARD_NOT_FOUND' });
      const records = await world.audit.search({ text: d.id, limit: 100 });
      const actions = records.filter((r) => r.kind === 'dashboard_change').map((r) => (r.details as { action: string }).action);
      expect(actions).toEqual(expect.arrayContaining(['create_dashboard', 'add_widget', 'edit_widget', 'share_dashboard', 'set_filters', 'rename_dashboard', 'delete_dashboard']));
      const refresh = records.find((r) => r.kind === 'dashboard_refresh' && r.outcome === 'ok');
      expect(refresh?.sql).toMatch(/select/i);
      expect(refresh?.rowCount).toBeGreaterThan(0);
      expect(refresh?.durationMs).toBeGreaterThanOrEqual(0);
    });
  });
}

describe('refresh failures and real time (SQLite datasource written by the test)', () => {
  let svc: DashboardService;
  let writer: Database.Database;
  beforeAll(() => {
    svc = service(world.store);
    writer = new Database(join(world.dir, 'demo-ops.db'));
  });
  afterAll(async () => {
    writer?.close();
    await svc?.close();
  });

  it('a failed refresh shows its error and keeps the last good result', async () => {
    const d = await svc.create({ name: 'Exceptions' }, analyst);
    const s = await save(world.store, 'How many open exceptions by severity?');
    const w = await svc.addWidget(d.id, { savedId: s.id, chart: { type: 'bar' } }, analyst);
    const good = w.result;
    expect(good?.rows.length).toBeGreaterThan(0);
    writer.exec('ALTER TABLE exceptions RENAME TO exceptions_gone');
    try {
      const bad = await svc.refreshWidget(d.id, w.id, analyst);
      expect(bad.error?.message).toMatch(/exceptions/);
      expect(bad.result).toEqual(good);
      expect(bad.dataAsOf).toBe(w.dataAsOf);
    } finally {
      writer.exec('ALTER TABLE exceptions_gone RENAME TO exceptions');
    }
    const again = await svc.refreshWidget(d.id, w.id, analyst);
    expect(again.error).toBeNull();
  });

  it('one probe per table, a re-run only on a change, one push to every viewer', async () => {
    const d = await svc.create({ name: 'Live', sharing: { roles: ['viewer'], users: [] } }, analyst);
    const s = await save(world.store, 'How many exceptions?');
    const w = await svc.addWidget(d.id, { savedId: s.id, chart: { type: 'kpi' }, refresh: { mode: 'realtime' } }, analyst);
    const before = Number(w.result!.rows[0]![0]);
    const frames: string[][] = [[], [], []];
    for (const f of frames) await svc.subscribe(d.id, viewer, { write: (x) => void f.push(x) });
    const tables = svc.stats().tables;
    expect(tables).toBeGreaterThan(0);
    await svc.probeNow(); // baseline
    const p0 = svc.stats().probes;
    expect(await svc.probeNow()).toEqual([]); // nothing changed: no re-run, nothing pushed
    expect(frames.every((f) => f.length === 0)).toBe(true);
    const cols = writer.prepare('PRAGMA table_info(exceptions)').all() as { name: string; notnull: number; pk: number }[];
    const row = writer.prepare('SELECT * FROM exceptions LIMIT 1').get() as Record<string, unknown>;
    const pk = cols.find((c) => c.pk === 1)!.name;
    const max = (writer.prepare(`SELECT max(${pk}) AS m FROM exceptions`).get() as { m: unknown }).m;
    row[pk] = typeof max === 'number' ? max + 1 : `${String(max)}-X`;
    writer.prepare(`INSERT INTO exceptions (${Object.keys(row).join(',')}) VALUES (${Object.keys(row).map(() => '?').join(',')})`).run(...Object.values(row));
    const changed = await svc.probeNow();
    expect(changed).toContain('exceptions');
    expect(svc.stats().probes - p0).toBe(2 * tables);
    for (const f of frames) {
      expect(f).toHaveLength(1);
      const pushed = JSON.parse(f[0]!.split('\ndata: ')[1]!) as { id: string; result: { rows: unknown[][] } };
      expect(pushed.id).toBe(w.id);
      expect(Number(pushed.result.rows[0]![0])).toBe(before + 1);
    }
    const runs = (await world.audit.search({ text: w.id, limit: 50 })).filter((r) => r.kind === 'dashboard_refresh' && (r.details as { reason: string }).reason === 'realtime');
    expect(runs).toHaveLength(1); // three viewers, one query
  });

  it('the default dashboard comes from the profile\'s example questions, once', async () => {
    const a = await answering();
    const id = await ensureDefaultDashboard({ store: world.store, service: svc, answering: a, owner: 'admin', today: TEST_TODAY, dialect: world.datasource.dialect });
    expect(id).not.toBeNull();
    const d = await svc.get(id!, viewer);
    const examples = a.model.profile.examples.map((e) => e.question);
    expect(d.widgets.length).toBeGreaterThanOrEqual(4);
    for (const w of d.widgets) {
      expect(examples).toContain(w.question);
      expect(w.error).toBeNull();
      expect(w.result).not.toBeNull();
      // a KPI tile is one figure, never a breakdown that happens to have one row today
      const u = a.copilot.semantic.understand(w.question!, TEST_TODAY);
      if (w.chart.type === 'kpi' && u.status === undefined) expect(u.query.groupBy, w.question ?? '').toEqual([]);
    }
    expect(await ensureDefaultDashboard({ store: world.store, service: svc, answering: a, owner: 'admin', today: TEST_TODAY, dialect: world.datasource.dialect })).toBeNull();
  });
});
