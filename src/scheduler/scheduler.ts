/**
 * The scheduler's public face: register, unregister, pause, resume, run now, list due, claim,
 * complete, fail, next fire times; handlers registered by kind. Schedules and slots live in the
 * app store; a backend (in-process or BullMQ) decides when to look and where runs happen.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import pino from 'pino';
import type { AuditLog } from '../audit/index.js';
import type { Store } from '../store/index.js';
import type { BackendHealth, SchedulerBackend } from './backend.js';
import { CalendarRegistry } from './calendars.js';
import { SchedulerEngine, type RunFinished, type SchedulerLogger } from './engine.js';
import { duplicateName, fenced, invalidSchedule, scheduleNotFound, slotNotFound } from './errors.js';
import { idempotencyKey, type RunHandler } from './handlers.js';
import { nextFireAfter, nextFireTimes } from './next-fire.js';
import { ScheduleRepository, type ScheduleRow, type SlotRow } from './repository.js';
import { describeSpec, parseScheduleInput, parseScheduleSpec, type ScheduleInput, type ScheduleSpec } from './spec.js';
import type { RunView, ScheduleViewOf } from './views.js';

export type ScheduleView = ScheduleViewOf<ScheduleSpec>;
export type { RunView };

/** A slot held by a claim: the holder runs it and finishes it with its fencing token. */
export interface ClaimedRun extends RunView {
  fence: number;
}

export interface Scheduler {
  /** 'in-process' or 'bullmq'. */
  readonly backend: string;
  /** The handler that does runs of this kind (a report, a dashboard refresh). */
  registerHandler(kind: string, handler: RunHandler): void;
  register(input: ScheduleInput, actor: string): Promise<ScheduleView>;
  /** Several at once (a bulk import): all are validated first, then saved together. */
  registerMany(inputs: ScheduleInput[], actor: string): Promise<ScheduleView[]>;
  unregister(id: string, actor: string): Promise<void>;
  pause(id: string, actor: string): Promise<ScheduleView>;
  resume(id: string, actor: string): Promise<ScheduleView>;
  /** A manual slot at the current time, dispatched at once. */
  runNow(id: string, actor: string): Promise<RunView>;
  /** Slots due and not yet run (pending), earliest first. */
  listDue(limit?: number): Promise<RunView[]>;
  /** Claims slots for `worker` (default this process): only those it now holds come back. */
  claim(slotIds: string[], worker?: string): Promise<ClaimedRun[]>;
  /** Finishes a held run; OTC_ERR_SLOT_FENCED when the claim was lost. */
  complete(run: { id: string; fence: number }): Promise<void>;
  fail(run: { id: string; fence: number }, error: string, opts?: { retry?: boolean }): Promise<void>;
  /** Next fire times of a schedule (by id) or of a spec not yet saved. */
  nextFireTimes(scheduleOrSpec: string | unknown, count?: number): Promise<Date[]>;
  list(): Promise<ScheduleView[]>;
  get(id: string): Promise<ScheduleView>;
  /** A schedule's runs, newest first. */
  runs(id: string, limit?: number): Promise<RunView[]>;
  /** Adds or replaces the bank's holiday list custom:NAME (stored, shared by every process). */
  setCustomCalendar(name: string, dates: string[], actor: string): Promise<void>;
  calendars(): string[];
  health(): BackendHealth;
  /** Arms the backend: timers, or the queue's job schedulers and workers. */
  start(): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
  /** For backends and tests. */
  readonly engine: SchedulerEngine;
}

