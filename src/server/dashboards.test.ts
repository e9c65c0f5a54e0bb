/**
 * Dashboards over the API, every route with every role: analysts create and edit theirs, viewers
 * see what is shared with them (and cannot edit), admins see and change all, auditors nothing;
 * bad input is a clear 400; live updates arrive over Server-Sent Events on a real socket after
 * the test writes a row into the datasource through its own connection.
 */
import { request } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler, InProcessBackend, type Scheduler } from '../scheduler/index.js';
import { savedAnswer as savedAnswerOf, signInOver, startTestServer, type TestServer, type TestWorld } from './testing.js';

let world: TestWorld;
let app: FastifyInstance;
let scheduler: Scheduler;
let server: TestServer;
const call: TestServer['call'] = (...args) => server.call(...args);
const savedAnswer = (user: string, question: string) => savedAnswerOf(call, user, question);

beforeAll(async () => {
  server = await startTestServer({ maxRows: 200, dashboardProbeIntervalMs: 3_600_000 }, ['analyst', 'viewer', 'admin', 'auditor'], (w) => {
    scheduler = createScheduler({ store: w.store, audit: w.audit, backend: new InProcessBackend() });
    return { scheduler };
  });
  ({ world, app } = server);
  await scheduler.start();
}, 120_000);
afterAll(async () => {
  await scheduler?.close();
  await server?.close();
});

