/**
 * One contract, two backends: the in-process backend (croner) and BullMQ on the machine's Redis
 * (a random queue name and key prefix per test, removed afterwards). Real timers: schedules fire
 * every second (cron with seconds).
 */
import { mkdtempSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqBackend, createScheduler, InProcessBackend, PermanentRunError, type RunContext, type Scheduler, type SchedulerBackend } from '../../src/scheduler/index.js';
import { memoryLogger, tempDir } from '../../src/scheduler/testing.js';
import { openStore, type Store } from '../../src/store/index.js';
import { REDIS_URL } from '../support/services.js';
import { redisAvailable } from './redis.js';
import { redisConnection } from '../../src/scheduler/backends/bullmq.js';
import { testStoreUrls } from '../../src/server/testing.js';

const dir = tempDir();
afterAll(() => dir.remove());

let redisUp = false;
beforeAll(async () => {
  redisUp = await redisAvailable(REDIS_URL);
});

interface Harness {
  store: Store;
  s: Scheduler;
  /** An API-side scheduler that only enqueues (BullMQ) or the same one (in-process). */
  api: Scheduler;
  runs: RunContext[];
  close(): Promise<void>;
}

type Kind = 'in-process' | 'bullmq';

async function harness(kind: Kind): Promise<Harness> {
  // The app store of OTC_TEST_STORE (CI runs this suite on SQLite and on PostgreSQL).
  const stores = testStoreUrls(mkdtempSync(join(dir.path, 'h-')));
  const store = await openStore(stores.store);
  const queueName = `otc-test-${randomUUID()}`;
  const prefix = `otct${randomUUID().slice(0, 8)}`;
  const make = (role: 'producer' | 'worker'): SchedulerBackend =>
    kind === 'in-process' ? new InProcessBackend({ heartbeatSeconds: 1 }) : new BullmqBackend({ url: REDIS_URL, role, queueName, prefix, sweepEveryMs: 500, lockDurationMs: 2000, stalledIntervalMs: 1000, redispatchAfterMs: 1500 });
  const runs: RunContext[] = [];
  const s = createScheduler({ store, backend: make('worker'), logger: memoryLogger() });
  s.registerHandler('record', async (ctx) => {
    runs.push(ctx);
    const mode = ctx.payload.mode;
    if (mode === 'fail') throw new Error('target unavailable');
    if (mode === 'permanent') throw new PermanentRunError('dead webhook');
    if (mode === 'hang') await new Promise((r) => ctx.signal.addEventListener('abort', r));
  });
  await s.start();
  let api = s;
  if (kind === 'bullmq') {
    // A second process's view: the API enqueues only; the worker above runs.
    api = createScheduler({ store, backend: make('producer'), logger: memoryLogger() });
    await api.start();
  }
  return {
    store,
    s,
    api,
    runs,
    async close() {
      if (api !== s) await api.close();
      await s.close();
      if (kind === 'bullmq') {
        const q = new Queue(queueName, { connection: redisConnection(REDIS_URL), prefix });
        await q.obliterate({ force: true }).catch(() => undefined);
        await q.close();
      }
      await store.close();
      await stores.drop();
    },
  };
}

