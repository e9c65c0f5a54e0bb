/**
 * The part of the scheduler that both backends drive: turn due schedules into slots (with the
 * catch-up policy), claim slots and run their handlers with a timeout, finish them with their
 * fencing token, and reap runs whose lease passed. All state is in the app store, so any number
 * of engines (API processes, workers) may share one store: the store decides, never a timer.
 */
import type { AuditEntry, AuditLog } from '../audit/index.js';
import { isOtcError } from '../shared/errors.js';
import type { CalendarRegistry } from './calendars.js';
import { noHandler, runTimeout, SchedulerErrorCode } from './errors.js';
import { idempotencyKey, PermanentRunError, type RunHandler } from './handlers.js';
import { fireTimesBetween } from './next-fire.js';
import { ScheduleRepository, type Advance, type NewSlot, type ScheduleRow, type SlotRow } from './repository.js';
import { parseScheduleSpec, type ScheduleSpec } from './spec.js';

export interface SchedulerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A run that finished in this process, as told to `onRunFinished` (e.g. to push it to browsers). */
export interface RunFinished {
  scheduleId: string;
  name: string | null;
  slotId: string;
  scheduledAt: string;
  reason: string;
  /** retrying: failed, another attempt follows; lost: the claim was lost, its result not recorded. */
  state: 'succeeded' | 'failed' | 'retrying' | 'lost';
  worker: string;
  error?: string;
}

export interface EngineOptions {
  repo: ScheduleRepository;
  calendars: CalendarRegistry;
  handlers: Map<string, RunHandler>;
  audit?: AuditLog;
  logger: SchedulerLogger;
  /** The clock (ms); tests inject one. Run timeouts use real timers. */
  now: () => number;
  /** Names this process in claims (host:pid:random). */
  workerId: string;
  /** A slot later than this when its schedule is looked at counts as missed (downtime). Default 60 s. */
  misfireGraceMs?: number;
  /** Runs at once in this process. Default 50. */
  concurrency?: number;
  /**
   * Which runs get a schedule_run audit record: 'failures' (default: failed, timed-out and
   * fenced runs; catch-ups and queue outages always) or 'all'. A successful run is in the run
   * history, and the handler that did the work audits what it did (e.g. report_run).
   */
  auditRuns?: 'failures' | 'all';
  /** Called after each run's result is recorded (or found fenced); a throw is logged, never fails the run. */
  onRunFinished?: (run: RunFinished) => void;
}

export interface RunOutcome {
  slotId: string;
  scheduleId: string;
  ok: boolean;
  /** False when the claim was lost before the run finished (a later claim holds the slot). */
  recorded: boolean;
  error?: string;
  lateMs: number;
}

