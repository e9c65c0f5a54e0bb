import sql from 'mssql';

type Convert = (v: unknown) => unknown;

const dateOnly: Convert = (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v);
const naiveTimestamp: Convert = (v) => (v instanceof Date ? v.toISOString().replace(/Z$/, '').replace(/\.000$/, '') : v);
const isoTimestamp: Convert = (v) => (v instanceof Date ? v.toISOString() : v);
const bigint: Convert = (v) => (typeof v === 'string' || typeof v === 'bigint' ? Number(v) : v);
const same: Convert = (v) => v;

/**
 * The value converter of one result column (mssql's column metadata `type`): DATE as
 * 'YYYY-MM-DD', DATETIME/DATETIME2 as ISO text without zone, DATETIMEOFFSET as ISO UTC,
 * BIGINT (a string in tedious) as a number.
 */
export function converterFor(type: unknown): Convert {
  if (type === sql.Date) return dateOnly;
  if (type === sql.DateTime || type === sql.DateTime2 || type === sql.SmallDateTime) return naiveTimestamp;
  if (type === sql.DateTimeOffset) return isoTimestamp;
  if (type === sql.BigInt) return bigint;
  return same;
}
