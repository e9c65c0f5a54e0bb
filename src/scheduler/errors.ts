import { OtcError } from '../shared/errors.js';

/** Stable error codes of the scheduler. */
export const SchedulerErrorCode = {
  InvalidSchedule: 'OTC_ERR_SCHEDULE_INVALID',
  InvalidCron: 'OTC_ERR_SCHEDULE_INVALID_CRON',
  UnknownZone: 'OTC_ERR_SCHEDULE_UNKNOWN_ZONE',
  UnknownCalendar: 'OTC_ERR_SCHEDULE_UNKNOWN_CALENDAR',
  NeverFires: 'OTC_ERR_SCHEDULE_NEVER_FIRES',
  NotFound: 'OTC_ERR_SCHEDULE_NOT_FOUND',
  DuplicateName: 'OTC_ERR_SCHEDULE_DUPLICATE_NAME',
  NoHandler: 'OTC_ERR_SCHEDULE_NO_HANDLER',
  SlotNotFound: 'OTC_ERR_SLOT_NOT_FOUND',
  Fenced: 'OTC_ERR_SLOT_FENCED',
  RunTimeout: 'OTC_ERR_RUN_TIMEOUT',
  QueueUnavailable: 'OTC_ERR_SCHEDULER_QUEUE_UNAVAILABLE',
} as const;

export function invalidSchedule(message: string, hint?: string): OtcError {
  return new OtcError(SchedulerErrorCode.InvalidSchedule, message, { status: 400, hint });
}

export function invalidCron(expression: string, reason: string): OtcError {
  return new OtcError(SchedulerErrorCode.InvalidCron, `"${expression}" is not a valid cron expression: ${reason}`, {
    status: 400,
    hint: 'five fields (minute hour day-of-month month day-of-week), optionally a sixth for seconds first, e.g. "0 7 * * 1-5"',
  });
}

export function unknownZone(zone: string): OtcError {
  return new OtcError(SchedulerErrorCode.UnknownZone, `"${zone}" is not a known IANA time zone`, {
    status: 400,
    hint: 'use a name such as Europe/London, America/New_York, Europe/Frankfurt or UTC',
  });
}

export function unknownCalendar(name: string, known: string[]): OtcError {
  return new OtcError(SchedulerErrorCode.UnknownCalendar, `"${name}" is not a known holiday calendar`, {
    status: 400,
    hint: `known calendars: ${known.join(', ')}`,
  });
}

export function scheduleNotFound(id: string): OtcError {
  return new OtcError(SchedulerErrorCode.NotFound, `no schedule ${id}`, { status: 404 });
}

export function slotNotFound(id: string): OtcError {
  return new OtcError(SchedulerErrorCode.SlotNotFound, `no run slot ${id}`, { status: 404 });
}

export function noHandler(kind: string, known: string[]): OtcError {
  return new OtcError(SchedulerErrorCode.NoHandler, `no handler is registered for runs of kind "${kind}"`, {
    status: 400,
    hint: known.length ? `registered kinds: ${known.join(', ')}` : 'no handler kinds are registered in this process',
  });
}

/** The claim was lost: a later claim (higher fencing token) owns the slot, or it is finished. */
export function fenced(slotId: string, fence: number): OtcError {
  return new OtcError(SchedulerErrorCode.Fenced, `run slot ${slotId} is no longer held by fencing token ${fence}`, { status: 409 });
}

export function runTimeout(ms: number): OtcError {
  return new OtcError(SchedulerErrorCode.RunTimeout, `the run did not finish within its timeout of ${ms} ms`, { status: 504 });
}

export function queueUnavailable(detail: string): OtcError {
  return new OtcError(SchedulerErrorCode.QueueUnavailable, `the scheduler queue (Redis) cannot be reached: ${detail}`, {
    status: 503,
    hint: 'schedules are kept in the app store; runs resume when Redis is back (check OTC_REDIS_URL)',
  });
}

export function duplicateName(name: string): OtcError {
  return new OtcError(SchedulerErrorCode.DuplicateName, `a schedule named "${name}" already exists`, { status: 409, hint: 'choose another name, or change the existing schedule' });
}
