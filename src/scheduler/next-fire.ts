/**
 * When a schedule fires: the instants after a given one, computed from its spec in its time zone
 * on its business calendar. Each local date yields at most one fire for daily, weekly and monthly
 * schedules, so a wall time that exists twice (fall back) fires once, and one that does not exist
 * (spring forward) fires once, moved forward by the gap. Cron patterns are read by croner; a
 * second occurrence of a repeated wall time is dropped, so they fire once too.
 */
import { Cron } from 'croner';
import { businessDays, type BusinessDays, type CalendarRegistry } from './calendars.js';
import { WEEKDAYS, type ScheduleSpec } from './spec.js';
import { addDays, daysInMonth, fromLocal, toLocal } from './zoned-time.js';

/** How far ahead a search goes before concluding that a schedule never fires again. */
const MAX_DAYS = 3 * 366;
const MAX_STEPS = 200_000;

function calendarOf(spec: ScheduleSpec, registry: CalendarRegistry): BusinessDays {
  return businessDays(registry, spec.calendar?.holidays ?? [], spec.calendar?.weekendDays ?? [0, 6]);
}

/** The local dates (y, m, d) of business days n of a month, from the start (n > 0) or the end (n < 0). */
function nthBusinessDay(cal: BusinessDays, y: number, m: number, n: number): number | undefined {
  const dim = daysInMonth(y, m);
  let count = 0;
  if (n > 0) {
    for (let d = 1; d <= dim; d++) if (cal.isBusinessDay(y, m, d) && ++count === n) return d;
  } else {
    for (let d = dim; d >= 1; d--) if (cal.isBusinessDay(y, m, d) && ++count === -n) return d;
  }
  return undefined;
}

function* dayBasedFires(spec: Extract<ScheduleSpec, { kind: 'daily' | 'weekly' | 'monthly' }>, afterMs: number, cal: BusinessDays, zone: string): Generator<number> {
  const [hh, mm] = spec.at.split(':').map(Number) as [number, number];
  const start = toLocal(afterMs, zone);
  let date = addDays(start.year, start.month, start.day, -1);
  const weekdays = spec.kind === 'weekly' ? new Set(spec.days.map((d) => WEEKDAYS.indexOf(d))) : undefined;
  const monthCache = new Map<string, number | undefined>();
  for (let i = 0; i < MAX_DAYS; i++, date = addDays(date.year, date.month, date.day, 1)) {
    const { year: y, month: m, day: d } = date;
    let match: boolean;
    if (spec.kind === 'daily') match = true;
    else if (spec.kind === 'weekly') match = weekdays!.has(new Date(Date.UTC(y, m - 1, d)).getUTCDay());
    else if (spec.businessDay !== undefined) {
      const key = `${y}-${m}`;
      if (!monthCache.has(key)) monthCache.set(key, nthBusinessDay(cal, y, m, spec.businessDay));
      match = monthCache.get(key) === d;
    } else {
      const dim = daysInMonth(y, m);
      match = d === (spec.day === 'last' ? dim : Math.min(spec.day!, dim));
    }
    if (!match) continue;
    if (spec.businessDaysOnly && !cal.isBusinessDay(y, m, d)) continue;
    const t = fromLocal({ year: y, month: m, day: d, hour: hh, minute: mm }, zone);
    if (t > afterMs) yield t;
  }
}

function* everyFires(spec: Extract<ScheduleSpec, { kind: 'every' }>, afterMs: number, cal: BusinessDays, zone: string): Generator<number> {
  const step = spec.minutes * 60_000;
  let t = Math.floor(afterMs / step) * step + step;
  for (let i = 0; i < MAX_STEPS; i++, t += step) {
    if (spec.businessDaysOnly) {
      const l = toLocal(t, zone);
      if (!cal.isBusinessDay(l.year, l.month, l.day)) continue;
    }
    yield t;
  }
}

const crons = new Map<string, Cron>();

function cronOf(expression: string, zone: string): Cron {
  const key = `${zone}|${expression}`;
  let c = crons.get(key);
  if (!c) {
    if (crons.size > 5000) crons.clear();
    c = new Cron(expression, { timezone: zone, paused: true });
    crons.set(key, c);
  }
  return c;
}

function* cronFires(spec: Extract<ScheduleSpec, { kind: 'cron' }>, afterMs: number, cal: BusinessDays, zone: string): Generator<number> {
  const cron = cronOf(spec.expression, zone);
  let prev = new Date(afterMs);
  for (let i = 0; i < MAX_STEPS; i++) {
    const next = cron.nextRun(prev);
    if (!next) return;
    prev = next;
    const t = next.getTime();
    const l = toLocal(t, zone);
    // A wall time that exists twice: only its first occurrence fires.
    if (fromLocal(l, zone) !== Math.floor(t / 1000) * 1000) continue;
    if (spec.businessDaysOnly && !cal.isBusinessDay(l.year, l.month, l.day)) continue;
    yield t;
  }
}

/** Every fire instant (ms) strictly after `afterMs`, in order (lazy; may end when none is left). */
export function fireTimes(spec: ScheduleSpec, afterMs: number, registry: CalendarRegistry): Generator<number> {
  const cal = calendarOf(spec, registry);
  switch (spec.kind) {
    case 'daily':
    case 'weekly':
    case 'monthly':
      return dayBasedFires(spec, afterMs, cal, spec.timeZone);
    case 'every':
      return everyFires(spec, afterMs, cal, spec.timeZone);
    case 'cron':
      return cronFires(spec, afterMs, cal, spec.timeZone);
  }
}

/** The next `count` fire instants after `afterMs`. */
export function nextFireTimes(spec: ScheduleSpec, afterMs: number, count: number, registry: CalendarRegistry): Date[] {
  const out: Date[] = [];
  if (count <= 0) return out;
  for (const t of fireTimes(spec, afterMs, registry)) {
    out.push(new Date(t));
    if (out.length >= count) break;
  }
  return out;
}

/** The next fire instant after `afterMs`, or null when the schedule never fires again. */
export function nextFireAfter(spec: ScheduleSpec, afterMs: number, registry: CalendarRegistry): number | null {
  const r = fireTimes(spec, afterMs, registry).next();
  return r.done ? null : r.value;
}

/**
 * The fire instants in (fromMs, toMs], at most `limit` of them (the latest ones are what a
 * "latest" catch-up needs, so `total` counts them all).
 */
export function fireTimesBetween(spec: ScheduleSpec, fromMs: number, toMs: number, registry: CalendarRegistry, limit = 10_000): { times: number[]; total: number; next: number | null } {
  const times: number[] = [];
  let total = 0;
  for (const t of fireTimes(spec, fromMs, registry)) {
    if (t > toMs) return { times, total, next: t };
    total++;
    times.push(t);
    if (times.length > limit) times.shift();
  }
  return { times, total, next: null };
}
