/**
 * The grammar of time expressions in operations questions ("this month", "last 7 days",
 * "23 November", "older than 3 days", "weekly", ...). Deterministic and relative to an
 * injected `today`. Each rule is a regular expression plus a resolver; all rules run over the
 * text, and the longest non-overlapping matches win (so "since 1 October" beats "1 October").
 * A leading preposition ("in", "on", "for", "during", "over", "within", "from", "at", "as of")
 * and "the" are part of the match, so the engine can cut the whole phrase out; column words
 * ("value date" in "for value date 23 November") are left to the engine.
 *
 * Interpretations chosen where English is ambiguous:
 * - "last/past N months" = from (today minus N calendar months) + 1 day to today (month ends
 *   clamp: 29 Feb 2024 minus 12 months = 28 Feb 2023). "last N weeks" = N*7 days ending today.
 * - "the past week/month/year" and "rolling/trailing ..." = rolling periods ending today;
 *   "last week/month/quarter/year" = the previous calendar period (business rules).
 * - a month name without a year = the most recent such month not starting after today;
 *   "last October" = the most recent October before the current month; "next March" the first
 *   after it. A day and month without a year = that day in today's year (may be in the future),
 *   except after "since", where a future date falls back to the previous year.
 * - "Q3" without a year = the most recent third quarter not starting after today.
 * - a weekday name alone or with "this" = that day in the current Monday-to-Sunday week
 *   (after "since": the most recent one); "last Monday" = the most recent Monday before today;
 *   "next Monday" = the first after today; a weekday alone in a question in the past tense ("what
 *   did we settle on Friday?") = the most recent one. "the whole/full year" = the calendar year. "the weekend" = the current one on Saturday/Sunday,
 *   else the one just past. "a Monday", "every Friday", "a weekend" name no period.
 * - "last N business/working/trading days" = N Monday-to-Friday days ending today (today counted
 *   if a business day); "next N business days" = the N business days after today. No holidays.
 * - "before X" ends the day before X starts; "after X" starts the day after X ends; "until/
 *   through/by/no later than X" ends with X; "since X" = X's start to today; "from X onwards" is
 *   open-ended. "between X and Y" / "from X to Y" = X's start to Y's end (a year given on Y only
 *   applies to X too).
 * - ages give role 'age': "older than N days", "more than N days ago", "over N days old",
 *   "aged more than N days", "open for more than N days" -> range.to = today - N - 1;
 *   "at least N days old", "N days or older", "N+ days old" -> range.to = today - N;
 *   "less than N days old", "newer than N days" -> range.from = today - N + 1.
 * - "23 and 24 November" gives one match per day.
 * Skipped on purpose (ambiguous or not a period): "recently", "last day", "within N days",
 * "in N days", "over time", bare years without a preposition, "may" without a day, year or
 * preposition, abbreviated month names alone ("Jan"), month or weekday names that start a
 * proper name ("August Capital", "June Smith"), "the 5th largest", ratios like "3/4".
 */
import { addDays, assertIso, describeRange, type DateRange, type TimeBucket } from './dates.js';
import { RULES, type RuleResult } from './rules.js';
import { WDAY } from './words.js';

export interface TimeMatch {
  /** Character offsets of the phrase in the input text (end exclusive). */
  start: number;
  end: number;
  /** The matched phrase, exactly as in the text. */
  text: string;
  /** The period the phrase names, inclusive ISO dates; one side may be open. */
  range?: DateRange;
  /** The time bucket the phrase asks to group by ("daily", "per week", "by month", ...). */
  bucket?: TimeBucket;
  /** 'age': the phrase bounds the age of a record ("older than 3 days"); range.to is the latest date. */
  role?: 'age';
  /** Plain English with the actual dates, e.g. "this month (2026-11-01 to 2026-11-20)". */
  description: string;
}

// ---------------------------------------------------------------------------------------------
// Driver
// ---------------------------------------------------------------------------------------------

function describe(text: string, r: RuleResult): string {
  const phrase = text.replace(/\s+/g, ' ').trim();
  if (r.role === 'age' && r.range?.to) return `${phrase} (dated on or before ${r.range.to})`;
  if (r.role === 'age' && r.range?.from) return `${phrase} (dated on or after ${r.range.from})`;
  if (r.bucket) return `${phrase} (grouped by ${r.bucket})`;
  if (r.range) return `${phrase} (${describeRange(r.range)})`;
  return phrase;
}

/**
 * Finds the time expressions in `text`, resolved relative to `today` (YYYY-MM-DD).
 * Returns non-overlapping matches in text order; the longest phrase wins where rules overlap.
 */
