import pg from 'pg';

/**
 * Value parsers of this datasource's connections only (never pg's global ones, which other
 * modules share): DATE stays 'YYYY-MM-DD' text (no time-zone shift), TIMESTAMP becomes ISO
 * text, NUMERIC and BIGINT become JS numbers.
 */
export function resultTypes(): pg.CustomTypesConfig {
  const t = new pg.TypeOverrides();
  const OIDS = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114 } as const;
  t.setTypeParser(OIDS.int8, 'text', (v: string) => Number(v));
  t.setTypeParser(OIDS.numeric, 'text', (v: string) => Number(v));
  t.setTypeParser(OIDS.date, 'text', (v: string) => v);
  t.setTypeParser(OIDS.timestamp, 'text', (v: string) => v.replace(' ', 'T'));
  return t;
}

/** Values pg still returns as objects: timestamptz Dates become ISO text. */
export function plainValue(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : v;
}
