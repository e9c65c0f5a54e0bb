import type { FastifyPluginAsync, preHandlerAsyncHookHandler } from 'fastify';
import type { RunView, Scheduler, ScheduleInput } from '../../../scheduler/index.js';
import { errors } from '../../schemas.js';
import { publishEvent } from '../events.js';
import { healthSchema, idParams, runSchema, scheduleInputBody, scheduleOverviewSchema } from './schemas.js';

export interface ScheduleRoutesOptions {
  scheduler: Scheduler;
  /** Admins only. */
  requirePermission: () => preHandlerAsyncHookHandler;
}

/**
 * The Scheduler page's API (admins): schedules with their next five fire times, last run and
 * state; run history; register, remove, pause, resume, run now. Every change is audited by the
 * scheduler (schedule_change) under the admin's name. With the queue backend this process only
 * enqueues and reads state. Bad input (an invalid cron, an unknown time zone) is a 400 with an
 * OTC_ERR_SCHEDULE_* code.
 */
export const scheduleRoutes: FastifyPluginAsync<ScheduleRoutesOptions> = async (app, opts) => {
  const s = opts.scheduler;
  const pre = { preHandler: opts.requirePermission() };
  const tags = ['schedules'];
  const overview = async (id: string) => {
    const schedule = await s.get(id);
    const [nextFires, runs] = await Promise.all([s.nextFireTimes(id, 5), s.runs(id, 1)]);
    return { schedule, nextFires: nextFires.map((d) => d.toISOString()), lastRun: (runs[0] as RunView | undefined) ?? null };
  };

  app.get('/', { ...pre, schema: { tags, summary: 'Every schedule with its next five fire times and last run; the backend and its health', response: { 200: { type: 'object', required: ['schedules', 'health', 'calendars'], properties: { schedules: { type: 'array', items: scheduleOverviewSchema }, health: healthSchema, calendars: { type: 'array', items: { type: 'string' } } }, additionalProperties: false }, ...errors } } }, async () => {
    const all = await s.list();
    return { schedules: await Promise.all(all.map((x) => overview(x.id))), health: { backend: s.backend, ...s.health() }, calendars: s.calendars() };
  });

  app.post('/', { ...pre, schema: { tags, summary: 'Register a schedule', body: scheduleInputBody, response: { 201: scheduleOverviewSchema, ...errors } } }, async (req, reply) => {
    const created = await s.register(req.body as ScheduleInput, req.user!.username);
    publishEvent(app, { type: 'schedule_changed', scheduleId: created.id, action: 'registered', actor: req.user!.username });
    return reply.status(201).send(await overview(created.id));
  });

  app.post('/preview', { ...pre, schema: { tags, summary: 'The next five fire times of a spec (not saved)', body: { type: 'object', required: ['spec'], properties: { spec: { type: 'object', additionalProperties: true } }, additionalProperties: false }, response: { 200: { type: 'object', required: ['nextFires'], properties: { nextFires: { type: 'array', items: { type: 'string' } } }, additionalProperties: false }, ...errors } } }, async (req) => ({
    nextFires: (await s.nextFireTimes((req.body as { spec: unknown }).spec, 5)).map((d) => d.toISOString()),
  }));

  app.get('/:id', { ...pre, schema: { tags, summary: 'One schedule', params: idParams, response: { 200: scheduleOverviewSchema, ...errors } } }, async (req) => overview((req.params as { id: string }).id));

  app.get('/:id/runs', { ...pre, schema: { tags, summary: 'Run history, newest first', params: idParams, querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } }, additionalProperties: false }, response: { 200: { type: 'object', required: ['runs'], properties: { runs: { type: 'array', items: runSchema } }, additionalProperties: false }, ...errors } } }, async (req) => ({
    runs: await s.runs((req.params as { id: string }).id, (req.query as { limit: number }).limit),
  }));

  for (const action of ['pause', 'resume'] as const) {
    app.post(`/:id/${action}`, { ...pre, schema: { tags, summary: action === 'pause' ? 'Pause (fires while paused are not caught up)' : 'Resume from now', params: idParams, response: { 200: scheduleOverviewSchema, ...errors } } }, async (req) => {
      const id = (req.params as { id: string }).id;
      await s[action](id, req.user!.username);
      publishEvent(app, { type: 'schedule_changed', scheduleId: id, action: action === 'pause' ? 'paused' : 'resumed', actor: req.user!.username });
      return overview(id);
    });
  }

  app.post('/:id/run', { ...pre, schema: { tags, summary: 'Run now (a manual slot, run once)', params: idParams, response: { 202: runSchema, ...errors } } }, async (req, reply) => {
    const run = await s.runNow((req.params as { id: string }).id, req.user!.username);
    publishEvent(app, { type: 'schedule_changed', scheduleId: run.scheduleId, action: 'run_now', actor: req.user!.username });
    return reply.status(202).send(run);
  });

  app.delete('/:id', { ...pre, schema: { tags, summary: 'Remove a schedule and its run history', params: idParams, response: { 204: { type: 'null' }, ...errors } } }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    await s.unregister(id, req.user!.username);
    publishEvent(app, { type: 'schedule_changed', scheduleId: id, action: 'removed', actor: req.user!.username });
    return reply.status(204).send();
  });
};
