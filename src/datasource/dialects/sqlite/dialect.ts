import { SqliteAdapter, SqliteIntrospector, sql, type Expression, type Kysely, type RawBuilder } from 'kysely';
import type { SqlDialect } from '../../dialect.js';
import { compileOnlyKysely } from '../../compile-only.js';
import { checkIsoDate } from '../../literals.js';
import { InlineSqliteQueryCompiler } from './compiler.js';

/** SQLite: dates are ISO text, so buckets are text functions over it. */
export class SqliteSqlDialect implements SqlDialect {
  readonly name = 'sqlite' as const;
  readonly displayName = 'SQLite';
  #db?: Kysely<any>;

  compiler(): Kysely<any> {
    this.#db ??= compileOnlyKysely({
      adapter: () => new SqliteAdapter(),
      compiler: () => new InlineSqliteQueryCompiler(),
      introspector: (db) => new SqliteIntrospector(db),
    });
    return this.#db;
  }

  quoteIdentifier(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  dateLiteral(isoDate: string): RawBuilder<string> {
    return sql<string>`${sql.raw(`'${checkIsoDate(isoDate)}'`)}`;
  }

  dayBucket(expr: Expression<unknown>): RawBuilder<string> {
    return sql<string>`date(${expr})`;
  }

  weekBucket(expr: Expression<unknown>): RawBuilder<string> {
    return sql<string>`date(${expr}, '-' || ((CAST(strftime('%w', ${expr}) AS INTEGER) + 6) % 7) || ' days')`;
  }

  monthBucket(expr: Expression<unknown>): RawBuilder<string> {
    return sql<string>`strftime('%Y-%m', ${expr})`;
  }

  daysBetween(from: Expression<unknown>, to: Expression<unknown>): RawBuilder<number> {
    return sql<number>`CAST(julianday(date(${to})) - julianday(date(${from})) AS INTEGER)`;
  }

  toFloat(expr: Expression<unknown>): RawBuilder<number> {
    return sql<number>`CAST(${expr} AS REAL)`;
  }
}

export const sqliteDialect = new SqliteSqlDialect();
