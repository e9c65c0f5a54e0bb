import type { DialectName, SqlDialect } from './dialect.js';

export interface ColumnInfo {
  name: string;
  /** The database's own type name, lower case (e.g. 'varchar(40)', 'date', 'decimal(20,2)'). */
  dataType: string;
  /** Portable kind used by training and the engines. */
  kind: 'text' | 'integer' | 'decimal' | 'date' | 'timestamp' | 'boolean' | 'other';
  nullable: boolean;
}

export interface ForeignKeyInfo {
  columns: string[];
  refTable: string;
  refColumns: string[];
}

export interface TableInfo {
  name: string;
  /** Database schema (PostgreSQL/SQL Server), undefined on SQLite. */
  schema?: string;
  columns: ColumnInfo[];
  primaryKey: string[];
  foreignKeys: ForeignKeyInfo[];
  rowCount: number;
}

/** One typed picture of a database's structure, as training ingests it. */
export interface SchemaSnapshot {
  dialect: DialectName;
  /** Where it came from, with any password removed. */
  source: string;
  capturedAt: string;
  tables: TableInfo[];
}

/**
 * Who wrote a query's SQL, for admission to the datasource's query slots (admission.ts):
 * 'compiled' by the semantic engine from the profile (the default; also introspection and
 * training reads), or 'model': written by a language model, of unknown cost, which may hold
 * all but one of the slots.
 */
export type Workload = 'compiled' | 'model';

export interface QueryOptions {
  /** Rows returned at most; the result says when more existed. Default from config. */
  maxRows?: number;
  /** Milliseconds before the database is told to stop. */
  timeoutMs?: number;
  /** Cancels the running statement. */
  signal?: AbortSignal;
  /** Who wrote the SQL (default 'compiled'); see Workload. */
  workload?: Workload;
}

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
  /** Rows returned (<= maxRows). */
  rowCount: number;
  /** True when the query had more rows than maxRows. */
  truncated: boolean;
  ms: number;
}

export interface StreamOptions extends QueryOptions {
  /** Rows fetched from the database per round trip (default 1000). */
  batchRows?: number;
}

/**
 * The rows of one read query, pulled as they are read (`for await`): the columns are known
 * before the first row, the next rows are fetched only when the consumer asks (backpressure),
 * so memory holds one batch whatever the number of rows. Leaving the loop early (break, throw)
 * or `close()` stops the statement and frees its connection; so do the abort signal and the
 * timeout (which bounds each wait for the database: the first batch and every next one).
 */
export interface RowStream extends AsyncIterable<unknown[]> {
  readonly columns: string[];
  /** Rows handed to the consumer so far. */
  readonly rowCount: number;
  /** True once the stream stopped at maxRows while the database had more rows. */
  readonly truncated: boolean;
  /** Stops the statement and frees the connection (idempotent). */
  close(): Promise<void>;
}

/** A connection to a bank's database, read-only by construction. */
export interface Datasource {
  readonly dialect: SqlDialect;
  /** Where it points, with any password removed. */
  readonly description: string;
  introspect(): Promise<SchemaSnapshot>;
  /** Runs one read query (already admitted by the SQL guard) read-only, with timeout and row cap. */
  query(sql: string, options?: QueryOptions): Promise<QueryResult>;
  /**
   * Runs one read query (already admitted by the SQL guard) read-only and streams its rows
   * (see RowStream), for results too large to hold (report runs). maxRows caps the rows streamed.
   * Resolves once the columns are known; the errors are query()'s.
   */
  stream(sql: string, options?: StreamOptions): Promise<RowStream>;
  close(): Promise<void>;
}
