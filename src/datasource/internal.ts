import type { QueryOptions, QueryResult, TableInfo } from './types.js';

/** Runs one internal read (introspection) and returns its rows as arrays. */
export type RowsRunner = (sql: string) => Promise<unknown[][]>;

/** Defaults of a datasource's queries, from `openDatasource(url, opts)`. */
export interface OpenOptions {
  /** Rows returned at most per query unless the query says otherwise (default 5000). */
  maxRows?: number;
  /** Statement timeout in milliseconds unless the query says otherwise (default 30000). */
  timeoutMs?: number;
  /** Milliseconds to wait for a server connection (default 10000). */
  connectTimeoutMs?: number;
}

export interface ResolvedOptions {
  maxRows: number;
  timeoutMs: number;
  connectTimeoutMs: number;
}

export function resolveOpenOptions(opts: OpenOptions = {}): ResolvedOptions {
  return {
    maxRows: positiveInt(opts.maxRows, 5000, 'maxRows'),
    timeoutMs: positiveInt(opts.timeoutMs, 30_000, 'timeoutMs'),
    connectTimeoutMs: positiveInt(opts.connectTimeoutMs, 10_000, 'connectTimeoutMs'),
  };
}

export function queryLimits(defaults: ResolvedOptions, q: QueryOptions = {}): { maxRows: number; timeoutMs: number } {
  return {
    maxRows: positiveInt(q.maxRows, defaults.maxRows, 'maxRows'),
    timeoutMs: positiveInt(q.timeoutMs, defaults.timeoutMs, 'timeoutMs'),
  };
}

function positiveInt(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}

/** Builds a QueryResult from the rows fetched (at most maxRows + 1). */
export function capResult(columns: string[], fetched: unknown[][], maxRows: number, started: number): QueryResult {
  const truncated = fetched.length > maxRows;
  const rows = truncated ? fetched.slice(0, maxRows) : fetched;
  return { columns, rows, rowCount: rows.length, truncated, ms: Math.round(performance.now() - started) };
}

/** Sorts tables by name so snapshots are stable. */
export function sortTables(tables: TableInfo[]): TableInfo[] {
  return tables.sort((a, b) => (a.schema ?? '').localeCompare(b.schema ?? '') || a.name.localeCompare(b.name));
}
