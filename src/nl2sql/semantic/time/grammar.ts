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
 *   "next Monday" = the first after today. "the weekend" = the current one on Saturday/Sunday,
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
import {
  addBusinessDays,
  addDays,
  addMonths,
  assertIso,
  describeRange,
  endOfMonth,
  endOfQuarter,
  endOfYear,
  isBusinessDay,
  isValidYmd,
  isoWeekday,
  mondayOf,
  monthRange,
  nextBusinessDay,
  parseIso,
  previousBusinessDay,
  quarterOf,
  quarterRange,
  startOfMonth,
  startOfQuarter,
  startOfYear,
  yearRange,
  ymd,
  type DateRange,
  type TimeBucket,
} from './dates.js';

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
// Lexical pieces
// ---------------------------------------------------------------------------------------------

const MONTHS: Record<string, number> = {
  january: 1, jan: 1, february: 2, feb: 2, march: 3, mar: 3, april: 4, apr: 4, may: 5,
  june: 6, jun: 6, july: 7, jul: 7, august: 8, aug: 8, september: 9, sept: 9, sep: 9,
  october: 10, oct: 10, november: 11, nov: 11, december: 12, dec: 12,
};
const FULL_MONTH_NAMES = new Set(Object.keys(MONTHS).filter((k) => k.length > 4 || k === 'june' || k === 'july'));
const MON =
  '(?:january|february|march|april|may|june|july|august|september|october|november|december|' +
  'jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\\b(?:\\.(?=\\s*\\d))?';
const WEEKDAYS: Record<string, number> = {
  monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6, sunday: 7,
};
const WDAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const DAY = '(?:3[01]|[12]\\d|0?[1-9])(?:st|nd|rd|th)?(?![\\w])';
const YEAR = '(?:19|20)\\d{2}(?![\\w])';

const UNITS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17,
  eighteen: 18, nineteen: 19,
};
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const NUM =
  '(?:\\d{1,4}(?![\\w.,]\\d)|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine)\\b)?|' +
  'eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|one|two|three|four|five|six|seven|eight|nine|ten|a|an)\\b';

/** Parses "7", "seven", "twenty-one", "a" into a number. */
export function parseNumber(s: string): number | undefined {
  const t = s.trim().toLowerCase();
  if (/^\d+$/.test(t)) return Number(t);
  if (t === 'a' || t === 'an') return 1;
  if (/^couple(\s+of)?$/.test(t)) return 2;
  if (t in UNITS) return UNITS[t];
  const m = /^([a-z]+)(?:[- ]([a-z]+))?$/.exec(t);
  if (m && m[1] in TENS) {
    if (!m[2]) return TENS[m[1]];
    if (m[2] in UNITS && UNITS[m[2]] < 10) return TENS[m[1]] + UNITS[m[2]];
  }
  return undefined;
}

const ORDINAL_WORDS: string[] = (() => {
  const base = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth',
    'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth'];
  const out = [...base, 'twentieth'];
  for (const u of base.slice(0, 9)) out.push(`twenty-${u}`);
  out.push('thirtieth', 'thirty-first');
  return out;
})();
/** "first" .. "thirty-first" (also "twenty first"), longest first so the regex prefers them. */
const ORDW = '(?:' + [...ORDINAL_WORDS].sort((a, b) => b.length - a.length).map((w) => w.replace('-', '[- ]')).join('|') + ')\\b';
const ordinalWordDay = (w: string): number => ORDINAL_WORDS.indexOf(w.toLowerCase().replace(' ', '-')) + 1;

function monthNum(s: string): number {
  return MONTHS[s.toLowerCase().replace(/\.$/, '')];
}
function dayNum(s: string): number {
  return parseInt(s, 10);
}

// ---------------------------------------------------------------------------------------------
// Atoms: phrases naming one period ("23 November", "last month", "Q3 2026", "Monday", ...).
// They are matched on their own (with an optional preposition) and inside compounds
// ("since X", "between X and Y").
// ---------------------------------------------------------------------------------------------

interface AtomCtx {
  today: string;
  /** Year to use when the atom has none (from the other side of "between X and Y 2025"). */
  year?: number;
  /** Month to use for a bare day number ("between 1 and 15 November"). */
  month?: number;
  /** "since X": a day without a year that lies after today falls back one year. */
  pastBias?: boolean;
}

interface AtomValue {
  range: Required<DateRange>;
  /** The atom named a year itself. */
  explicitYear: boolean;
  /** The atom is too ambiguous on its own (bare year, "May"): needs a preposition or a compound. */
  needsContext?: boolean;
  /** For day-month atoms without a year: the resolved year and whether the result can be moved back. */
  movableYear?: boolean;
  /** Only meaningful inside a compound ("between now and Friday", "until now"). */
  compoundOnly?: boolean;
  /** A month name alone: a capitalised word after it makes it a person's name ("June Smith"). */
  bareMonth?: boolean;
  /** A month or weekday name alone, which may start a proper name ("August Capital", "Friday Partners"). */
  nameLike?: boolean;
  /** A bare number that is only a date in context (a year "2025", a day/month "3/4"). */
  weak?: boolean;
}

interface Atom {
  name: string;
  src: string;
  resolve(m: RegExpExecArray, ctx: AtomCtx): AtomValue | null;
}

const relYear = (w: string): number => (/^(last|previous|prior)$/i.test(w) ? -1 : /^next$/i.test(w) ? 1 : 0);

const single = (d: string): Required<DateRange> => ({ from: d, to: d });

function dayMonth(day: number, month: number, yearText: string | undefined, ctx: AtomCtx): AtomValue | null {
  let year = yearText ? Number(yearText) : ctx.year ?? parseIso(ctx.today).year;
  if (!isValidYmd(year, month, day)) {
    // 29 February without a year in a non-leap year: not a date.
    return null;
  }
  let d = ymd(year, month, day);
  if (!yearText && ctx.year === undefined && ctx.pastBias && d > ctx.today) {
    year -= 1;
    if (!isValidYmd(year, month, day)) return null;
    d = ymd(year, month, day);
  }
  return { range: single(d), explicitYear: !!yearText, movableYear: !yearText && ctx.year === undefined };
}

