import { describe, expect, it } from 'vitest';
import { CalendarRegistry, easterSunday } from './calendars.js';
import { nextFireTimes } from './next-fire.js';
import { parseScheduleInput, parseScheduleSpec } from './spec.js';
import { toLocal } from './zoned-time.js';

const reg = new CalendarRegistry();
const fires = (raw: unknown, after: string, n: number) => nextFireTimes(parseScheduleSpec(raw, reg), Date.parse(after), n, reg).map((d) => d.toISOString());
const local = (isoTime: string, zone: string) => {
  const l = toLocal(Date.parse(isoTime), zone);
  return `${l.year}-${String(l.month).padStart(2, '0')}-${String(l.day).padStart(2, '0')} ${String(l.hour).padStart(2, '0')}:${String(l.minute).padStart(2, '0')}`;
};

describe('DST change weeks', () => {
  it('07:00 Europe/London is 07:00 London time on both sides of the spring change', () => {
    const f = fires({ kind: 'daily', at: '07:00', timeZone: 'Europe/London' }, '2026-03-26T12:00:00Z', 5);
    expect(f).toEqual(['2026-03-27T07:00:00.000Z', '2026-03-28T07:00:00.000Z', '2026-03-29T06:00:00.000Z', '2026-03-30T06:00:00.000Z', '2026-03-31T06:00:00.000Z']);
    expect(f.map((t) => local(t, 'Europe/London').slice(11))).toEqual(Array(5).fill('07:00'));
  });

  it('07:00 America/New_York is 07:00 New York time across the autumn change', () => {
    const f = fires({ kind: 'daily', at: '07:00', timeZone: 'America/New_York' }, '2026-10-30T12:00:00Z', 4);
    expect(f).toEqual(['2026-10-31T11:00:00.000Z', '2026-11-01T12:00:00.000Z', '2026-11-02T12:00:00.000Z', '2026-11-03T12:00:00.000Z']);
  });

  it('a local time that does not exist fires once, moved forward by the gap (London, New York)', () => {
    expect(fires({ kind: 'daily', at: '01:30', timeZone: 'Europe/London' }, '2026-03-28T12:00:00Z', 2)).toEqual(['2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
    expect(local('2026-03-29T01:30:00.000Z', 'Europe/London')).toBe('2026-03-29 02:30');
    expect(fires({ kind: 'daily', at: '02:30', timeZone: 'America/New_York' }, '2026-03-07T12:00:00Z', 2)).toEqual(['2026-03-08T07:30:00.000Z', '2026-03-09T06:30:00.000Z']);
  });

  it('a local time that exists twice fires once, at its first occurrence', () => {
    expect(fires({ kind: 'daily', at: '01:30', timeZone: 'Europe/London' }, '2026-10-24T12:00:00Z', 2)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
    expect(fires({ kind: 'daily', at: '01:30', timeZone: 'America/New_York' }, '2026-10-31T12:00:00Z', 2)).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
    // cron: croner would fire 01:00 and 01:30 twice on the fall-back night; the second ones are dropped.
    expect(fires({ kind: 'cron', expression: '0,30 1 * * *', timeZone: 'America/New_York' }, '2026-10-31T12:00:00Z', 3)).toEqual(['2026-11-01T05:00:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-02T06:00:00.000Z']);
  });

  it('weekly on days keeps the local time across the change', () => {
    const f = fires({ kind: 'weekly', at: '09:15', days: ['fri', 'mon'], timeZone: 'Europe/London' }, '2026-10-22T00:00:00Z', 3);
    expect(f).toEqual(['2026-10-23T08:15:00.000Z', '2026-10-26T09:15:00.000Z', '2026-10-30T09:15:00.000Z']);
  });
});

describe('business calendars', () => {
  it('Easter dates', () => {
    expect(easterSunday(2026)).toEqual([4, 5]);
    expect(easterSunday(2027)).toEqual([3, 28]);
    expect(easterSunday(2030)).toEqual([4, 21]);
  });

  it('UK (England and Wales): every business day at 07:00 London skips Christmas, Boxing Day substitute and the weekend', () => {
    const f = fires({ kind: 'daily', at: '07:00', timeZone: 'Europe/London', businessDaysOnly: true, calendar: { holidays: ['UK-EW'] } }, '2026-12-23T12:00:00Z', 3);
    expect(f).toEqual(['2026-12-24T07:00:00.000Z', '2026-12-29T07:00:00.000Z', '2026-12-30T07:00:00.000Z']);
    // Without the calendar, only the weekend is skipped.
    expect(fires({ kind: 'daily', at: '07:00', timeZone: 'Europe/London', businessDaysOnly: true }, '2026-12-23T12:00:00Z', 2)).toEqual(['2026-12-24T07:00:00.000Z', '2026-12-25T07:00:00.000Z']);
  });

  it('TARGET2: Good Friday, Easter Monday and 1 May are skipped', () => {
    const spec = { kind: 'daily', at: '08:00', timeZone: 'Europe/Frankfurt', businessDaysOnly: true, calendar: { holidays: ['TARGET2'] } };
    expect(fires({ ...spec, timeZone: 'Europe/Berlin' }, '2026-04-01T12:00:00Z', 2)).toEqual(['2026-04-02T06:00:00.000Z', '2026-04-07T06:00:00.000Z']);
    expect(fires({ ...spec, timeZone: 'Europe/Berlin' }, '2026-04-29T12:00:00Z', 2)).toEqual(['2026-04-30T06:00:00.000Z', '2026-05-04T06:00:00.000Z']);
  });

  it('US Federal Reserve: Thanksgiving is skipped; a Saturday holiday does not close the Friday before', () => {
    const spec = { kind: 'daily', at: '09:00', timeZone: 'America/New_York', businessDaysOnly: true, calendar: { holidays: ['US-FED'] } };
    expect(fires(spec, '2026-11-25T20:00:00Z', 2)).toEqual(['2026-11-27T14:00:00.000Z', '2026-11-30T14:00:00.000Z']);
    // 4 July 2026 is a Saturday: federal offices close Friday 3 July, the Reserve Banks do not.
    expect(fires(spec, '2026-07-02T20:00:00Z', 2)).toEqual(['2026-07-03T13:00:00.000Z', '2026-07-06T13:00:00.000Z']);
    // Juneteenth (Friday 19 June 2026).
    expect(fires(spec, '2026-06-18T20:00:00Z', 1)).toEqual(['2026-06-22T13:00:00.000Z']);
  });

  it("a bank's custom list", () => {
    const r = new CalendarRegistry();
    r.setCustom('acme', ['2026-12-24', '2026-12-31']);
    const spec = parseScheduleSpec({ kind: 'daily', at: '07:00', timeZone: 'Europe/London', businessDaysOnly: true, calendar: { holidays: ['UK-EW', 'custom:acme'] } }, r);
    expect(nextFireTimes(spec, Date.parse('2026-12-23T12:00:00Z'), 3, r).map((d) => d.toISOString())).toEqual(['2026-12-29T07:00:00.000Z', '2026-12-30T07:00:00.000Z', '2027-01-04T07:00:00.000Z']);
  });

  it('monthly on the nth business day and on the last business day', () => {
    expect(fires({ kind: 'monthly', at: '09:00', businessDay: 1, timeZone: 'Europe/Berlin', calendar: { holidays: ['TARGET2'] } }, '2026-12-02T00:00:00Z', 2)).toEqual(['2027-01-04T08:00:00.000Z', '2027-02-01T08:00:00.000Z']);
    expect(fires({ kind: 'monthly', at: '09:00', businessDay: 3, timeZone: 'Europe/London', calendar: { holidays: ['UK-EW'] } }, '2026-03-31T00:00:00Z', 1)).toEqual(['2026-04-07T08:00:00.000Z']);
    expect(fires({ kind: 'monthly', at: '17:00', businessDay: -1, timeZone: 'America/New_York', calendar: { holidays: ['US-FED'] } }, '2027-05-01T00:00:00Z', 1)).toEqual(['2027-05-28T21:00:00.000Z']);
    expect(fires({ kind: 'monthly', at: '06:00', day: 31, timeZone: 'UTC' }, '2027-02-01T00:00:00Z', 2)).toEqual(['2027-02-28T06:00:00.000Z', '2027-03-31T06:00:00.000Z']);
  });

  it('every N minutes', () => {
    expect(fires({ kind: 'every', minutes: 15, timeZone: 'UTC' }, '2026-10-31T12:07:00Z', 2)).toEqual(['2026-10-31T12:15:00.000Z', '2026-10-31T12:30:00.000Z']);
  });
});

describe('bad input gets a clear coded error', () => {
  const bad = (raw: unknown) => {
    try {
      parseScheduleSpec(raw, reg);
    } catch (e) {
      return `${(e as { code: string }).code}: ${(e as Error).message}`;
    }
    return 'accepted';
  };
  it('invalid cron, unknown zone, unknown calendar, bad time, monthly without a day', () => {
    expect(bad({ kind: 'cron', expression: '61 * * * *', timeZone: 'UTC' })).toMatch(/^OTC_ERR_SCHEDULE_INVALID_CRON: "61 \* \* \* \*" is not a valid cron expression/);
    expect(bad({ kind: 'cron', expression: 'every day', timeZone: 'UTC' })).toMatch(/^OTC_ERR_SCHEDULE_INVALID_CRON/);
    expect(bad({ kind: 'daily', at: '07:00', timeZone: 'Europe/Londres' })).toBe('OTC_ERR_SCHEDULE_UNKNOWN_ZONE: "Europe/Londres" is not a known IANA time zone');
    expect(bad({ kind: 'daily', at: '07:00', timeZone: 'UTC', calendar: { holidays: ['FR'] } })).toMatch(/^OTC_ERR_SCHEDULE_UNKNOWN_CALENDAR: "FR"/);
    expect(bad({ kind: 'daily', at: '7am', timeZone: 'UTC' })).toMatch(/^OTC_ERR_SCHEDULE_INVALID: at: a local time as HH:MM/);
    expect(bad({ kind: 'monthly', at: '07:00', timeZone: 'UTC' })).toMatch(/^OTC_ERR_SCHEDULE_INVALID: day: give either day or businessDay/);
    expect(bad({ kind: 'daily', at: '07:00', timeZone: 'europe/london' })).toBe('accepted');
  });
  it('a whole schedule: the field is named', () => {
    expect(() => parseScheduleInput({ name: 'x', handler: 'report', spec: { kind: 'daily', at: '07:00', timeZone: 'UTC' }, catchUp: 'sometimes' }, reg)).toThrow(/catchUp/);
  });
});
