/**
 * The BullMQ backend (the enterprise deployment, OTC_REDIS_URL): API processes only enqueue
 * (role 'producer'); `otc-copilot worker` processes (role 'worker') run the jobs:
 * - 'tick': a delayed job at the earliest next fire of any schedule (its id is the fire time,
 *   so every process arming the same fire adds it once): turns due schedules into slots and
 *   enqueues their runs;
 * - 'run': claims and runs a batch of slots (the store's claim makes a duplicate job harmless);
 * - 'sweep': a BullMQ job scheduler (every few seconds) that reaps runs past their timeout,
 *   fires what is overdue (downtime, a tick lost with Redis), re-dispatches pending slots nobody
 *   ran, and re-arms the tick.
 * The times themselves come from the scheduler's own calendar code, not from a cron pattern in
 * Redis: business days, holidays and nth business days cannot be said in a pattern.
 * Nothing connects before start(); close() is idempotent.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { createHash } from 'node:crypto';
import type { BackendHealth, SchedulerBackend, SlotRef } from '../backend.js';
import type { SchedulerEngine } from '../engine.js';
import { queueUnavailable } from '../errors.js';

export interface BullmqOptions {
  /** redis://[user:password@]host:port[/db] or rediss://… */
  url: string;
  role: 'producer' | 'worker';
  /** Queue name (default otc-scheduler) and Redis key prefix (default otc). */
  queueName?: string;
  prefix?: string;
  /** Jobs at once in a worker (default 8); each run job holds up to runBatch slots. */
  concurrency?: number;
  runBatch?: number;
  /** Sweep period (default 5000 ms). */
  sweepEveryMs?: number;
  /** A job whose worker stopped is retried after this (default 30000 ms). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** A pending slot older than this with no run is dispatched again by the sweep (default 30000 ms). */
  redispatchAfterMs?: number;
  /** How long an API call waits for Redis before giving up (default 2000 ms). */
  enqueueTimeoutMs?: number;
  /** Slots are made this long before they are due; their run jobs are delayed until then. Default 5000 ms. */
  lookaheadMs?: number;
}

const SWEEP = 'otc-scheduler-sweep';

interface RunData {
  slotIds: string[];
}