async function until<T>(what: string, f: () => Promise<T | undefined | false> | T | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const everySecond = { kind: 'cron', expression: '* * * * * *', timeZone: 'UTC' } as const;

for (const kind of ['in-process', 'bullmq'] as const) {
  describe(`scheduler contract: ${kind}`, () => {
    const skip = () => kind === 'bullmq' && !redisUp;

    it('fires a schedule at its times, each slot once, with its idempotency key', async () => {
      if (skip()) return;
      const h = await harness(kind);
      try {
        const sch = await h.api.register({ name: 'every second', handler: 'record', spec: everySecond }, 'admin');
        await until('three runs', () => h.runs.length >= 3);
        await h.api.pause(sch.id, 'admin');
        await new Promise((r) => setTimeout(r, 1200));
        const keys = h.runs.map((r) => r.idempotencyKey);
        expect(new Set(keys).size).toBe(keys.length);
        for (const r of h.runs) {
          expect(r.idempotencyKey).toBe(`${sch.id}@${r.scheduledAt.toISOString()}`);
          expect(r.scheduledAt.getUTCMilliseconds()).toBe(0);
          expect(r.reason).toBe('schedule');
        }
        const history = await until('runs recorded', async () => {
          const rs = await h.api.runs(sch.id);
          return rs.length >= 3 && rs.every((x) => x.state === 'succeeded') && rs;
        });
        expect(history.length).toBe(h.runs.length);
      } finally {
        await h.close();
      }
    });

    it('pause stops firing, resume continues from now; next fire times', async () => {
      if (skip()) return;
      const h = await harness(kind);
      try {
        const sch = await h.api.register({ name: 'pausable', handler: 'record', spec: everySecond }, 'admin');
        const paused = await h.api.pause(sch.id, 'admin');
        expect(paused.state).toBe('paused');
        expect(await h.api.nextFireTimes(sch.id)).toEqual([]);
        const count = h.runs.length;
        await new Promise((r) => setTimeout(r, 2200));
        expect(h.runs.length).toBeLessThanOrEqual(count + 1); // at most a slot already made before the pause
        const before = h.runs.length;
        const resumed = await h.api.resume(sch.id, 'admin');
        expect(resumed.state).toBe('active');
        const next = await h.api.nextFireTimes(sch.id, 5);
        expect(next).toHaveLength(5);
        await until('runs after resume', () => h.runs.length >= before + 2);
      } finally {
        await h.close();
      }
    });

    it('run now runs once; unregister removes the schedule and its slots', async () => {
      if (skip()) return;
      const h = await harness(kind);
      try {
        const sch = await h.api.register({ name: 'manual', handler: 'record', spec: { kind: 'daily', at: '07:00', timeZone: 'Europe/London' } }, 'admin');
        const run = await h.api.runNow(sch.id, 'admin');
        expect(run.reason).toBe('manual');
        await until('the manual run', async () => (await h.api.runs(sch.id)).find((r) => r.id === run.id && r.state === 'succeeded'));
        expect(h.runs.filter((r) => r.slotId === run.id)).toHaveLength(1);
        expect(await h.api.listDue()).toEqual([]);
        await h.api.unregister(sch.id, 'admin');
        await expect(h.api.get(sch.id)).rejects.toMatchObject({ code: 'OTC_ERR_SCHEDULE_NOT_FOUND' });
      } finally {
        await h.close();
      }
    });

    it('a failing run is retried up to its attempts, then failed; a permanent failure is not retried', async () => {
      if (skip()) return;
      const h = await harness(kind);
      try {
        const sch = await h.api.register({ name: 'flaky', handler: 'record', payload: { mode: 'fail' }, spec: { kind: 'daily', at: '07:00', timeZone: 'UTC' }, maxAttempts: 2 }, 'admin');
        const run = await h.api.runNow(sch.id, 'admin');
        const done = await until('the run to fail for good', async () => (await h.api.runs(sch.id)).find((r) => r.id === run.id && r.state === 'failed'));
        expect(done.attempts).toBe(2);
        expect(done.error).toMatch(/target unavailable/);
        const perm = await h.api.register({ name: 'dead', handler: 'record', payload: { mode: 'permanent' }, spec: { kind: 'daily', at: '07:00', timeZone: 'UTC' }, maxAttempts: 3 }, 'admin');
        const prun = await h.api.runNow(perm.id, 'admin');
        const pdone = await until('the permanent failure', async () => (await h.api.runs(perm.id)).find((r) => r.id === prun.id && r.state === 'failed'));
        expect(pdone.attempts).toBe(1);
      } finally {
        await h.close();
      }
    });

    it('a run past its timeout is marked failed, never left running', async () => {
      if (skip()) return;
      const h = await harness(kind);
      try {
        const sch = await h.api.register({ name: 'hangs', handler: 'record', payload: { mode: 'hang' }, spec: { kind: 'daily', at: '07:00', timeZone: 'UTC' }, timeoutMs: 300, maxAttempts: 1 }, 'admin');
        const run = await h.api.runNow(sch.id, 'admin');
        const done = await until('the timeout', async () => (await h.api.runs(sch.id)).find((r) => r.id === run.id && r.state === 'failed'));
        // The engine's own timer (OTC_ERR_RUN_TIMEOUT) or, on a slow machine, the reaper of runs past their timeout.
        expect(done.error).toMatch(/OTC_ERR_RUN_TIMEOUT|passed its timeout/);
      } finally {
        await h.close();
      }
    });

    it('bad input gets a coded error and nothing is saved', async () => {
      if (skip()) return;
      const h = await harness(kind);
      try {
        await expect(h.api.register({ name: 'bad', handler: 'record', spec: { kind: 'cron', expression: '0 25 * * *', timeZone: 'UTC' } }, 'admin')).rejects.toMatchObject({ code: 'OTC_ERR_SCHEDULE_INVALID_CRON' });
        await expect(h.api.register({ name: 'bad', handler: 'record', spec: { kind: 'daily', at: '07:00', timeZone: 'Europe/Paris2' } }, 'admin')).rejects.toMatchObject({ code: 'OTC_ERR_SCHEDULE_UNKNOWN_ZONE' });
        await expect(h.api.register({ name: 'bad', handler: 'record', spec: { kind: 'cron', expression: '0 0 30 2 *', timeZone: 'UTC' } }, 'admin')).rejects.toMatchObject({ code: 'OTC_ERR_SCHEDULE_INVALID' });
        await h.api.register({ name: 'dup', handler: 'record', spec: { kind: 'daily', at: '07:00', timeZone: 'UTC' } }, 'admin');
        await expect(h.api.register({ name: 'dup', handler: 'record', spec: { kind: 'daily', at: '08:00', timeZone: 'UTC' } }, 'admin')).rejects.toMatchObject({ code: 'OTC_ERR_SCHEDULE_DUPLICATE_NAME' });
        expect((await h.api.list()).map((x) => x.name)).toEqual(['dup']);
      } finally {
        await h.close();
      }
    });
  });
}
