/**
 * Calendar invariants of the time grammar over every day of a leap year and a normal year:
 * whatever today is, "this week" starts on a Monday, "last month" is a whole month before this
 * one, "the last N days" has N days, and so on.
 */
import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  endOfMonth,
  isoWeekday,
  mondayOf,
  parseTimeExpressions,
  startOfMonth,
  startOfQuarter,
  type DateRange,
} from './index.js';

function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

function one(text: string, today: string): DateRange {
  const got = parseTimeExpressions(text, today);
  expect(got, `${text} @ ${today}`).toHaveLength(1);
  expect(got[0].range, `${text} @ ${today}`).toBeDefined();
  return got[0].range!;
}

const TODAYS = [...days('2024-01-01', '2024-12-31'), ...days('2026-01-01', '2026-12-31')];

describe('time grammar invariants over 2024 and 2026', () => {
  it('weeks: this week from Monday to today, last/next week whole Monday-Sunday weeks', () => {
    for (const t of TODAYS) {
      const tw = one('this week', t);
      expect(tw.from).toBe(mondayOf(t));
      expect(tw.to).toBe(t);
      const lw = one('last week', t);
      expect(isoWeekday(lw.from!)).toBe(1);
      expect(lw.to).toBe(addDays(lw.from!, 6));
      expect(lw.to).toBe(addDays(mondayOf(t), -1));
      const nw = one('next week', t);
      expect(nw.from).toBe(addDays(mondayOf(t), 7));
      expect(nw.to).toBe(addDays(nw.from!, 6));
    }
  });

  it('months and quarters: whole calendar periods just before today', () => {
    for (const t of TODAYS) {
      const lm = one('last month', t);
      expect(lm.from!.endsWith('-01')).toBe(true);
      expect(lm.to).toBe(endOfMonth(lm.from!));
      expect(addDays(lm.to!, 1)).toBe(startOfMonth(t));
      expect(one('this month', t)).toEqual({ from: startOfMonth(t), to: t });
      const lq = one('last quarter', t);
      expect(addDays(lq.to!, 1)).toBe(startOfQuarter(t));
      expect(daysBetween(lq.from!, lq.to!)).toBeGreaterThanOrEqual(89);
      expect(one('this year', t)).toEqual({ from: t.slice(0, 4) + '-01-01', to: t });
    }
  });

  it('rolling windows have exactly N days and end today (or start tomorrow)', () => {
    for (const t of TODAYS) {
      for (const n of [1, 7, 30]) {
        const last = one(`last ${n} days`, t);
        expect(last.to).toBe(t);
        expect(daysBetween(last.from!, last.to!) + 1).toBe(n);
        const next = one(`next ${n} days`, t);
        expect(next.from).toBe(addDays(t, 1));
        expect(daysBetween(next.from!, next.to!) + 1).toBe(n);
      }
      const m3 = one('last 3 months', t);
      expect(m3.to).toBe(t);
      expect(daysBetween(m3.from!, t)).toBeGreaterThanOrEqual(88);
      expect(daysBetween(m3.from!, t)).toBeLessThanOrEqual(92);
    }
  });

  it('business days: the next one is the first Monday-Friday after today', () => {
    for (const t of TODAYS) {
      const nb = one('next business day', t);
      expect(nb.from).toBe(nb.to);
      expect(nb.from! > t).toBe(true);
      expect(isoWeekday(nb.from!)).toBeLessThanOrEqual(5);
      for (const d of days(addDays(t, 1), addDays(nb.from!, -1))) expect(isoWeekday(d)).toBeGreaterThan(5);
      const pb = one('previous business day', t);
      expect(pb.from! < t).toBe(true);
      expect(isoWeekday(pb.from!)).toBeLessThanOrEqual(5);
    }
  });

  it('ages: older than N days ends the day before today - N', () => {
    for (const t of TODAYS) {
      const got = parseTimeExpressions('older than 5 days', t);
      expect(got[0].role).toBe('age');
      expect(got[0].range).toEqual({ to: addDays(t, -6) });
    }
  });

  it('month names: the most recent such month not starting after today', () => {
    for (const t of TODAYS.filter((d) => d.endsWith('-15'))) {
      for (const name of ['January', 'June', 'December']) {
        const r = one(`in ${name}`, t);
        expect(r.from! <= t).toBe(true);
        expect(daysBetween(r.from!, t)).toBeLessThan(366);
      }
    }
  });
});