export function parseTimeExpressions(text: string, today: string): TimeMatch[] {
  assertIso(today, 'as-of date (today)');
  const candidates: Array<TimeMatch & { priority: number; parts?: TimeMatch[] }> = [];
  RULES.forEach((r, priority) => {
    r.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = r.re.exec(text)) !== null) {
      const start = m.index;
      const matched = m[0];
      if (matched.length === 0) {
        r.re.lastIndex = start + 1;
        continue;
      }
      const res = r.resolve(m, today);
      if (res) {
        // Trim trailing whitespace that optional groups may have consumed.
        const t = matched.replace(/\s+$/, '');
        candidates.push({
          start,
          end: start + t.length,
          text: t,
          ...(res.range ? { range: res.range } : {}),
          ...(res.bucket ? { bucket: res.bucket } : {}),
          ...(res.role ? { role: res.role } : {}),
          description: describe(t, res),
          priority,
          parts: res.parts?.map((p) => {
            const pt = text.slice(start + p.offset, start + p.offset + p.length);
            return { start: start + p.offset, end: start + p.offset + p.length, text: pt, range: p.range, description: describe(pt, { range: p.range }) };
          }),
        });
      }
      r.re.lastIndex = start + 1;
    }
  });
  candidates.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start || a.priority - b.priority);
  const chosen: Array<TimeMatch & { priority: number; parts?: TimeMatch[] }> = [];
  for (const c of candidates) {
    if (chosen.some((x) => c.start < x.end && x.start < c.end)) continue;
    chosen.push(c);
  }
  chosen.sort((a, b) => a.start - b.start);
  return mergeAdjacentLists(text, chosen.flatMap(({ priority: _p, parts, ...rest }) => parts ?? [rest]).map((x) => pastWeekday(text, x, today)));
}

const BARE_WEEKDAY = new RegExp(`^(?:(?:on|for|of|from|at)\\s+)?${WDAY}(?:['\u2019]s)?$`, 'i');
const PAST_TENSE = /\b(?:did|was|were|had|happened)\b/i;
const PAST_VERB_BEFORE = /\b[a-z]{3,}ed\s+(?:on\s+)?$/i;
const FUTURE = /\b(?:will|due|scheduled|expected|upcoming|going\s+to|pending|next|coming)\b/i;

/**
 * A weekday named alone is the day of the current week, unless the question is in the past tense
 * ("how much did we settle on Friday?", "trades booked Friday" asked on a Monday): then it is the
 * most recent such day, as a person would read it.
 */
function pastWeekday(text: string, x: TimeMatch, today: string): TimeMatch {
  if (!x.range?.from || x.range.from !== x.range.to || x.range.from <= today || !BARE_WEEKDAY.test(x.text) || FUTURE.test(text)) return x;
  if (!PAST_TENSE.test(text) && !PAST_VERB_BEFORE.test(text.slice(0, x.start))) return x;
  const d = addDays(x.range.from, -7);
  return { ...x, range: { from: d, to: d }, description: describe(x.text, { range: { from: d, to: d } }) };
}

/**
 * "23 and 24 November", "in October and November", "last week and this week": periods joined by
 * "and"/","/"&"/"or" that touch or overlap become one match covering both (a reader would
 * otherwise intersect them). Periods with a gap between them stay separate matches: alternatives.
 */
function mergeAdjacentLists(text: string, matches: TimeMatch[]): TimeMatch[] {
  const out: TimeMatch[] = [];
  for (const m of matches) {
    const prev = out[out.length - 1];
    const joinable = (x: TimeMatch): boolean => !!x.range?.from && !!x.range?.to && !x.role && !x.bucket;
    if (prev && joinable(prev) && joinable(m) && /^\s*(?:,|&|and|or|,\s*(?:and|or))\s*$/i.test(text.slice(prev.end, m.start))) {
      const a = prev.range as Required<DateRange>;
      const b = m.range as Required<DateRange>;
      const touch = b.from <= addDays(a.to, 1) && a.from <= addDays(b.to, 1);
      if (touch) {
        const range = { from: a.from < b.from ? a.from : b.from, to: a.to > b.to ? a.to : b.to };
        const t = text.slice(prev.start, m.end);
        out[out.length - 1] = { start: prev.start, end: m.end, text: t, range, description: describe(t, { range }) };
        continue;
      }
    }
    out.push(m);
  }
  return out;
}



/**
 * The text with the given matches cut out (each replaced by one space, spaces collapsed), for the
 * engine to parse the rest of the question: "fails in the last 7 days by currency" -> "fails by currency".
 */
export function removeTimeExpressions(text: string, matches: ReadonlyArray<Pick<TimeMatch, 'start' | 'end'>>): string {
  const sorted = [...matches].sort((a, b) => b.start - a.start);
  let out = text;
  for (const m of sorted) out = out.slice(0, m.start) + ' ' + out.slice(m.end);
  return out.replace(/\s{2,}/g, ' ').replace(/\s+([?.!,;])/g, '$1').trim();
}
