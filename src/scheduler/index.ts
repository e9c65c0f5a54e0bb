/**
 * The scheduler: schedules on business calendars in IANA time zones, run exactly once per slot
 * (schedule x scheduled time) through claims with fencing tokens in the app store; one interface
 * over two backends (in-process with croner, BullMQ on Redis). What a run does is a handler
 * registered by kind; the scheduler knows nothing of reports.
 */
export { createScheduler, defaultWorkerId, type Scheduler, type SchedulerOptions, type ScheduleView, type RunView, type ClaimedRun } from './scheduler.js';
export type { SchedulerBackend, BackendHealth, SlotRef } from './backend.js';
export { InProcessBackend, type InProcessOptions } from './backends/in-process.js';
export { BullmqBackend, type BullmqOptions } from './backends/bullmq.js';
export { PermanentRunError, type RunContext, type RunHandler } from './handlers.js';
export { CalendarRegistry, BUILT_IN_CALENDARS, easterSunday, type HolidayCalendar } from './calendars.js';
export { nextFireTimes, nextFireAfter } from './next-fire.js';
export { parseScheduleSpec, parseScheduleInput, describeSpec, scheduleSpecSchema, scheduleInputSchema, type ScheduleSpec, type ScheduleInput, type CatchUpPolicy } from './spec.js';
export { SchedulerErrorCode } from './errors.js';
export type { SchedulerEngine, SchedulerLogger, RunOutcome, RunFinished } from './engine.js';

import type { SchedulerBackend } from './backend.js';
import { BullmqBackend } from './backends/bullmq.js';
import { InProcessBackend } from './backends/in-process.js';

/** The backend the configuration asks for: BullMQ when OTC_REDIS_URL is set, in-process otherwise. */
export function backendFromConfig(cfg: { redisUrl?: string; redisPrefix?: string }, role: 'producer' | 'worker', opts: { concurrency?: number } = {}): SchedulerBackend {
  return cfg.redisUrl ? new BullmqBackend({ url: cfg.redisUrl, role, ...(cfg.redisPrefix ? { prefix: cfg.redisPrefix } : {}), ...opts }) : new InProcessBackend();
}
