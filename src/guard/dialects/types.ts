import type { JsonObject } from '../ast/json.js';
import type { SqlLexer, Token } from '../lexers/types.js';
import type { GuardDialect } from '../types.js';

export type CapResult = { ok: true; sql: string } | { ok: false; reason: string };

/** How a dialect caps the rows a query returns (LIMIT, TOP, FETCH). */
export interface RowCapStrategy {
  /** The cap the outermost query already carries; undefined when it has none; a string reason when it cannot be read. */
  currentCap(query: JsonObject, tokens: readonly Token[]): number | undefined | { reason: string };
  /** The query text with the cap applied (added, or lowered to maxRows). */
  apply(text: string, tokens: readonly Token[], query: JsonObject, maxRows: number): CapResult;
}

/**
 * Everything the guard needs to know about one dialect, in one place. Shared code looks things
 * up here and never tests the dialect's name.
 */
export interface GuardDialectRules {
  readonly name: GuardDialect;
  readonly displayName: string;
  readonly lexer: SqlLexer;
  /** The sqlparser-ts dialect name. */
  readonly parserDialect: 'sqlite' | 'postgresql' | 'mssql';
  /** Functions allowed in this dialect besides the common ones (lower case). */
  readonly functions: ReadonlySet<string>;
  /** Functions whose first argument is a date-part keyword (DATEADD(day, …)), not a column. */
  readonly datePartFunctions: ReadonlySet<string>;
  /** Schemas that mean "the default one" (main, public, dbo). */
  readonly defaultSchemas: ReadonlySet<string>;
  /** Table hints (WITH (…)) allowed (lower case). */
  readonly tableHints: ReadonlySet<string>;
  /** Session values a query may read (lower case), e.g. SQL Server's @@DATEFIRST for week arithmetic. */
  readonly builtinValues: ReadonlySet<string>;
  /** Column names the database provides on every table (rowid). */
  readonly pseudoColumns: ReadonlySet<string>;
  /** A reason when the table name (parts, as written) is a system catalog or outside the database. */
  systemObject(parts: readonly string[]): string | undefined;
  /** A reason when the tokens hold something this dialect's server could read differently. */
  lexicalCheck?(tokens: readonly Token[]): string | undefined;
  /** A second parser's opinion (PostgreSQL: libpg-query); a reason to refuse, or undefined. */
  secondOpinion?(sql: string, firstOpinion: { tables: readonly string[] }): Promise<string | undefined>;
  readonly rowCap: RowCapStrategy;
}
