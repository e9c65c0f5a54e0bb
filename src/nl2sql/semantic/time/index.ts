/**
 * Time expressions for the semantic engine: finds phrases such as "this month", "last 7 days",
 * "23 November", "Q3 2026", "older than 3 days" or "weekly" in a question and resolves them to
 * inclusive ISO date ranges, buckets and age bounds, relative to an injected `today`.
 * Pure and deterministic (no clock access).
 */
export type { TimeBucket, DateRange } from './dates.js';
export type { TimeMatch } from './grammar.js';
export { parseTimeExpressions, removeTimeExpressions } from './grammar.js';
export { parseNumber } from './words.js';
export {
  addBusinessDays,
  addDays,
  addMonths,
  addYears,
  assertIso,
  daysBetween,
  daysInMonth,
  describeRange,
  endOfMonth,
  endOfQuarter,
  endOfYear,
  intersectRanges,
  isBusinessDay,
  isLeapYear,
  isValidIso,
  isoWeekday,
  mondayOf,
  monthRange,
  nextBusinessDay,
  previousBusinessDay,
  quarterOf,
  quarterRange,
  startOfMonth,
  startOfQuarter,
  startOfYear,
  sundayOf,
  yearRange,
} from './dates.js';
