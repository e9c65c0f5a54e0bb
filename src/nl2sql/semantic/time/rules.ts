/** The top-level rules of time expressions: ranges, compounds ("since X", "between X and Y"), rolling periods, ages and buckets, each a pattern plus a resolver. */
import { addBusinessDays, addDays, addMonths, isBusinessDay, nextBusinessDay, parseIso, previousBusinessDay, type DateRange, type TimeBucket } from './dates.js';
import { DAY, dayNum, MON, MONTHS, monthNum, NUM, parseNumber, WEEKDAYS, YEAR } from './words.js';
import { dayMonth, ATOMS, ATOM_SRC, resolveAtom } from './atoms.js';

// ---------------------------------------------------------------------------------------------
// Top-level rules
// ---------------------------------------------------------------------------------------------

export interface RuleResult {
  range?: DateRange;
  bucket?: TimeBucket;
  role?: 'age';
  /** A list of days ("23 and 24 November"): one match per day, offsets relative to the rule's match. */
  parts?: Array<{ offset: number; length: number; range: Required<DateRange> }>;
}

export interface Rule {
  name: string;
  re: RegExp;
  resolve(m: RegExpExecArray, today: string): RuleResult | null;
}

export const PREP = '(?:(?:in|on|for|during|over|within|throughout|from|at|as\\s+(?:of|at))\\s+)?';

export function rule(name: string, src: string, resolve: Rule['resolve']): Rule {
  // A possessive ("October's fails") belongs to the phrase; no match starts or ends inside a word.
  return { name, re: new RegExp(`(?<![\\w'\u2019-])(?:${src})(?:['\u2019]s\\b)?(?![\\w-]|['\u2019][a-z])`, 'gi'), resolve };
}

/** "last 7 days", "past two weeks", "next 30 days", "last 3 months", "next 5 business days". */
export function rollingRange(dir: string, n: number, unitText: string, kindText: string | undefined, today: string): DateRange | null {
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
export function ageBound(n: number, unitText: string, strict: boolean, today: string): string | null {
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
export function looksLikeTenor(m: RegExpExecArray, unitText: string): boolean {
  if (!/^(month|year)/i.test(unitText)) return false;
  if (/^(for|aged)\b/i.test(m[0])) return false;
  const before = m.input.slice(0, m.index);
  return !/\b(?:open|outstanding|pending|unresolved|unmatched|unsettled|unconfirmed|failing|failed|disputed|unpaid|overdue|aged|been)\s*$/i.test(before);
}

export const AGE_UNIT = '((?:business\\s+|working\\s+|trading\\s+|banking\\s+)?days?|weeks?|months?|years?)';
export const normUnit = (u: string): string => u.toLowerCase().replace(/\s+/g, ' ');

export function bucketOf(word: string): TimeBucket | undefined {
  const w = word.toLowerCase();
  if (/^(day|daily|date)/.test(w)) return 'day';
  if (/^week/.test(w)) return 'week';
  if (/^month/.test(w)) return 'month';
  if (/^quarter/.test(w)) return 'quarter';
  if (/^(year|annual)/.test(w)) return 'year';
  return undefined;
}

export const RULES: Rule[] = [
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
