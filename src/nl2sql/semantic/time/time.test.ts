import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  addDays,
  addMonths,
  describeRange,
  intersectRanges,
  isoWeekday,
  mondayOf,
  nextBusinessDay,
  parseNumber,
  parseTimeExpressions,
  previousBusinessDay,
  removeTimeExpressions,
  type TimeBucket,
} from './index.js';

interface Exp {
  text: string;
  from?: string;
  to?: string;
  bucket?: TimeBucket;
  role?: 'age';
}
const r = (text: string, from: string | undefined, to: string | undefined): Exp => ({ text, from, to });
const d = (text: string, day: string): Exp => ({ text, from: day, to: day });
const b = (text: string, bucket: TimeBucket): Exp => ({ text, bucket });
const age = (text: string, to: string): Exp => ({ text, to, role: 'age' });

const FRI = '2026-11-20';
const MON = '2026-11-16';
const SUN = '2026-11-22';
const NEWYEAR = '2026-01-01';
const MAR1 = '2026-03-01';
const LEAP = '2024-02-29';
const AFTERLEAP = '2024-03-01';

// [today, question, expected matches in text order]
const CASES: Array<[string, string, Exp[]]> = [
  // --- single days ---
  [FRI, 'How many trades did we book today?', [d('today', FRI)]],
  [FRI, 'How many trades did we book yesterday?', [d('yesterday', '2026-11-19')]],
  [FRI, 'Payments due tomorrow', [d('tomorrow', '2026-11-21')]],
  [FRI, "List today's trades that are unconfirmed", [d("today's", FRI)]],
  [FRI, 'How many settlements are still pending for today\'s value date?', [d("for today's", FRI)]],
  [FRI, "tomorrow's payments in EUR", [d("tomorrow's", '2026-11-21')]],
  [FRI, "yesterday's fails", [d("yesterday's", '2026-11-19')]],
  [FRI, 'fails the day before yesterday', [d('the day before yesterday', '2026-11-18')]],
  [FRI, 'what settles the day after tomorrow', [d('the day after tomorrow', '2026-11-22')]],
  [FRI, 'positions as of today', [d('as of today', FRI)]],
  [NEWYEAR, 'trades booked yesterday', [d('yesterday', '2025-12-31')]],
  [MAR1, 'fails yesterday', [d('yesterday', '2026-02-28')]],
  [LEAP, 'fails yesterday', [d('yesterday', '2024-02-28')]],
  [LEAP, 'payments tomorrow', [d('tomorrow', '2024-03-01')]],
  [AFTERLEAP, 'fails yesterday', [d('yesterday', '2024-02-29')]],
  // --- calendar weeks ---
  [FRI, 'How many large trades were booked this week?', [r('this week', '2026-11-16', FRI)]],
  [FRI, 'Top 3 traders by number of trades booked last week', [r('last week', '2026-11-09', '2026-11-15')]],
  [FRI, 'Total coupon payments due next week in USD', [r('next week', '2026-11-23', '2026-11-29')]],
  [FRI, 'trades in the previous week', [r('in the previous week', '2026-11-09', '2026-11-15')]],
  [FRI, 'fails during the current week', [r('during the current week', '2026-11-16', FRI)]],
  [FRI, 'payments in the coming week', [r('in the coming week', '2026-11-23', '2026-11-29')]],
  [FRI, "next week's payments", [r("next week's", '2026-11-23', '2026-11-29')]],
  [FRI, 'trades the week before last', [r('the week before last', '2026-11-02', '2026-11-08')]],
  [FRI, 'week to date fails', [r('week to date', '2026-11-16', FRI)]],
  [FRI, 'WTD fails', [r('WTD', '2026-11-16', FRI)]],
  [MON, 'trades booked this week', [r('this week', MON, MON)]],
  [MON, 'trades booked last week', [r('last week', '2026-11-09', '2026-11-15')]],
  [MON, 'payments next week', [r('next week', '2026-11-23', '2026-11-29')]],
  [SUN, 'trades booked this week', [r('this week', '2026-11-16', SUN)]],
  [SUN, 'trades booked last week', [r('last week', '2026-11-09', '2026-11-15')]],
  [SUN, 'payments next week', [r('next week', '2026-11-23', '2026-11-29')]],
  [NEWYEAR, 'trades booked this week', [r('this week', '2025-12-29', NEWYEAR)]],
  [NEWYEAR, 'trades booked last week', [r('last week', '2025-12-22', '2025-12-28')]],
  [MAR1, 'trades booked last week', [r('last week', '2026-02-16', '2026-02-22')]],
  [LEAP, 'trades this week', [r('this week', '2024-02-26', LEAP)]],
  [LEAP, 'payments next week', [r('next week', '2024-03-04', '2024-03-10')]],
  [AFTERLEAP, 'trades last week', [r('last week', '2024-02-19', '2024-02-25')]],
  // --- calendar months ---
  [FRI, 'Number of trades by asset class booked this month', [r('this month', '2026-11-01', FRI)]],
  [FRI, 'Number of trades executed on a SEF last month', [r('last month', '2026-10-01', '2026-10-31')]],
  [FRI, 'payments due next month', [r('next month', '2026-12-01', '2026-12-31')]],
  [FRI, 'fails in the previous month', [r('in the previous month', '2026-10-01', '2026-10-31')]],
  [FRI, 'fails in the prior month', [r('in the prior month', '2026-10-01', '2026-10-31')]],
  [FRI, 'fails so far this month', [r('so far this month', '2026-11-01', FRI)]],
  [FRI, 'fails this month to date', [r('this month to date', '2026-11-01', FRI)]],
  [FRI, 'month-to-date fails', [r('month-to-date', '2026-11-01', FRI)]],
  [FRI, 'MTD fails', [r('MTD', '2026-11-01', FRI)]],
  [FRI, 'fails the month before last', [r('the month before last', '2026-09-01', '2026-09-30')]],
  [NEWYEAR, 'trades last month', [r('last month', '2025-12-01', '2025-12-31')]],
  [NEWYEAR, 'trades this month', [r('this month', NEWYEAR, NEWYEAR)]],
  [MAR1, 'trades last month', [r('last month', '2026-02-01', '2026-02-28')]],
  [MAR1, 'trades this month', [r('this month', MAR1, MAR1)]],
  [LEAP, 'trades this month', [r('this month', '2024-02-01', LEAP)]],
  [LEAP, 'trades last month', [r('last month', '2024-01-01', '2024-01-31')]],
  [LEAP, 'trades next month', [r('next month', '2024-03-01', '2024-03-31')]],
  [AFTERLEAP, 'trades last month', [r('last month', '2024-02-01', '2024-02-29')]],
  // --- quarters ---
  [FRI, 'fails this quarter', [r('this quarter', '2026-10-01', FRI)]],
  [FRI, 'fails last quarter', [r('last quarter', '2026-07-01', '2026-09-30')]],
  [FRI, 'payments next quarter', [r('next quarter', '2027-01-01', '2027-03-31')]],
  [FRI, 'QTD notional', [r('QTD', '2026-10-01', FRI)]],
  [FRI, 'trades in Q3', [r('in Q3', '2026-07-01', '2026-09-30')]],
  [FRI, 'trades in Q4', [r('in Q4', '2026-10-01', '2026-12-31')]],
  [FRI, 'trades in Q1 2025', [r('in Q1 2025', '2025-01-01', '2025-03-31')]],
  [FRI, 'trades in 2025 Q2', [r('in 2025 Q2', '2025-04-01', '2025-06-30')]],
  [FRI, 'trades in Q3 of 2025', [r('in Q3 of 2025', '2025-07-01', '2025-09-30')]],
  [FRI, "fails in Q2'25", [r("in Q2'25", '2025-04-01', '2025-06-30')]],
  [FRI, 'fails in the third quarter', [r('in the third quarter', '2026-07-01', '2026-09-30')]],
  [FRI, 'fails in the first quarter of 2025', [r('in the first quarter of 2025', '2025-01-01', '2025-03-31')]],
  [FRI, 'trades in the first half of 2026', [r('in the first half of 2026', '2026-01-01', '2026-06-30')]],
  [FRI, 'trades in H2 2025', [r('in H2 2025', '2025-07-01', '2025-12-31')]],
  [FRI, 'trades in H1', [r('in H1', '2026-01-01', '2026-06-30')]],
  [MAR1, 'trades in H2', [r('in H2', '2025-07-01', '2025-12-31')]],
  [FRI, 'trades in the second half of last year', [r('in the second half of last year', '2025-07-01', '2025-12-31')]],
  [FRI, 'the second half of the trades', []],
  [FRI, 'H1 trades', []],
  [FRI, 'fails Q1-Q3 2025', [r('Q1-Q3 2025', '2025-01-01', '2025-09-30')]],
  [FRI, 'fails from Q1 to Q3', [r('from Q1 to Q3', '2026-01-01', '2026-09-30')]],
  [NEWYEAR, 'fails last quarter', [r('last quarter', '2025-10-01', '2025-12-31')]],
  [NEWYEAR, 'fails this quarter', [r('this quarter', NEWYEAR, NEWYEAR)]],
  [NEWYEAR, 'fails in Q4', [r('in Q4', '2025-10-01', '2025-12-31')]],
  [NEWYEAR, 'fails in Q1', [r('in Q1', '2026-01-01', '2026-03-31')]],
  [MAR1, 'fails this quarter', [r('this quarter', '2026-01-01', MAR1)]],
  // --- years ---
  [FRI, 'average notional of FX forwards traded this year?', [r('this year', '2026-01-01', FRI)]],
  [FRI, 'trades last year', [r('last year', '2025-01-01', '2025-12-31')]],
  [FRI, 'maturities next year', [r('next year', '2027-01-01', '2027-12-31')]],
  [FRI, 'notional year to date', [r('year to date', '2026-01-01', FRI)]],
  [FRI, 'fails over the whole year', [r('over the whole year', '2026-01-01', '2026-12-31')]],
  [FRI, 'payments for the entire month', [r('for the entire month', '2026-11-01', '2026-11-30')]],
  [FRI, 'breaks in the full last quarter', [r('in the full last quarter', '2026-07-01', '2026-09-30')]],
  [FRI, 'YTD fails by currency', [r('YTD', '2026-01-01', FRI)]],
  [FRI, 'fails so far this year', [r('so far this year', '2026-01-01', FRI)]],
  [FRI, 'Monthly trade count in 2026', [b('Monthly', 'month'), r('in 2026', '2026-01-01', '2026-12-31')]],
  [FRI, 'fails for 2025', [r('for 2025', '2025-01-01', '2025-12-31')]],
  [FRI, 'fails during calendar year 2024', [r('during calendar year 2024', '2024-01-01', '2024-12-31')]],
  [NEWYEAR, 'trades this year', [r('this year', NEWYEAR, NEWYEAR)]],
  [NEWYEAR, 'trades last year', [r('last year', '2025-01-01', '2025-12-31')]],
  [LEAP, 'trades this year', [r('this year', '2024-01-01', LEAP)]],
  // --- months by name ---
  [FRI, 'Average margin call amount by counterparty sector in October', [r('in October', '2026-10-01', '2026-10-31')]],
  [FRI, 'fails in December', [r('in December', '2025-12-01', '2025-12-31')]],
  [FRI, 'fails in November', [r('in November', '2026-11-01', '2026-11-30')]],
  [FRI, "October's fails", [r("October's", '2026-10-01', '2026-10-31')]],
  [FRI, "last quarter's notional", [r("last quarter's", '2026-07-01', '2026-09-30')]],
  [FRI, 'October fails by reason', [r('October', '2026-10-01', '2026-10-31')]],
  [FRI, 'fails in Oct', [r('in Oct', '2026-10-01', '2026-10-31')]],
  [FRI, 'fails in Sept', [r('in Sept', '2026-09-01', '2026-09-30')]],
  [FRI, 'match rate for September 2026', [r('for September 2026', '2026-09-01', '2026-09-30')]],
  [FRI, 'fails in December 2026', [r('in December 2026', '2026-12-01', '2026-12-31')]],
  [FRI, "fails in Oct '25", [r("in Oct '25", '2025-10-01', '2025-10-31')]],
  [FRI, 'fails in 2025-10', [r('in 2025-10', '2025-10-01', '2025-10-31')]],
  [FRI, 'fails in May', [r('in May', '2026-05-01', '2026-05-31')]],
  [FRI, 'fails during May 2025', [r('during May 2025', '2025-05-01', '2025-05-31')]],
  [FRI, 'trades in March', [r('in March', '2026-03-01', '2026-03-31')]],
  [NEWYEAR, 'fails in December', [r('in December', '2025-12-01', '2025-12-31')]],
  [NEWYEAR, 'fails in January', [r('in January', '2026-01-01', '2026-01-31')]],
  [NEWYEAR, 'fails in November', [r('in November', '2025-11-01', '2025-11-30')]],
  [MAR1, 'fails in February', [r('in February', '2026-02-01', '2026-02-28')]],
  [LEAP, 'fails in February', [r('in February', '2024-02-01', '2024-02-29')]],
  // --- dates ---
  [FRI, 'Total EUR amount we pay on 23 November', [d('on 23 November', '2026-11-23')]],
  [FRI, 'Total net amount by currency for value date 23 November', [d('23 November', '2026-11-23')]],
  [FRI, 'payments on 23 Nov', [d('on 23 Nov', '2026-11-23')]],
  [FRI, 'payments on November 23', [d('on November 23', '2026-11-23')]],
  [FRI, 'payments on Nov 23rd, 2026', [d('on Nov 23rd, 2026', '2026-11-23')]],
  [FRI, 'payments on the 23rd of November', [d('on the 23rd of November', '2026-11-23')]],
  [FRI, 'payments on 2026-11-23', [d('on 2026-11-23', '2026-11-23')]],
  [FRI, 'payments on 23/11/2026', [d('on 23/11/2026', '2026-11-23')]],
  [FRI, 'payments on 05/11/2026', [d('on 05/11/2026', '2026-11-05')]],
  [FRI, 'payments on 23.11.26', [d('on 23.11.26', '2026-11-23')]],
  [FRI, 'payments on 23-Nov-2026', [d('on 23-Nov-2026', '2026-11-23')]],
  [FRI, 'payments on 1 May', [d('on 1 May', '2026-05-01')]],
  [FRI, 'payments on the 5th', [d('on the 5th', '2026-11-05')]],
  [FRI, 'payments on 5 March 2025', [d('on 5 March 2025', '2025-03-05')]],
  [NEWYEAR, 'payments on 23 November', [d('on 23 November', '2026-11-23')]],
  [LEAP, 'payments on 29 February', [d('on 29 February', '2024-02-29')]],
  [MAR1, 'payments on 29 February', []],
  [FRI, 'payments on 31 April', []],
  [FRI, 'payments on 30/02/2026', []],
  [FRI, 'payments on 2026-02-30', []],
  // a list of days gives one match per day
  [FRI, 'payments for value dates 23 and 24 November', [r('23 and 24 November', '2026-11-23', '2026-11-24')]],
  [FRI, 'payments on 23, 24 and 25 Nov 2026', [r('on 23, 24 and 25 Nov 2026', '2026-11-23', '2026-11-25')]],
  [FRI, 'payments on 2 and 24 November', [d('on 2', '2026-11-02'), d('24 November', '2026-11-24')]],
  [FRI, 'fails in October and November', [r('in October and November', '2026-10-01', '2026-11-30')]],
  [FRI, 'fails last week and this week', [r('last week and this week', '2026-11-09', FRI)]],
  [FRI, 'fails in July and October', [r('in July', '2026-07-01', '2026-07-31'), r('October', '2026-10-01', '2026-10-31')]],
  [FRI, 'fails this month and older than 3 days', [r('this month', '2026-11-01', FRI), age('older than 3 days', '2026-11-16')]],
  [FRI, 'payments on 30 and 31 November', []],
  [FRI, 'notional as at 31 October', [d('as at 31 October', '2026-10-31')]],
  // --- rolling windows ---
  [FRI, 'Daily count of new trades for the last 7 days', [b('Daily', 'day'), r('for the last 7 days', '2026-11-14', FRI)]],
  [FRI, 'fails in the last 30 days', [r('in the last 30 days', '2026-10-22', FRI)]],
  [FRI, 'Daily settlement fails over the last 14 days', [b('Daily', 'day'), r('over the last 14 days', '2026-11-07', FRI)]],
  [FRI, 'fails in the past 7 days', [r('in the past 7 days', '2026-11-14', FRI)]],
  [FRI, 'fails the last seven days', [r('the last seven days', '2026-11-14', FRI)]],
  [FRI, 'fails last twenty-one days', [r('last twenty-one days', '2026-10-31', FRI)]],
  [FRI, 'Weekly settlement fails over the last 4 weeks', [b('Weekly', 'week'), r('over the last 4 weeks', '2026-10-24', FRI)]],
  [FRI, 'fails in the past two weeks', [r('in the past two weeks', '2026-11-07', FRI)]],
  [FRI, 'fails in the last 3 months', [r('in the last 3 months', '2026-08-21', FRI)]],
  [FRI, 'fails over the trailing 12 months', [r('over the trailing 12 months', '2025-11-21', FRI)]],
  [FRI, 'fails in the last 2 years', [r('in the last 2 years', '2024-11-21', FRI)]],
  [FRI, 'fails in the past week', [r('in the past week', '2026-11-14', FRI)]],
  [FRI, 'fails in the past month', [r('in the past month', '2026-10-21', FRI)]],
  [FRI, 'fails in the past year', [r('in the past year', '2025-11-21', FRI)]],
  [FRI, 'How many live trades mature in the next 30 days?', [r('in the next 30 days', '2026-11-21', '2026-12-20')]],
  [FRI, 'Total pending receipts in USD for the next 5 days', [r('for the next 5 days', '2026-11-21', '2026-11-25')]],
  [FRI, 'payments in the coming 10 days', [r('in the coming 10 days', '2026-11-21', '2026-11-30')]],
  [FRI, 'maturities in the next 2 weeks', [r('in the next 2 weeks', '2026-11-21', '2026-12-04')]],
  [FRI, 'maturities over the next 3 months', [r('over the next 3 months', '2026-11-21', '2027-02-20')]],
  [NEWYEAR, 'fails in the last 7 days', [r('in the last 7 days', '2025-12-26', NEWYEAR)]],
  [NEWYEAR, 'fails in the last 3 months', [r('in the last 3 months', '2025-10-02', NEWYEAR)]],
  [MAR1, 'fails in the last 30 days', [r('in the last 30 days', '2026-01-31', MAR1)]],
  [MAR1, 'fails in the last month', [r('in the last month', '2026-02-01', '2026-02-28')]],
  [MAR1, 'maturities in the next 30 days', [r('in the next 30 days', '2026-03-02', '2026-03-31')]],
  [LEAP, 'fails in the last 12 months', [r('in the last 12 months', '2023-03-01', LEAP)]],
  [LEAP, 'fails in the last 3 months', [r('in the last 3 months', '2023-11-30', LEAP)]],
  [LEAP, 'payments in the next 1 month', [r('in the next 1 month', '2024-03-01', '2024-03-29')]],
  [AFTERLEAP, 'fails in the last 7 days', [r('in the last 7 days', '2024-02-24', AFTERLEAP)]],
  [AFTERLEAP, 'fails in the last 1 month', [r('in the last 1 month', '2024-02-02', AFTERLEAP)]],
  [FRI, 'fails over a rolling 12 months', [r('over a rolling 12 months', '2025-11-21', FRI)]],
  [FRI, 'fails in the last couple of days', [r('in the last couple of days', '2026-11-19', FRI)]],
  [FRI, 'fails in the past couple of weeks', [r('in the past couple of weeks', '2026-11-07', FRI)]],
  [FRI, 'a couple of trades', []],
  // --- business days ---
  [FRI, 'payments on the next trading day', [d('on the next trading day', '2026-11-23')]],
  [FRI, 'fails in the last 10 trading days', [r('in the last 10 trading days', '2026-11-09', FRI)]],
  [FRI, 'fails older than 3 trading days', [age('older than 3 trading days', '2026-11-16')]],
  [MON, 'fails older than 3 business days', [age('older than 3 business days', '2026-11-10')]],
  [FRI, 'payments on the next business day', [d('on the next business day', '2026-11-23')]],
  [FRI, 'fails on the previous business day', [d('on the previous business day', '2026-11-19')]],
  [FRI, 'fails on the last working day', [d('on the last working day', '2026-11-19')]],
  [FRI, 'payments in the next 5 business days', [r('in the next 5 business days', '2026-11-23', '2026-11-27')]],
  [FRI, 'fails in the last 5 business days', [r('in the last 5 business days', '2026-11-16', FRI)]],
  [MON, 'payments on the next business day', [d('on the next business day', '2026-11-17')]],
  [MON, 'fails on the previous business day', [d('on the previous business day', '2026-11-13')]],
  [MON, 'fails in the last 5 business days', [r('in the last 5 business days', '2026-11-10', MON)]],
  [MON, 'payments in the next 3 working days', [r('in the next 3 working days', '2026-11-17', '2026-11-19')]],
  [SUN, 'payments on the next business day', [d('on the next business day', '2026-11-23')]],
  [SUN, 'fails on the previous business day', [d('on the previous business day', '2026-11-20')]],
  [SUN, 'fails in the last 5 business days', [r('in the last 5 business days', '2026-11-16', SUN)]],
  [NEWYEAR, 'fails on the previous business day', [d('on the previous business day', '2025-12-31')]],
  [AFTERLEAP, 'fails on the previous business day', [d('on the previous business day', '2024-02-29')]],
  [AFTERLEAP, 'payments on the next business day', [d('on the next business day', '2024-03-04')]],
  // --- weekdays and weekends ---
  [FRI, 'trades booked on Monday', [d('on Monday', '2026-11-16')]],
  [FRI, 'trades booked last Monday', [d('last Monday', '2026-11-16')]],
  [FRI, 'trades booked last Friday', [d('last Friday', '2026-11-13')]],
  [FRI, 'payments next Monday', [d('next Monday', '2026-11-23')]],
  [FRI, 'payments this Friday', [d('this Friday', FRI)]],
  [FRI, 'payments next Friday', [d('next Friday', '2026-11-27')]],
  [MON, 'trades booked last Monday', [d('last Monday', '2026-11-09')]],
  [MON, 'trades booked last Friday', [d('last Friday', '2026-11-13')]],
  [MON, 'payments on Friday', [d('on Friday', '2026-11-20')]],
  [SUN, 'trades booked on Monday', [d('on Monday', '2026-11-16')]],
  // a weekday alone in the past tense is the one just gone (asked on a Monday, "Friday" is 3 days ago)
  [MON, 'what did we receive on Wednesday', [d('on Wednesday', '2026-11-11')]],
  [MON, 'trades amended Thursday', [d('Thursday', '2026-11-12')]],
  [MON, 'how many fails were there on Tuesday', [d('on Tuesday', '2026-11-10')]],
  [MON, 'payments due on Thursday', [d('on Thursday', '2026-11-19')]],
  [MON, 'what was scheduled for Friday', [d('for Friday', '2026-11-20')]],
  [FRI, 'what did we book on Monday', [d('on Monday', MON)]],
  [SUN, 'trades booked last Sunday', [d('last Sunday', '2026-11-15')]],
  [FRI, 'fails last weekend', [r('last weekend', '2026-11-14', '2026-11-15')]],
  [MON, 'fails over the weekend', [r('over the weekend', '2026-11-14', '2026-11-15')]],
  [SUN, 'fails over the weekend', [r('over the weekend', '2026-11-21', '2026-11-22')]],
  [FRI, 'payments on 5 may', [d('on 5 may', '2026-05-05')]],
  [FRI, 'payments for value date 1 May', [d('1 May', '2026-05-01')]],
  [FRI, 'the 5 May payments', [d('the 5 May', '2026-05-05')]],
  [MON, 'payments this weekend', [r('this weekend', '2026-11-21', '2026-11-22')]],
  // --- ago ---
  [FRI, 'trades booked 3 days ago', [d('3 days ago', '2026-11-17')]],
  [FRI, 'trades booked a week ago', [d('a week ago', '2026-11-13')]],
  [FRI, 'trades booked two weeks ago', [d('two weeks ago', '2026-11-06')]],
  [FRI, 'trades booked 6 months ago', [d('6 months ago', '2026-05-20')]],
  // --- since / before / after / until ---
  [FRI, 'fails since 1 October', [r('since 1 October', '2026-10-01', FRI)]],
  [FRI, 'fails since October', [r('since October', '2026-10-01', FRI)]],
  [FRI, 'fails since Monday', [r('since Monday', '2026-11-16', FRI)]],
  [FRI, 'fails since 1 December', [r('since 1 December', '2025-12-01', FRI)]],
  [FRI, 'fails since 2025', [r('since 2025', '2025-01-01', FRI)]],
  [FRI, 'fails since last week', [r('since last week', '2026-11-09', FRI)]],
  [FRI, 'fails since the start of... no; ever since Q3', [r('ever since Q3', '2026-07-01', FRI)]],
  [FRI, 'trades starting from 1 Nov', [r('starting from 1 Nov', '2026-11-01', FRI)]],
  [FRI, 'maturities from 1 December onwards', [r('from 1 December onwards', '2026-12-01', undefined)]],
  [FRI, 'fails before 1 October', [r('before 1 October', undefined, '2026-09-30')]],
  [FRI, 'trades booked prior to 2026', [r('prior to 2026', undefined, '2025-12-31')]],
  [FRI, 'trades booked before October', [r('before October', undefined, '2026-09-30')]],
  [FRI, 'fails after 15 Oct', [r('after 15 Oct', '2026-10-16', undefined)]],
  [FRI, 'maturities after 2030', [r('after 2030', '2031-01-01', undefined)]],
  [FRI, 'payments until 30 November', [r('until 30 November', undefined, '2026-11-30')]],
  [FRI, 'payments on or before 30 Nov', [r('on or before 30 Nov', undefined, '2026-11-30')]],
  [FRI, 'payments on or after 25 Nov', [r('on or after 25 Nov', '2026-11-25', undefined)]],
  [FRI, 'payments no later than Friday', [r('no later than Friday', undefined, FRI)]],
  [NEWYEAR, 'fails since 1 December', [r('since 1 December', '2025-12-01', NEWYEAR)]],
  [NEWYEAR, 'fails since December', [r('since December', '2025-12-01', NEWYEAR)]],
  // --- between / from-to ---
  [FRI, 'fails between 1 and 15 November', [r('between 1 and 15 November', '2026-11-01', '2026-11-15')]],
  [FRI, 'fails from 3 Nov to 10 Nov', [r('from 3 Nov to 10 Nov', '2026-11-03', '2026-11-10')]],
  [FRI, 'fails between 2026-10-01 and 2026-10-15', [r('between 2026-10-01 and 2026-10-15', '2026-10-01', '2026-10-15')]],
  [FRI, 'fails from 3 to 10 November', [r('from 3 to 10 November', '2026-11-03', '2026-11-10')]],
  [FRI, 'fails 1-15 Nov', [r('1-15 Nov', '2026-11-01', '2026-11-15')]],
  [FRI, 'fails November 1 to 15', [r('November 1 to 15', '2026-11-01', '2026-11-15')]],
  [FRI, 'fails between November 1 and 15', [r('between November 1 and 15', '2026-11-01', '2026-11-15')]],
  [FRI, 'fails on November 1 and 15', [d('on November 1', '2026-11-01')]],
  [FRI, 'fails from Monday to Wednesday', [r('from Monday to Wednesday', '2026-11-16', '2026-11-18')]],
  [FRI, 'fails Oct-Dec 2025', [r('Oct-Dec 2025', '2025-10-01', '2025-12-31')]],
  [FRI, 'fails 2025 - 2026', []],
  [FRI, 'fails for the month of October', [r('for the month of October', '2026-10-01', '2026-10-31')]],
  [FRI, 'fails in the month of November 2025', [r('in the month of November 2025', '2025-11-01', '2025-11-30')]],
  [FRI, 'fails between July and September', [r('between July and September', '2026-07-01', '2026-09-30')]],
  [FRI, 'fails between 1 October and 15 November 2025', [r('between 1 October and 15 November 2025', '2025-10-01', '2025-11-15')]],
  [FRI, 'fails from 01/10/2026 to 15/10/2026', [r('from 01/10/2026 to 15/10/2026', '2026-10-01', '2026-10-15')]],
  [FRI, 'fails between Q1 and Q2 2025', [r('between Q1 and Q2 2025', '2025-01-01', '2025-06-30')]],
  [NEWYEAR, 'fails between 15 December and 10 January', [r('between 15 December and 10 January', '2025-12-15', '2026-01-10')]],
  // --- ages ---
  [FRI, 'How many failed settlements are older than 3 days?', [age('older than 3 days', '2026-11-16')]],
  [FRI, 'How many open confirmations were sent more than 5 days ago?', [age('more than 5 days ago', '2026-11-14')]],
  [FRI, 'confirmations aged more than 5 days', [age('aged more than 5 days', '2026-11-14')]],
  [FRI, 'exceptions over 10 days old', [age('over 10 days old', '2026-11-09')]],
  [FRI, 'exceptions at least 7 days old', [age('at least 7 days old', '2026-11-13')]],
  [FRI, 'exceptions 10 or more days old', [age('10 or more days old', '2026-11-10')]],
  [FRI, 'exceptions 10+ days old', [age('10+ days old', '2026-11-10')]],
  [FRI, 'confirmations sent at least 3 days ago', [age('at least 3 days ago', '2026-11-17')]],
  [FRI, 'breaks older than two weeks', [age('older than two weeks', '2026-11-05')]],
  [FRI, 'breaks older than 1 month', [age('older than 1 month', '2026-10-19')]],
  [FRI, 'calls sent more than a week ago', [age('more than a week ago', '2026-11-12')]],
  [FRI, 'exceptions open for more than 10 days', [age('for more than 10 days', '2026-11-09')]],
  [FRI, 'exceptions with an age over 30 days', [age('with an age over 30 days', '2026-10-20')]],
  [MON, 'failed settlements older than 3 days', [age('older than 3 days', '2026-11-12')]],
  [NEWYEAR, 'failed settlements older than 3 days', [age('older than 3 days', '2025-12-28')]],
  [LEAP, 'breaks older than 30 days', [age('older than 30 days', '2024-01-29')]],
  [AFTERLEAP, 'confirmations sent more than 1 day ago', [age('more than 1 day ago', '2024-02-28')]],
  // --- buckets ---
  [FRI, 'Open exceptions raised per day this month', [b('per day', 'day'), r('this month', '2026-11-01', FRI)]],
  [FRI, 'fails by day', [b('by day', 'day')]],
  [FRI, 'fails by day of week', []],
  [FRI, 'fails each day', [b('each day', 'day')]],
  [FRI, 'fails day by day', [b('day by day', 'day')]],
  [FRI, 'fails per week', [b('per week', 'week')]],
  [FRI, 'fails by week', [b('by week', 'week')]],
  [FRI, 'fails each week', [b('each week', 'week')]],
  [FRI, 'notional per month', [b('per month', 'month')]],
  [FRI, 'notional by month this year', [b('by month', 'month'), r('this year', '2026-01-01', FRI)]],
  [FRI, 'notional for each month', [b('for each month', 'month')]],
  [FRI, 'notional month by month', [b('month by month', 'month')]],
  [FRI, 'notional month on month', [b('month on month', 'month')]],
  [FRI, 'notional quarterly', [b('quarterly', 'quarter')]],
  [FRI, 'notional by quarter', [b('by quarter', 'quarter')]],
  [FRI, 'notional yearly', [b('yearly', 'year')]],
  [FRI, 'annual notional', [b('annual', 'year')]],
  [FRI, 'notional per year', [b('per year', 'year')]],
  [FRI, 'notional year on year', [b('year on year', 'year')]],
  [FRI, 'notional over time', []],
  // --- weeks of a date, period edges, rest of a period ---
  [FRI, 'payments in the week of 23 November', [r('in the week of 23 November', '2026-11-23', '2026-11-29')]],
  [FRI, 'trades w/c 16 Nov', [r('w/c 16 Nov', '2026-11-16', '2026-11-22')]],
  [FRI, 'fails week commencing 2026-11-09', [r('week commencing 2026-11-09', '2026-11-09', '2026-11-15')]],
  [NEWYEAR, 'fails in the week of 1 January', [r('in the week of 1 January', '2025-12-29', '2026-01-04')]],
  [FRI, 'fails since the start of the month', [r('since the start of the month', '2026-11-01', FRI)]],
  [FRI, 'fails since the beginning of the year', [r('since the beginning of the year', '2026-01-01', FRI)]],
  [FRI, 'fails since the start of last quarter', [r('since the start of last quarter', '2026-07-01', FRI)]],
  [FRI, 'payments due by the end of the month', [r('by the end of the month', undefined, '2026-11-30')]],
  [FRI, 'payments due by Friday', [r('by Friday', undefined, FRI)]],
  [FRI, 'payments until the end of next month', [r('until the end of next month', undefined, '2026-12-31')]],
  [FRI, 'positions at month-end', [d('at month-end', '2026-11-30')]],
  [FRI, 'positions at last month end', [d('at last month end', '2026-10-31')]],
  [FRI, 'positions at year-end', [d('at year-end', '2026-12-31')]],
  [FRI, 'positions at the end of October', [d('at the end of October', '2026-10-31')]],
  [LEAP, 'positions at month end', [d('at month end', LEAP)]],
  [FRI, 'payments for the rest of the month', [r('for the rest of the month', '2026-11-21', '2026-11-30')]],
  [FRI, 'payments later this week', [r('later this week', '2026-11-21', '2026-11-22')]],
  [FRI, 'fails earlier this week', [r('earlier this week', '2026-11-16', '2026-11-19')]],
  [MON, 'fails earlier this week', [r('this week', MON, MON)]], // nothing is earlier on a Monday: the week so far
  [FRI, 'payments between now and the end of the month', [r('between now and the end of the month', FRI, '2026-11-30')]],
  [FRI, 'fails up to now', [r('up to now', undefined, FRI)]],
  [FRI, "this morning's fails", [d("this morning's", FRI)]],
  [MON, 'fails since Friday', [r('since Friday', '2026-11-13', MON)]],
  [FRI, 'payments on 11/23/2026', [d('on 11/23/2026', '2026-11-23')]],
  [FRI, 'payments on 2026/11/23', [d('on 2026/11/23', '2026-11-23')]],
  // --- more ages and buckets ---
  [FRI, 'breaks 5 days or older', [age('5 days or older', '2026-11-15')]],
  [FRI, 'breaks open for 3 business days or more', [age('for 3 business days or more', '2026-11-17')]],
  [FRI, 'exceptions aged 10+ days', [age('aged 10+ days', '2026-11-10')]],
  [FRI, 'exceptions pending for over a week', [age('for over a week', '2026-11-12')]],
  [FRI, 'confirmations less than 5 days old', [{ text: 'less than 5 days old', from: '2026-11-16', role: 'age' }]],
  [FRI, 'trades newer than 2 weeks', [{ text: 'newer than 2 weeks', from: '2026-11-07', role: 'age' }]],
  [FRI, 'fails taking less than 5 days', []],
  [FRI, 'fails on a daily basis', [b('on a daily basis', 'day')]],
  [FRI, 'notional MoM', [b('MoM', 'month')]],
  [FRI, 'notional week-over-week', [b('week-over-week', 'week')]],
  // --- months and quarters relative to a year ---
  [FRI, 'fails in November of last year', [r('in November of last year', '2025-11-01', '2025-11-30')]],
  [FRI, 'fails in March this year', [r('in March this year', '2026-03-01', '2026-03-31')]],
  [FRI, 'fails last October', [r('last October', '2026-10-01', '2026-10-31')]],
  [FRI, 'fails last November', [r('last November', '2025-11-01', '2025-11-30')]],
  [FRI, 'maturities next March', [r('next March', '2027-03-01', '2027-03-31')]],
  [FRI, 'maturities next December', [r('next December', '2026-12-01', '2026-12-31')]],
  [FRI, 'fails in Q3 last year', [r('in Q3 last year', '2025-07-01', '2025-09-30')]],
  [NEWYEAR, 'fails last December', [r('last December', '2025-12-01', '2025-12-31')]],
  // --- ordinals, numeric day/month, weekends and weekdays in general ---
  [FRI, 'payments on the 5th', [d('on the 5th', '2026-11-05')]],
  [FRI, 'payments due the 5th of the month', [d('the 5th of the month', '2026-11-05')]],
  [FRI, 'fails between the 1st and the 15th', [r('between the 1st and the 15th', '2026-11-01', '2026-11-15')]],
  [FRI, 'show the 5th largest trade', []],
  [FRI, 'fails since the first of the month', [r('since the first of the month', '2026-11-01', FRI)]],
  [FRI, 'payments on the twenty-third of November', [d('on the twenty-third of November', '2026-11-23')]],
  [FRI, 'payments on the thirty-first of December 2026', [d('on the thirty-first of December 2026', '2026-12-31')]],
  [FRI, 'the second counterparty of the list', []],
  [FRI, 'net amount for value date 23/11', [d('23/11', '2026-11-23')]],
  [FRI, 'payments on 23/11', [d('on 23/11', '2026-11-23')]],
  [FRI, 'a ratio of 3/4', []],
  [FRI, 'payments falling on a weekend', []],
  [FRI, 'weekend payments', []],
  [FRI, 'settlements on a Monday', []],
  [FRI, 'fails every Friday', []],
  [FRI, 'trades with August Capital', []],
  [FRI, 'trades with Friday Partners', []],
  [FRI, 'fails since yesterday', [r('since yesterday', '2026-11-19', FRI)]],
  [FRI, 'positions as of yesterday', [d('as of yesterday', '2026-11-19')]],
  // --- durations that are not ages ---
  [FRI, 'trades with a maturity over 10 years', []],
  [FRI, 'confirmations with time to match more than 5 days', []],
  [FRI, 'swaps maturing in over 10 years', []],
  [FRI, 'exceptions open more than 5 days', [age('more than 5 days', '2026-11-14')]],
  [FRI, 'swaps over 10 years', []],
  [FRI, 'swaps of 10 years or more', []],
  [FRI, 'breaks outstanding for over a year', [age('for over a year', '2025-11-19')]],
  [FRI, 'disputes open more than 2 months', [age('more than 2 months', '2026-09-19')]],
  // --- word boundaries and sentences without time ---
  [FRI, 'trades booked by June Smith', []],
  [FRI, 'trades Jan booked', []],
  [FRI, 'April Jones trades in April', [r('in April', '2026-04-01', '2026-04-30')]],
  [FRI, 'what is open now', []],
  [FRI, 'fails on Mondays', []],
  [FRI, 'mom and dad', []],
  [FRI, 'trades by maturity', []],
  [FRI, 'margin calls with counterparties', []],
  [FRI, 'trades with the mayor of London', []],
  [FRI, 'explain the decision', []],
  [FRI, 'which trades may fail', []],
  [FRI, 'How many of the 5 may settle late', []],
  [FRI, 'marching orders', []],
  [FRI, 'the octopus desk', []],
  [FRI, 'separate settlements', []],
  [FRI, 'deciding factor', []],
  [FRI, 'Mondays are busy', []],
  [FRI, 'Update the confirmation for trade OTC-2026-0001234 to matched', []],
  [FRI, 'notional up to 2000 million', []],
  [FRI, 'How many live trades do we have with Northbridge Capital?', []],
  [FRI, 'Top 5 counterparties by total notional of live trades', []],
  [FRI, 'Which books have more than 5 open confirmation breaks?', []],
  [FRI, 'List the trades over 500 million USD notional', []],
  [FRI, 'Average age in days of open exceptions', []],
  [FRI, 'trades 2026', []],
  [FRI, 'bucket the day count', []],
  // --- several phrases in one question ---
  [FRI, 'Daily fails in October and weekly fails since Monday', [b('Daily', 'day'), r('in October', '2026-10-01', '2026-10-31'), b('weekly', 'week'), r('since Monday', '2026-11-16', FRI)]],
  [FRI, 'payments tomorrow and the day after tomorrow', [r('tomorrow and the day after tomorrow', '2026-11-21', '2026-11-22')]],
  [FRI, 'fails yesterday vs today', [d('yesterday', '2026-11-19'), d('today', FRI)]],
];

