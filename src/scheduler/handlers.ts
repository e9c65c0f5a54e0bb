/**
 * What a run does is a handler registered by its kind ("report", "dashboard_refresh"): the
 * scheduler knows nothing of reports. A handler gets the run's idempotency key, stable across
 * retries of the same slot, so a retried run can recognise side effects it already made.
 */
export interface RunContext {
  scheduleId: string;
  scheduleName: string;
  slotId: string;
  /** The instant this slot was due (for a run-now slot: when it was asked for). */
  scheduledAt: Date;
  reason: 'schedule' | 'catch_up' | 'manual';
  /** `<scheduleId>@<scheduledAt ISO>`: the same for every attempt of this slot. */
  idempotencyKey: string;
  /** The claim's fencing token: higher than that of any earlier attempt of this slot. */
  fence: number;
  /** 1 for the first attempt. */
  attempt: number;
  payload: Record<string, unknown>;
  /** Aborted when the run passes its timeout or the scheduler closes. */
  signal: AbortSignal;
}

export type RunHandler = (ctx: RunContext) => Promise<void>;

/** A handler may throw this for a failure that retrying cannot fix (the run fails at once). */
export class PermanentRunError extends Error {
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = 'PermanentRunError';
  }
}

export function idempotencyKey(scheduleId: string, scheduledAt: string): string {
  return `${scheduleId}@${scheduledAt}`;
}