describe('dashboards API', () => {
  it('every route, every role', async () => {
    // create: analysts and admins; viewers and auditors may not
    expect((await call('viewer', 'POST', '/api/dashboards', { name: 'v' })).statusCode).toBe(403);
    expect((await call('auditor', 'POST', '/api/dashboards', { name: 'a' })).statusCode).toBe(403);
    expect((await call('analyst', 'POST', '/api/dashboards', { name: '' })).statusCode).toBe(400);
    expect((await call('analyst', 'POST', '/api/dashboards', { name: 'x', filters: { from: 'yesterday' } })).json().code).toBe('OTC_ERR_BAD_REQUEST');
    const created = await call('analyst', 'POST', '/api/dashboards', { name: 'Settlements' });
    expect(created.statusCode).toBe(201);
    const d = created.json();
    expect(d).toMatchObject({ name: 'Settlements', owner: 'analyst', widgets: [], editable: true });

    // widgets from saved answers
    const s1 = await savedAnswer('analyst', 'How many failed settlements by desk?');
    const s2 = await savedAnswer('analyst', 'How many failed settlements?');
    const w1r = await call('analyst', 'POST', `/api/dashboards/${d.id}/widgets`, { savedId: s1, chart: { type: 'bar', colors: ['#112233'] } });
    expect(w1r.statusCode).toBe(201);
    const w1 = w1r.json();
    expect(w1.result.rows.length).toBeGreaterThan(0);
    expect(w1.dataAsOf).toMatch(/^\d{4}-/);
    const w2 = (await call('analyst', 'POST', `/api/dashboards/${d.id}/widgets`, { savedId: s2, chart: { type: 'kpi' }, refresh: { mode: 'realtime' } })).json();
    expect(w2.kpi.value).toBeGreaterThan(0);
    expect((await call('analyst', 'POST', `/api/dashboards/${d.id}/widgets`, { savedId: s2, chart: { type: 'donut' } })).statusCode).toBe(400);
    expect((await call('analyst', 'POST', `/api/dashboards/${d.id}/widgets`, { savedId: s2, chart: { type: 'bar' }, refresh: { mode: 'daily', at: '07:00', timeZone: 'Mars/Olympus' } })).statusCode).toBe(400);
    expect((await call('viewer', 'POST', `/api/dashboards/${d.id}/widgets`, { savedId: s2, chart: { type: 'bar' } })).statusCode).toBe(403);
    const others = await savedAnswer('admin', 'How many trades?');
    expect((await call('analyst', 'POST', `/api/dashboards/${d.id}/widgets`, { savedId: others, chart: { type: 'kpi' } })).statusCode).toBe(403);
    const opened = (await call('analyst', 'GET', `/api/dashboards/${d.id}`)).json().widgets as { id: string; firstPaint?: { svg: string } }[];
    expect(opened).toHaveLength(2);
    // opening it: the bar chart comes drawn by the server (its SVG, in its colour); the KPI needs none
    expect(opened.find((w) => w.id === w1r.json().id)!.firstPaint!.svg).toMatch(/^<svg [\s\S]*#112233/);
    expect(opened.find((w) => w.id === w2.id)!.firstPaint).toBeUndefined();

    // a schedule: every 5 minutes through the scheduler's dashboard-refresh handler
    const sched = await call('analyst', 'PATCH', `/api/dashboards/${d.id}/widgets/${w1.id}`, { refresh: { mode: 'every', minutes: 5 } });
    expect(sched.statusCode).toBe(200);
    const scheduleId = sched.json().scheduleId as string;
    expect((await scheduler.get(scheduleId)).handler).toBe('dashboard-refresh');
    const before = (await call('analyst', 'GET', `/api/dashboards/${d.id}`)).json().widgets.find((w: { id: string }) => w.id === w1.id).dataAsOf;
    const slot = await scheduler.runNow(scheduleId, 'analyst');
    for (let i = 0; i < 200 && (await scheduler.runs(scheduleId)).find((r) => r.id === slot.id)?.state !== 'succeeded'; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await scheduler.runs(scheduleId)).find((r) => r.id === slot.id)?.state).toBe('succeeded');
    const after = (await call('analyst', 'GET', `/api/dashboards/${d.id}`)).json().widgets.find((w: { id: string }) => w.id === w1.id).dataAsOf;
    expect(after > before).toBe(true);
    const daily = await call('analyst', 'PATCH', `/api/dashboards/${d.id}/widgets/${w1.id}`, { refresh: { mode: 'daily', at: '07:30', timeZone: 'Europe/London', holidays: ['UK-EW'], businessDaysOnly: true } });
    expect(daily.statusCode).toBe(200);
    await expect(scheduler.get(scheduleId)).rejects.toMatchObject({ status: 404 });
    expect((await scheduler.get(daily.json().scheduleId)).description).toMatch(/07:30 Europe\/London/);
    expect((await call('analyst', 'PATCH', `/api/dashboards/${d.id}/widgets/${w1.id}`, { refresh: { mode: 'manual' } })).json().scheduleId).toBeNull();

    // edit a widget: thresholds; it re-runs
    const e = await call('analyst', 'PATCH', `/api/dashboards/${d.id}/widgets/${w2.id}`, { title: 'Fails', chart: { type: 'kpi', thresholds: { direction: 'higher-is-worse', amber: 1, red: 1e9 } } });
    expect(e.statusCode).toBe(200);
    expect(e.json()).toMatchObject({ title: 'Fails', kpi: { status: 'amber' } });

    // layout, rename
    const layout = [{ i: w1.id, x: 0, y: 0, w: 8, h: 9 }, { i: w2.id, x: 8, y: 0, w: 4, h: 3 }];
    expect((await call('analyst', 'PATCH', `/api/dashboards/${d.id}`, { layout, name: 'Settlement fails' })).json()).toMatchObject({ name: 'Settlement fails', layout });
    expect((await call('analyst', 'PATCH', `/api/dashboards/${d.id}`, { layout: [{ i: 'x', x: -1, y: 0, w: 1, h: 1 }] })).statusCode).toBe(400);

    // viewers: not shared -> 404; shared with the role -> read, refresh, no edit; by name also works
    expect((await call('viewer', 'GET', `/api/dashboards/${d.id}`)).statusCode).toBe(404);
    expect((await call('viewer', 'GET', '/api/dashboards')).json().some((x: { id: string }) => x.id === d.id)).toBe(false);
    expect((await call('viewer', 'PUT', `/api/dashboards/${d.id}/sharing`, { roles: ['viewer'], users: [] })).statusCode).toBe(403);
    expect((await call('analyst', 'PUT', `/api/dashboards/${d.id}/sharing`, { roles: ['viewer'], users: [] })).statusCode).toBe(200);
    const seen = await call('viewer', 'GET', `/api/dashboards/${d.id}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().editable).toBe(false);
    expect((await call('viewer', 'POST', `/api/dashboards/${d.id}/widgets/${w1.id}/refresh`)).statusCode).toBe(200);
    expect((await call('viewer', 'POST', `/api/dashboards/${d.id}/refresh`)).json()).toHaveLength(2);
    expect((await call('viewer', 'PATCH', `/api/dashboards/${d.id}`, { name: 'mine' })).statusCode).toBe(403);
    expect((await call('viewer', 'DELETE', `/api/dashboards/${d.id}`)).statusCode).toBe(403);
    expect((await call('auditor', 'GET', `/api/dashboards/${d.id}`)).statusCode).toBe(403);
    expect((await call('auditor', 'GET', '/api/dashboards')).statusCode).toBe(403);

    // filters: the KPI narrows to the desk's figure of the bar chart
    const desk = String(w1.result.rows[0][0]);
    const f = await call('analyst', 'PATCH', `/api/dashboards/${d.id}`, { filters: { desk: [desk] } });
    expect(f.statusCode).toBe(200);
    const kpi = f.json().widgets.find((w: { id: string }) => w.id === w2.id);
    expect(kpi.kpi.value).toBe(Number(w1.result.rows[0][1]));

    // export: PNG and PDF drawn on the server (looked at in the E2E test); viewers may export what they see
    const png = await call('viewer', 'GET', `/api/dashboards/${d.id}/export.png`);
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    const pdf = await call('viewer', 'GET', `/api/dashboards/${d.id}/export.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await call('auditor', 'GET', `/api/dashboards/${d.id}/export.pdf`)).statusCode).toBe(403);

    // admins see and change everything; duplicate; regenerate; widget and dashboard deletion
    expect((await call('admin', 'GET', '/api/dashboards')).json().some((x: { id: string }) => x.id === d.id)).toBe(true);
    const copy = await call('admin', 'POST', `/api/dashboards/${d.id}/duplicate`, { name: 'Admin copy' });
    expect(copy.statusCode).toBe(201);
    expect(copy.json()).toMatchObject({ name: 'Admin copy', owner: 'admin' });
    expect(copy.json().widgets).toHaveLength(2);
    const regen = await call('analyst', 'POST', `/api/dashboards/${d.id}/widgets/${w1.id}/regenerate`);
    expect(regen.statusCode).toBe(200);
    expect(regen.json().savedId).not.toBe(s1);
    expect(regen.json().savedStatus).toBe('current');
    expect((await call('analyst', 'DELETE', `/api/dashboards/${d.id}/widgets/${w1.id}`)).statusCode).toBe(204);
    expect((await call('analyst', 'DELETE', `/api/dashboards/${d.id}/widgets/${w1.id}`)).statusCode).toBe(404);
    expect((await call('admin', 'DELETE', `/api/dashboards/${copy.json().id}`)).statusCode).toBe(204);
    expect((await call('analyst', 'GET', `/api/dashboards/nope`)).statusCode).toBe(404);

    const kinds = (await world.audit.search({ text: d.id, limit: 200 })).map((r) => `${r.kind}:${(r.details as { action?: string }).action}`);
    expect(kinds).toEqual(expect.arrayContaining(['dashboard_change:create_dashboard', 'dashboard_change:add_widget', 'dashboard_change:edit_widget', 'dashboard_change:share_dashboard', 'dashboard_change:set_filters', 'dashboard_change:rename_dashboard', 'dashboard_change:remove_widget', 'dashboard_refresh:refresh']));
    expect((await call('analyst', 'DELETE', `/api/dashboards/${d.id}`)).statusCode).toBe(204);
  });

  it('pushes a real-time widget over Server-Sent Events when a row is written to the datasource', async () => {
    const d = (await call('analyst', 'POST', '/api/dashboards', { name: 'Live', sharing: { roles: ['viewer'], users: [] } })).json();
    const s = await savedAnswer('analyst', 'How many margin calls?');
    const w = (await call('analyst', 'POST', `/api/dashboards/${d.id}/widgets`, { savedId: s, chart: { type: 'kpi' }, refresh: { mode: 'realtime' } })).json();
    const viewerCookie = (await signInOver(app, 'viewer')).cookie;
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const got = new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: `/api/dashboards/${d.id}/events`, headers: { cookie: viewerCookie } }, (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe('text/event-stream');
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString();
          const m = /event: widget\ndata: (.*)\n\n/.exec(buf);
          if (m) {
            resolve(m[1]!);
            req.destroy();
          }
        });
        void app.dashboards.probeNow().then(async () => {
          const db = new Database(join(world.dir, 'demo-ops.db'));
          try {
            const row = db.prepare('SELECT * FROM margin_calls LIMIT 1').get() as Record<string, unknown>;
            const pk = (db.prepare('PRAGMA table_info(margin_calls)').all() as { name: string; pk: number }[]).find((c) => c.pk === 1)!.name;
            const max = (db.prepare(`SELECT max(${pk}) AS m FROM margin_calls`).get() as { m: unknown }).m;
            row[pk] = typeof max === 'number' ? max + 1 : `${String(max)}-X`;
            db.prepare(`INSERT INTO margin_calls (${Object.keys(row).join(',')}) VALUES (${Object.keys(row).map(() => '?').join(',')})`).run(...Object.values(row));
          } finally {
            db.close();
          }
          await app.dashboards.probeNow();
        }, reject);
      });
      req.on('error', (e) => (e.message.includes('aborted') ? undefined : reject(e)));
      req.end();
    });
    const pushed = JSON.parse(await got) as { id: string; kpi: { value: number } };
    expect(pushed.id).toBe(w.id);
    expect(pushed.kpi.value).toBe(w.kpi.value + 1);
    // an unknown dashboard's stream is a 404, not a stream
    expect((await call('viewer', 'GET', '/api/dashboards/nope/events')).statusCode).toBe(404);
    // this process's real-time figures: admins only; one process alone always probes (its bus holds the lease)
    const live = await call('admin', 'GET', '/api/dashboards/live');
    expect(live.statusCode).toBe(200);
    expect(live.json()).toMatchObject({ owner: true, realtimeWidgets: expect.any(Number), relayed: 0 });
    expect(live.json().probes).toBeGreaterThanOrEqual(2);
    expect(live.json().refreshes.realtime).toBeGreaterThanOrEqual(1);
    for (const u of ['analyst', 'viewer', 'auditor']) expect((await call(u, 'GET', '/api/dashboards/live')).statusCode).toBe(403);
  });
});
