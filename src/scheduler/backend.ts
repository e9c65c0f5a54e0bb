/**
 * One interface, two backends: in-process (croner timers, the lightweight deployment) and BullMQ
 * on Redis (job schedulers and workers, the enterprise one). A backend decides when to look for
 * due slots and where runs happen; the store decides what runs, exactly once (see engine.ts).
 * Nothing connects on import or construction; start() connects and close() is idempotent.
 */
import type { SchedulerEngine } from './engine.js';

export interface SlotRef {
  id: string;
  /** Fencing token when dispatched (part of a queue job's id, so a retry is a new job). */
  fence: number;
  /** When it is due (ms); a slot made ahead of time waits until then. Default: now. */
  at?: number;
}

export interface BackendHealth {
  ok: boolean;
  /** Why not (e.g. Redis unreachable), and since when (ISO). */
  error?: string;
  since?: string;
}

export interface SchedulerBackend {
  readonly name: 'in-process' | 'bullmq';
  /** Arms the timers (and, where this process runs work, starts running slots). */
  start(engine: SchedulerEngine): Promise<void>;
  /** A schedule was added, changed, paused, resumed or removed: re-arm the next fire. */
  scheduleChanged(scheduleId: string): Promise<void>;
  /** Slots ready to run now (run now, catch-up, retries). */
  dispatch(slots: SlotRef[]): Promise<void>;
  health(): BackendHealth;
  /** Stops timers and workers, waits for runs in progress. Idempotent. */
  close(): Promise<void>;
}
