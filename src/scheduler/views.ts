/**
 * What the schedule API returns, as types with no dependencies: the server (scheduler.ts, the
 * schedule routes) and the web app (src/web/src/api.ts) take them from here, so they cannot
 * drift. The spec's type is a parameter: the server's validated ScheduleSpec, the web app's
 * looser view of it.
 */
export type CatchUpPolicyName = 'skip' | 'latest' | 'all';

export interface ScheduleViewOf<Spec> {
  id: string;
  name: string;
  handler: string;
  payload: Record<string, unknown>;
  spec: Spec;
  /** "every business day at 07:00 Europe/London (UK-EW)". */
  description: string;
  catchUp: CatchUpPolicyName;
  timeoutMs: number;
  maxAttempts: number;
  state: 'active' | 'paused';
  nextFireAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface RunView {
  id: string;
  scheduleId: string;
  scheduledAt: string;
  reason: 'schedule' | 'catch_up' | 'manual';
  state: 'pending' | 'running' | 'succeeded' | 'failed';
  attempts: number;
  maxAttempts: number;
  fence: number;
  worker: string | null;
  claimedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  idempotencyKey: string;
}

/** GET /api/schedules, one item: the schedule, its next five fire times, its last run. */
export interface ScheduleOverviewOf<Spec> {
  schedule: ScheduleViewOf<Spec>;
  nextFires: string[];
  lastRun: RunView | null;
}
