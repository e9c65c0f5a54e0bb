import { PostgresAdapter, PostgresIntrospector, sql, type Expression, type Kysely, type RawBuilder } from 'kysely';
import type { SqlDialect } from '../../dialect.js';
import { compileOnlyKysely } from '../../compile-only.js';
import { checkIsoDate } from '../../literals.js';
import { InlinePostgresQueryCompiler } from './compiler.js';

/** PostgreSQL: real DATE type, to_char for text buckets, date subtraction for day counts. */
export class PostgresSqlDialect implements SqlDialect {
  readonly name = 'postgres' as const;
  readonly displayName = 'PostgreSQL';
  #db?: Kysely<any>;

  compiler(): Kysely<any> {
    this.#db ??= compileOnlyKysely({
      adapter: () => new PostgresAdapter(),
      compiler: () => new InlinePostgresQueryCompiler(),
      introspector: (db) => new PostgresIntrospector(db),
    });
    return this.#db;
  }

  quoteIdentifier(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  dateLiteral(isoDate: string): RawBuilder<string> {
    return sql<string>`${sql.raw(`DATE '${checkIsoDate(isoDate)}'`)}`;
  }

  dayBucket(expr: Expression<unknown>): RawBuilder<string> {
    return sql<string>`to_char(${expr}, 'YYYY-MM-DD')`;
  }

  weekBucket(expr: Expression<unknown>): RawBuilder<string> {
    return sql<string>`to_char(date_trunc('week', ${expr}), 'YYYY-MM-DD')`;
  }

  monthBucket(expr: Expression<unknown>): RawBuilder<string> {
    return sql<string>`to_char(${expr}, 'YYYY-MM')`;
  }

  daysBetween(from: Expression<unknown>, to: Expression<unknown>): RawBuilder<number> {
    return sql<number>`(CAST(${to} AS DATE) - CAST(${from} AS DATE))`;
  }

  toFloat(expr: Expression<unknown>): RawBuilder<number> {
    return sql<number>`CAST(${expr} AS DOUBLE PRECISION)`;
  }
}

export const postgresDialect = new PostgresSqlDialect();
