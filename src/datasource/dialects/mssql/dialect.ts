import { MssqlAdapter, MssqlIntrospector, sql, type Expression, type Kysely, type RawBuilder } from 'kysely';
import type { SqlDialect } from '../../dialect.js';
import { compileOnlyKysely } from '../../compile-only.js';
import { checkIsoDate } from '../../literals.js';
import { InlineMssqlQueryCompiler } from './compiler.js';

/** Microsoft SQL Server (T-SQL): CONVERT style 23 is ISO 'YYYY-MM-DD'. */
export class MssqlSqlDialect implements SqlDialect {
  readonly name = 'mssql' as const;
  readonly displayName = 'Microsoft SQL Server';
  #db?: Kysely<any>;

  /**
   * @param tableSchemas lower-case table name -> schema, for a datasource whose tables are not
   * all in dbo (see InlineMssqlQueryCompiler); the map may be filled after construction.
   */
  constructor(readonly tableSchemas: Map<string, string> = new Map()) {}

  compiler(): Kysely<any> {
    this.#db ??= compileOnlyKysely({
      adapter: () => new MssqlAdapter(),
      compiler: () => new InlineMssqlQueryCompiler(this.tableSchemas),
      introspector: (db) => new MssqlIntrospector(db),
    });
    return this.#db;
  }

  /** Double quotes, like Kysely's T-SQL compiler (QUOTED_IDENTIFIER is ON for every modern client). */
  quoteIdentifier(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  dateLiteral(isoDate: string): RawBuilder<string> {
    return sql<string>`${sql.raw(`CAST('${checkIsoDate(isoDate)}' AS DATE)`)}`;
  }

  dayBucket(expr: Expression<unknown>): RawBuilder<string> {
    return sql<string>`CONVERT(char(10), ${expr}, 23)`;
  }

  /** Monday-based whatever the server's SET DATEFIRST is. */
  weekBucket(expr: Expression<unknown>): RawBuilder<string> {
    return sql<string>`CONVERT(char(10), DATEADD(day, -((DATEPART(weekday, ${expr}) + @@DATEFIRST - 2) % 7), CAST(${expr} AS DATE)), 23)`;
  }

  monthBucket(expr: Expression<unknown>): RawBuilder<string> {
    return sql<string>`CONVERT(char(7), ${expr}, 23)`;
  }

  daysBetween(from: Expression<unknown>, to: Expression<unknown>): RawBuilder<number> {
    return sql<number>`DATEDIFF(day, ${from}, ${to})`;
  }

  toFloat(expr: Expression<unknown>): RawBuilder<number> {
    return sql<number>`CAST(${expr} AS FLOAT)`;
  }
}

export const mssqlDialect = new MssqlSqlDialect();