export interface SchedulerOptions {
  store: Store;
  backend: SchedulerBackend;
  audit?: AuditLog;
  logger?: SchedulerLogger;
  now?: () => number;
  workerId?: string;
  misfireGraceMs?: number;
  concurrency?: number;
  auditRuns?: 'failures' | 'all';
  /** After each run this process did (e.g. to publish it on the event bus). */
  onRunFinished?: (run: RunFinished) => void;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function scheduleView(r: ScheduleRow, spec: ScheduleSpec): ScheduleView {
  return {
    id: r.id,
    name: r.name,
    handler: r.handler,
    payload: JSON.parse(r.payload_json) as Record<string, unknown>,
    spec,
    description: describeSpec(spec),
    catchUp: r.catch_up,
    timeoutMs: r.timeout_ms,
    maxAttempts: r.max_attempts,
    state: r.state,
    nextFireAt: r.next_fire_at,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function runView(r: SlotRow): RunView {
  return {
    id: r.id,
    scheduleId: r.schedule_id,
    scheduledAt: r.scheduled_at,
    reason: r.reason,
    state: r.state,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    fence: r.fence,
    worker: r.worker,
    claimedAt: r.claimed_at,
    finishedAt: r.finished_at,
    error: r.error,
    idempotencyKey: idempotencyKey(r.schedule_id, r.scheduled_at),
  };
}

export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export function createScheduler(o: SchedulerOptions): Scheduler {
  const repo = new ScheduleRepository(o.store.db);
  const calendars = new CalendarRegistry();
  const handlers = new Map<string, RunHandler>();
  const logger = o.logger ?? pino({ level: process.env.OTC_LOG_LEVEL ?? 'info' });
  const now = o.now ?? Date.now;
  const engine = new SchedulerEngine({ repo, calendars, handlers, audit: o.audit, logger, now, workerId: o.workerId ?? defaultWorkerId(), misfireGraceMs: o.misfireGraceMs, concurrency: o.concurrency, auditRuns: o.auditRuns, onRunFinished: o.onRunFinished });
  const backend = o.backend;
  let started = false;
  let closing: Promise<void> | undefined;

  const load = async (id: string): Promise<ScheduleRow> => {
    const r = await repo.getSchedule(id);
    if (!r) throw scheduleNotFound(id);
    return r;
  };
  const view = (r: ScheduleRow) => scheduleView(r, engine.specOf(r));
  const changed = async (id: string) => {
    if (!started) return;
    try {
      await backend.scheduleChanged(id);
    } catch (e) {
      // The schedule is saved in the store: a worker's sweep arms it once the queue is back.
      logger.error({ scheduleId: id, err: (e as Error).message }, 'scheduler: the backend could not arm the schedule now; it is saved and will fire when the backend is back');
    }
  };
  const audit = (actor: string, action: string, r: ScheduleRow | { id: string; name: string }, extra: Record<string, unknown> = {}) =>
    engine.record({ kind: 'schedule_change', actor, outcome: 'ok', details: { action, scheduleId: r.id, name: r.name, ...extra } });

  const api: Scheduler = {
    backend: backend.name,
    engine,
    registerHandler(kind, handler) {
      if (!/^[a-z][a-z0-9_.:-]{0,63}$/.test(kind)) throw invalidSchedule(`"${kind}" is not a valid handler kind`);
      handlers.set(kind, handler);
    },

    async register(input, actor) {
      return (await api.registerMany([input], actor))[0]!;
    },

    async registerMany(inputs, actor) {
      await engine.refreshCalendars();
      const t = now();
      const names = new Set<string>();
      const rows: ScheduleRow[] = inputs.map((input) => {
        const def = parseScheduleInput(input, calendars);
        const next = nextFireAfter(def.spec, t, calendars);
        if (next === null) throw invalidSchedule(`${def.name}: this schedule never fires (no matching date in the next three years)`, 'check the day of month, the days of the week and the calendar');
        if (names.has(def.name)) throw duplicateName(def.name);
        names.add(def.name);
        return {
          id: randomUUID(),
          name: def.name,
          handler: def.handler,
          payload_json: JSON.stringify(def.payload),
          spec_json: JSON.stringify(def.spec),
          catch_up: def.catchUp,
          timeout_ms: def.timeoutMs,
          max_attempts: def.maxAttempts,
          state: 'active',
          next_fire_at: iso(next),
          created_by: actor,
          created_at: iso(t),
          updated_at: iso(t),
        };
      });
      if (rows.length === 1 && (await repo.getScheduleByName(rows[0]!.name))) throw duplicateName(rows[0]!.name);
      try {
        await repo.insertSchedules(rows);
      } catch (e) {
        if (/unique|duplicate/i.test((e as Error).message)) throw duplicateName(rows.length === 1 ? rows[0]!.name : 'one of these names');
        throw e;
      }
      if (rows.length === 1) audit(actor, 'register', rows[0]!, { spec: JSON.parse(rows[0]!.spec_json), handler: rows[0]!.handler, catchUp: rows[0]!.catch_up });
      // A bulk import is one audit record naming every schedule it created.
      else if (rows.length > 1) engine.record({ kind: 'schedule_change', actor, outcome: 'ok', details: { action: 'register_many', count: rows.length, schedules: rows.map((r) => ({ id: r.id, name: r.name, handler: r.handler, spec: r.spec_json })) } });
      if (rows.length) await changed(rows[0]!.id);
      return rows.map(view);
    },

    async unregister(id, actor) {
      const r = await load(id);
      await repo.deleteSchedule(id);
      audit(actor, 'unregister', r);
      await changed(id);
    },

    async pause(id, actor) {
      const r = await load(id);
      if (r.state !== 'paused') {
        await repo.updateSchedule(id, { state: 'paused', next_fire_at: null, updated_at: iso(now()) });
        await repo.dropFutureSlots(id, now());
        audit(actor, 'pause', r);
        await changed(id);
      }
      return view(await load(id));
    },

    async resume(id, actor) {
      const r = await load(id);
      if (r.state !== 'active') {
        // Fires while paused are not caught up: the schedule continues from now.
        const next = nextFireAfter(engine.specOf(r), now(), calendars);
        await repo.updateSchedule(id, { state: 'active', next_fire_at: next === null ? null : iso(next), updated_at: iso(now()) });
        audit(actor, 'resume', r);
        await changed(id);
      }
      return view(await load(id));
    },

    async runNow(id, actor) {
      const r = await load(id);
      const slot = await repo.insertSlot({ scheduleId: id, scheduledAt: now(), reason: 'manual', maxAttempts: r.max_attempts, timeoutMs: r.timeout_ms }, now());
      audit(actor, 'run_now', r, { slotId: slot.id, scheduledAt: slot.scheduled_at });
      if (started) {
        try {
          await backend.dispatch([{ id: slot.id, fence: slot.fence }]);
        } catch (e) {
          logger.error({ slotId: slot.id, err: (e as Error).message }, 'scheduler: the run is saved but could not be dispatched now; a sweep will dispatch it');
        }
      }
      return runView(slot);
    },

    async listDue(limit = 100) {
      return (await repo.dueSlots(now(), limit)).map(runView);
    },

    async claim(slotIds, worker) {
      return (await repo.claim(slotIds, worker ?? engine.workerId, now())).map(runView);
    },

    async complete(run) {
      const done = await repo.finish([{ id: run.id, fence: run.fence, ok: true }], now());
      if (!done.has(run.id)) {
        if (!(await repo.getSlot(run.id))) throw slotNotFound(run.id);
        throw fenced(run.id, run.fence);
      }
    },

    async fail(run, error, opts = {}) {
      const done = await repo.finish([{ id: run.id, fence: run.fence, ok: false, error, retry: opts.retry ?? true }], now());
      if (!done.has(run.id)) {
        if (!(await repo.getSlot(run.id))) throw slotNotFound(run.id);
        throw fenced(run.id, run.fence);
      }
    },

    async nextFireTimes(scheduleOrSpec, count = 5) {
      await engine.refreshCalendars();
      let spec: ScheduleSpec;
      let after = now();
      if (typeof scheduleOrSpec === 'string') {
        const r = await load(scheduleOrSpec);
        spec = engine.specOf(r);
        if (r.state === 'paused') return [];
        // The recorded next fire may be a slot not yet created (due now): show it too.
        if (r.next_fire_at) after = Math.min(after, Date.parse(r.next_fire_at) - 1);
      } else spec = parseScheduleSpec(scheduleOrSpec, calendars);
      return nextFireTimes(spec, after, Math.min(Math.max(1, count), 100), calendars);
    },

    async list() {
      return (await repo.listSchedules()).map(view);
    },

    async get(id) {
      return view(await load(id));
    },

    async runs(id, limit = 50) {
      await load(id);
      return (await repo.slotsOf(id, Math.min(Math.max(1, limit), 1000))).map(runView);
    },

    async setCustomCalendar(name, dates, actor) {
      calendars.setCustom(name, dates); // validates
      await repo.saveCalendar(name, dates, actor, now());
      engine.record({ kind: 'schedule_change', actor, outcome: 'ok', details: { action: 'calendar', calendar: `custom:${name}`, days: dates.length } });
    },

    calendars: () => calendars.names(),
    health: () => backend.health(),

    async start() {
      if (started) return;
      await engine.refreshCalendars();
      await backend.start(engine);
      started = true;
    },

    close() {
      closing ??= (async () => {
        await backend.close();
        await engine.close();
      })();
      return closing;
    },
  };
  return api;
}
