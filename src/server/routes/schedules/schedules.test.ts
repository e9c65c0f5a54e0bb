import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler, InProcessBackend, type Scheduler } from '../../../scheduler/index.js';
import { memoryLogger } from '../../../scheduler/testing.js';
import { buildServer } from '../../app.js';
import { createTestWorld, TEST_PASSWORD, type TestWorld } from '../../testing.js';

const cookiesOf = (res: LightMyRequestResponse) => Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));

describe('/api/schedules', () => {
  let world: TestWorld;
  let app: FastifyInstance;
  let scheduler: Scheduler;
  const sessions: Record<string, { cookie: string; csrf: string }> = {};
  const ran: string[] = [];

  beforeAll(async () => {
    world = await createTestWorld({}, { trades: 200, untrained: true });
    scheduler = createScheduler({ store: world.store, audit: world.audit, backend: new InProcessBackend({ heartbeatSeconds: 1 }), logger: memoryLogger() });
    scheduler.registerHandler('report', async (ctx) => void ran.push(ctx.idempotencyKey));
    await scheduler.start();
    app = await buildServer({ ...world.deps, scheduler });
    for (const username of ['analyst', 'admin']) {
      const c = await app.inject({ method: 'GET', url: '/api/auth/csrf' });
      const secret = cookiesOf(c).otc_csrf!;
      const r = await app.inject({ method: 'POST', url: '/api/auth/login', cookies: { otc_csrf: secret }, headers: { 'x-csrf-token': c.json().csrfToken }, payload: { username, password: TEST_PASSWORD } });
      expect(r.statusCode).toBe(200);
      sessions[username] = { cookie: `otc_session=${cookiesOf(r).otc_session}; otc_csrf=${secret}`, csrf: r.json().csrfToken as string };
    }
  });
  afterAll(async () => {
    await app?.close();
    await scheduler?.close();
    await world?.close();
  });

  const call = (who: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({ method, url, headers: { cookie: sessions[who]!.cookie, ...(method !== 'GET' ? { 'x-csrf-token': sessions[who]!.csrf } : {}) }, ...(payload === undefined ? {} : { payload: payload as object }) });

  it('admins register, list with next five fire times, pause, resume, run now and read the history; all audited', async () => {
    const created = await call('admin', 'POST', '/api/schedules', { name: 'Morning fails report', handler: 'report', spec: { kind: 'daily', at: '07:00', timeZone: 'Europe/London', businessDaysOnly: true, calendar: { holidays: ['UK-EW'] } }, catchUp: 'latest' });
    expect(created.statusCode).toBe(201);
    const { schedule, nextFires } = created.json();
    expect(schedule.description).toBe('every business day at 07:00 Europe/London (UK-EW)');
    expect(nextFires).toHaveLength(5);
    const list = (await call('admin', 'GET', '/api/schedules')).json();
    expect(list.health).toEqual({ backend: 'in-process', ok: true });
    expect(list.schedules.map((x: { schedule: { name: string } }) => x.schedule.name)).toEqual(['Morning fails report']);
    expect((await call('admin', 'POST', `/api/schedules/${schedule.id}/pause`)).json().schedule.state).toBe('paused');
    expect((await call('admin', 'POST', `/api/schedules/${schedule.id}/resume`)).json().schedule.state).toBe('active');
    const run = await call('admin', 'POST', `/api/schedules/${schedule.id}/run`);
    expect(run.statusCode).toBe(202);
    const deadline = Date.now() + 10_000;
    let runs: Array<{ state: string }> = [];
    while (Date.now() < deadline) {
      runs = (await call('admin', 'GET', `/api/schedules/${schedule.id}/runs`)).json().runs;
      if (runs[0]?.state === 'succeeded') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(runs[0]!.state).toBe('succeeded');
    expect(ran).toHaveLength(1);
    const changes = await world.audit.search({ kind: 'schedule_change', limit: 10 });
    expect(changes.map((c) => (c.details as { action: string }).action).sort()).toEqual(['pause', 'register', 'resume', 'run_now']);
    expect(changes.every((c) => c.actor === 'admin')).toBe(true);
    expect((await call('admin', 'DELETE', `/api/schedules/${schedule.id}`)).statusCode).toBe(204);
    expect((await call('admin', 'GET', `/api/schedules/${schedule.id}`)).json().code).toBe('OTC_ERR_SCHEDULE_NOT_FOUND');
  });

  it('bad input gets a clear message with a code', async () => {
    const badCron = await call('admin', 'POST', '/api/schedules', { name: 'x', handler: 'report', spec: { kind: 'cron', expression: '0 7 * * mon-fry', timeZone: 'UTC' } });
    expect(badCron.statusCode).toBe(400);
    expect(badCron.json().code).toBe('OTC_ERR_SCHEDULE_INVALID_CRON');
    const badZone = await call('admin', 'POST', '/api/schedules/preview', { spec: { kind: 'daily', at: '07:00', timeZone: 'London' } });
    expect(badZone.statusCode).toBe(400);
    expect(badZone.json()).toMatchObject({ code: 'OTC_ERR_SCHEDULE_UNKNOWN_ZONE', message: '"London" is not a known IANA time zone' });
  });

  it('only admins', async () => {
    expect((await call('analyst', 'GET', '/api/schedules')).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/schedules' })).statusCode).toBe(401);
  });
});