/** A lowercase "may" next to a number ("the 5 may settle late") is the verb unless a year or a preposition says otherwise. */
function mayNeedsContext(v: AtomValue | null, monthText: string, yearText: string | undefined): AtomValue | null {
  return v && monthText === 'may' && !yearText ? { ...v, needsContext: true } : v;
}

/** The most recent month `month` not starting after today (or in ctx.year). */
function namedMonth(month: number, yearText: string | undefined, ctx: AtomCtx): AtomValue {
  const t = parseIso(ctx.today);
  let year: number;
  if (yearText) year = Number(yearText);
  else if (ctx.year !== undefined) year = ctx.year;
  else year = month <= t.month ? t.year : t.year - 1;
  return { range: monthRange(year, month), explicitYear: !!yearText, movableYear: !yearText && ctx.year === undefined };
}

function namedQuarter(q: number, yearText: string | undefined, ctx: AtomCtx): AtomValue {
  const t = parseIso(ctx.today);
  let year: number;
  if (yearText) year = Number(yearText);
  else if (ctx.year !== undefined) year = ctx.year;
  else year = q <= quarterOf(ctx.today) ? t.year : t.year - 1;
  return { range: quarterRange(year, q), explicitYear: !!yearText, movableYear: !yearText && ctx.year === undefined };
}

function relativePeriod(which: string, unit: string, today: string): Required<DateRange> | null {
  const w = which.toLowerCase();
  const u = unit.toLowerCase();
  const kind = /^(this|current|present)$/.test(w) ? 0 : /^(last|previous|prior|past)$/.test(w) ? -1 : 1;
  switch (u) {
    case 'week': {
      const mon = mondayOf(today);
      if (kind === 0) return { from: mon, to: today };
      const start = addDays(mon, 7 * kind);
      return { from: start, to: addDays(start, 6) };
    }
    case 'month': {
      if (kind === 0) return { from: startOfMonth(today), to: today };
      const s = addMonths(startOfMonth(today), kind);
      const p = parseIso(s);
      return monthRange(p.year, p.month);
    }
    case 'quarter': {
      if (kind === 0) return { from: startOfQuarter(today), to: today };
      const s = addMonths(startOfQuarter(today), 3 * kind);
      return quarterRange(parseIso(s).year, quarterOf(s));
    }
    case 'year': {
      if (kind === 0) return { from: startOfYear(today), to: today };
      return yearRange(parseIso(today).year + kind);
    }
  }
  return null;
}

/** A bare number followed by an amount or a count noun is not a year ("up to 2000 trades"). */
const NOT_AMOUNT =
  '(?!\\s*(?:%|m\\b|mn\\b|mm\\b|bn\\b|k\\b|million|billion|thousand|usd|eur|gbp|jpy|chf|dollars|trades|settlements|' +
  'confirmations|payments|calls|exceptions|rows|records|items|times|days|weeks|months|years|counterparties)\\b)';

/** The whole calendar week/month/quarter/year containing today. */
function fullPeriod(unit: string, today: string): Required<DateRange> | null {
  const r = relativePeriod('this', unit, today);
  if (!r) return null;
  const u = unit.toLowerCase();
  const to =
    u === 'week' ? addDays(r.from, 6) : u === 'month' ? endOfMonth(today) : u === 'quarter' ? endOfQuarter(today) : endOfYear(today);
  return { from: r.from, to };
}

/** Atoms naming one calendar day, used inside "week of <date>". */
const DATE_SRC =
  '(?:\\d{4}[-/]\\d{1,2}[-/]\\d{1,2}|\\d{1,2}[/.-]\\d{1,2}[/.-](?:\\d{4}|\\d{2})|' +
  `${DAY}(?:\\s+of\\s+|[\\s-]+)${MON}(?:(?:,?\\s+|-)${YEAR})?|${MON}\\s+(?:the\\s+)?${DAY}(?:,?\\s+${YEAR})?|today|yesterday|tomorrow|` +
  `(?:(?:this|last|previous|next|coming)\\s+)?${WDAY})`;

function resolveDate(text: string, ctx: AtomCtx): AtomValue | null {
  return resolveAtom(text, ctx);
}

