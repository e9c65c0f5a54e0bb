import { OtcError } from '../shared/errors.js';

/** Stable error codes of the event bus. */
export const EventsErrorCode = {
  Unavailable: 'OTC_ERR_EVENTS_UNAVAILABLE',
} as const;

export function eventsUnavailable(where: string, reason: string): OtcError {
  return new OtcError(EventsErrorCode.Unavailable, `the event bus on ${where} cannot be reached: ${reason}`, {
    status: 503,
    hint: 'check OTC_REDIS_URL and that Redis is running; pushes to browsers connected to other processes wait until it is back',
  });
}
