/** Atoms of time expressions: phrases naming one period ("23 November", "last month", "Q3 2026", "Monday"), and their resolution relative to today. */
import { addDays, addMonths, endOfMonth, endOfQuarter, endOfYear, isValidYmd, isoWeekday, mondayOf, monthRange, nextBusinessDay, parseIso, previousBusinessDay, quarterOf, quarterRange, startOfMonth, startOfQuarter, startOfYear, yearRange, ymd, type DateRange } from './dates.js';
import { FULL_MONTH_NAMES, MON, WEEKDAYS, WDAY, DAY, YEAR, NUM, parseNumber, ORDW, ordinalWordDay, monthNum, dayNum } from './words.js';

// ---------------------------------------------------------------------------------------------
// Atoms: phrases naming one period ("23 November", "last month", "Q3 2026", "Monday", ...).
// They are matched on their own (with an optional preposition) and inside compounds
// ("since X", "between X and Y").
// ---------------------------------------------------------------------------------------------

export interface AtomCtx {
  today: string;
  /** Year to use when the atom has none (from the other side of "between X and Y 2025"). */
  year?: number;
  /** Month to use for a bare day number ("between 1 and 15 November"). */
  month?: number;
  /** "since X": a day without a year that lies after today falls back one year. */
  pastBias?: boolean;
}

export interface AtomValue {
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

export interface Atom {
  name: string;
  src: string;
  resolve(m: RegExpExecArray, ctx: AtomCtx): AtomValue | null;
}

export const relYear = (w: string): number => (/^(last|previous|prior)$/i.test(w) ? -1 : /^next$/i.test(w) ? 1 : 0);

export const single = (d: string): Required<DateRange> => ({ from: d, to: d });

export function dayMonth(day: number, month: number, yearText: string | undefined, ctx: AtomCtx): AtomValue | null {
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
export function mayNeedsContext(v: AtomValue | null, monthText: string, yearText: string | undefined): AtomValue | null {
  return v && monthText === 'may' && !yearText ? { ...v, needsContext: true } : v;
}

/** The most recent month `month` not starting after today (or in ctx.year). */
export function namedMonth(month: number, yearText: string | undefined, ctx: AtomCtx): AtomValue {
  const t = parseIso(ctx.today);
  let year: number;
  if (yearText) year = Number(yearText);
  else if (ctx.year !== undefined) year = ctx.year;
  else year = month <= t.month ? t.year : t.year - 1;
  return { range: monthRange(year, month), explicitYear: !!yearText, movableYear: !yearText && ctx.year === undefined };
}

export function namedQuarter(q: number, yearText: string | undefined, ctx: AtomCtx): AtomValue {
  const t = parseIso(ctx.today);
  let year: number;
  if (yearText) year = Number(yearText);
  else if (ctx.year !== undefined) year = ctx.year;
  else year = q <= quarterOf(ctx.today) ? t.year : t.year - 1;
  return { range: quarterRange(year, q), explicitYear: !!yearText, movableYear: !yearText && ctx.year === undefined };
}

export function relativePeriod(which: string, unit: string, today: string): Required<DateRange> | null {
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
export const NOT_AMOUNT =
  '(?!\\s*(?:%|m\\b|mn\\b|mm\\b|bn\\b|k\\b|million|billion|thousand|usd|eur|gbp|jpy|chf|dollars|trades|settlements|' +
  'confirmations|payments|calls|exceptions|rows|records|items|times|days|weeks|months|years|counterparties)\\b)';

/** The whole calendar week/month/quarter/year containing today. */
export function fullPeriod(unit: string, today: string): Required<DateRange> | null {
  const r = relativePeriod('this', unit, today);
  if (!r) return null;
  const u = unit.toLowerCase();
  const to =
    u === 'week' ? addDays(r.from, 6) : u === 'month' ? endOfMonth(today) : u === 'quarter' ? endOfQuarter(today) : endOfYear(today);
  return { from: r.from, to };
}

/** Atoms naming one calendar day, used inside "week of <date>". */
export const DATE_SRC =
  '(?:\\d{4}[-/]\\d{1,2}[-/]\\d{1,2}|\\d{1,2}[/.-]\\d{1,2}[/.-](?:\\d{4}|\\d{2})|' +
  `${DAY}(?:\\s+of\\s+|[\\s-]+)${MON}(?:(?:,?\\s+|-)${YEAR})?|${MON}\\s+(?:the\\s+)?${DAY}(?:,?\\s+${YEAR})?|today|yesterday|tomorrow|` +
  `(?:(?:this|last|previous|next|coming)\\s+)?${WDAY})`;

export function resolveDate(text: string, ctx: AtomCtx): AtomValue | null {
  return resolveAtom(text, ctx);
}

export const ATOMS: Atom[] = [
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
    name: 'whole-period',
    // "the whole year", "the full month", "the entire last quarter": the calendar period, not a part of it
    src: '(?:the\\s+)?(?:whole|full|entire)\\s+(?:of\\s+)?(?:the\\s+)?(?:(this|current|last|previous|prior)\\s+)?(week|month|quarter|year)\\b(?!\\s+\\d)',
    resolve(m, c) {
      const r = m[1] && !/^(this|current)$/i.test(m[1]) ? relativePeriod(m[1], m[2], c.today) : fullPeriod(m[2], c.today);
      return r ? { range: r, explicitYear: false } : null;
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
export const ATOM_SRC = '(?:' + ATOMS.map((a) => `(?:${a.src})`).join('|') + ')';
export const ANCHORED = ATOMS.map((a) => ({ atom: a, re: new RegExp(`^(?:${a.src})$`, 'i') }));

/** Resolves the text of one atom (as captured inside a compound). */
export function resolveAtom(text: string, ctx: AtomCtx): AtomValue | null {
  const t = text.trim();
  for (const { atom, re } of ANCHORED) {
    const m = re.exec(t);
    if (!m) continue;
    const v = atom.resolve(m, ctx);
    if (v) return v;
  }
  return null;
}
