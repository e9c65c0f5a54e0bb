/**
 * Calendar arithmetic on day numbers (days since 1970-01-01, UTC): the generator works on
 * integers and turns them into ISO 'YYYY-MM-DD' text only when writing a row.
 */
const MS_PER_DAY = 86_400_000;

export function parseIsoDate(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return Math.round(t / MS_PER_DAY);
}

function format(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

const cache = new Map<number, string[]>();
const CACHE_SPAN = 40_000;

/** ISO text of a day number (memoised in blocks, the hot path of the generator). */
export function isoDate(day: number): string {
  const block = Math.floor(day / CACHE_SPAN);
  let arr = cache.get(block);
  if (!arr) {
    arr = new Array<string>(CACHE_SPAN);
    for (let i = 0; i < CACHE_SPAN; i++) arr[i] = format(block * CACHE_SPAN + i);
    cache.set(block, arr);
  }
  return arr[day - block * CACHE_SPAN]!;
}

export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

/** 0 Sunday .. 6 Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isBusinessDay(day: number): boolean {
  const w = weekday(day);
  return w !== 0 && w !== 6;
}

/** The day itself when a business day, else the following Monday. */
export function rollForward(day: number): number {
  const w = weekday(day);
  return w === 6 ? day + 2 : w === 0 ? day + 1 : day;
}

export function rollBack(day: number): number {
  const w = weekday(day);
  return w === 6 ? day - 1 : w === 0 ? day - 2 : day;
}

export function addBusinessDays(day: number, n: number): number {
  let d = day;
  let left = n;
  while (left > 0) {
    d++;
    if (isBusinessDay(d)) left--;
  }
  return d;
}

/** Civil date of a day number (Howard Hinnant's algorithm, no Date objects: the hot path). */
function civil(day: number): [number, number, number] {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** Day number of a civil date; months outside 1..12 carry into the year. */
export function dayOf(y: number, m: number, d: number): number {
  const yy = y + Math.floor((m - 1) / 12);
  const mm = ((((m - 1) % 12) + 12) % 12) + 1;
  const y2 = mm <= 2 ? yy - 1 : yy;
  const era = Math.floor(y2 / 400);
  const yoe = y2 - era * 400;
  const doy = Math.floor((153 * (mm > 2 ? mm - 3 : mm + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return MONTH_DAYS[m - 1]!;
}

/** Same day of month `months` later, clipped to the month's end. */
export function addMonths(day: number, months: number): number {
  const [y, m, d] = civil(day);
  const total = m - 1 + months;
  const ny = y + Math.floor(total / 12);
  const nm = (((total % 12) + 12) % 12) + 1;
  return dayOf(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

export function yearOf(day: number): number {
  return civil(day)[0];
}

/** Year, month (1-12), day of month. */
export function ymd(day: number): [number, number, number] {
  return civil(day);
}
