import type { Expression, Kysely, RawBuilder } from 'kysely';

/** The databases a bank can connect. A new one is one folder under dialects/ and one registry entry. */
export type DialectName = 'sqlite' | 'postgres' | 'mssql';

/**
 * Everything that differs between SQL dialects, in one place per dialect
 * (src/datasource/dialects/<name>/). Shared code (nl2sql, training, guard) talks only to this.
 */
export interface SqlDialect {
  readonly name: DialectName;
  /** Human name, e.g. "Microsoft SQL Server". */
  readonly displayName: string;
  /**
   * A Kysely instance that only compiles (it has no connection): values are inlined as
   * properly escaped literals so the SQL text can be shown, audited, guarded and re-run as is.
   */
  compiler(): Kysely<any>;
  /** Quote one identifier (table or column name) for this dialect. */
  quoteIdentifier(name: string): string;
  /** A DATE literal for an ISO 'YYYY-MM-DD' string, comparable with the schema's DATE columns. */
  dateLiteral(isoDate: string): RawBuilder<string>;
  /** The day of a date/timestamp expression as 'YYYY-MM-DD' text. */
  dayBucket(expr: Expression<unknown>): RawBuilder<string>;
  /** The Monday of the week containing the date, as 'YYYY-MM-DD' text. */
  weekBucket(expr: Expression<unknown>): RawBuilder<string>;
  /** The month of the date as 'YYYY-MM' text. */
  monthBucket(expr: Expression<unknown>): RawBuilder<string>;
  /** Whole days from `from` to `to` (to - from), as a number. */
  daysBetween(from: Expression<unknown>, to: Expression<unknown>): RawBuilder<number>;
  /** A numeric expression as floating point (so 100.0 * a / b never truncates). */
  toFloat(expr: Expression<unknown>): RawBuilder<number>;
}
