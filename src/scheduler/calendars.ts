/**
 * Business calendars: weekends plus holiday calendars. US (Federal Reserve) and UK (England and
 * Wales bank holidays) come from date-holidays, a maintained holiday library; TARGET2 is not a
 * country, so its closing days are rules of our own; a bank adds its own lists (custom:NAME).
 */
import Holidays from 'date-holidays';
import { invalidSchedule, unknownCalendar } from './errors.js';
import { isoDay, weekday } from './zoned-time.js';

/** Holidays of one calendar, as local dates (YYYY-MM-DD). */
export interface HolidayCalendar {
  readonly name: string;
  readonly description: string;
  /** The holiday on that local date (its name), or undefined when it is not a holiday. */
  holiday(date: string): string | undefined;
}

/** Easter Sunday of a Gregorian year (anonymous Gregorian algorithm): [month, day]. */
export function easterSunday(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

function yearCached(name: string, description: string, build: (year: number) => Map<string, string>): HolidayCalendar {
  const years = new Map<number, Map<string, string>>();
  return {
    name,
    description,
    holiday(date: string) {
      const y = Number(date.slice(0, 4));
      let m = years.get(y);
      if (!m) {
        m = build(y);
        years.set(y, m);
      }
      return m.get(date);
    },
  };
}

/** TARGET2 (Eurosystem RTGS) closing days: 1 Jan, Good Friday, Easter Monday, 1 May, 25 and 26 Dec. */
export function target2Calendar(): HolidayCalendar {
  return yearCached('TARGET2', 'TARGET2 closing days (ECB): New Year, Good Friday, Easter Monday, 1 May, 25/26 December', (y) => {
    const [em, ed] = easterSunday(y);
    const easter = Date.UTC(y, em - 1, ed);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    return new Map([
      [isoDay(y, 1, 1), "New Year's Day"],
      [day(easter - 2 * 86_400_000), 'Good Friday'],
      [day(easter + 86_400_000), 'Easter Monday'],
      [isoDay(y, 5, 1), 'Labour Day'],
      [isoDay(y, 12, 25), 'Christmas Day'],
      [isoDay(y, 12, 26), 'Christmas Holiday'],
    ]);
  });
}

function fromDateHolidays(name: string, description: string, country: string, state: string | undefined, keep: (h: { date: string; substitute?: boolean }) => boolean): HolidayCalendar {
  const hd = state ? new Holidays(country, state) : new Holidays(country);
  return yearCached(name, description, (y) => {
    const m = new Map<string, string>();
    for (const h of hd.getHolidays(y) || []) {
      if (h.type !== 'public' && h.type !== 'bank') continue;
      if (!keep(h)) continue;
      m.set(h.date.slice(0, 10), h.name);
    }
    return m;
  });
}

/**
 * US Federal Reserve holidays: the federal public holidays; one on a Sunday is observed on the
 * Monday, but for one on a Saturday the Reserve Banks stay open on the Friday before.
 */
export function usFederalReserveCalendar(): HolidayCalendar {
  return fromDateHolidays('US-FED', 'US Federal Reserve holidays (federal holidays; Saturday holidays not moved to Friday)', 'US', undefined, (h) => {
    if (!h.substitute) return true;
    const [y, m, d] = h.date.slice(0, 10).split('-').map(Number) as [number, number, number];
    return weekday(y, m, d) !== 5;
  });
}

/** UK bank holidays of England and Wales (with substitute days). */
export function ukEnglandWalesCalendar(): HolidayCalendar {
  return fromDateHolidays('UK-EW', 'UK bank holidays, England and Wales', 'GB', 'ENG', () => true);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A bank's own list of closing days. */
export function customCalendar(name: string, dates: Array<string | { date: string; name?: string }>): HolidayCalendar {
  const m = new Map<string, string>();
  for (const d of dates) {
    const date = typeof d === 'string' ? d : d.date;
    if (!DATE.test(date) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
      throw invalidSchedule(`custom calendar ${name}: "${date}" is not a date (YYYY-MM-DD)`);
    }
    m.set(date, typeof d === 'string' ? 'bank holiday' : (d.name ?? 'bank holiday'));
  }
  return { name: `custom:${name}`, description: `custom calendar ${name} (${m.size} days)`, holiday: (date) => m.get(date) };
}

export const BUILT_IN_CALENDARS = ['TARGET2', 'US-FED', 'UK-EW'] as const;

/** The holiday calendars a scheduler knows: the built-ins and the bank's custom lists. */
export class CalendarRegistry {
  private readonly calendars = new Map<string, HolidayCalendar>();

  constructor() {
    this.calendars.set('TARGET2', target2Calendar());
    this.calendars.set('US-FED', usFederalReserveCalendar());
    this.calendars.set('UK-EW', ukEnglandWalesCalendar());
  }

  /** Adds or replaces custom:NAME. */
  setCustom(name: string, dates: Array<string | { date: string; name?: string }>): void {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw invalidSchedule(`"${name}" is not a valid custom calendar name (letters, digits, _ . -)`);
    this.calendars.set(`custom:${name}`, customCalendar(name, dates));
  }

  names(): string[] {
    return [...this.calendars.keys()];
  }

  get(name: string): HolidayCalendar {
    const c = this.calendars.get(name);
    if (!c) throw unknownCalendar(name, this.names());
    return c;
  }

  /** Checks that every name is known (OTC_ERR_SCHEDULE_UNKNOWN_CALENDAR otherwise). */
  check(names: readonly string[]): void {
    for (const n of names) this.get(n);
  }
}

/** Weekends and holiday calendars: decides whether a local date is a business day. */
export interface BusinessDays {
  isBusinessDay(y: number, m: number, d: number): boolean;
  /** Why a date is not a business day ("weekend", "Good Friday (TARGET2)"), or undefined. */
  closedBecause(y: number, m: number, d: number): string | undefined;
}

export function businessDays(registry: CalendarRegistry, holidays: readonly string[], weekendDays: readonly number[] = [0, 6]): BusinessDays {
  const cals = holidays.map((h) => registry.get(h));
  const weekend = new Set(weekendDays);
  const closedBecause = (y: number, m: number, d: number) => {
    if (weekend.has(weekday(y, m, d))) return 'weekend';
    const date = isoDay(y, m, d);
    for (const c of cals) {
      const h = c.holiday(date);
      if (h) return `${h} (${c.name})`;
    }
    return undefined;
  };
  return { closedBecause, isBusinessDay: (y, m, d) => closedBecause(y, m, d) === undefined };
}
