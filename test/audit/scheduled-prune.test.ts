/**
 * Retention on a schedule (issue 15 item 3): the 'audit_prune' handler on the scheduler, driven
 * by an injected clock. A nightly slot 40 days on archives and prunes what is older than 30 days
 * (a prune record under the schedule's name, `audit verify` green); a night with nothing expired
 * says so in an audit record; a legal hold stops the cut. The schedule follows
 * configuration: created, kept, replaced when the cron changes, removed when turned off.
 * On both store kinds: app store and audit log in SQLite, then in PostgreSQL (schemas of their
 * own; PostgreSQL required in CI, skipped with a printed reason elsewhere).
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/audit/index.js';
import { placeHold } from '../../src/audit/retention.js';
import { AUDIT_PRUNE_HANDLER_KIND, ensureAuditPruneSchedule, registerAuditPruneHandler } from '../../src/audit/scheduled-prune.js';
import { loadSigningKey } from '../../src/audit/signing.js';
import { createScheduler, InProcessBackend } from '../../src/scheduler/index.js';
import { manualClock, memoryLogger, tempDir } from '../../src/scheduler/testing.js';
import { testStoreUrls, type TestStoreUrls } from '../../src/server/testing.js';
import { openStore } from '../../src/store/index.js';
import { postgresAvailable } from '../support/services.js';

const dir = tempDir('otc-sched-prune-');
const made: TestStoreUrls[] = [];
afterAll(async () => {
  for (const u of made) await u.drop();
  dir.remove();
});

async function world(kind: 'sqlite' | 'postgres', name: string, daysAhead = 40) {
  const own = join(dir.path, `${kind}-${name}`);
  mkdirSync(own, { recursive: true });
  const urls = testStoreUrls(own, kind);
  made.push(urls);
  const keys = loadSigningKey(join(own, 'audit.key'), { create: true });
  const log = await openAuditLog(urls.audit, { integrity: { keys, checkpointFile: join(own, 'cp.jsonl') } });
  const store = await openStore(urls.store);
  // the records are written now; the scheduler's clock starts `daysAhead` days later, just before 02:30 UTC
  const start = new Date(Date.now() + daysAhead * 86_400_000);
  start.setUTCHours(2, 0, 0, 0);
  const clock = manualClock(start.getTime());
  const scheduler = createScheduler({ store, audit: log, backend: new InProcessBackend(), logger: memoryLogger(), now: clock.now, misfireGraceMs: 60_000 });
  const archiveDir = join(own, 'archive');
  registerAuditPruneHandler(scheduler, { log, keys, retentionDays: 30, archiveDir });
  const close = async () => {
    await scheduler.close();
    await store.close();
    await log.close();
  };
  /** Moves the clock to the next slot, fires it and runs it; returns the slot's outcome. */
  const nextNight = async () => {
    clock.advance(24 * 3_600_000);
    const slots = await scheduler.engine.fireDue();
    const out = await scheduler.engine.runSlots(slots.map((s) => s.id));
    await scheduler.engine.drain();
    return { slots, out };
  };
  return { log, scheduler, clock, archiveDir, close, nextNight };
}

