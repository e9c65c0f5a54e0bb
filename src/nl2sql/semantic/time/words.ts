/** The words of time expressions: month and weekday names, day and year patterns, numbers in words and ordinals (the grammar's lexicon). */

// ---------------------------------------------------------------------------------------------
// Lexical pieces
// ---------------------------------------------------------------------------------------------

export const MONTHS: Record<string, number> = {
  january: 1, jan: 1, february: 2, feb: 2, march: 3, mar: 3, april: 4, apr: 4, may: 5,
  june: 6, jun: 6, july: 7, jul: 7, august: 8, aug: 8, september: 9, sept: 9, sep: 9,
  october: 10, oct: 10, november: 11, nov: 11, december: 12, dec: 12,
};
export const FULL_MONTH_NAMES = new Set(Object.keys(MONTHS).filter((k) => k.length > 4 || k === 'june' || k === 'july'));
export const MON =
  '(?:january|february|march|april|may|june|july|august|september|october|november|december|' +
  'jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\\b(?:\\.(?=\\s*\\d))?';
export const WEEKDAYS: Record<string, number> = {
  monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6, sunday: 7,
};
export const WDAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
export const DAY = '(?:3[01]|[12]\\d|0?[1-9])(?:st|nd|rd|th)?(?![\\w])';
export const YEAR = '(?:19|20)\\d{2}(?![\\w])';

export const UNITS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17,
  eighteen: 18, nineteen: 19,
};
export const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
export const NUM =
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

export const ORDINAL_WORDS: string[] = (() => {
  const base = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth',
    'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth'];
  const out = [...base, 'twentieth'];
  for (const u of base.slice(0, 9)) out.push(`twenty-${u}`);
  out.push('thirtieth', 'thirty-first');
  return out;
})();
/** "first" .. "thirty-first" (also "twenty first"), longest first so the regex prefers them. */
export const ORDW = '(?:' + [...ORDINAL_WORDS].sort((a, b) => b.length - a.length).map((w) => w.replace('-', '[- ]')).join('|') + ')\\b';
export const ordinalWordDay = (w: string): number => ORDINAL_WORDS.indexOf(w.toLowerCase().replace(' ', '-')) + 1;

export function monthNum(s: string): number {
  return MONTHS[s.toLowerCase().replace(/\.$/, '')];
}
export function dayNum(s: string): number {
  return parseInt(s, 10);
}