const ATOMS: Atom[] = [
  {
    name: 'iso-date',
    src: '(?<![\\w/.-])(\\d{4})[-/](\\d{1,2})[-/](\\d{1,2})(?![\\w/-]|\\.\\d)',
    resolve(m) {
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      return isValidYmd(y, mo, d) ? { range: single(ymd(y, mo, d)), explicitYear: true } : null;
    },
  },
  {
    name: 'numeric-dmy',
    src: '(?<![\\w/.-])(\\d{1,2})[/.-](\\d{1,2})[/.-](\\d{4}|\\d{2})(?![\\w/-]|\\.\\d)',
    resolve(m) {
      const d = Number(m[1]);
      const mo = Number(m[2]);
      const y = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
      if (isValidYmd(y, mo, d)) return { range: single(ymd(y, mo, d)), explicitYear: true };
      // Day first (UK) unless that is impossible and month first is a real date (11/23/2026).
      if (isValidYmd(y, d, mo)) return { range: single(ymd(y, d, mo)), explicitYear: true };
      return null;
    },
  },
  {
    name: 'numeric-dm',
    // "23/11" (day first): only after a preposition or "value date", never a ratio like "3/4".
    src: '(?<![\\w/.-])(3[01]|[12]\\d|0?[1-9])/(1[0-2]|0?[1-9])(?![\\w/.-]|\\.\\d)',
    resolve: (m, c) => {
      const v = dayMonth(Number(m[1]), Number(m[2]), undefined, c);
      return v ? { ...v, needsContext: true, weak: true } : null;
    },
  },
  {
    name: 'day-before-yesterday',
    src: '(?:the\\s+)?day\\s+before\\s+yesterday',
    resolve: (_m, c) => ({ range: single(addDays(c.today, -2)), explicitYear: false }),
  },
  {
    name: 'day-after-tomorrow',
    src: '(?:the\\s+)?day\\s+after\\s+tomorrow',
    resolve: (_m, c) => ({ range: single(addDays(c.today, 2)), explicitYear: false }),
  },
  {
    name: 'today',
    src: "(today|yesterday|tomorrow)(?:['\u2019]s)?\\b",
    resolve(m, c) {
      const w = m[1].toLowerCase();
      const n = w === 'today' ? 0 : w === 'yesterday' ? -1 : 1;
      return { range: single(addDays(c.today, n)), explicitYear: false };
    },
  },
  {
    name: 'part-of-today',
    src: "(?:this\\s+(?:morning|afternoon|evening)|tonight)(?:['\u2019]s)?\\b",
    resolve: (_m, c) => ({ range: single(c.today), explicitYear: false }),
  },
  {
    name: 'now',
    src: '(?:right\\s+)?now\\b',
    resolve: (_m, c) => ({ range: single(c.today), explicitYear: false, compoundOnly: true }),
  },
  {
    name: 'business-day',
    src: '(?:the\\s+)?(next|following|coming|previous|prior|last|preceding)\\s+(?:business|working|trading|banking)\\s+day\\b',
    resolve(m, c) {
      const fwd = /^(next|following|coming)$/i.test(m[1]);
      return { range: single(fwd ? nextBusinessDay(c.today) : previousBusinessDay(c.today)), explicitYear: false };
    },
  },
  {
    name: 'day-month-year',
    src: `(?:the\\s+)?(${DAY})(?:\\s+of\\s+|[\\s-]+)(${MON})(?:(?:,?\\s+|-)(${YEAR}))?`,
    resolve: (m, c) => mayNeedsContext(dayMonth(dayNum(m[1]), monthNum(m[2]), m[3], c), m[2], m[3]),
  },
  {
    name: 'month-day-year',
    src: `(${MON})\\s+(?:the\\s+)?(${DAY})(?:,?\\s+(${YEAR}))?`,
    resolve: (m, c) => mayNeedsContext(dayMonth(dayNum(m[2]), monthNum(m[1]), m[3], c), m[1], m[3]),
  },
  {
    name: 'month-year',
    src: `(?:month\\s+of\\s+)?(${MON})(?:(?:\\s+of\\s+|,?\\s+|-)(${YEAR})|\\s*['\u2019](\\d{2})(?![\\w]))`,
    resolve(m, c) {
      const y = m[2] ?? String(2000 + Number(m[3]));
      return namedMonth(monthNum(m[1]), y, c);
    },
  },
  {
    name: 'month-relative-year',
    src: `(${MON})\\s+(?:of\\s+)?(this|last|next|previous|prior)\\s+year\\b`,
    resolve(m, c) {
      const y = parseIso(c.today).year + relYear(m[2]);
      return { ...namedMonth(monthNum(m[1]), String(y), c), explicitYear: true };
    },
  },
  {
    name: 'relative-month-name',
    src: `(this|last|next|previous|coming)\\s+(${MON})`,
    resolve(m, c) {
      // "last October": the most recent October before the current month; "next March": the first after it.
      const month = monthNum(m[2]);
      const t = parseIso(c.today);
      const w = m[1].toLowerCase();
      let year = t.year;
      if (w === 'last' || w === 'previous') year = month < t.month ? t.year : t.year - 1;
      else if (w === 'next' || w === 'coming') year = month > t.month ? t.year : t.year + 1;
      return { range: monthRange(year, month), explicitYear: false };
    },
  },
  {
    name: 'iso-month',
    src: '(?<![\\w/.-])(\\d{4})-(0[1-9]|1[0-2])(?![\\w/-]|\\.\\d)',
    resolve: (m, c) => namedMonth(Number(m[2]), m[1], c),
  },
  {
    name: 'quarter',
    src: `(?:(${YEAR})\\s*-?\\s*)?\\bq([1-4])\\b(?:(?:\\s+of\\s+|\\s*-\\s*|\\s+)(${YEAR})|(?:\\s*-\\s*|\\s*['\u2019])(\\d{2})(?![\\w]))?`,
    resolve(m, c) {
      const y = m[1] ?? m[3] ?? (m[4] ? String(2000 + Number(m[4])) : undefined);
      return namedQuarter(Number(m[2]), y, c);
    },
  },
  {
    name: 'quarter-relative-year',
    src: '\\bq([1-4])\\s+(?:of\\s+)?(this|last|next|previous|prior)\\s+year\\b',
    resolve: (m, c) => ({ ...namedQuarter(Number(m[1]), String(parseIso(c.today).year + relYear(m[2])), c), explicitYear: true }),
  },
  {
    name: 'quarter-words',
    src: `(?:the\\s+)?(first|second|third|fourth|1st|2nd|3rd|4th)\\s+quarter(?:\\s+(?:of\\s+)?(${YEAR}))?`,
    resolve(m, c) {
      const q = { first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4 }[m[1].toLowerCase()] ?? 1;
      return namedQuarter(q, m[2], c);
    },
  },
  {
    name: 'half',
    // "H1 2026", "in H2", "the first half of 2025", "the second half of last year"; never "half of the trades".
    src: `(?:\\bh([12])\\b(?:\\s*-?\\s*(${YEAR}))?|(?:the\\s+)?(first|second)\\s+half(?:\\s+(?:of\\s+)?(?:the\\s+)?(?:(${YEAR})|(this|last|next|previous)\\s+year|year)\\b)?(?!\\s+of\\b))`,
    resolve(m, c) {
      const h = m[1] ? Number(m[1]) : m[3].toLowerCase() === 'first' ? 1 : 2;
      const yt = m[2] ?? m[4];
      const t = parseIso(c.today);
      let year = yt ? Number(yt) : m[5] ? t.year + relYear(m[5]) : c.year ?? t.year;
      const bare = !yt && !m[5] && !/year$/i.test(m[0]);
      if (!yt && !m[5] && c.year === undefined && h === 2 && t.month < 7) year -= 1;
      return {
        range: { from: ymd(year, h === 1 ? 1 : 7, 1), to: h === 1 ? ymd(year, 6, 30) : ymd(year, 12, 31) },
        explicitYear: !!yt,
        needsContext: bare,
      };
    },
  },
  {
    name: 'week-of',
    src: `(?:the\\s+)?(?:week\\s+(?:of|commencing|beginning|starting|ending)|w/c|w\\.c\\.)\\s+(?:the\\s+)?(${DATE_SRC})`,
    resolve(m, c) {
      const v = resolveDate(m[1], c);
      if (!v) return null;
      const mon = mondayOf(v.range.from);
      return { range: { from: mon, to: addDays(mon, 6) }, explicitYear: v.explicitYear };
    },
  },
  {
    name: 'period-edge',
    src: `(?:the\\s+)?(start|beginning|end|close)\\s+of\\s+(?:the\\s+)?(?:(?:(this|current|last|previous|prior|next|coming)\\s+)?(week|month|quarter|year)|(${MON})(?:\\s+(${YEAR}))?)\\b`,
    resolve(m, c) {
      const start = !/^(end|close)$/i.test(m[1]);
      let r: Required<DateRange> | null;
      if (m[3]) {
        const which = m[2] ?? 'this';
        r = relativePeriod(which, m[3], c.today);
        // "end of this month" is the month's last day, not today.
        if (r && /^(this|current)$/i.test(which)) r = fullPeriod(m[3], c.today);
      } else {
        r = namedMonth(monthNum(m[4]), m[5], c).range;
      }
      if (!r) return null;
      return { range: single(start ? r.from : r.to), explicitYear: !!m[5] };
    },
  },
  {
    name: 'period-end',
    src: `(?:(this|current|last|previous|prior|next|coming)\\s+)?(month|quarter|year|week)[\\s-]end\\b`,
    resolve(m, c) {
      const which = m[1] ?? 'this';
      const r = /^(this|current)$/i.test(which) ? fullPeriod(m[2], c.today) : relativePeriod(which, m[2], c.today);
      return r ? { range: single(r.to), explicitYear: false } : null;
    },
  },
  {
    name: 'rest-of',
    src: '(?:(?:the\\s+)?(?:rest|remainder|balance)\\s+of\\s+(?:the|this)|later\\s+this)\\s+(week|month|quarter|year)\\b',
    resolve(m, c) {
      const r = fullPeriod(m[1], c.today);
      if (!r || r.to <= c.today) return null;
      return { range: { from: addDays(c.today, 1), to: r.to }, explicitYear: false };
    },
  },
  {
    name: 'earlier-this',
    src: 'earlier\\s+this\\s+(week|month|quarter|year)\\b',
    resolve(m, c) {
      const r = fullPeriod(m[1], c.today);
      if (!r || r.from >= c.today) return null;
      return { range: { from: r.from, to: addDays(c.today, -1) }, explicitYear: false };
    },
  },
  {
    name: 'relative-period',
    src: "(?:the\\s+)?(?:so\\s+far\\s+)?(this|current|present|last|previous|prior|next|coming|following)\\s+(?:calendar\\s+)?(week|month|quarter|year)(?:['\u2019]s)?(?:\\s+(?:so\\s+far|to\\s+date))?\\b",
    resolve(m, c) {
      const r = relativePeriod(m[1], m[2], c.today);
      return r ? { range: r, explicitYear: false } : null;
    },
  },
  {
    name: 'period-before-last',
    src: '(?:the\\s+)?(week|month|quarter|year)\\s+before\\s+last\\b',
    resolve(m, c) {
      const u = m[1].toLowerCase();
      const prev = relativePeriod('last', u, c.today)!;
      const r = relativePeriod('last', u, prev.from)!;
      return { range: r, explicitYear: false };
    },
  },
  {
    name: 'to-date',
    src: '(?:(week|month|quarter|year)[\\s-]+to[\\s-]+date|(wtd|mtd|qtd|ytd))\\b',
    resolve(m, c) {
      const key = (m[1] ?? m[2]).toLowerCase();
      const unit = ({ wtd: 'week', mtd: 'month', qtd: 'quarter', ytd: 'year' } as Record<string, string>)[key] ?? key;
      return { range: relativePeriod('this', unit, c.today)!, explicitYear: false };
    },
  },
  {
    name: 'weekend',
    // "a weekend", "weekend payments": any weekend, not a period.
    src: '(?:(?:the\\s+)?(this|last|previous|past|next|coming)\\s+|the\\s+)weekend\\b',
    resolve(m, c) {
      // "the weekend" alone: the current one on Saturday/Sunday, else the one just past.
      const w = (m[1] ?? (isoWeekday(c.today) >= 6 ? 'this' : 'last')).toLowerCase();
      const shift = w === 'this' ? 0 : /^(next|coming)$/.test(w) ? 7 : -7;
      const sat = addDays(mondayOf(c.today), 5 + shift);
      return { range: { from: sat, to: addDays(sat, 1) }, explicitYear: false };
    },
  },
  {
    name: 'ago',
    src: `(${NUM})\\s+(days?|weeks?|months?|years?)\\s+ago\\b`,
    resolve(m, c) {
      const n = parseNumber(m[1]);
      if (n === undefined) return null;
      const u = m[2].toLowerCase().replace(/s$/, '');
      const d = u === 'day' ? addDays(c.today, -n) : u === 'week' ? addDays(c.today, -7 * n) : addMonths(c.today, -(u === 'month' ? n : 12 * n));
      return { range: single(d), explicitYear: false };
    },
  },
  {
    name: 'weekday',
    // "a Monday", "every Friday", "any Sunday" are no particular day.
    src: `(?<!\\b(?:a|every|each|any)\\s+)(?:(this|last|previous|past|next|coming)\\s+)?(${WDAY})(?:['\u2019]s)?\\b(?!s)`,
    resolve(m, c) {
      const w = (m[1] ?? 'this').toLowerCase();
      const wd = WEEKDAYS[m[2].toLowerCase()];
      const cur = addDays(mondayOf(c.today), wd - 1);
      let d = cur;
      if (/^(last|previous|past)$/.test(w)) d = cur < c.today ? cur : addDays(cur, -7);
      else if (c.pastBias && !m[1] && cur > c.today) d = addDays(cur, -7); // "since Friday" on a Monday
      else if (/^(next|coming)$/.test(w)) d = cur > c.today ? cur : addDays(cur, 7);
      return { range: single(d), explicitYear: false, nameLike: !m[1] };
    },
  },
  {
    name: 'ordinal-word-day',
    // "the first of November", "the fifteenth of the month" (never "the second counterparty")
    src: `the\\s+(${ORDW})\\s+of\\s+(?:(${MON})(?:,?\\s+(${YEAR}))?|(?:this|the)\\s+month\\b)`,
    resolve(m, c) {
      const day = ordinalWordDay(m[1]);
      if (m[2]) return dayMonth(day, monthNum(m[2]), m[3], c);
      const t = parseIso(c.today);
      const year = c.year ?? t.year;
      const month = c.month ?? t.month;
      return isValidYmd(year, month, day) ? { range: single(ymd(year, month, day)), explicitYear: false } : null;
    },
  },
  {
    name: 'ordinal-day',
    // "on the 5th" (of this month); never "the 5th largest".
    src:
      '(?:the\\s+)(3[01]st|[12]?1st|[12]?2nd|[12]?3rd|(?:[12]\\d|[4-9]|30)th)\\b(?:(\\s+of\\s+(?:this|the)\\s+month)|' +
      '(?!\\s+(?:largest|biggest|highest|lowest|smallest|most|least|best|worst|top|time|place|row|item|entry|percentile|position|trade|counterparty)\\b))',
    resolve(m, c) {
      const t = parseIso(c.today);
      const year = c.year ?? t.year;
      const month = c.month ?? t.month;
      const d = dayNum(m[1]);
      if (!isValidYmd(year, month, d)) return null;
      return { range: single(ymd(year, month, d)), explicitYear: false, needsContext: !m[2] };
    },
  },
  {
    name: 'month',
    // Not the month of an invalid day ("31 April", "February 30"): those are no date at all.
    src: `(?:month\\s+of\\s+)?(?<!\\d(?:st|nd|rd|th)?[\\s-]+(?:of\\s+)?)(${MON})(?![\\s-]+(?:the\\s+)?\\d)`,
    resolve(m, c) {
      const v = { ...namedMonth(monthNum(m[1]), undefined, c), bareMonth: true, nameLike: true };
      const word = m[1].toLowerCase().replace(/\.$/, '');
      return word === 'may' || !FULL_MONTH_NAMES.has(word) ? { ...v, needsContext: true } : v;
    },
  },
  {
    name: 'year',
    src: `(?<![\\w/.$£€-])(?:(calendar\\s+year|year|cy)\\s*)?(${YEAR})(?![/-]\\d)${NOT_AMOUNT}`,
    resolve(m) {
      return { range: yearRange(Number(m[2])), explicitYear: true, needsContext: !m[1], weak: !m[1] };
    },
  },
];

