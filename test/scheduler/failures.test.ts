/**
 * Failure behaviour of the BullMQ backend with real processes: a worker killed with kill -9 in
 * the middle of a run (another worker retries it; the side effect is not repeated), and Redis
 * stopped and restarted during a run (a redis-server of the test's own on a free port).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisConnection } from '../../src/scheduler/backends/bullmq.js';
import { BullmqBackend, createScheduler } from '../../src/scheduler/index.js';
import { memoryLogger, tempDir } from '../../src/scheduler/testing.js';
import { openStore } from '../../src/store/index.js';
import { inCI, REDIS_URL } from '../support/services.js';
import { startSchedulerProcess, type SchedulerProcess } from './processes.js';
import { freePort, OwnRedis, redisAvailable } from './redis.js';

const dir = tempDir();
let redisUp = false;
let redisServer = false;
beforeAll(async () => {
  redisUp = await redisAvailable(REDIS_URL);
  try {
    const { execFileSync } = await import('node:child_process');
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    redisServer = true;
  } catch (e) {
    if (inCI) throw new Error(`redis-server is required in CI: ${(e as Error).message}`);
    console.warn('[skip] redis-server is not installed: the Redis restart test needs its own server');
  }
});
afterAll(() => dir.remove());

async function until<T>(what: string, f: () => Promise<T | undefined | false> | T | undefined | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const attemptsIn = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [key, pid, attempt] = l.split(' ');
      return { key: key!, pid: Number(pid), attempt: Number(attempt) };
    });

describe('scheduler failures (BullMQ)', () => {
  it('kill -9 of a worker mid-run: another worker retries the run, and its side effect is not repeated', async () => {
    if (!redisUp) return;
    const storeUrl = `sqlite:${join(dir.path, 'kill.db')}`;
    const out = join(dir.path, 'kill.txt');
    const sinkFile = join(dir.path, 'sink.db');
    writeFileSync(out, '');
    const queueName = `otc-test-${randomUUID()}`;
    const prefix = `otct${randomUUID().slice(0, 8)}`;
    const store = await openStore(storeUrl);
    const api = createScheduler({ store, backend: new BullmqBackend({ url: REDIS_URL, role: 'producer', queueName, prefix }), logger: memoryLogger() });
    await api.start();
    const env = { STORE_URL: storeUrl, OUT: out, BACKEND: 'bullmq', REDIS_URL, QUEUE: queueName, PREFIX: prefix, SINK: sinkFile };
    const workers: SchedulerProcess[] = [];
    try {
      workers.push(await startSchedulerProcess(env), await startSchedulerProcess(env));
      const sch = await api.register({ name: 'report to the regulator', handler: 'effect', payload: { holdMs: 1200 }, spec: { kind: 'daily', at: '07:00', timeZone: 'Europe/London' }, timeoutMs: 2500, maxAttempts: 3 }, 'admin');
      const run = await api.runNow(sch.id, 'admin');
      const first = await until('the first attempt', () => attemptsIn(out)[0]);
      const victim = workers.find((w) => w.child.pid === first.pid)!;
      expect(victim).toBeDefined();
      await victim.kill9();
      const done = await until('the retried run', async () => (await api.runs(sch.id)).find((r) => r.id === run.id && r.state === 'succeeded'), 30_000);
      const attempts = attemptsIn(out).filter((a) => a.key === run.idempotencyKey);
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
      expect(attempts[1]!.pid).not.toBe(first.pid);
      expect(done.attempts).toBe(2);
      expect(done.fence).toBeGreaterThanOrEqual(2);
      const sink = new Database(sinkFile, { readonly: true });
      const effects = sink.prepare('SELECT key, pid FROM effects').all() as Array<{ key: string; pid: number }>;
      sink.close();
      expect(effects).toEqual([{ key: run.idempotencyKey, pid: first.pid }]); // made once, by the killed worker
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await api.close();
      const q = new Queue(queueName, { connection: redisConnection(REDIS_URL), prefix });
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
      await store.close();
    }
  });

  it('Redis stopped and restarted during a run: the API keeps serving, nothing is lost, runs resume', async () => {
    if (!redisServer) return;
    const redis = new OwnRedis(await freePort());
    await redis.start();
    const storeUrl = `sqlite:${join(dir.path, 'redis-down.db')}`;
    const out = join(dir.path, 'redis-down.txt');
    writeFileSync(out, '');
    const store = await openStore(storeUrl);
    const logger = memoryLogger();
    const api = createScheduler({ store, backend: new BullmqBackend({ url: redis.url, role: 'producer', queueName: 'otc-sched', prefix: 'otc', enqueueTimeoutMs: 1000 }), logger });
    await api.start();
    let worker: SchedulerProcess | undefined;
    try {
      worker = await startSchedulerProcess({ STORE_URL: storeUrl, OUT: out, BACKEND: 'bullmq', REDIS_URL: redis.url, QUEUE: 'otc-sched', PREFIX: 'otc' });
      const sch = await api.register({ name: 'long report', handler: 'record', payload: { holdMs: 2500 }, spec: { kind: 'daily', at: '07:00', timeZone: 'UTC' }, timeoutMs: 20_000 }, 'admin');
      const run = await api.runNow(sch.id, 'admin');
      await until('the run to start', () => attemptsIn(out).length === 1);
      await redis.stop();

      // Redis is down: the API still answers, saves new schedules and runs, and says the queue is down.
      const during = await api.register({ name: 'registered during the outage', handler: 'record', spec: { kind: 'cron', expression: '*/2 * * * * *', timeZone: 'UTC' } }, 'admin');
      const runDuring = await api.runNow(sch.id, 'admin');
      expect((await api.list()).map((x) => x.name).sort()).toEqual(['long report', 'registered during the outage']);
      expect(api.health().ok).toBe(false);
      expect(logger.lines.some((l) => l.level === 'error' && /Redis is unreachable/.test(l.msg))).toBe(true);
      // The run in progress finishes and is recorded in the store.
      await until('the run in progress to finish', async () => (await api.runs(sch.id)).find((r) => r.id === run.id && r.state === 'succeeded'));

      await redis.start(); // empty: no persistence
      await until('the run saved during the outage', async () => (await api.runs(sch.id)).find((r) => r.id === runDuring.id && r.state === 'succeeded'), 30_000);
      await until('the schedule saved during the outage to fire', async () => (await api.runs(during.id)).some((r) => r.state === 'succeeded'), 30_000);
      const lines = attemptsIn(out);
      expect(lines.filter((l) => l.key === run.idempotencyKey)).toHaveLength(1); // not run again after Redis came back
      expect(lines.filter((l) => l.key === runDuring.idempotencyKey)).toHaveLength(1);
      await api.pause(during.id, 'admin');
    } finally {
      await worker?.stop();
      await api.close();
      await redis.stop();
      await store.close();
    }
  });
});
