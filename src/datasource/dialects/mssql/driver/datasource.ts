import sql from 'mssql';
import { OtcError } from '../../../../shared/errors.js';
import type { Datasource, QueryOptions, QueryResult, RowStream, SchemaSnapshot, StreamOptions } from '../../../types.js';
import { DEFAULT_BATCH_ROWS, rowStreamOf } from '../../../row-stream.js';
import { DatasourceErrorCode, closed, queryCancelled, unreachable } from '../../../errors.js';
import { capResult, queryLimits, sortTables, type ResolvedOptions } from '../../../internal.js';
import { redactUrl } from '../../../redact.js';
import { MssqlSqlDialect } from '../dialect.js';
import { introspectMssql, mssqlTableSchemasSql, tableSchemaMap } from '../introspector.js';
import { schemasOf, type MssqlTarget } from '../url.js';
import { mssqlPoolConfig } from './config.js';
import { collectRows, streamRows, type StreamingRequest } from './stream.js';

/**
 * A SQL Server database, read-only as far as a client can make it: application intent
 * read-only, every query inside a READ COMMITTED transaction that is always rolled back,
 * rows streamed and the request cancelled after maxRows + 1, a request timeout. The login
 * should also be a db_datareader only (README); the SQL guard admits single SELECTs.
 */
export class MssqlDatasource implements Datasource {
  /** Its own dialect: the compiler qualifies the tables of schemas other than dbo (filled at open and at introspection). */
  readonly dialect = new MssqlSqlDialect();
  readonly description: string;
  #pool: sql.ConnectionPool;
  #connected?: Promise<sql.ConnectionPool>;
  #closed = false;

  private constructor(private readonly target: MssqlTarget, private readonly defaults: ResolvedOptions, url: string) {
    this.description = redactUrl(url);
    this.#pool = new sql.ConnectionPool(mssqlPoolConfig(target, defaults));
    this.#pool.on('error', () => undefined);
  }

  static async open(target: MssqlTarget, defaults: ResolvedOptions, url: string): Promise<MssqlDatasource> {
    const ds = new MssqlDatasource(target, defaults, url);
    try {
      await ds.#connect();
      const schemas = schemasOf(target);
      if (schemas.some((x) => x.toLowerCase() !== 'dbo')) await ds.#loadTableSchemas(schemas);
    } catch (e) {
      await ds.close();
      throw e;
    }
    return ds;
  }

