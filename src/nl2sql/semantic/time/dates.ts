/**
 * Small, pure calendar helpers on ISO dates (YYYY-MM-DD). All arithmetic is done in UTC on
 * calendar dates, so results never depend on the machine's time zone.
 */
import { OtcError } from '../../../shared/errors.js';

export type TimeBucket = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** An inclusive period of ISO dates; one side may be open (undefined). */
export interface DateRange {
  from?: string;
  to?: string;
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** True when the numbers make a real calendar date (month 1-12, day within the month). */
export function isValidYmd(year: number, month: number, day: number): boolean {
  return Number.isInteger(year) && year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function isValidIso(iso: string): boolean {
  const m = ISO_RE.exec(iso);
  return !!m && isValidYmd(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Throws OTC_ERR_INVALID_DATE unless `iso` is a real YYYY-MM-DD date. */
export function assertIso(iso: string, what = 'date'): void {
  if (typeof iso !== 'string' || !isValidIso(iso)) {
    throw new OtcError('OTC_ERR_INVALID_DATE', `The ${what} "${String(iso)}" is not a valid date.`, {
      hint: 'Use the ISO form YYYY-MM-DD, for example 2026-11-20.',
    });
  }
}

export function parseIso(iso: string): { year: number; month: number; day: number } {
  assertIso(iso);
  return { year: Number(iso.slice(0, 4)), month: Number(iso.slice(5, 7)), day: Number(iso.slice(8, 10)) };
}

export function ymd(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function toUtc(iso: string): number {
  const { year, month, day } = parseIso(iso);
  return Date.UTC(year, month - 1, day);
}

function fromUtc(ms: number): string {
  const d = new Date(ms);
  return ymd(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

const DAY_MS = 86_400_000;

export function addDays(iso: string, n: number): string {
  return fromUtc(toUtc(iso) + n * DAY_MS);
}

/** Calendar difference b - a in days. */
export function daysBetween(a: string, b: string): number {
  return Math.round((toUtc(b) - toUtc(a)) / DAY_MS);
}

/** Adds calendar months, clamping the day to the end of the target month (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(iso: string, n: number): string {
  const { year, month, day } = parseIso(iso);
  const idx = year * 12 + (month - 1) + n;
  const y = Math.floor(idx / 12);
  const m = idx - y * 12 + 1;
  return ymd(y, m, Math.min(day, daysInMonth(y, m)));
}

export function addYears(iso: string, n: number): string {
  return addMonths(iso, 12 * n);
}

/** ISO weekday: 1 = Monday ... 7 = Sunday. */
export function isoWeekday(iso: string): number {
  const d = new Date(toUtc(iso)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** The Monday of the Monday-to-Sunday week containing `iso`. */
export function mondayOf(iso: string): string {
  return addDays(iso, 1 - isoWeekday(iso));
}

export function sundayOf(iso: string): string {
  return addDays(mondayOf(iso), 6);
}

export function startOfMonth(iso: string): string {
  return iso.slice(0, 8) + '01';
}

export function endOfMonth(iso: string): string {
  const { year, month } = parseIso(iso);
  return ymd(year, month, daysInMonth(year, month));
}

export function quarterOf(iso: string): number {
  return Math.floor((parseIso(iso).month - 1) / 3) + 1;
}

export function startOfQuarter(iso: string): string {
  const { year } = parseIso(iso);
  return ymd(year, (quarterOf(iso) - 1) * 3 + 1, 1);
}

export function endOfQuarter(iso: string): string {
  return endOfMonth(addMonths(startOfQuarter(iso), 2));
}

export function startOfYear(iso: string): string {
  return iso.slice(0, 4) + '-01-01';
}

export function endOfYear(iso: string): string {
  return iso.slice(0, 4) + '-12-31';
}

export function monthRange(year: number, month: number): Required<DateRange> {
  return { from: ymd(year, month, 1), to: ymd(year, month, daysInMonth(year, month)) };
}

export function quarterRange(year: number, q: number): Required<DateRange> {
  return { from: ymd(year, (q - 1) * 3 + 1, 1), to: endOfMonth(ymd(year, q * 3, 1)) };
}

export function yearRange(year: number): Required<DateRange> {
  return { from: ymd(year, 1, 1), to: ymd(year, 12, 31) };
}

/** Monday to Friday (no holiday calendar). */
export function isBusinessDay(iso: string): boolean {
  return isoWeekday(iso) <= 5;
}

/** The first Monday-to-Friday day strictly after `iso`. */
export function nextBusinessDay(iso: string): string {
  let d = addDays(iso, 1);
  while (!isBusinessDay(d)) d = addDays(d, 1);
  return d;
}

/** The last Monday-to-Friday day strictly before `iso`. */
export function previousBusinessDay(iso: string): string {
  let d = addDays(iso, -1);
  while (!isBusinessDay(d)) d = addDays(d, -1);
  return d;
}

/** Moves n business days forward (n > 0) or back (n < 0) from `iso`; n = 0 returns `iso`. */
export function addBusinessDays(iso: string, n: number): string {
  let d = iso;
  for (let i = 0; i < Math.abs(n); i++) d = n > 0 ? nextBusinessDay(d) : previousBusinessDay(d);
  return d;
}

/** "2026-11-20", "2026-11-01 to 2026-11-20", "from 2026-11-01", "up to 2026-11-14". */
export function describeRange(r: DateRange): string {
  if (r.from && r.to) return r.from === r.to ? r.from : `${r.from} to ${r.to}`;
  if (r.from) return `from ${r.from}`;
  if (r.to) return `up to ${r.to}`;
  return 'any date';
}

/** The dates both ranges contain (open sides stay open); undefined when they do not overlap. */
export function intersectRanges(a: DateRange, b: DateRange): DateRange | undefined {
  const from = a.from && b.from ? (a.from > b.from ? a.from : b.from) : a.from ?? b.from;
  const to = a.to && b.to ? (a.to < b.to ? a.to : b.to) : a.to ?? b.to;
  if (from && to && from > to) return undefined;
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}
