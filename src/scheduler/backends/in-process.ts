/**
 * The in-process backend (the lightweight deployment: `npm start`): a croner one-shot timer a
 * few seconds before the earliest next fire of any schedule (the slots are made then, and a
 * timer per due time claims and runs them when due), and a croner heartbeat that reaps runs past their
 * timeout, fires anything due (slots missed while the process was down, schedules changed by
 * another process sharing the store) and runs pending slots. Runs happen in this process.
 */
import { Cron } from 'croner';
import type { BackendHealth, SchedulerBackend, SlotRef } from '../backend.js';
import type { SchedulerEngine } from '../engine.js';

export interface InProcessOptions {
  /** Heartbeat period in seconds (1..59). Default 5. */
  heartbeatSeconds?: number;
  /** Slots are made this long before they are due, so at the fire time only claims remain. Default 5000 ms. */
  lookaheadMs?: number;
  /** close() waits this long for runs in progress. Default 10000 ms. */
  closeGraceMs?: number;
}

export class InProcessBackend implements SchedulerBackend {
  readonly name = 'in-process' as const;
  private engine?: SchedulerEngine;
  private timer?: Cron;
  private timerAt?: number;
  private heartbeat?: Cron;
  private firing?: Promise<void>;
  private again = false;
  private readonly runs = new Set<Promise<unknown>>();
  private closed = false;
  private closing?: Promise<void>;
  private lastError?: { error: string; since: string };
  private readonly heartbeatSeconds: number;
  private readonly lookaheadMs: number;
  private readonly closeGraceMs: number;
  /** Slots made ahead of time, by due time: a timer runs each group when it is due. */
  private readonly prepared = new Map<number, { ids: string[]; timer: NodeJS.Timeout }>();

  constructor(o: InProcessOptions = {}) {
    this.heartbeatSeconds = Math.min(59, Math.max(1, Math.floor(o.heartbeatSeconds ?? 5)));
    this.lookaheadMs = Math.max(0, o.lookaheadMs ?? 5000);
    this.closeGraceMs = Math.max(0, o.closeGraceMs ?? 10_000);
  }

  async start(engine: SchedulerEngine): Promise<void> {
    if (this.closed) return;
    this.engine = engine;
    this.heartbeat = new Cron(`*/${this.heartbeatSeconds} * * * * *`, { protect: true, catch: true }, () => this.beat());
    await this.fire();
  }

  async scheduleChanged(): Promise<void> {
    await this.arm();
  }

  async dispatch(slots: SlotRef[]): Promise<void> {
    this.run(slots.map((s) => s.id));
  }

  health(): BackendHealth {
    return this.lastError ? { ok: false, ...this.lastError } : { ok: true };
  }

  private run(ids: string[]): void {
    if (!this.engine || this.closed || !ids.length) return;
    const p = this.engine.runSlots(ids).catch((e: unknown) => this.failed(e, 'running slots'));
    this.runs.add(p);
    void p.finally(() => this.runs.delete(p));
  }

  /** Runs due slots now and the others at their time (a timer per due time, in real time). */
  private prepare(slots: Array<{ id: string; scheduled_at: string }>): void {
    if (!this.engine) return;
    const now = this.engine.now();
    const dueNow: string[] = [];
    for (const s of slots) {
      const at = Date.parse(s.scheduled_at);
      if (at <= now) {
        dueNow.push(s.id);
        continue;
      }
      let g = this.prepared.get(at);
      if (!g) {
        const timer = setTimeout(() => {
          const group = this.prepared.get(at);
          this.prepared.delete(at);
          if (group) this.run(group.ids);
        }, at - now);
        g = { ids: [], timer };
        this.prepared.set(at, g);
      }
      g.ids.push(s.id);
    }
    this.run(dueNow);
  }

  private failed(e: unknown, what: string): void {
    const error = `${what}: ${(e as Error).message}`;
    this.lastError ??= { error, since: new Date().toISOString() };
    this.lastError.error = error;
    this.engine?.logger.error({ err: (e as Error).message }, `scheduler (in-process): ${what} failed`);
  }

  private async beat(): Promise<void> {
    if (!this.engine || this.closed) return;
    try {
      await this.engine.reap();
      await this.engine.refreshCalendars();
    } catch (e) {
      this.failed(e, 'reaping timed-out runs');
    }
    await this.fire();
    // Pending slots nobody runs: retries after a timeout, run-now slots of another process.
    try {
      const due = await this.engine.repo.dueSlots(this.engine.now(), 500);
      this.run(due.map((d) => d.id));
    } catch (e) {
      this.failed(e, 'listing due slots');
    }
  }

  /** Turns due schedules into slots and runs them; one at a time (a call during one runs again after it). */
  private fire(): Promise<void> {
    if (this.firing) {
      this.again = true;
      return this.firing;
    }
    this.firing = (async () => {
      do {
        this.again = false;
        if (!this.engine || this.closed) return;
        try {
          await this.engine.fireDue((slots) => this.prepare(slots), this.lookaheadMs);
          this.lastError = undefined;
        } catch (e) {
          this.failed(e, 'firing due schedules');
        }
      } while (this.again);
      await this.arm();
    })().finally(() => {
      this.firing = undefined;
    });
    return this.firing;
  }

  /** One croner timer at the earliest next fire of any active schedule. */
  private async arm(): Promise<void> {
    if (!this.engine || this.closed) return;
    let at: number | null;
    try {
      at = await this.engine.repo.earliestNextFire();
    } catch (e) {
      this.failed(e, 'reading the next fire');
      return;
    }
    if (at === this.timerAt && this.timer?.isRunning()) return;
    this.timer?.stop();
    this.timer = undefined;
    this.timerAt = at ?? undefined;
    if (at === null || this.closed) return;
    const wait = at - this.lookaheadMs - this.engine.now();
    if (wait <= 0) {
      setImmediate(() => void this.fire());
      return;
    }
    // The engine's clock may be injected: the timer waits for the same span of real time.
    this.timer = new Cron(new Date(Date.now() + wait), { catch: true }, () => {
      this.timerAt = undefined;
      void this.fire();
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      this.timer?.stop();
      this.heartbeat?.stop();
      for (const g of this.prepared.values()) clearTimeout(g.timer);
      this.prepared.clear();
      await this.firing?.catch(() => undefined);
      // Runs in progress get a grace period; the scheduler then aborts the rest (they are
      // retried elsewhere under the same idempotency key).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.runs]), new Promise((r) => (timer = setTimeout(r, this.closeGraceMs)))]);
      clearTimeout(timer);
    })();
    return this.closing;
  }
}
