/**
 * What a schedule says: when it fires (daily, weekly, monthly on a day or the nth business day,
 * every N minutes, or cron), in which IANA time zone, on which business calendar; what a missed
 * slot does (catch-up policy); and which handler runs it. Validated with zod; errors a user can
 * meet carry OTC_ERR_SCHEDULE_* codes.
 */
import { Cron } from 'croner';
import { z } from 'zod';
import type { CalendarRegistry } from './calendars.js';
import { invalidCron, invalidSchedule } from './errors.js';
import { canonicalZone } from './zoned-time.js';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const at = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time as HH:MM (00:00 to 23:59)');
const calendar = z
  .object({
    /** Holiday calendars: TARGET2, US-FED, UK-EW, custom:NAME. */
    holidays: z.array(z.string().min(1)).max(10).default([]),
    /** Days of the week that are not business days, 0 = Sunday (default Saturday and Sunday). */
    weekendDays: z.array(z.number().int().min(0).max(6)).max(6).default([0, 6]),
  })
  .strict();

const common = {
  timeZone: z.string().min(1),
  calendar: calendar.optional(),
  /** Fire only on business days of the calendar (weekends and holidays are skipped). */
  businessDaysOnly: z.boolean().default(false),
};

export const scheduleSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('daily'), at, ...common }).strict(),
  z.object({ kind: z.literal('weekly'), at, days: z.array(z.enum(WEEKDAYS)).min(1).max(7), ...common }).strict(),
  z
    .object({
      kind: z.literal('monthly'),
      at,
      /** Day of the month (a day past the month's end fires on its last day), or 'last'. */
      day: z.union([z.number().int().min(1).max(31), z.literal('last')]).optional(),
      /** The nth business day of the month (1 = first); negative counts from the end (-1 = last). */
      businessDay: z.number().int().min(-23).max(23).refine((n) => n !== 0, 'cannot be 0').optional(),
      ...common,
    })
    .strict()
    .refine((s) => (s.day === undefined) !== (s.businessDay === undefined), { message: 'give either day or businessDay (not both)', path: ['day'] }),
  z.object({ kind: z.literal('every'), minutes: z.number().int().min(1).max(1440), ...common }).strict(),
  z.object({ kind: z.literal('cron'), expression: z.string().min(1).max(200), ...common }).strict(),
]);

export type ScheduleSpec = z.output<typeof scheduleSpecSchema>;
export type ScheduleSpecInput = z.input<typeof scheduleSpecSchema>;

export const CATCH_UP_POLICIES = ['skip', 'latest', 'all'] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

export const scheduleInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    /** The kind of run (a handler registered under this name does the work). */
    handler: z.string().regex(/^[a-z][a-z0-9_.:-]{0,63}$/, 'a handler kind such as report or dashboard_refresh'),
    payload: z.record(z.string(), z.unknown()).default({}),
    spec: scheduleSpecSchema,
    /** Slots missed while nothing ran (downtime): skip them, run only the latest, or run them all. */
    catchUp: z.enum(CATCH_UP_POLICIES).default('latest'),
    /** A run longer than this is stopped and marked failed. */
    timeoutMs: z.number().int().min(100).max(24 * 3_600_000).default(300_000),
    /** Attempts per slot (a failed or timed-out run is retried until this many). */
    maxAttempts: z.number().int().min(1).max(20).default(3),
  })
  .strict();

export type ScheduleInput = z.input<typeof scheduleInputSchema>;
export type ScheduleDefinition = z.output<typeof scheduleInputSchema>;

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? issue.path.join('.') : 'schedule';
  return `${where}: ${issue.message}`;
}

/**
 * Validates a schedule spec: its shape, the time zone (canonical IANA name), the cron expression,
 * the calendars. OTC_ERR_SCHEDULE_INVALID / _INVALID_CRON / _UNKNOWN_ZONE / _UNKNOWN_CALENDAR.
 */
export function parseScheduleSpec(raw: unknown, calendars: CalendarRegistry): ScheduleSpec {
  const r = scheduleSpecSchema.safeParse(raw);
  if (!r.success) throw invalidSchedule(describeIssue(r.error.issues[0]!));
  return checkSpec(r.data, calendars);
}

function checkSpec(spec: ScheduleSpec, calendars: CalendarRegistry): ScheduleSpec {
  const timeZone = canonicalZone(spec.timeZone);
  if (spec.kind === 'cron') {
    try {
      new Cron(spec.expression, { timezone: timeZone, paused: true });
    } catch (e) {
      throw invalidCron(spec.expression, (e as Error).message.replace(/^CronPattern:\s*/, ''));
    }
  }
  if (spec.calendar) calendars.check(spec.calendar.holidays);
  if (spec.calendar && spec.calendar.weekendDays.length >= 7) throw invalidSchedule('calendar.weekendDays: at least one day must be a business day');
  return { ...spec, timeZone };
}

/** Validates a whole schedule (name, handler kind, spec, catch-up policy, timeout, attempts). */
export function parseScheduleInput(raw: unknown, calendars: CalendarRegistry): ScheduleDefinition {
  const r = scheduleInputSchema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0]!;
    // A bad spec says which field of the spec (spec.timeZone, spec.at…).
    throw invalidSchedule(describeIssue(first));
  }
  return { ...r.data, spec: checkSpec(r.data.spec, calendars) };
}

/** A one-line description of when a schedule fires ("every business day at 07:00 Europe/London (UK-EW)"). */
export function describeSpec(s: ScheduleSpec): string {
  const bd = s.businessDaysOnly ? 'business ' : '';
  const cal = s.calendar?.holidays.length ? ` (${s.calendar.holidays.join(', ')})` : '';
  let what: string;
  switch (s.kind) {
    case 'daily':
      what = `every ${bd}day at ${s.at}`;
      break;
    case 'weekly':
      what = `every ${s.days.join(', ')}${s.businessDaysOnly ? ' that is a business day' : ''} at ${s.at}`;
      break;
    case 'monthly':
      what =
        s.businessDay !== undefined
          ? `on the ${s.businessDay > 0 ? ordinal(s.businessDay) : s.businessDay === -1 ? 'last' : `${ordinal(-s.businessDay)} last`} business day of the month at ${s.at}`
          : `on day ${s.day} of the month at ${s.at}`;
      break;
    case 'every':
      what = `every ${s.minutes} minute${s.minutes === 1 ? '' : 's'}${s.businessDaysOnly ? ' on business days' : ''}`;
      break;
    case 'cron':
      what = `cron "${s.expression}"${s.businessDaysOnly ? ' on business days' : ''}`;
      break;
  }
  return `${what} ${s.timeZone}${cal}`;
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}
