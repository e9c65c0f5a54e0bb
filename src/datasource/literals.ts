import { OtcError } from '../shared/errors.js';

/** How one dialect writes literal values into SQL text. */
export interface LiteralStyle {
  /** Prefix of string literals: '' or 'N' (T-SQL Unicode strings). */
  stringPrefix: '' | 'N';
  /** Booleans as TRUE/FALSE keywords or as 1/0. */
  booleans: 'keywords' | 'numbers';
  /** T-SQL reads a backslash before a line break inside a string as a line continuation (both vanish). */
  backslashNewlineContinues?: boolean;
}

/**
 * One JS value as an escaped SQL literal: strings with '' doubling, finite numbers, bigints,
 * booleans, null, Dates as ISO text. Anything else (arrays, objects, NaN) is refused, so a
 * compiled query never hides a value it could not write safely.
 */
export function sqlLiteral(value: unknown, style: LiteralStyle): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new Error('a string value contains a NUL character and cannot be written as SQL text');
    const quote = (v: string) => `${style.stringPrefix}'${v.replace(/'/g, "''")}'`;
    if (style.backslashNewlineContinues && /\\(\r|\n)/.test(value)) {
      // Split after each such backslash so it ends a literal and the line break starts the next.
      return `(${value.split(/(?<=\\)(?=[\r\n])/).map(quote).join(' + ')})`;
    }
    return quote(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as an SQL number`);
    return Object.is(value, -0) ? '0' : String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') {
    if (style.booleans === 'numbers') return value ? '1' : '0';
    return value ? 'true' : 'false';
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error('cannot write an invalid Date as SQL');
    return sqlLiteral(value.toISOString(), style);
  }
  throw new Error(`cannot write a value of type ${Array.isArray(value) ? 'array' : typeof value} as an SQL literal`);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Checks an ISO 'YYYY-MM-DD' string names a real calendar day; returns it unchanged. */
export function checkIsoDate(isoDate: string): string {
  const m = ISO_DATE.exec(isoDate);
  if (m) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    if (d.toISOString().slice(0, 10) === isoDate) return isoDate;
  }
  throw new OtcError('OTC_ERR_BAD_DATE', `not a calendar date as YYYY-MM-DD: ${JSON.stringify(isoDate)}`, { status: 400 });
}
