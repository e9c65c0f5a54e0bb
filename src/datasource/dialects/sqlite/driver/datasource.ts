import fs from 'node:fs';
import Database from 'better-sqlite3';
import { OtcError } from '../../../../shared/errors.js';
import type { Datasource, QueryOptions, QueryResult, RowStream, SchemaSnapshot, StreamOptions } from '../../../types.js';
import { DEFAULT_BATCH_ROWS, rowStreamOf } from '../../../row-stream.js';
import { DatasourceErrorCode, closed } from '../../../errors.js';
import { capResult, queryLimits, sortTables, type ResolvedOptions } from '../../../internal.js';
import { sqliteDialect } from '../dialect.js';
import { introspectSqlite } from '../introspector.js';
import { SqliteQueryPool } from './query-process.js';

/**
 * A SQLite file, read-only: opened with `{readonly: true, fileMustExist: true}` and
 * `query_only`, one statement per query, refused unless better-sqlite3 says it reads rows
 * and writes nothing. Queries run in child processes (two) that are killed at the deadline
 * or on abort, and restarted on the next query; the wait for a free one counts against the
 * timeout, and model-written SQL never holds both (QueryAdmission).
 */
export class SqliteDatasource implements Datasource {
  readonly dialect = sqliteDialect;
  readonly description: string;
  #proc: SqliteQueryPool;
  #closed = false;

  private constructor(readonly file: string, private readonly defaults: ResolvedOptions) {
    this.description = `sqlite:${file}`;
    this.#proc = new SqliteQueryPool(file);
  }

  /** Opens an existing file (never creates one) and checks it is a SQLite database. */
  static async open(file: string, defaults: ResolvedOptions): Promise<SqliteDatasource> {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      throw new OtcError(DatasourceErrorCode.NotFound, `no SQLite database file at ${file}`, {
        status: 404,
        hint: 'check the path in the datasource URL (sqlite:PATH); the file is never created',
      });
    }
    if (!stat.isFile()) throw new OtcError(DatasourceErrorCode.NotFound, `${file} is not a file`, { status: 404 });
    try {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        db.prepare('SELECT count(*) FROM sqlite_master').get();
      } finally {
        db.close();
      }
    } catch (e) {
      throw new OtcError(DatasourceErrorCode.Unreadable, `${file} cannot be read as a SQLite database: ${(e as Error).message}`, {
        status: 400,
        cause: e,
      });
    }
    return new SqliteDatasource(file, defaults);
  }

  async query(sqlText: string, options: QueryOptions = {}): Promise<QueryResult> {
    if (this.#closed) throw closed(this.description);
    const { maxRows, timeoutMs } = queryLimits(this.defaults, options);
    const started = performance.now();
    const { columns, rows } = await this.#proc.run(sqlText, maxRows, timeoutMs, options.signal, options.workload);
    return capResult(columns, rows, maxRows, started);
  }

  /** Rows streamed from the query process a batch per round trip, the next batch asked for only when the consumer reads on. */
  async stream(sqlText: string, options: StreamOptions = {}): Promise<RowStream> {
    if (this.#closed) throw closed(this.description);
    const { maxRows, timeoutMs } = queryLimits(this.defaults, options);
    const batch = Math.max(1, Math.min(options.batchRows ?? DEFAULT_BATCH_ROWS, maxRows + 1));
    const source = await this.#proc.stream(sqlText, batch, timeoutMs, options.signal, options.workload);
    return rowStreamOf(source, maxRows);
  }

  async introspect(): Promise<SchemaSnapshot> {
    const run = async (sqlText: string) => (await this.query(sqlText, { maxRows: 100_000 })).rows;
    const tables = await introspectSqlite(run);
    return { dialect: 'sqlite', source: this.description, capturedAt: new Date().toISOString(), tables: sortTables(tables) };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#proc.close();
  }
}
