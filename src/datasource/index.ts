/**
 * The datasource module: connections to a bank's database (SQLite, PostgreSQL, SQL Server),
 * read-only execution with timeout and row cap, introspection, and each dialect's SQL details.
 */
import type { DialectName, SqlDialect } from './dialect.js';
import { resolveOpenOptions, type OpenOptions } from './internal.js';
import { entryForName, entryForUrl } from './registry.js';
import type { Datasource } from './types.js';

export type { DialectName, SqlDialect } from './dialect.js';
export type { ColumnInfo, Datasource, ForeignKeyInfo, QueryOptions, QueryResult, RowStream, SchemaSnapshot, StreamOptions, TableInfo, Workload } from './types.js';
export type { OpenOptions } from './internal.js';
export { DatasourceErrorCode } from './errors.js';
export { redactUrl } from './redact.js';
export { distinctValues, type DistinctValue } from './distinct-values.js';
export { kindOfType } from './kind.js';

/**
 * Connects to the database a URL names and checks it answers:
 * `sqlite:PATH` (also `sqlite:///abs/path`, or a plain path ending .db/.sqlite/.sqlite3),
 * `postgres://user:pass@host:5432/db?schema=public` (also postgresql://),
 * `mssql://user:pass@host:1433/db?encrypt=true&trustServerCertificate=false` (also sqlserver://).
 * Errors: OTC_ERR_BAD_DATASOURCE_URL, OTC_ERR_DATASOURCE_NOT_FOUND (a SQLite file is never
 * created), OTC_ERR_DATASOURCE_UNREACHABLE (names host:port, never the password),
 * OTC_ERR_DATASOURCE_AUTH_FAILED, OTC_ERR_DATASOURCE_UNREADABLE.
 */
export async function openDatasource(url: string, opts: OpenOptions = {}): Promise<Datasource> {
  const entry = entryForUrl(url);
  return entry.open(url.trim(), resolveOpenOptions(opts));
}

/** Checks a datasource URL without connecting; returns its dialect. Throws OTC_ERR_BAD_DATASOURCE_URL. */
export function dialectOfUrl(url: string): DialectName {
  const entry = entryForUrl(url);
  entry.validate(url.trim());
  return entry.dialect.name;
}

/** The dialect of a name, for compile-only use without a connection (guard and engine tests). */
export function dialectFor(name: DialectName): SqlDialect {
  return entryForName(name).dialect;
}