describe('parseTimeExpressions: table', () => {
  it.each(CASES)('[%s] %s', (today, text, expected) => {
    const got = parseTimeExpressions(text, today);
    expect(got.map((m) => m.text)).toEqual(expected.map((e) => e.text));
    got.forEach((m, i) => {
      const e = expected[i];
      expect(text.slice(m.start, m.end)).toBe(m.text);
      expect(m.start).toBe(text.indexOf(e.text));
      expect(m.range?.from).toBe(e.from);
      expect(m.range?.to).toBe(e.to);
      expect(m.bucket).toBe(e.bucket);
      expect(m.role).toBe(e.role);
      if (m.role === 'age') expect(m.description).toContain(e.to ? `on or before ${e.to}` : `on or after ${e.from}`);
      else if (m.range) expect(m.description).toContain(describeRange(m.range));
    });
  });
});

describe('parseTimeExpressions: offsets and descriptions', () => {
  it('gives character offsets the engine can cut out', () => {
    const q = 'Daily count of new trades for the last 7 days';
    const got = parseTimeExpressions(q, FRI);
    expect(got.map((m) => [m.start, m.end])).toEqual([
      [0, 5],
      [26, 45],
    ]);
    const rest = got.reduceRight((s, m) => s.slice(0, m.start) + s.slice(m.end), q);
    expect(rest).toBe(' count of new trades ');
  });

  it('describes the period with the actual dates', () => {
    const [m] = parseTimeExpressions('fails this month', FRI);
    expect(m.description).toBe('this month (2026-11-01 to 2026-11-20)');
    const [a] = parseTimeExpressions('older than 3 days', FRI);
    expect(a.description).toBe('older than 3 days (dated on or before 2026-11-16)');
    const [w] = parseTimeExpressions('weekly fails', FRI);
    expect(w.description).toBe('weekly (grouped by week)');
  });

  it('is case-insensitive and keeps the original casing in text', () => {
    const [m] = parseTimeExpressions('FAILS LAST MONTH', FRI);
    expect(m.text).toBe('LAST MONTH');
    expect(m.range).toEqual({ from: '2026-10-01', to: '2026-10-31' });
  });

  it('returns matches in text order without overlaps', () => {
    const got = parseTimeExpressions('monthly notional since 1 October, per week, in the last 30 days', FRI);
    for (let i = 1; i < got.length; i++) expect(got[i].start).toBeGreaterThanOrEqual(got[i - 1].end);
    expect(got.map((m) => m.text)).toEqual(['monthly', 'since 1 October', 'per week', 'in the last 30 days']);
  });

  it('depends only on the injected today', () => {
    const a = parseTimeExpressions('fails last week', '2025-06-18');
    const b2 = parseTimeExpressions('fails last week', '2025-06-18');
    expect(a).toEqual(b2);
    expect(a[0].range).toEqual({ from: '2025-06-09', to: '2025-06-15' });
  });

  it('rejects an invalid today with a coded error', () => {
    expect(() => parseTimeExpressions('today', '2026-02-30')).toThrow(expect.objectContaining({ code: 'OTC_ERR_INVALID_DATE' }));
    expect(() => parseTimeExpressions('today', '20/11/2026')).toThrow(expect.objectContaining({ code: 'OTC_ERR_INVALID_DATE' }));
  });
});

