/**
 * The enterprise layout, for real: two `otc-copilot serve` processes and one `otc-copilot worker`
 * as child processes on one PostgreSQL (app store and audit log, databases of this test's own)
 * and one Redis (a key prefix of this test's own). Shows that a session made on one API process
 * works on the other, a push on one process reaches a browser connected to another (a schedule's
 * change, a real-time dashboard widget's new result with one change probe for all), a schedule
 * fires once across all of them, the audit chain stays valid with appends from every process,
 * and rate limits and the sign-in lock per user name are counted across processes.
 * Needs PostgreSQL and Redis: required in CI, skipped with a printed reason elsewhere.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/audit/index.js';
import { buildDemoDatabase } from '../../src/demo/index.js';
import { redisAvailable } from '../scheduler/redis.js';
import { createTempPgDatabase, postgresAvailable, REDIS_URL, type TempPgDatabase } from '../support/services.js';
import { ApiClient, killLeftovers, productEnv, startProduct, type EventStream, type ProductProcess } from './processes.js';

/** POST `body` as JSON from the local address `from`; the status (and the answer's text: `postFromWithBody`). */
async function postFrom(from: string, url: string, body: unknown, headers: Record<string, string>): Promise<number> {
  return (await postFromWithBody(from, url, body, headers)).status;
}
function postFromWithBody(from: string, url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(url, { method: 'POST', localAddress: from, agent: false, headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const repo = fileURLToPath(new URL('../..', import.meta.url));
const TODAY = '2026-11-20';
const ADMIN_PASSWORD = 'multi-process-admin-1';
const RUNNING = /running at (http:\/\/\S+)/;

let up = false;
let dir = '';
const dbs: TempPgDatabase[] = [];
const prefix = `otc_mp_${randomBytes(5).toString('hex')}`;
let storeUrl = '';
let opsDb = '';
let auditUrl = '';
let api1: ProductProcess & { url: string };
let api2: ProductProcess & { url: string };
let worker: ProductProcess & { id: string };
const streams: EventStream[] = [];

beforeAll(async () => {
  up = (await postgresAvailable()) && (await redisAvailable(REDIS_URL));
  if (!up) return;
  dir = mkdtempSync(join(tmpdir(), 'otc-multi-'));
  const [store, audit] = await Promise.all([createTempPgDatabase('otc_mp_store'), createTempPgDatabase('otc_mp_audit')]);
  dbs.push(store, audit);
  storeUrl = store.url;
  auditUrl = audit.url;
  // The bank's database: one file every process reads.
  const ops = (opsDb = join(dir, 'ops.db'));
  await buildDemoDatabase({ out: ops, trades: 400, seed: 42, asOf: TODAY });
  const env = (name: string) =>
    productEnv({
      OTC_STORE_URL: storeUrl,
      OTC_AUDIT_URL: auditUrl,
      OTC_DATASOURCE_URL: `sqlite:${ops}`,
      OTC_REDIS_URL: REDIS_URL,
      OTC_REDIS_PREFIX: prefix,
      OTC_DATA_DIR: join(dir, name),
      OTC_ADMIN_PASSWORD: ADMIN_PASSWORD,
      OTC_TODAY: TODAY,
      OTC_PROFILE_DIR: join(repo, 'profiles/otc-ops'),
      OTC_LOG_LEVEL: 'warn',
      OTC_REPORT_DIR: join(dir, 'reports'),
      OTC_SHUTDOWN_GRACE_MS: '5000',
      // real-time dashboard widgets: a change probe every second (shared by the processes)
      OTC_DASHBOARD_PROBE_INTERVAL_MS: '1000',
    });
  // All three at once, as an orchestrator starts them: migrations, the first training version
  // and the first admin must each be made once.
  const serve = ['serve', '--port', '0', '--host', '127.0.0.1'];
  const [a, b, w] = await Promise.all([
    startProduct(serve, env('api-1'), RUNNING),
    startProduct(serve, env('api-2'), RUNNING),
    startProduct(['worker', '--concurrency', '2'], env('worker'), /Scheduler worker (\S+) running/),
  ]);
  api1 = Object.assign(a, { url: a.match[1]! });
  api2 = Object.assign(b, { url: b.match[1]! });
  worker = Object.assign(w, { id: w.match[1]! });
}, 400_000);

afterAll(async () => {
  for (const s of streams) s.close();
  const codes = await Promise.all([api1, api2, worker].filter(Boolean).map((p) => p.stop()));
  killLeftovers(); // those that never became ready
  for (const d of dbs) await d.drop().catch(() => undefined);
  if (up) {
    const r = new Redis(REDIS_URL);
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length) await r.del(...keys);
    await r.quit();
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  // Every process stopped cleanly on SIGTERM (open event streams did not hold the shutdown).
  expect(codes.every((c) => c === 0)).toBe(true);
}, 120_000);

describe('two API processes and a worker on one PostgreSQL and Redis', () => {
  it('started together: one first admin, one active training version that both API processes answer with', async (ctx) => {
    if (!up) return ctx.skip();
    const printed = api1.output() + api2.output();
    expect(printed.match(/First admin created/g)?.length).toBe(1);
    const admin = new ApiClient(api1.url);
    expect((await admin.signIn('admin', ADMIN_PASSWORD)).status).toBe(200);
    const versions = await admin.call('GET', '/api/training/versions');
    expect(versions.status).toBe(200);
    const list = (versions.json.versions ?? versions.json) as Array<{ id: string; status: string }>;
    const active = list.filter((v) => v.status === 'active');
    expect(active).toHaveLength(1);
    // Both API processes answer with it.
    for (const base of [api1.url, api2.url]) {
      const meta = await admin.on(base).call('GET', '/api/meta');
      expect(meta.json.trainingVersionId).toBe(active[0]!.id);
    }
  });

  it('a session made on one API process is signed in on the other, with the same CSRF token; signing out on one ends it on both', async (ctx) => {
    if (!up) return ctx.skip();
    const on1 = new ApiClient(api1.url);
    expect((await on1.signIn('admin', ADMIN_PASSWORD)).status).toBe(200);
    const on2 = on1.on(api2.url);
    const me = await on2.call('GET', '/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.json.user.username).toBe('admin');
    // A state-changing request on the other process with the token the first one issued.
    const preview = await on2.call('POST', '/api/schedules/preview', { spec: { kind: 'daily', at: '07:00', timeZone: 'Europe/London' } });
    expect(preview.status).toBe(200);
    expect(preview.json.nextFires).toHaveLength(5);
    expect((await on2.call('POST', '/api/auth/logout')).status).toBe(204);
    expect((await new ApiClient(api1.url).on(api1.url).call('GET', '/api/auth/me')).status).toBe(401);
    const stale = new ApiClient(api1.url);
    stale.cookies = new Map(on1.cookies);
    expect((await stale.call('GET', '/api/auth/me')).status).toBe(401);
  });

  it('a role change or a disabled account made on one API process holds on the other at the next request', async (ctx) => {
    if (!up) return ctx.skip();
    // No process keeps users, roles or sessions of its own: what an admin changes on one process
    // is what every other process answers with, at once.
    const admin = new ApiClient(api1.url);
    expect((await admin.signIn('admin', ADMIN_PASSWORD)).status).toBe(200);
    const created = await admin.call('POST', '/api/users', { username: 'rita', password: 'rita-password-1', role: 'analyst' });
    expect(created.status).toBe(201);
    const rita = new ApiClient(api2.url);
    expect((await rita.signIn('rita', 'rita-password-1')).status).toBe(200);
    const before = await rita.call('GET', '/api/auth/me');
    expect([before.json.user.role, before.json.permissions.includes('save_reports')]).toEqual(['analyst', true]);
    expect((await admin.call('PATCH', `/api/users/${created.json.id}`, { role: 'viewer' })).status).toBe(200);
    const after = await rita.call('GET', '/api/auth/me');
    expect([after.json.user.role, after.json.permissions.includes('save_reports')]).toEqual(['viewer', false]);
    expect((await admin.call('PATCH', `/api/users/${created.json.id}`, { disabled: true })).status).toBe(200);
    expect((await rita.call('GET', '/api/auth/me')).status).toBe(401);
    expect((await rita.on(api1.url).call('GET', '/api/auth/me')).status).toBe(401);
  });

  it('a change made on one API process is pushed to a browser connected to the other', async (ctx) => {
    if (!up) return ctx.skip();
    const on1 = new ApiClient(api1.url);
    await on1.signIn('admin', ADMIN_PASSWORD);
    const watcher = await on1.on(api2.url).events();
    streams.push(watcher);
    await watcher.connected;
    const created = await on1.call('POST', '/api/schedules', { name: 'pushed across processes', handler: 'report', payload: { templateId: 'none' }, spec: { kind: 'daily', at: '07:00', timeZone: 'Europe/London' } });
    expect(created.status).toBe(201);
    const id = created.json.schedule.id as string;
    const pushed = await watcher.waitFor((e) => e.event === 'schedule_changed' && e.data.scheduleId === id);
    expect(pushed.data).toMatchObject({ type: 'schedule_changed', action: 'registered', actor: 'admin' });
    await on1.call('POST', `/api/schedules/${id}/pause`);
    expect((await watcher.waitFor((e) => e.event === 'schedule_changed' && e.data.action === 'paused')).data.scheduleId).toBe(id);
    expect((await on1.call('DELETE', `/api/schedules/${id}`)).status).toBe(204);
  });

  it("a real-time widget: one API process probes for all; its new result reaches viewers on the other process, re-read there once", async (ctx) => {
    if (!up) return ctx.skip();
    const on1 = new ApiClient(api1.url);
    await on1.signIn('admin', ADMIN_PASSWORD);
    const asked = await on1.call('POST', '/api/ask', { question: 'How many margin calls?' });
    expect(asked.json.status).toBe('answered');
    const saved = await on1.call('POST', '/api/saved', { auditId: asked.json.auditId });
    expect(saved.status).toBe(201);
    const d = await on1.call('POST', '/api/dashboards', { name: 'Across processes' });
    expect(d.status).toBe(201);
    const w = await on1.call('POST', `/api/dashboards/${d.json.id}/widgets`, { savedId: saved.json.id, chart: { type: 'kpi' }, refresh: { mode: 'realtime' } });
    expect(w.status).toBe(201);
    const live = (c: ApiClient) => c.call('GET', '/api/dashboards/live').then((r) => r.json as { owner: boolean; probes: number; tables: number; realtimeWidgets: number; refreshes: Record<string, number>; relayed: number });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // both API processes watch the widget's tables (the other learnt of it on the bus); one of them holds the probe
    let stats = await Promise.all([api1, api2].map((p) => live(on1.on(p.url))));
    for (let i = 0; i < 40 && !(stats.every((s) => s.realtimeWidgets >= 1 && s.tables >= 1) && stats.filter((s) => s.owner).length === 1); i++) {
      await sleep(500);
      stats = await Promise.all([api1, api2].map((p) => live(on1.on(p.url))));
    }
    expect(stats.filter((s) => s.owner)).toHaveLength(1);
    // probes over a few seconds: tables x rate in total, all by the holder (not once per process)
    const t0 = Date.now();
    await sleep(6000);
    const after = await Promise.all([api1, api2].map((p) => live(on1.on(p.url))));
    const seconds = (Date.now() - t0) / 1000;
    const owner = after.findIndex((s) => s.owner);
    const other = 1 - owner;
    expect(stats[owner]!.owner).toBe(true);
    const tables = after[owner]!.tables;
    const probes = after.map((s, i) => s.probes - stats[i]!.probes);
    expect(probes[other]).toBe(0);
    expect(probes[owner]).toBeGreaterThanOrEqual(tables * 2); // it probes (fewer rounds than seconds when the machine is busy: rounds never overlap)
    expect(probes[owner]).toBeLessThanOrEqual(tables * Math.ceil(seconds + 1));
    // three viewers on the process that does not probe; a row written into the datasource through the test's own connection
    const viewerOn = on1.on([api1, api2][other]!.url);
    const viewers = await Promise.all([1, 2, 3].map(() => viewerOn.events(`/api/dashboards/${d.json.id}/events`)));
    streams.push(...viewers);
    await Promise.all(viewers.map((v) => v.connected));
    const db = new Database(opsDb);
    try {
      const pk = (db.prepare('PRAGMA table_info(margin_calls)').all() as { name: string; pk: number }[]).find((c) => c.pk === 1)!.name;
      const row = db.prepare(`SELECT * FROM margin_calls ORDER BY ${pk} DESC LIMIT 1`).get() as Record<string, unknown>;
      row[pk] = typeof row[pk] === 'number' ? row[pk] + 1 : `${String(row[pk])}-X`;
      db.prepare(`INSERT INTO margin_calls (${Object.keys(row).join(',')}) VALUES (${Object.keys(row).map(() => '?').join(',')})`).run(...Object.values(row));
    } finally {
      db.close();
    }
    const pushed = await Promise.all(viewers.map((v) => v.waitFor((e) => e.event === 'widget' && e.data.id === w.json.id, 30_000)));
    for (const p of pushed) expect(p.data.kpi.value).toBe(w.json.kpi.value + 1);
    await sleep(1500);
    const end = await Promise.all([api1, api2].map((p) => live(on1.on(p.url))));
    // the widget re-ran once, on the probing process; the other re-read it once from the store for its three viewers
    expect(end[owner]!.refreshes.realtime ?? 0).toBeGreaterThan(after[owner]!.refreshes.realtime ?? 0);
    expect(end[other]!.refreshes.realtime ?? 0).toBe(after[other]!.refreshes.realtime ?? 0);
    expect(end[other]!.relayed - after[other]!.relayed).toBe(1);
  }, 120_000);

  it('a schedule fires once across the processes; its run, done by the worker, is pushed to browsers on both API processes', async (ctx) => {
    if (!up) return ctx.skip();
    const on1 = new ApiClient(api1.url);
    await on1.signIn('admin', ADMIN_PASSWORD);
    const on2 = on1.on(api2.url);
    // A report: asked on one process, saved on the other, its template made on the first.
    const asked = await on1.call('POST', '/api/ask', { question: 'how many trades by desk' });
    expect(asked.status).toBe(200);
    expect(asked.json.status).toBe('answered');
    const saved = await on2.call('POST', '/api/saved', { auditId: asked.json.auditId, title: 'Trades by desk' });
    expect(saved.status).toBe(201);
    const template = await on1.call('POST', '/api/reports/templates', { title: 'Desk trades', items: [{ savedId: saved.json.id }], formats: ['csv'], targets: [] });
    expect(template.status).toBe(201);
    const watch1 = await on1.events();
    const watch2 = await on2.events();
    streams.push(watch1, watch2);
    await Promise.all([watch1.connected, watch2.connected]);
    // Fires once, a few seconds from now (a cron with seconds, in UTC, on this day of this year).
    const at = new Date(Date.now() + 8000);
    const expression = `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`;
    const created = await on2.call('POST', '/api/schedules', { name: 'desk trades once', handler: 'report', payload: { templateId: template.json.id }, spec: { kind: 'cron', expression, timeZone: 'UTC' }, catchUp: 'skip' });
    expect(created.status).toBe(201);
    const scheduleId = created.json.schedule.id as string;
    const isRun = (e: { event: string; data: any }) => e.event === 'schedule_run' && e.data.scheduleId === scheduleId;
    const [r1, r2] = await Promise.all([watch1.waitFor(isRun, 60_000), watch2.waitFor(isRun, 60_000)]);
    expect(r1.data).toMatchObject({ state: 'succeeded', worker: worker.id, reason: 'schedule' });
    expect(r2.data.slotId).toBe(r1.data.slotId);
    // Both API processes keep sweeping (every 5 s) and arming ticks: give them time to misfire.
    await new Promise((r) => setTimeout(r, 12_000));
    const runs = await on1.call('GET', `/api/schedules/${scheduleId}/runs`);
    expect(runs.json.runs).toHaveLength(1);
    expect(runs.json.runs[0]).toMatchObject({ state: 'succeeded', attempts: 1, worker: worker.id });
    const reportRuns = await on2.call('GET', `/api/reports/runs?templateId=${template.json.id}`);
    expect(reportRuns.json).toHaveLength(1);
    expect(reportRuns.json[0].status).toBe('completed');
    expect(watch1.received.filter(isRun)).toHaveLength(1);
    expect(watch2.received.filter(isRun)).toHaveLength(1);
  }, 120_000);

  it('the audit chain stays valid with appends from every process at once', async (ctx) => {
    if (!up) return ctx.skip();
    const log = await openAuditLog(auditUrl, { create: false });
    try {
      const before = await log.verify();
      expect(before.ok).toBe(true);
      const on1 = new ApiClient(api1.url);
      await on1.signIn('admin', ADMIN_PASSWORD);
      const on2 = on1.on(api2.url);
      const questions = ['how many trades', 'fails by counterparty', 'open confirmations by desk', 'how many settlements failed'];
      const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? on2 : on1).call('POST', '/api/ask', { question: questions[i % questions.length]! })));
      for (const a of answers) expect(a.status).toBe(200);
      const after = await log.verify();
      expect(after.ok).toBe(true);
      if (!before.ok || !after.ok) return;
      expect(after.count).toBeGreaterThanOrEqual(before.count + 16);
    } finally {
      await log.close();
    }
  }, 120_000);

  it('rate limits are counted across the API processes', async (ctx) => {
    if (!up) return ctx.skip();
    // Sign-in: 10 a minute per address (the default). Alternate processes, a new user name each
    // time (so the per-user lock is not what answers): one process alone would allow all 12.
    // From a loopback address of its own (127.0.0.2), so the sign-ins of the tests before do not count.
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const c = new ApiClient(i % 2 ? api2.url : api1.url);
      const csrf = await c.call('GET', '/api/auth/csrf');
      statuses.push(await postFrom('127.0.0.2', `${c.base}/api/auth/login`, { username: `nobody-${i}`, password: 'wrong-password' }, { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': csrf.json.csrfToken }));
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  }, 60_000);

  it('the sign-in lock per user name is counted across the API processes', async (ctx) => {
    if (!up) return ctx.skip();
    // 10 failed sign-ins per user name in 15 minutes (the default), whatever the address: here
    // alternated over both processes, each from an address of its own (127.0.0.3 on), so the
    // per-address limit is not what answers. Each process alone saw 5 and would let the 11th try.
    const answers: { status: number; text: string }[] = [];
    for (let i = 0; i < 12; i++) {
      const c = new ApiClient(i % 2 ? api2.url : api1.url);
      const csrf = await c.call('GET', '/api/auth/csrf');
      answers.push(await postFromWithBody(`127.0.0.${3 + i}`, `${c.base}/api/auth/login`, { username: 'Guessed-Name', password: `guess-${i}` }, { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': csrf.json.csrfToken }));
    }
    expect(answers.slice(0, 10).map((a) => a.status)).toEqual(Array(10).fill(401));
    for (const a of answers.slice(10)) {
      expect(a.status).toBe(429);
      expect(a.text).toMatch(/Too many failed sign-ins for this user name/);
    }
  }, 60_000);
});
