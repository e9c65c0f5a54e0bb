/**
 * The store's side of exactly once, on SQLite and PostgreSQL: catch-up after downtime for each
 * policy (injected clock), two schedulers racing on one store, fencing tokens, the reaper.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog, type AuditLog } from '../../src/audit/index.js';
import { createScheduler, InProcessBackend, type RunContext, type Scheduler } from '../../src/scheduler/index.js';
import { manualClock, memoryLogger, tempDir } from '../../src/scheduler/testing.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startSchedulerProcess } from './processes.js';
import { createTempPgDatabase, postgresAvailable, type TempPgDatabase } from '../support/services.js';

const dir = tempDir();
const pgDbs: TempPgDatabase[] = [];
let pgUp = false;

beforeAll(async () => {
  pgUp = await postgresAvailable();
});
afterAll(async () => {
  for (const d of pgDbs) await d.drop().catch(() => undefined);
  dir.remove();
});

async function newStoreUrl(kind: 'sqlite' | 'postgres'): Promise<string> {
  if (kind === 'sqlite') return `sqlite:${join(dir.path, `${Math.random().toString(36).slice(2)}.db`)}`;
  const d = await createTempPgDatabase('otc_sched');
  pgDbs.push(d);
  return d.url;
}

function scheduler(store: Store, clock: { now: () => number }, audit?: AuditLog): Scheduler {
  return createScheduler({ store, backend: new InProcessBackend(), audit, logger: memoryLogger(), now: clock.now, misfireGraceMs: 60_000 });
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`scheduler engine on ${kind}`, () => {
    const skip = () => kind === 'postgres' && !pgUp;

    it.each(['skip', 'latest', 'all'] as const)('catch-up after a three-day downtime: policy %s, logged either way', async (policy) => {
      if (skip()) return;
      const store = await openStore(await newStoreUrl(kind));
      const audit = await openAuditLog(`sqlite:${join(dir.path, `audit-${kind}-${policy}.db`)}`);
      const clock = manualClock('2026-12-07T06:00:00Z'); // a Monday
      const s = scheduler(store, clock, audit);
      const keys: string[] = [];
      s.registerHandler('report', async (ctx: RunContext) => void keys.push(`${ctx.reason}:${ctx.idempotencyKey}`));
      const sch = await s.register({ name: `ops ${policy}`, handler: 'report', spec: { kind: 'daily', at: '07:00', timeZone: 'Europe/London' }, catchUp: policy }, 'admin');
      expect(sch.nextFireAt).toBe('2026-12-07T07:00:00.000Z');
      // Down from Monday 06:00 until Thursday 08:00: Mon, Tue, Wed and Thu 07:00 were missed.
      clock.set('2026-12-10T08:00:00Z');
      const slots = await s.engine.fireDue();
      const expected = { skip: [], latest: ['2026-12-10T07:00:00.000Z'], all: ['2026-12-07T07:00:00.000Z', '2026-12-08T07:00:00.000Z', '2026-12-09T07:00:00.000Z', '2026-12-10T07:00:00.000Z'] }[policy];
      expect(slots.map((x) => x.scheduled_at).sort()).toEqual(expected);
      expect(slots.every((x) => x.reason === 'catch_up')).toBe(true);
      const out = await s.engine.runSlots(slots.map((x) => x.id));
      await s.engine.drain();
      expect(out.every((o) => o.ok && o.recorded)).toBe(true);
      expect(keys.sort()).toEqual(expected.map((t) => `catch_up:${sch.id}@${t}`));
      expect((await s.get(sch.id)).nextFireAt).toBe('2026-12-11T07:00:00.000Z');
      // A second look finds nothing more to do.
      expect(await s.engine.fireDue()).toEqual([]);
      const logged = (await audit.search({ kind: 'schedule_run', limit: 100 })).filter((r) => (r.details as { event?: string } | null)?.event === 'catch_up');
      expect(logged).toHaveLength(1);
      expect(logged[0]!.details).toMatchObject({ policy, missed: 4, run: expected.length, skipped: 4 - expected.length, firstMissed: '2026-12-07T07:00:00.000Z', lastMissed: '2026-12-10T07:00:00.000Z' });
      await s.close();
      await audit.close();
      await store.close();
    });

    it('two scheduler processes racing on one store fire and run every slot exactly once', async () => {
      if (skip()) return;
      const url = await newStoreUrl(kind);
      const setup = await openStore(url);
      const s = scheduler(setup, { now: Date.now });
      const N = 30;
      for (let i = 0; i < N; i++) await s.register({ name: `s${i}`, handler: 'record', spec: { kind: 'cron', expression: '* * * * * *', timeZone: 'UTC' }, catchUp: 'all' }, 'admin');
      const out = join(dir.path, `race-${kind}.txt`);
      writeFileSync(out, '');
      const procs = await Promise.all([0, 1].map(() => startSchedulerProcess({ STORE_URL: url, OUT: out, BACKEND: 'in-process' })));
      await new Promise((r) => setTimeout(r, 3500));
      // Stop the schedules, then let the processes finish what they claimed.
      for (const sc of await s.list()) await s.pause(sc.id, 'admin');
      await new Promise((r) => setTimeout(r, 1500));
      await Promise.all(procs.map((p) => p.stop()));
      const lines = readFileSync(out, 'utf8').trim().split('\n').filter(Boolean);
      const keys = lines.map((l) => l.split(' ')[0]!);
      const pids = new Set(lines.map((l) => l.split(' ')[1]));
      expect(keys.length).toBeGreaterThanOrEqual(N * 2);
      expect(new Set(keys).size).toBe(keys.length); // no slot ran twice
      expect(pids.size).toBeGreaterThanOrEqual(1); // whichever process wins a slot runs it; the other one never does
      const slots = await setup.db.selectFrom('schedule_slots').select(['state', 'attempts', 'schedule_id', 'scheduled_at']).execute();
      expect(slots.filter((x) => x.state === 'succeeded')).toHaveLength(keys.length);
      expect(slots.every((x) => x.attempts <= 1)).toBe(true);
      await s.close();
      await setup.close();
    });

    it('a claim carries a fencing token; a run past its timeout is reaped, retried, then failed, never left running', async () => {
      if (skip()) return;
      const store = await openStore(await newStoreUrl(kind));
      const clock = manualClock('2026-12-07T06:00:00Z');
      const s = scheduler(store, clock);
      const sch = await s.register({ name: 'fenced', handler: 'report', spec: { kind: 'daily', at: '07:00', timeZone: 'UTC' }, timeoutMs: 1000, maxAttempts: 2 }, 'admin');
      const run = await s.runNow(sch.id, 'admin');
      const [first] = await s.claim([run.id], 'worker-1');
      expect(first!.fence).toBe(1);
      expect(await s.claim([run.id], 'worker-2')).toEqual([]); // held
      clock.advance(1500); // worker-1 went silent past the timeout
      const reaped = await s.engine.reap();
      expect(reaped.map((r) => [r.id, r.state])).toEqual([[run.id, 'pending']]);
      const [second] = await s.claim([run.id], 'worker-2');
      expect(second!.fence).toBeGreaterThan(first!.fence);
      expect(second!.attempts).toBe(2);
      await expect(s.complete(first!)).rejects.toMatchObject({ code: 'OTC_ERR_SLOT_FENCED' });
      clock.advance(1500);
      const [last] = await s.engine.reap();
      expect(last!.state).toBe('failed'); // no attempts left
      expect(last!.error).toMatch(/timed out/);
      await expect(s.complete(second!)).rejects.toMatchObject({ code: 'OTC_ERR_SLOT_FENCED' });
      expect(await s.claim([run.id], 'worker-3')).toEqual([]);
      await s.close();
      await store.close();
    });

    it('a handler that hangs past its timeout is stopped and its run marked failed', async () => {
      if (skip()) return;
      const store = await openStore(await newStoreUrl(kind));
      const s = createScheduler({ store, backend: new InProcessBackend(), logger: memoryLogger() });
      let aborted = false;
      s.registerHandler('report', (ctx) => new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => ((aborted = true), resolve()))));
      const sch = await s.register({ name: 'slow', handler: 'report', spec: { kind: 'daily', at: '07:00', timeZone: 'UTC' }, timeoutMs: 200, maxAttempts: 1 }, 'admin');
      const run = await s.runNow(sch.id, 'admin');
      const [out] = await s.engine.runSlots([run.id]);
      expect(out!.ok).toBe(false);
      expect(aborted).toBe(true);
      const [r] = await s.runs(sch.id);
      expect(r!.state).toBe('failed');
      expect(r!.error).toMatch(/OTC_ERR_RUN_TIMEOUT/);
      await s.close();
      await store.close();
    });
  });
}