describe.each(['sqlite', 'postgres'] as const)('scheduled audit prune, stores on %s', (kind) => {
  let up = true;
  beforeAll(async () => {
    if (kind === 'postgres') up = await postgresAvailable();
  });
  it('prunes at the configured time as of the slot, audited under the schedule name; verify stays green', async (ctx) => {
    if (!up) return ctx.skip();
    const w = await world(kind, 'nightly');
    try {
      for (let i = 0; i < 25; i++) await w.log.append({ kind: 'question', actor: `user${i % 3}`, outcome: 'started', question: `q${i}` });
      const id = await ensureAuditPruneSchedule(w.scheduler, { cron: '30 2 * * *', timeZone: 'UTC' }, 'system');
      expect(id).toBeDefined();
      // before 02:30 nothing is due; at 02:31 the slot fires
      expect(await w.scheduler.engine.fireDue()).toEqual([]);
      w.clock.advance(31 * 60_000);
      const slots = await w.scheduler.engine.fireDue();
      expect(slots).toHaveLength(1);
      const out = await w.scheduler.engine.runSlots(slots.map((s) => s.id));
      await w.scheduler.engine.drain();
      expect(out.every((o) => o.ok)).toBe(true);

      const [prune] = await w.log.search({ kind: 'audit_prune', limit: 1 });
      expect(prune).toMatchObject({ actor: 'scheduler:Audit retention', outcome: 'completed' });
      expect(prune!.details).toMatchObject({ retention_days: 30, from_seq: 1 });
      const through = (prune!.details as { pruned_through: { seq: number } }).pruned_through.seq;
      expect(through).toBeGreaterThanOrEqual(25);
      expect(readdirSync(w.archiveDir).filter((f) => f.endsWith('.jsonl'))).toHaveLength(1);
      const v = await w.log.verify();
      expect(v).toMatchObject({ ok: true, prunedThrough: through });
      expect(await w.log.search({ kind: 'question', limit: 10 })).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it('a night when nothing is older than the retention period prunes nothing and says so in an audit record', async (ctx) => {
    if (!up) return ctx.skip();
    const w = await world(kind, 'young', 1);
    try {
      for (let i = 0; i < 5; i++) await w.log.append({ kind: 'question', actor: 'alice', outcome: 'started', question: `q${i}` });
      await ensureAuditPruneSchedule(w.scheduler, { cron: '30 2 * * *', timeZone: 'UTC' }, 'system');
      const { slots, out } = await w.nextNight();
      expect(slots).toHaveLength(1);
      expect(out.every((o) => o.ok)).toBe(true);
      const [none] = await w.log.search({ kind: 'audit_prune', limit: 1 });
      expect(none).toMatchObject({ actor: 'scheduler:Audit retention', outcome: 'ok', details: { action: 'nothing_to_prune', retention_days: 30, as_of: slots[0]!.scheduled_at } });
      expect(await w.log.prunedThrough()).toBeUndefined();
      expect((await w.log.search({ kind: 'question', limit: 10 })).length).toBe(5);
      expect((await w.log.verify()).ok).toBe(true);
    } finally {
      await w.close();
    }
  });

  it('a legal hold stops the scheduled cut before the first record it covers', async (ctx) => {
    if (!up) return ctx.skip();
    const w = await world(kind, 'held');
    try {
      for (let i = 0; i < 6; i++) await w.log.append({ kind: 'question', actor: 'alice', outcome: 'started', question: `a${i}` });
      const firstBob = await w.log.append({ kind: 'question', actor: 'bob', outcome: 'started', question: 'b0' });
      await w.log.append({ kind: 'question', actor: 'alice', outcome: 'started', question: 'a6' });
      await placeHold(w.log, { user: 'bob', reason: 'litigation 2026-17', actor: 'auditor' });
      await ensureAuditPruneSchedule(w.scheduler, { cron: '30 2 * * *', timeZone: 'UTC' }, 'system');
      const { out } = await w.nextNight();
      expect(out.every((o) => o.ok)).toBe(true);
      const v = await w.log.verify();
      expect(v).toMatchObject({ ok: true, prunedThrough: firstBob.seq - 1 });
      expect((await w.log.search({ actor: 'bob', limit: 10 })).map((r) => r.question)).toEqual(['b0']);
    } finally {
      await w.close();
    }
  });

  it('the schedule follows configuration: created once, replaced on a new cron, removed when off, each change audited', async (ctx) => {
    if (!up) return ctx.skip();
    const w = await world(kind, 'config');
    try {
      const a = await ensureAuditPruneSchedule(w.scheduler, { cron: '30 2 * * *', timeZone: 'UTC' }, 'system');
      expect(await ensureAuditPruneSchedule(w.scheduler, { cron: '30 2 * * *', timeZone: 'UTC' }, 'system')).toBe(a);
      const b = await ensureAuditPruneSchedule(w.scheduler, { cron: '0 3 * * 0', timeZone: 'Europe/London' }, 'system');
      expect(b).not.toBe(a);
      const mine = (await w.scheduler.list()).filter((s) => s.handler === AUDIT_PRUNE_HANDLER_KIND);
      expect(mine.map((s) => [s.id, s.spec])).toEqual([[b, expect.objectContaining({ kind: 'cron', expression: '0 3 * * 0', timeZone: 'Europe/London' })]]);
      expect(await ensureAuditPruneSchedule(w.scheduler, undefined, 'system')).toBeUndefined();
      expect((await w.scheduler.list()).filter((s) => s.handler === AUDIT_PRUNE_HANDLER_KIND)).toEqual([]);
      await w.scheduler.engine.drain();
      const changes = await w.log.search({ kind: 'schedule_change', order: 'asc', limit: 10 });
      expect(changes.map((r) => [(r.details as { action: string }).action, r.actor])).toEqual([
        ['register', 'system'],
        ['unregister', 'system'],
        ['register', 'system'],
        ['unregister', 'system'],
      ]);
    } finally {
      await w.close();
    }
  });
});