interface FinishItem {
  id: string;
  fence: number;
  ok: boolean;
  error?: string;
  retry?: boolean;
  resolve: (recorded: boolean) => void;
  reject: (e: unknown) => void;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class SchedulerEngine {
  readonly repo: ScheduleRepository;
  readonly calendars: CalendarRegistry;
  readonly workerId: string;
  readonly now: () => number;
  readonly logger: SchedulerLogger;
  private readonly handlers: Map<string, RunHandler>;
  private readonly audit?: AuditLog;
  private readonly graceMs: number;
  private readonly concurrency: number;
  private readonly auditRuns: 'failures' | 'all';
  private readonly onRunFinished?: (run: RunFinished) => void;
  private readonly specs = new Map<string, ScheduleSpec>();
  private readonly inflight = new Set<AbortController>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private auditChain: Promise<void> = Promise.resolve();
  private finishQueue: FinishItem[] = [];
  private finishTimer: NodeJS.Timeout | undefined;
  private finishing: Promise<void> = Promise.resolve();

  constructor(o: EngineOptions) {
    this.repo = o.repo;
    this.calendars = o.calendars;
    this.handlers = o.handlers;
    this.audit = o.audit;
    this.logger = o.logger;
    this.now = o.now;
    this.workerId = o.workerId;
    this.graceMs = o.misfireGraceMs ?? 60_000;
    this.concurrency = o.concurrency ?? 50;
    this.auditRuns = o.auditRuns ?? 'failures';
    this.onRunFinished = o.onRunFinished;
  }

  specOf(row: ScheduleRow): ScheduleSpec {
    let s = this.specs.get(row.spec_json);
    if (!s) {
      s = parseScheduleSpec(JSON.parse(row.spec_json), this.calendars);
      if (this.specs.size > 10_000) this.specs.clear();
      this.specs.set(row.spec_json, s);
    }
    return s;
  }

  /** Reloads the banks' custom calendars from the store (other processes may have changed them). */
  async refreshCalendars(): Promise<void> {
    for (const c of await this.repo.loadCalendars()) this.calendars.setCustom(c.name, c.dates);
    this.specs.clear();
  }

  /** Appends an audit record after the ones before it; a failure is logged, never thrown at a run. */
  record(entry: AuditEntry): void {
    const audit = this.audit;
    if (!audit) return;
    this.auditChain = this.auditChain.then(
      () => audit.append(entry).then(() => undefined),
      () => undefined,
    ).catch((e: unknown) => this.logger.error({ err: (e as Error).message, kind: entry.kind }, 'scheduler: audit append failed'));
  }

  /**
   * Turns every due schedule into slots: the fires between its recorded next fire and now, after
   * the catch-up policy for those older than the misfire grace (missed while nothing ran). Two
   * engines doing this at once create each slot once (compare-and-set on the schedule). Missed
   * slots are logged either way. Returns the slots created; `onSlots` gets each batch as soon
   * as it is saved, so runs can start while later schedules are still being looked at. With
   * `horizonMs`, fires up to that far ahead are made too (their slots wait until due).
   */
  async fireDue(onSlots?: (slots: SlotRow[]) => void, horizonMs = 0): Promise<SlotRow[]> {
    const created: SlotRow[] = [];
    const BATCH = 1000;
    for (let round = 0; round < 1000; round++) {
      const now = this.now();
      // Slots due within the horizon are made ahead of time (pending; claimable only once due), so
      // at the fire time a backend only claims and runs.
      const until = now + horizonMs;
      const due = await this.repo.dueSchedules(until, BATCH);
      if (!due.length) break;
      const advances: Advance[] = [];
      const notes = new Map<string, Record<string, unknown>>();
      // Schedules with the same spec due at the same time have the same fires: computed once.
      const memo = new Map<string, ReturnType<typeof fireTimesBetween>>();
      for (const s of due) {
        let spec: ScheduleSpec;
        try {
          spec = this.specOf(s);
        } catch (e) {
          this.logger.error({ scheduleId: s.id, err: (e as Error).message }, 'scheduler: a stored schedule no longer validates; it does not fire');
          advances.push({ id: s.id, from: s.next_fire_at!, to: null, slots: [] });
          continue;
        }
        const from = Date.parse(s.next_fire_at!);
        const LIMIT = 10_000;
        const memoKey = `${s.spec_json}|${from}`;
        let between = memo.get(memoKey);
        if (!between) {
          between = fireTimesBetween(spec, from, until, this.calendars, LIMIT);
          memo.set(memoKey, between);
        }
        const total = between.total + 1;
        const times = between.total < LIMIT ? [from, ...between.times] : between.times;
        const cut = now - this.graceMs;
        const onTime = times.filter((t) => t >= cut);
        const missed = times.filter((t) => t < cut);
        const missedTotal = total - onTime.length;
        const slot = (t: number, reason: NewSlot['reason']): NewSlot => ({ scheduleId: s.id, scheduledAt: t, reason, maxAttempts: s.max_attempts, timeoutMs: s.timeout_ms });
        let run: NewSlot[];
        if (s.catch_up === 'all') run = [...missed.map((t) => slot(t, 'catch_up')), ...onTime.map((t) => slot(t, 'schedule'))];
        else if (s.catch_up === 'latest') run = onTime.length ? onTime.map((t) => slot(t, 'schedule')) : missed.length ? [slot(missed[missed.length - 1]!, 'catch_up')] : [];
        else run = onTime.map((t) => slot(t, 'schedule'));
        advances.push({ id: s.id, from: s.next_fire_at!, to: between.next === null ? null : iso(between.next), slots: run });
        if (missedTotal > 0) {
          const caughtUp = run.filter((r) => r.reason === 'catch_up').length;
          notes.set(s.id, {
            scheduleId: s.id,
            name: s.name,
            policy: s.catch_up,
            missed: missedTotal,
            run: caughtUp,
            skipped: missedTotal - caughtUp,
            firstMissed: missed.length ? iso(missed[0]!) : null,
            lastMissed: missed.length ? iso(missed[missed.length - 1]!) : null,
          });
        }
      }
      const { slots, won } = await this.repo.advance(advances, now, onSlots);
      created.push(...slots);
      for (const [id, note] of notes) {
        if (!won.has(id)) continue;
        this.logger.warn(note, `scheduler: ${note.missed} slot(s) of "${String(note.name)}" were missed while nothing ran; catch-up policy ${String(note.policy)}: ${note.run} run, ${note.skipped} skipped`);
        this.record({ kind: 'schedule_run', actor: `scheduler:${this.workerId}`, outcome: 'ok', details: { event: 'catch_up', ...note } });
      }
      if (due.length < BATCH) break;
    }
    return created;
  }

  private async slot(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }

  /**
   * Claims the slots and runs those it now holds (a slot another worker holds or finished is
   * left alone), each with its schedule's handler, its timeout and its idempotency key.
   */
  async runSlots(ids: string[]): Promise<RunOutcome[]> {
    // Claim everything first (large statements), then start the runs: a slot's run starts as
    // soon after its time as the claims allow, not after other runs' work.
    const held: SlotRow[] = [];
    for (let i = 0; i < ids.length; i += 2000) held.push(...(await this.repo.claim(ids.slice(i, i + 2000), this.workerId, this.now())));
    if (!held.length) return [];
    const schedules = new Map<string, ScheduleRow>();
    for (const s of await this.repo.getSchedules([...new Set(held.map((h) => h.schedule_id))])) schedules.set(s.id, s);
    return Promise.all(held.map((slot) => this.runOne(slot, schedules.get(slot.schedule_id))));
  }

  private async runOne(slot: SlotRow, schedule: ScheduleRow | undefined): Promise<RunOutcome> {
    await this.slot();
    const started = this.now();
    if (slot.lease_until && started >= Date.parse(slot.lease_until)) {
      // Waited for a free place past its lease: another worker may hold it now. Not run here;
      // the reaper gives it back (attempt counted) if nobody did.
      this.release();
      return { slotId: slot.id, scheduleId: slot.schedule_id, ok: false, recorded: false, error: 'lease expired before the run could start', lateMs: started - Date.parse(slot.scheduled_at) };
    }
    const scheduledMs = Date.parse(slot.scheduled_at);
    const key = idempotencyKey(slot.schedule_id, slot.scheduled_at);
    let ok = false;
    let retry = true;
    let error: string | undefined;
    let code: string | undefined;
    const ac = new AbortController();
    this.inflight.add(ac);
    let timer: NodeJS.Timeout | undefined;
    try {
      if (!schedule) throw new PermanentRunError('the schedule was removed');
      const handler = this.handlers.get(schedule.handler);
      if (!handler) throw noHandler(schedule.handler, [...this.handlers.keys()]);
      const aborted = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const e = runTimeout(slot.timeout_ms);
          ac.abort(e);
          reject(e);
        }, slot.timeout_ms);
        ac.signal.addEventListener('abort', () => reject(ac.signal.reason), { once: true });
      });
      aborted.catch(() => undefined);
      await Promise.race([
        handler({
          scheduleId: slot.schedule_id,
          scheduleName: schedule.name,
          slotId: slot.id,
          scheduledAt: new Date(scheduledMs),
          reason: slot.reason,
          idempotencyKey: key,
          fence: slot.fence,
          attempt: slot.attempts,
          payload: JSON.parse(schedule.payload_json) as Record<string, unknown>,
          signal: ac.signal,
        }),
        aborted,
      ]);
      ok = true;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      code = isOtcError(e) ? e.code : undefined;
      retry = !(e instanceof PermanentRunError) && code !== SchedulerErrorCode.NoHandler;
    } finally {
      clearTimeout(timer);
      this.inflight.delete(ac);
      this.release();
    }
    const recorded = await this.finish({ id: slot.id, fence: slot.fence, ok, error: code ? `${code}: ${error}` : error, retry });
    const durationMs = this.now() - started;
    const details = { event: 'run', scheduleId: slot.schedule_id, name: schedule?.name ?? null, slotId: slot.id, scheduledAt: slot.scheduled_at, reason: slot.reason, attempt: slot.attempts, fence: slot.fence, worker: this.workerId, ...(error ? { error } : {}), ...(recorded ? {} : { fenced: true }) };
    if (!recorded) this.logger.warn(details, 'scheduler: a run finished after its claim was lost (timed out or taken over); its result was not recorded');
    else if (!ok) this.logger.warn(details, `scheduler: run failed${retry && slot.attempts < slot.max_attempts ? ' (will be retried)' : ''}`);
    if (this.auditRuns === 'all' || !ok || !recorded) this.record({ kind: 'schedule_run', actor: `scheduler:${this.workerId}`, outcome: ok && recorded ? 'completed' : 'error', correlationId: key, durationMs, details });
    if (this.onRunFinished) {
      const retrying = !ok && retry && slot.attempts < slot.max_attempts;
      try {
        this.onRunFinished({ scheduleId: slot.schedule_id, name: schedule?.name ?? null, slotId: slot.id, scheduledAt: slot.scheduled_at, reason: slot.reason, state: !recorded ? 'lost' : ok ? 'succeeded' : retrying ? 'retrying' : 'failed', worker: this.workerId, ...(error ? { error: code ? `${code}: ${error}` : error } : {}) });
      } catch (e) {
        this.logger.error({ err: (e as Error).message, slotId: slot.id }, 'scheduler: onRunFinished failed');
      }
    }
    return { slotId: slot.id, scheduleId: slot.schedule_id, ok, recorded, error, lateMs: started - scheduledMs };
  }

  /** Queues a result; results are written in small batches (one transaction per batch). */
  private finish(item: Omit<FinishItem, 'resolve' | 'reject'>): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.finishQueue.push({ ...item, resolve, reject });
      if (this.finishQueue.length >= 100) this.flushFinishes();
      else this.finishTimer ??= setTimeout(() => this.flushFinishes(), 5);
    });
  }

  private flushFinishes(): void {
    clearTimeout(this.finishTimer);
    this.finishTimer = undefined;
    const batch = this.finishQueue;
    this.finishQueue = [];
    if (!batch.length) return;
    this.finishing = this.finishing.then(async () => {
      try {
        const done = await this.repo.finish(batch, this.now());
        for (const b of batch) b.resolve(done.has(b.id));
      } catch (e) {
        for (const b of batch) b.reject(e);
      }
    });
  }

  /** Runs past their lease: retried when attempts are left, failed otherwise; logged. */
  async reap(): Promise<SlotRow[]> {
    const reaped = await this.repo.reap(this.now(), 'timed out: the run passed its timeout or its worker stopped');
    for (const r of reaped) {
      const details = { event: 'timeout', scheduleId: r.schedule_id, slotId: r.id, scheduledAt: r.scheduled_at, attempt: r.attempts, worker: r.worker, retry: r.state === 'pending' };
      this.logger.warn(details, `scheduler: a run passed its timeout; ${r.state === 'pending' ? 'it will be retried' : 'marked failed'}`);
      this.record({ kind: 'schedule_run', actor: `scheduler:${this.workerId}`, outcome: 'error', correlationId: idempotencyKey(r.schedule_id, r.scheduled_at), details });
    }
    return reaped;
  }

  /** Stops runs in progress (their handlers see the abort) and waits for pending writes. */
  async close(): Promise<void> {
    for (const ac of this.inflight) ac.abort(new Error('the scheduler is closing'));
    this.flushFinishes();
    await this.finishing.catch(() => undefined);
    await this.auditChain;
  }

  /** Waits until queued results and audit records are written. */
  async drain(): Promise<void> {
    this.flushFinishes();
    await this.finishing;
    await this.auditChain;
  }
}
