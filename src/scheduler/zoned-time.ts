/**
 * Wall-clock time in an IANA time zone, with the two DST rules the scheduler promises:
 * a local time that does not exist (spring forward) maps to one instant, moved forward by the
 * length of the gap (01:30 on the last Sunday of March in London runs at 02:30 BST); a local
 * time that exists twice (fall back) maps to its first occurrence only.
 */
import { unknownZone } from './errors.js';

export interface LocalDateTime {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The canonical name of an IANA zone ("europe/london" -> "Europe/London"); OTC_ERR_SCHEDULE_UNKNOWN_ZONE otherwise. */
export function canonicalZone(zone: string): string {
  if (typeof zone !== 'string' || !zone.trim()) throw unknownZone(String(zone));
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone.trim() }).resolvedOptions().timeZone;
  } catch {
    throw unknownZone(zone);
  }
}

/** The local date and time at instant `ms` in `zone`. */
export function toLocal(ms: number, zone: string): LocalDateTime {
  const parts = formatter(zone).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** Offset of `zone` from UTC at instant `ms`, in milliseconds (London in summer: +3,600,000). */
export function offsetAt(ms: number, zone: string): number {
  const l = toLocal(ms, zone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant of a local wall time in `zone`. Ambiguous (fall back): the first occurrence.
 * Nonexistent (spring forward): the wall time read with the offset before the gap, i.e. moved
 * forward by the gap's length.
 */
export function fromLocal(l: Omit<LocalDateTime, 'second'> & { second?: number }, zone: string): number {
  const wall = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second ?? 0);
  const DAY = 86_400_000;
  const before = offsetAt(wall - DAY, zone);
  const after = offsetAt(wall + DAY, zone);
  const valid: number[] = [];
  for (const o of new Set([before, after])) {
    const t = wall - o;
    if (offsetAt(t, zone) === o) valid.push(t);
  }
  if (valid.length) return Math.min(...valid);
  return wall - before; // in the gap
}

/** YYYY-MM-DD of a local date. */
export function isoDay(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Day of the week of a calendar date: 0 = Sunday .. 6 = Saturday. */
export function weekday(y: number, m: number, d: number): number {
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The calendar date `n` days after y-m-d. */
export function addDays(y: number, m: number, d: number, n: number): { year: number; month: number; day: number } {
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}