  async #loadTableSchemas(schemas: readonly string[]): Promise<void> {
    const { rows } = await this.query(mssqlTableSchemasSql(schemas), { maxRows: 1_000_000 });
    const map = tableSchemaMap(rows, schemas);
    this.dialect.tableSchemas.clear();
    for (const [k, v] of map) this.dialect.tableSchemas.set(k, v);
  }

  #where(): string {
    return this.target.instanceName ? `${this.target.host}\\${this.target.instanceName}` : `${this.target.host}:${this.target.port}`;
  }

  #connect(): Promise<sql.ConnectionPool> {
    this.#connected ??= this.#pool.connect().catch((e: unknown) => {
      this.#connected = undefined;
      throw this.#connectionError(e);
    });
    return this.#connected;
  }

  #connectionError(e: unknown): OtcError {
    if (e instanceof OtcError) return e;
    const err = e as { code?: string; message?: string; originalError?: { code?: string } };
    const msg = String(err.message ?? e).replaceAll(this.target.password || '\u0000', '***');
    if (err.code === 'ELOGIN' && /login failed/i.test(msg)) {
      return new OtcError(DatasourceErrorCode.AuthFailed, `SQL Server at ${this.#where()} refused the login of user "${this.target.user}"`, {
        status: 401,
        hint: 'check the user name and password in the datasource URL',
        cause: e,
      });
    }
    if (err.code === 'ELOGIN' && /cannot open database/i.test(msg)) {
      return new OtcError(DatasourceErrorCode.NotFound, `database "${this.target.database}" cannot be opened at ${this.#where()}`, { status: 404, cause: e });
    }
    return unreachable(this.#where(), msg, e);
  }

  async query(sqlText: string, options: QueryOptions = {}): Promise<QueryResult> {
    if (this.#closed) throw closed(this.description);
    const { maxRows, timeoutMs } = queryLimits(this.defaults, options);
    const signal = options.signal;
    if (signal?.aborted) throw queryCancelled();
    const started = performance.now();
    const pool = await this.#connect();
    const tx = new sql.Transaction(pool);
    try {
      await tx.begin(sql.ISOLATION_LEVEL.READ_COMMITTED);
    } catch (e) {
      throw this.#connectionError(e);
    }
    try {
      const { columns, rows } = await this.#stream(tx, sqlText, maxRows, timeoutMs, signal);
      return capResult(columns, rows, maxRows, started);
    } finally {
      // Whatever the statement did, nothing is kept.
      await tx.rollback().catch(() => undefined);
    }
  }

  /**
   * The rows in stream mode with the request paused while the consumer is behind (see
   * streamRows); the transaction is rolled back when the stream ends or is closed.
   */
  async stream(sqlText: string, options: StreamOptions = {}): Promise<RowStream> {
    if (this.#closed) throw closed(this.description);
    const { maxRows, timeoutMs } = queryLimits(this.defaults, options);
    const batch = Math.max(1, Math.min(options.batchRows ?? DEFAULT_BATCH_ROWS, maxRows + 1));
    if (options.signal?.aborted) throw queryCancelled();
    const pool = await this.#connect();
    const tx = new sql.Transaction(pool);
    try {
      await tx.begin(sql.ISOLATION_LEVEL.READ_COMMITTED);
    } catch (e) {
      throw this.#connectionError(e);
    }
    const Req = sql.Request as unknown as new (parent: sql.Transaction, overrides: { requestTimeout: number }) => sql.Request;
    const req = new Req(tx, { requestTimeout: timeoutMs });
    req.stream = true;
    req.arrayRowMode = true;
    let source: Awaited<ReturnType<typeof streamRows>>;
    try {
      source = await streamRows(req as unknown as StreamingRequest, sqlText, { batch, timeoutMs, where: this.#where(), ...(options.signal ? { signal: options.signal } : {}) });
    } catch (e) {
      await tx.rollback().catch(() => undefined);
      throw e;
    }
    return rowStreamOf(
      {
        columns: source.columns,
        next: () => source.next(),
        close: async () => {
          await source.close();
          await tx.rollback().catch(() => undefined);
        },
      },
      maxRows,
    );
  }

  #stream(tx: sql.Transaction, sqlText: string, maxRows: number, timeoutMs: number, signal?: AbortSignal): Promise<{ columns: string[]; rows: unknown[][] }> {
    const Req = sql.Request as unknown as new (parent: sql.Transaction, overrides: { requestTimeout: number }) => sql.Request;
    const req = new Req(tx, { requestTimeout: timeoutMs });
    req.stream = true;
    req.arrayRowMode = true;
    return collectRows(req as unknown as StreamingRequest, sqlText, { maxRows, timeoutMs, signal, where: this.#where() });
  }

  async introspect(): Promise<SchemaSnapshot> {
    const run = async (sqlText: string) => (await this.query(sqlText, { maxRows: 1_000_000 })).rows;
    const schemas = schemasOf(this.target);
    const tables = await introspectMssql(run, schemas);
    if (schemas.some((x) => x.toLowerCase() !== 'dbo')) {
      this.dialect.tableSchemas.clear();
      for (const [k, v] of tableSchemaMap(tables.map((t) => [t.schema, t.name]), schemas)) this.dialect.tableSchemas.set(k, v);
    }
    return { dialect: 'mssql', source: this.description, capturedAt: new Date().toISOString(), tables: sortTables(tables) };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.close().catch(() => undefined);
  }
}
