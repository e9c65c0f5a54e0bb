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

export function addMonths(day: number, months: number): number {
  const dt = new Date(day * MS_PER_DAY);
  const y = dt.getUTCFullYear();
  const m = dt.getUTCMonth() + months;
  const d = dt.getUTCDate();
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Math.round(Date.UTC(y, m, Math.min(d, last)) / MS_PER_DAY);
}

export function yearOf(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

/** Year, month (1-12), day of month. */
export function ymd(day: number): [number, number, number] {
  const dt = new Date(day * MS_PER_DAY);
  return [dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate()];
}

export function dayOf(y: number, m: number, d: number): number {
  return Math.round(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}