/** Any atom (wrapped non-capturing), in priority order: longer, more specific forms first. */
const ATOM_SRC = '(?:' + ATOMS.map((a) => `(?:${a.src})`).join('|') + ')';
const ANCHORED = ATOMS.map((a) => ({ atom: a, re: new RegExp(`^(?:${a.src})$`, 'i') }));

/** Resolves the text of one atom (as captured inside a compound). */
function resolveAtom(text: string, ctx: AtomCtx): AtomValue | null {
  const t = text.trim();
  for (const { atom, re } of ANCHORED) {
    const m = re.exec(t);
    if (!m) continue;
    const v = atom.resolve(m, ctx);
    if (v) return v;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Top-level rules
// ---------------------------------------------------------------------------------------------

interface RuleResult {
  range?: DateRange;
  bucket?: TimeBucket;
  role?: 'age';
  /** A list of days ("23 and 24 November"): one match per day, offsets relative to the rule's match. */
  parts?: Array<{ offset: number; length: number; range: Required<DateRange> }>;
}

interface Rule {
  name: string;
  re: RegExp;
  resolve(m: RegExpExecArray, today: string): RuleResult | null;
}

const PREP = '(?:(?:in|on|for|during|over|within|throughout|from|at|as\\s+(?:of|at))\\s+)?';

function rule(name: string, src: string, resolve: Rule['resolve']): Rule {
  // A possessive ("October's fails") belongs to the phrase; no match starts or ends inside a word.
  return { name, re: new RegExp(`(?<![\\w'\u2019-])(?:${src})(?:['\u2019]s\\b)?(?![\\w-]|['\u2019][a-z])`, 'gi'), resolve };
}

/** "last 7 days", "past two weeks", "next 30 days", "last 3 months", "next 5 business days". */
function rollingRange(dir: string, n: number, unitText: string, kindText: string | undefined, today: string): DateRange | null {
  if (n <= 0 || n > 3660) return null;
  const fwd = /^(next|coming|following)$/i.test(dir);
  const unit = unitText.toLowerCase().replace(/s$/, '');
  const business = !!kindText && /business|working|trading|banking/i.test(kindText);
  if (business) {
    if (unit !== 'day') return null;
    if (fwd) return { from: nextBusinessDay(today), to: addBusinessDays(today, n) };
    const end = isBusinessDay(today) ? today : previousBusinessDay(today);
    return { from: addBusinessDays(end, -(n - 1)), to: today };
  }
  switch (unit) {
    case 'day':
      return fwd ? { from: addDays(today, 1), to: addDays(today, n) } : { from: addDays(today, -(n - 1)), to: today };
    case 'week':
    case 'fortnight': {
      const days = (unit === 'week' ? 7 : 14) * n;
      return fwd ? { from: addDays(today, 1), to: addDays(today, days) } : { from: addDays(today, -(days - 1)), to: today };
    }
    case 'month':
    case 'year': {
      const months = unit === 'month' ? n : 12 * n;
      return fwd ? { from: addDays(today, 1), to: addMonths(today, months) } : { from: addDays(addMonths(today, -months), 1), to: today };
    }
  }
  return null;
}

/** For ages: the latest date that is "more than N units" old (strict) or "at least N" old. */
function ageBound(n: number, unitText: string, strict: boolean, today: string): string | null {
  if (n < 0 || n > 36600) return null;
  const unit = unitText.toLowerCase().replace(/s$/, '');
  let limit: string;
  if (unit === 'day') limit = addDays(today, -n);
  else if (/^(business|working|trading|banking) day$/.test(unit)) limit = addBusinessDays(today, -n);
  else if (unit === 'week') limit = addDays(today, -7 * n);
  else if (unit === 'month') limit = addMonths(today, -n);
  else if (unit === 'year') limit = addMonths(today, -12 * n);
  else return null;
  return strict ? addDays(limit, -1) : limit;
}

/**
 * "over 10 years" after a product is a tenor, not an age. A bound in months or years is an age
 * only after "for"/"aged" or a status ("open more than 2 months", "outstanding for over a year").
 */
function looksLikeTenor(m: RegExpExecArray, unitText: string): boolean {
  if (!/^(month|year)/i.test(unitText)) return false;
  if (/^(for|aged)\b/i.test(m[0])) return false;
  const before = m.input.slice(0, m.index);
  return !/\b(?:open|outstanding|pending|unresolved|unmatched|unsettled|unconfirmed|failing|failed|disputed|unpaid|overdue|aged|been)\s*$/i.test(before);
}

const AGE_UNIT = '((?:business\\s+|working\\s+|trading\\s+|banking\\s+)?days?|weeks?|months?|years?)';
const normUnit = (u: string): string => u.toLowerCase().replace(/\s+/g, ' ');

function bucketOf(word: string): TimeBucket | undefined {
  const w = word.toLowerCase();
  if (/^(day|daily|date)/.test(w)) return 'day';
  if (/^week/.test(w)) return 'week';
  if (/^month/.test(w)) return 'month';
  if (/^quarter/.test(w)) return 'quarter';
  if (/^(year|annual)/.test(w)) return 'year';
  return undefined;
}

const RULES: Rule[] = [
  // --- buckets ---
  rule('bucket-adverb', '(daily|weekly|monthly|quarterly|yearly|annually|annual)', (m) => ({ bucket: bucketOf(m[1]) })),
  rule(
    'bucket-per',
    // not "by day of week" / "by month of maturity"-style groupings on a part of a date
    '(?:per|by|each|every|for\\s+each|broken\\s+down\\s+by|grouped\\s+by|split\\s+by)\\s+(?:calendar\\s+)?(day|week|month|quarter|year)(?!\\s+of\\s+(?:the\\s+)?(?:week|month|year|quarter)\\b)',
    (m) => ({ bucket: bucketOf(m[1]) }),
  ),
  rule(
    'bucket-x-by-x',
    '(day|week|month|quarter|year)[\\s-]+(?:by|on|over)[\\s-]+(day|week|month|quarter|year)',
    (m) => (m[1].toLowerCase() === m[2].toLowerCase() ? { bucket: bucketOf(m[1]) } : null),
  ),
  // --- ages ---
  rule(
    'age-older',
    `(?:older\\s+than|aged\\s+(?:more\\s+than|over|above|greater\\s+than|>)|(?:with\\s+an?\\s+)?age\\s+(?:of\\s+)?(?:more\\s+than|over|above|greater\\s+than|>))\\s*(${NUM})\\s+${AGE_UNIT}`,
    (m, today) => {
      const n = parseNumber(m[1]);
      const to = n === undefined ? null : ageBound(n, normUnit(m[2]), true, today);
      return to ? { range: { to }, role: 'age' } : null;
    },
  ),
  rule(
    'age-ago',
    `(?:(more\\s+than|over|longer\\s+than|at\\s+least|no\\s+less\\s+than)\\s+)(${NUM})\\s+${AGE_UNIT}\\s+ago`,
    (m, today) => {
      const n = parseNumber(m[2]);
      const strict = !/at\s+least|no\s+less/i.test(m[1]);
      const to = n === undefined ? null : ageBound(n, normUnit(m[3]), strict, today);
      return to ? { range: { to }, role: 'age' } : null;
    },
  ),
  rule(
    'age-old',
    `(?:(more\\s+than|over|at\\s+least|no\\s+less\\s+than)\\s+)?(${NUM})(\\+|\\s+or\\s+more)?\\s+${AGE_UNIT}\\s+(?:old|or\\s+more\\s+old)(\\s+or\\s+more)?`,
    (m, today) => {
      const n = parseNumber(m[2]);
      if (n === undefined) return null;
      const strict = !!m[1] && !/at\s+least|no\s+less/i.test(m[1]);
      if (!m[1] && !m[3] && !m[5]) return null; // "3 days old" alone: exact age, not a bound
      const to = ageBound(n, normUnit(m[4]), strict, today);
      return to ? { range: { to }, role: 'age' } : null;
    },
  ),
  rule(
    'age-for-more-than',
    `(?<!\\b(?:in|maturity|maturities|tenor|tenors|term|duration|life|match|resolve|settle|resolution|lag|delay)\\s)(?:for\\s+)?(more\\s+than|over|longer\\s+than|at\\s+least)\\s+(${NUM})\\s+${AGE_UNIT}(?=\\s*(?:$|[?.!,;]|and\\b|or\\b|with\\b|by\\b|per\\b|in\\b|at\\b|for\\b))`,
    (m, today) => {
      // "open for more than 10 days", "aged over 5 days" (end of clause only: "over 5 days" before a noun is not an age)
      if (looksLikeTenor(m, m[3])) return null;
      const n = parseNumber(m[2]);
      const strict = !/at\s+least/i.test(m[1]);
      const to = n === undefined ? null : ageBound(n, normUnit(m[3]), strict, today);
      return to ? { range: { to }, role: 'age' } : null;
    },
  ),
  rule(
    'age-or-more',
    `(?:(?:aged|for)\\s+)?(${NUM})\\s*(\\+|\\s+or\\s+more|\\s+plus)?\\s+${AGE_UNIT}(?:\\s+(?:or|and)\\s+(?:more|longer|older|over|above))`,
    (m, today) => {
      // "5 days or more", "for 3 business days or longer", "aged 10 days or older": date <= today - N
      if (looksLikeTenor(m, m[3])) return null;
      const n = parseNumber(m[1]);
      const to = n === undefined ? null : ageBound(n, normUnit(m[3]), false, today);
      return to ? { range: { to }, role: 'age' } : null;
    },
  ),
  rule(
    'age-plus',
    `aged\\s+(${NUM})\\s*\\+\\s*${AGE_UNIT}`,
    (m, today) => {
      const n = parseNumber(m[1]);
      const to = n === undefined ? null : ageBound(n, normUnit(m[2]), false, today);
      return to ? { range: { to }, role: 'age' } : null;
    },
  ),
  rule(
    'age-younger',
    `(?:(?:less|fewer)\\s+than|under|younger\\s+than|newer\\s+than|not\\s+older\\s+than)\\s+(${NUM})\\s+${AGE_UNIT}(\\s+old)?`,
    (m, today) => {
      // "less than 5 days old", "newer than 2 weeks": date > today - N
      const startsWithLess = /^(less|fewer|under)/i.test(m[0]);
      if (startsWithLess && !m[3]) return null; // "less than 5 days" alone is a duration, not an age
      const n = parseNumber(m[1]);
      const limit = n === undefined ? null : ageBound(n, normUnit(m[2]), /^not/i.test(m[0]), today);
      if (!limit) return null;
      return { range: { from: addDays(limit, 1) }, role: 'age' };
    },
  ),
  rule(
    'bucket-basis',
    'on\\s+an?\\s+(daily|weekly|monthly|quarterly|yearly|annual)\\s+basis',
    (m) => ({ bucket: bucketOf(m[1]) }),
  ),
  rule('bucket-abbrev', '(mom|qoq|yoy)', (m, _t) => {
    const w = m[0];
    if (w !== w.toUpperCase() && w !== 'MoM' && w !== 'QoQ' && w !== 'YoY') return null;
    return { bucket: ({ mom: 'month', qoq: 'quarter', yoy: 'year' } as Record<string, TimeBucket>)[w.toLowerCase()] };
  }),
  // --- rolling windows ---
  rule(
    'rolling-n',
    `${PREP}(?:(?:the|a)\\s+)?(last|past|previous|prior|trailing|rolling|recent|next|coming|following|upcoming)\\s+(${NUM}|couple(?:\\s+of)?)\\s+(calendar\\s+|business\\s+|working\\s+|trading\\s+|banking\\s+)?(days?|weeks?|fortnights?|months?|years?)`,
    (m, today) => {
      const n = parseNumber(m[2]);
      if (n === undefined || /^an?$/i.test(m[2])) return null;
      const r = rollingRange(m[1].replace(/^(trailing|rolling|recent)$/i, 'last').replace(/^upcoming$/i, 'next'), n, m[4], m[3], today);
      return r ? { range: r } : null;
    },
  ),
  rule(
    'rolling-1',
    `${PREP}(?:the\\s+)?(past|trailing|rolling|next|coming|following)\\s+(week|fortnight|month|year|(?:business|working)\\s+week)`,
    (m, today) => {
      // "the past week" = rolling 7 days ending today ("last week" is the calendar week, an atom).
      const dir = m[1].toLowerCase();
      if (/^(next|coming|following)$/.test(dir) && !/fortnight/i.test(m[2])) return null; // "next week" = calendar week (atom)
      const unit = m[2].toLowerCase();
      const d = dir === 'past' || dir === 'trailing' || dir === 'rolling' ? 'last' : 'next';
      const r = /business|working/.test(unit) ? rollingRange(d, 5, 'days', 'business', today) : rollingRange(d, 1, unit, undefined, today);
      return r ? { range: r } : null;
    },
  ),
  rule(
    'last-fortnight',
    `${PREP}(?:the\\s+)?(?:last)\\s+fortnight`,
    (_m, today) => ({ range: rollingRange('last', 14, 'days', undefined, today)! }),
  ),
  // --- day ranges inside one month: "between 1 and 15 November", "1-15 Nov", "November 1 to 15" ---
  rule(
    'day-span',
    `(?:(between)\\s+(?:the\\s+)?(${DAY})\\s+and|(from)\\s+(?:the\\s+)?(${DAY})\\s+(?:to|until|till|through|thru|-|\u2013)|(?:the\\s+)?(${DAY})\\s*(?:-|\u2013|to|through|thru)\\s*)\\s*(?:the\\s+)?(${DAY})\\s+(?:of\\s+)?(${MON})(?:,?\\s+(${YEAR}))?`,
    (m, today) => {
      const d1 = dayNum(m[2] ?? m[4] ?? m[5]);
      const d2 = dayNum(m[6]);
      const month = monthNum(m[7]);
      const a = dayMonth(d1, month, m[8], { today });
      const b = dayMonth(d2, month, m[8], { today });
      if (!a || !b || a.range.from > b.range.to) return null;
      return { range: { from: a.range.from, to: b.range.to } };
    },
  ),
  rule(
    'day-span-month-first',
    `(?:(between)\\s+|from\\s+)?(${MON})\\s+(${DAY})\\s*(-|\u2013|to|through|thru|and)\\s*(${DAY})(?:,?\\s+(${YEAR}))?`,
    (m, today) => {
      // "November 1 and 15" without "between" is two days, not a span.
      if (m[4].toLowerCase() === 'and' && !m[1]) return null;
      const month = monthNum(m[2]);
      const a = dayMonth(dayNum(m[3]), month, m[6], { today });
      const b = dayMonth(dayNum(m[5]), month, m[6], { today });
      if (!a || !b || a.range.from > b.range.to) return null;
      return { range: { from: a.range.from, to: b.range.to } };
    },
  ),
  // --- a list of days of one month: "23 and 24 November", "1, 2 and 3 Dec 2026" ---
  rule(
    'day-list',
    `(?:on\\s+|for\\s+)?((?:${DAY})(?:\\s*,\\s*(?:${DAY}))*\\s*(?:,\\s*)?(?:and|&)\\s+)(${DAY})\\s+(?:of\\s+)?(${MON})(?:,?\\s+(${YEAR}))?`,
    (m, today) => {
      const month = monthNum(m[3]);
      const head = m[1];
      const headStart = m[0].indexOf(head);
      const parts: NonNullable<RuleResult['parts']> = [];
      const re = /\d{1,2}(?:st|nd|rd|th)?/g;
      let dm: RegExpExecArray | null;
      while ((dm = re.exec(head)) !== null) {
        const v = dayMonth(dayNum(dm[0]), month, m[4], { today });
        if (!v) return null;
        parts.push({ offset: headStart + dm.index, length: dm[0].length, range: v.range });
      }
      const lastStart = headStart + head.length;
      const last = dayMonth(dayNum(m[2]), month, m[4], { today });
      if (!last) return null;
      // The first part keeps the preposition ("on 23"); the last carries the month ("24 November").
      parts[0] = { ...parts[0], offset: 0, length: parts[0].offset + parts[0].length };
      parts.push({ offset: lastStart, length: m[0].length - lastStart, range: last.range });
      return { range: { from: parts[0].range.from, to: last.range.to }, parts };
    },
  ),
  // --- compounds over two atoms ---
  rule(
    'between',
    `(?:(between)\\s+(?<a1>${ATOM_SRC})\\s+and\\s+(?<b1>${ATOM_SRC})|(from)\\s+(?<a2>${ATOM_SRC})\\s+(?:to|until|till|through|thru|-|\u2013)\\s+(?<b2>${ATOM_SRC})|(?<a3>${ATOM_SRC})\\s*(?:-|\u2013|to|until|till|through|thru)\\s*(?<b3>${ATOM_SRC}))`,
    (m, today) => {
      const g = m.groups ?? {};
      const aText = g.a1 ?? g.a2 ?? g.a3;
      const bText = g.b1 ?? g.b2 ?? g.b3;
      if (!aText || !bText) return null;
      const b = resolveAtom(bText, { today });
      if (!b) return null;
      let a = b.explicitYear ? resolveAtom(aText, { today, year: parseIso(b.range.from).year }) : null;
      if (!a || !b.explicitYear) a = resolveAtom(aText, { today });
      if (!a) return null;
      // Without "between"/"from", only dates or months on both sides ("1 Nov to 10 Nov", "Oct-Dec"), not "2025 - 2026".
      if (g.a3 !== undefined && (a.weak || b.weak)) return null;
      if (a.range.from > b.range.to && a.movableYear) {
        const back = resolveAtom(aText, { today, year: parseIso(a.range.from).year - 1 });
        if (back) a = back;
      }
      if (a.range.from > b.range.to) return null;
      return { range: { from: a.range.from, to: b.range.to } };
    },
  ),
  rule(
    'since',
    `(?:ever\\s+)?(since|starting(?:\\s+from)?|from)\\s+(?<a>${ATOM_SRC})(?<on>\\s+(?:onwards?|forwards?))?`,
    (m, today) => {
      const kw = m[1].toLowerCase();
      const onwards = !!m.groups?.on;
      if (kw === 'from' && !onwards) return null; // plain "from X" is an atom with a preposition
      const a = resolveAtom(m.groups!.a, { today, pastBias: !onwards });
      if (!a) return null;
      if (onwards) return { range: { from: a.range.from } };
      if (a.range.from > today) return null;
      return { range: { from: a.range.from, to: today } };
    },
  ),
  rule(
    'before-after',
    `(on\\s+or\\s+before|on\\s+or\\s+after|by|before|prior\\s+to|earlier\\s+than|after|later\\s+than|until|till|up\\s+to(?:\\s+and\\s+including)?|through|no\\s+later\\s+than|not\\s+after|no\\s+earlier\\s+than|not\\s+before)\\s+(?:(?:the\\s+)?(?<edge>end|close|start|beginning)\\s+of\\s+)?(?<a>${ATOM_SRC})`,
    (m, today) => {
      const kw = m[1].toLowerCase().replace(/\s+/g, ' ');
      const a = resolveAtom(m.groups!.a, { today });
      if (!a) return null;
      // "after the end of 2026" = after 2026; "before the start of Q3" = before Q3; other pairs are not read
      const edge = m.groups!.edge?.toLowerCase();
      if (edge) {
        const end = edge === 'end' || edge === 'close';
        if (end && (kw === 'after' || kw === 'later than')) return { range: { from: addDays(a.range.to, 1) } };
        if (!end && (kw === 'before' || kw === 'prior to' || kw === 'earlier than')) return { range: { to: addDays(a.range.from, -1) } };
        if (end && ['by', 'until', 'till', 'through', 'up to', 'up to and including', 'no later than', 'on or before'].includes(kw)) return { range: { to: a.range.to } };
        return null;
      }
      // "by" is a deadline only before a date ("by Friday", "by the end of the month"), not "booked by June".
      if (kw === 'by' && (a.bareMonth || a.needsContext)) return null;
      if (kw === 'before' || kw === 'prior to' || kw === 'earlier than') return { range: { to: addDays(a.range.from, -1) } };
      if (kw === 'after' || kw === 'later than') return { range: { from: addDays(a.range.to, 1) } };
      if (kw === 'on or after' || kw === 'no earlier than' || kw === 'not before') return { range: { from: a.range.from } };
      return { range: { to: a.range.to } }; // until, on or before, up to (and including), through, no later than
    },
  ),
  // --- single atoms, with an optional preposition ---
  ...ATOMS.map((atom) => {
    const anchored = new RegExp(`^(?:the\\s+)?(?:${atom.src})$`, 'i');
    return rule(`atom-${atom.name}`, `(${PREP.slice(0, -1)})?(?:the\\s+)?(?:${atom.src})`, (m, today) => {
      // Re-resolve the atom text without the preposition.
      const prep = m[1];
      const atomText = m[0].slice(prep ? prep.length : 0);
      const am = anchored.exec(atomText.trim()) ?? anchored.exec(atomText.trim().replace(/['\u2019]s$/i, ''));
      if (!am) return null;
      const v = atom.resolve(am, { today });
      if (!v || v.compoundOnly) return null;
      if (v.needsContext && !prep && !/\b(?:value\s+date|date|dated)\s*$/i.test(m.input.slice(0, m.index))) return null;
      if (v.nameLike && isPersonName(m.input, m.index + m[0].length, am[0])) return null;
      return { range: v.range };
    });
  }),
];

/**
 * "June Smith", "April Jones": a month name written with a capital and followed by another
 * capitalised word (not a month, weekday or year) is a person, not a month.
 */
function isPersonName(input: string, end: number, monthText: string): boolean {
  const name = monthText.replace(/^the\s+/i, '');
  if (!/^[A-Z][a-z]/.test(name)) return false;
  const next = /^\s+([A-Z][a-z]+)/.exec(input.slice(end));
  if (!next) return false;
  const w = next[1].toLowerCase();
  return !(w in MONTHS) && !(w in WEEKDAYS);
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
  return mergeAdjacentLists(text, chosen.flatMap(({ priority: _p, parts, ...rest }) => parts ?? [rest]));
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