export function redisConnection(url: string): Record<string, unknown> {
  const u = new URL(url);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`not a redis:// URL: ${u.protocol}`);
  const db = u.pathname.replace(/^\//, '');
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

export class BullmqBackend implements SchedulerBackend {
  readonly name = 'bullmq' as const;
  private readonly o: Required<Omit<BullmqOptions, 'url'>> & { url: string };
  private engine?: SchedulerEngine;
  private queue?: Queue;
  private worker?: Worker;
  private closing?: Promise<void>;
  private down?: { error: string; since: string };
  private watchdog?: NodeJS.Timeout;

  constructor(o: BullmqOptions) {
    this.o = {
      queueName: 'otc-scheduler',
      prefix: 'otc',
      concurrency: 8,
      runBatch: 50,
      sweepEveryMs: 5000,
      lockDurationMs: 30_000,
      stalledIntervalMs: 15_000,
      redispatchAfterMs: 30_000,
      enqueueTimeoutMs: 2000,
      lookaheadMs: 5000,
      ...o,
    };
  }

  async start(engine: SchedulerEngine): Promise<void> {
    if (this.closing) return;
    this.engine = engine;
    const base = redisConnection(this.o.url);
    // API calls must not hang while Redis is down: commands fail at once and the store keeps the work.
    this.queue = new Queue(this.o.queueName, {
      connection: { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
      prefix: this.o.prefix,
      defaultJobOptions: { removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 24 * 3600 } },
    });
    this.queue.on('error', (e) => this.markDown(e));
    if (this.o.role === 'worker') {
      this.worker = new Worker(this.o.queueName, (job) => this.process(job), {
        connection: { ...base, maxRetriesPerRequest: null },
        prefix: this.o.prefix,
        concurrency: this.o.concurrency,
        lockDuration: this.o.lockDurationMs,
        stalledInterval: this.o.stalledIntervalMs,
        maxStalledCount: 100,
      });
      this.worker.on('error', (e) => this.markDown(e));
      await this.ensureSweep().catch(() => undefined);
      // A Redis that comes back empty (restarted without persistence) has lost the sweep's job
      // scheduler and the tick: this process puts them back; the store still has every schedule.
      this.watchdog = setInterval(() => void this.ensureSweep().catch(() => undefined), Math.max(1000, this.o.sweepEveryMs * 2));
      this.watchdog.unref();
    }
    await this.arm().catch((e: unknown) => this.markDown(e as Error));
  }

  private async ensureSweep(): Promise<void> {
    if (!this.queue || this.closing) return;
    const existing = await this.guard(this.queue.getJobScheduler(SWEEP));
    if (!existing) {
      await this.guard(this.queue.upsertJobScheduler(SWEEP, { every: this.o.sweepEveryMs }, { name: 'sweep', data: {} }));
      await this.arm();
    }
  }

  health(): BackendHealth {
    return this.down ? { ok: false, ...this.down } : { ok: true };
  }

  private markDown(e: Error): void {
    if (!this.down) {
      this.down = { error: e.message, since: new Date().toISOString() };
      this.engine?.logger.error({ err: e.message, backend: 'bullmq' }, 'scheduler: Redis is unreachable; schedules are kept in the store and runs resume when it is back');
      this.engine?.record({ kind: 'schedule_run', actor: `scheduler:${this.engine.workerId}`, outcome: 'error', details: { event: 'queue_down', error: e.message } });
    }
  }

  private markUp(): void {
    if (this.down) {
      const since = this.down.since;
      this.down = undefined;
      this.engine?.logger.info({ since, backend: 'bullmq' }, 'scheduler: Redis is reachable again');
      this.engine?.record({ kind: 'schedule_run', actor: `scheduler:${this.engine.workerId}`, outcome: 'ok', details: { event: 'queue_up', downSince: since } });
    }
  }

  /** A Redis call with a deadline: OTC_ERR_SCHEDULER_QUEUE_UNAVAILABLE instead of waiting. */
  private async guard<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const r = await Promise.race([
        p,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.o.enqueueTimeoutMs} ms`)), this.o.enqueueTimeoutMs);
        }),
      ]);
      this.markUp();
      return r;
    } catch (e) {
      this.markDown(e as Error);
      throw queueUnavailable((e as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }

  async scheduleChanged(): Promise<void> {
    await this.arm();
  }

  /** A delayed 'tick' job at the earliest next fire; its id is that time, so it is added once. */
  private async arm(): Promise<void> {
    if (!this.engine || !this.queue || this.closing) return;
    const at = await this.engine.repo.earliestNextFire();
    if (at === null) return;
    const delay = Math.max(0, at - this.o.lookaheadMs - this.engine.now());
    await this.guard(this.queue.add('tick', {}, { jobId: `tick-${at}`, delay }));
  }

  async dispatch(slots: SlotRef[]): Promise<void> {
    if (!this.queue || !slots.length) return;
    const jobs: Array<{ name: string; data: RunData; opts: { jobId: string; delay?: number } }> = [];
    const now = this.engine?.now() ?? Date.now();
    // Slots due at the same time share jobs, delayed until then.
    const byTime = new Map<number, SlotRef[]>();
    for (const s of slots) {
      const at = Math.max(now, s.at ?? now);
      (byTime.get(at) ?? byTime.set(at, []).get(at)!).push(s);
    }
    for (const [at, group] of byTime) {
      for (let i = 0; i < group.length; i += this.o.runBatch) {
        const part = group.slice(i, i + this.o.runBatch);
        // The id names the slots and their fencing tokens: the same dispatch twice is one job.
        const id = part.length === 1 ? `run-${part[0]!.id}-${part[0]!.fence}` : `run-${createHash('sha1').update(part.map((s) => `${s.id}.${s.fence}`).join(',')).digest('hex')}`;
        jobs.push({ name: 'run', data: { slotIds: part.map((s) => s.id) }, opts: { jobId: id, ...(at > now ? { delay: at - now } : {}) } });
      }
    }
    await this.guard(this.queue.addBulk(jobs));
  }

  private async process(job: Job): Promise<unknown> {
    const engine = this.engine!;
    this.markUp();
    switch (job.name) {
      case 'run': {
        const out = await engine.runSlots((job.data as RunData).slotIds);
        return { ran: out.length, failed: out.filter((o) => !o.ok).length };
      }
      case 'tick': {
        const sent: Promise<void>[] = [];
        const slots = await engine.fireDue((batch) => sent.push(this.dispatch(batch.map((s) => ({ id: s.id, fence: s.fence, at: Date.parse(s.scheduled_at) })))), this.o.lookaheadMs);
        await Promise.all(sent);
        await this.arm();
        return { slots: slots.length };
      }
      case 'sweep': {
        await engine.reap();
        await engine.refreshCalendars();
        const slots = await engine.fireDue(undefined, this.o.lookaheadMs);
        await this.dispatch(slots.map((s) => ({ id: s.id, fence: s.fence, at: Date.parse(s.scheduled_at) })));
        const stale = await engine.repo.dueSlots(engine.now(), 1000, undefined, engine.now() - this.o.redispatchAfterMs);
        // One job per slot and token: repeated sweeps do not pile up copies.
        for (const s of stale) await this.dispatch([{ id: s.id, fence: s.fence }]);
        await this.arm();
        return { fired: slots.length, redispatched: stale.length };
      }
      default:
        return undefined;
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.watchdog);
      // Jobs in progress get a grace period, then the worker closes anyway: a job it leaves is
      // stalled and retried by another worker, and the store keeps its slots from running twice.
      if (this.worker) {
        let timer: NodeJS.Timeout | undefined;
        const graceful = this.worker.close().then(() => true, () => true);
        const done = await Promise.race([graceful, new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 10_000)))]);
        clearTimeout(timer);
        if (!done) await this.worker.close(true).catch(() => undefined);
      }
      await this.queue?.close().catch(() => undefined);
    })();
    return this.closing;
  }
}