describe('date helpers', () => {
  it('adds days across months, years and leap days', () => {
    expect(addDays('2026-11-20', 1)).toBe('2026-11-21');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2026-11-20', -30)).toBe('2026-10-21');
  });
  it('adds months clamping to the month end', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2024-02-29', -12)).toBe('2023-02-28');
    expect(addMonths('2026-11-20', -11)).toBe('2025-12-20');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
  });
  it('finds Mondays and weekdays', () => {
    expect(mondayOf('2026-11-20')).toBe('2026-11-16');
    expect(mondayOf('2026-11-16')).toBe('2026-11-16');
    expect(mondayOf('2026-11-22')).toBe('2026-11-16');
    expect(mondayOf('2026-01-01')).toBe('2025-12-29');
    expect(isoWeekday('2026-11-22')).toBe(7);
    expect(isoWeekday('2024-02-29')).toBe(4);
  });
  it('moves over business days', () => {
    expect(nextBusinessDay('2026-11-20')).toBe('2026-11-23');
    expect(previousBusinessDay('2026-11-16')).toBe('2026-11-13');
    expect(addBusinessDays('2026-11-20', 3)).toBe('2026-11-25');
    expect(addBusinessDays('2026-11-18', -5)).toBe('2026-11-11');
    expect(addBusinessDays('2026-11-18', 0)).toBe('2026-11-18');
  });
  it('describes ranges', () => {
    expect(describeRange({ from: '2026-11-01', to: '2026-11-20' })).toBe('2026-11-01 to 2026-11-20');
    expect(describeRange({ from: '2026-11-20', to: '2026-11-20' })).toBe('2026-11-20');
    expect(describeRange({ from: '2026-11-01' })).toBe('from 2026-11-01');
    expect(describeRange({ to: '2026-11-14' })).toBe('up to 2026-11-14');
  });
  it('intersects ranges, open sides included', () => {
    expect(intersectRanges({ from: '2026-11-01', to: '2026-11-20' }, { to: '2026-11-16' })).toEqual({ from: '2026-11-01', to: '2026-11-16' });
    expect(intersectRanges({ from: '2026-11-01' }, { from: '2026-10-01', to: '2026-11-05' })).toEqual({ from: '2026-11-01', to: '2026-11-05' });
    expect(intersectRanges({ from: '2026-11-01', to: '2026-11-20' }, { to: '2026-10-31' })).toBeUndefined();
    expect(intersectRanges({}, {})).toEqual({});
  });
  it('removes matched phrases from the question', () => {
    const q = 'Daily settlement fails over the last 14 days?';
    expect(removeTimeExpressions(q, parseTimeExpressions(q, '2026-11-20'))).toBe('settlement fails?');
    const q2 = 'How many settlements are still pending for today\'s value date?';
    expect(removeTimeExpressions(q2, parseTimeExpressions(q2, '2026-11-20'))).toBe('How many settlements are still pending value date?');
  });
  it('reads numbers in digits and words', () => {
    expect(parseNumber('7')).toBe(7);
    expect(parseNumber('seven')).toBe(7);
    expect(parseNumber('twenty-one')).toBe(21);
    expect(parseNumber('thirty')).toBe(30);
    expect(parseNumber('a')).toBe(1);
    expect(parseNumber('lots')).toBeUndefined();
  });
});
