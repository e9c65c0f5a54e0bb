import pg from 'pg';
import { OtcError } from '../../../../shared/errors.js';
import type { Datasource, QueryOptions, QueryResult, RowStream, SchemaSnapshot, StreamOptions } from '../../../types.js';
import { DEFAULT_BATCH_ROWS, rowStreamOf } from '../../../row-stream.js';
import { DatasourceErrorCode, closed, notReadOnly, queryCancelled, queryFailed, queryTimeout, unreachable } from '../../../errors.js';
import { QueryAdmission } from '../../../admission.js';
import { capResult, queryLimits, sortTables, type ResolvedOptions } from '../../../internal.js';
import { redactUrl } from '../../../redact.js';
import { postgresDialect } from '../dialect.js';
import { introspectPostgres } from '../introspector.js';
import type { PostgresTarget } from '../url.js';
import { plainValue, resultTypes } from './types.js';

/** Connections to the server at most; queries beyond wait for one in QueryAdmission's line. */
const POOL_SIZE = 4;

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE']);

const CURSOR_PREFIX = 'DECLARE otc_q NO SCROLL CURSOR FOR ';
const LEADING_BLANKS = /^(?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;

/** Trailing semicolons/blanks removed, so `SELECT 1;` is one statement inside DECLARE. */
function statementText(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/** The 1-based position, in the DECLARE text, of the first token of the caller's statement. */
function firstTokenPosition(sql: string): number {
  return CURSOR_PREFIX.length + (LEADING_BLANKS.exec(sql)?.[0].length ?? 0) + 1;
}

/**
 * A PostgreSQL database, read-only: every query runs in `BEGIN READ ONLY` with
 * `SET LOCAL statement_timeout`, as `DECLARE … CURSOR FOR <sql>` through the extended protocol
 * (one statement only, and only a SELECT/VALUES can be a cursor), FETCHes maxRows + 1 rows,
 * and always ends with ROLLBACK.
 */
export class PostgresDatasource implements Datasource {
  readonly dialect = postgresDialect;
  readonly description: string;
  #pool: pg.Pool;
  #admission = new QueryAdmission(POOL_SIZE);
  #closed = false;

  private constructor(private readonly target: PostgresTarget, private readonly defaults: ResolvedOptions, url: string) {
    this.description = redactUrl(url);
    this.#pool = new pg.Pool({
      connectionString: target.connectionString,
      max: POOL_SIZE,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: defaults.connectTimeoutMs,
      application_name: 'otc-copilot',
      // Inlined literals double quotes only: backslashes must stay plain text whatever the server default.
      options: `-c search_path="${target.schema}" -c standard_conforming_strings=on`,
      types: resultTypes(),
    });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    this.#pool.on('error', () => undefined);
  }

  static async open(target: PostgresTarget, defaults: ResolvedOptions, url: string): Promise<PostgresDatasource> {
    const ds = new PostgresDatasource(target, defaults, url);
    try {
      const client = await ds.#connect();
      try {
        const r = await client.query({ text: 'SELECT 1 FROM pg_namespace WHERE nspname = $1', values: [target.schema] });
        if (r.rowCount === 0) {
          throw new OtcError(DatasourceErrorCode.NotFound, `schema "${target.schema}" does not exist in database "${target.database}" at ${ds.#where()}`, {
            status: 404,
            hint: 'set ?schema=NAME in the datasource URL',
          });
        }
      } finally {
        client.release();
      }
    } catch (e) {
      await ds.close();
      throw e;
    }
    return ds;
  }

  #where(): string {
    return `${this.target.host}:${this.target.port}`;
  }

  #connectionError(e: unknown): OtcError {
    if (e instanceof OtcError) return e;
    const err = e as { code?: string; message?: string };
    const msg = String(err.message ?? e);
    if (err.code === '28P01' || err.code === '28000') {
      return new OtcError(DatasourceErrorCode.AuthFailed, `PostgreSQL at ${this.#where()} refused the login of user "${this.target.user}"`, {
        status: 401,
        hint: 'check the user name and password in the datasource URL',
        cause: e,
      });
    }
    if (err.code === '3D000') {
      return new OtcError(DatasourceErrorCode.NotFound, `database "${this.target.database}" does not exist at ${this.#where()}`, { status: 404, cause: e });
    }
    if ((err.code && NETWORK_CODES.has(err.code)) || /timeout|terminated|ECONN/i.test(msg)) {
      return unreachable(this.#where(), err.code ?? msg, e);
    }
    return unreachable(this.#where(), msg, e);
  }

  async #connect(): Promise<pg.PoolClient> {
    try {
      return await this.#pool.connect();
    } catch (e) {
      throw this.#connectionError(e);
    }
  }

  async #cancel(processID: number): Promise<void> {
    const c = new pg.Client({ connectionString: this.target.connectionString, connectionTimeoutMillis: this.defaults.connectTimeoutMs });
    try {
      await c.connect();
      await c.query({ text: 'SELECT pg_cancel_backend($1)', values: [processID] });
    } catch {
      // The statement timeout still stops the query.
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  async query(sqlText: string, options: QueryOptions = {}): Promise<QueryResult> {
    if (this.#closed) throw closed(this.description);
    const { maxRows, timeoutMs } = queryLimits(this.defaults, options);
    const signal = options.signal;
    if (signal?.aborted) throw queryCancelled();
    const started = performance.now();
    // The wait for a connection counts against the timeout; model-written SQL holds at most 3 of the 4.
    const release = await this.#admission.acquire(options.workload ?? 'compiled', timeoutMs, timeoutMs, signal);
    try {
      const left = Math.floor(started + timeoutMs - performance.now());
      if (left < 1) throw queryTimeout(timeoutMs);
      return await this.#run(sqlText, maxRows, left, timeoutMs, started, signal);
    } finally {
      release();
    }
  }

  async #run(sqlText: string, maxRows: number, timeoutMs: number, reportedTimeoutMs: number, started: number, signal?: AbortSignal): Promise<QueryResult> {
    const client = await this.#connect();
    const processID = (client as unknown as { processID: number }).processID;
    let aborted = false;
    let cancelling: Promise<void> | undefined;
    const onAbort = () => {
      aborted = true;
      cancelling = this.#cancel(processID);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${timeoutMs}`);
      if (aborted) throw queryCancelled();
      await client.query({ text: CURSOR_PREFIX + statementText(sqlText), queryMode: 'extended' } as pg.QueryConfig);
      if (aborted) throw queryCancelled();
      const res = await client.query({
        text: `FETCH FORWARD ${maxRows + 1} FROM otc_q`,
        rowMode: 'array',
        queryMode: 'extended',
        query_timeout: timeoutMs + 5_000,
      } as pg.QueryArrayConfig);
      const columns = res.fields.map((f) => f.name);
      const rows = (res.rows as unknown[][]).map((r) => r.map(plainValue));
      return capResult(columns, rows, maxRows, started);
    } catch (e) {
      throw this.#queryError(e, aborted, reportedTimeoutMs, sqlText, (err) => (broken = err));
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await cancelling;
      try {
        if (!broken) await client.query('ROLLBACK');
      } catch (e) {
        broken = e as Error;
      }
      client.release(broken);
    }
  }

  /**
   * The same cursor as query(), FETCHed a batch at a time as the consumer reads: each FETCH is
   * one statement under `statement_timeout`, so the timeout bounds each wait for the database.
   * The connection (and its admission slot) is held until the stream ends or is closed; then
   * ROLLBACK. An abort cancels the running FETCH (pg_cancel_backend) and ends the stream.
   */
  async stream(sqlText: string, options: StreamOptions = {}): Promise<RowStream> {
    if (this.#closed) throw closed(this.description);
    const { maxRows, timeoutMs } = queryLimits(this.defaults, options);
    const batch = Math.max(1, Math.min(options.batchRows ?? DEFAULT_BATCH_ROWS, maxRows + 1));
    const signal = options.signal;
    if (signal?.aborted) throw queryCancelled();
    const started = performance.now();
    const release = await this.#admission.acquire(options.workload ?? 'compiled', timeoutMs, timeoutMs, signal);
    let client: pg.PoolClient;
    try {
      client = await this.#connect();
    } catch (e) {
      release();
      throw e;
    }
    const processID = (client as unknown as { processID: number }).processID;
    let aborted = false;
    let cancelling: Promise<void> | undefined;
    let broken: Error | undefined;
    const onAbort = () => {
      aborted = true;
      cancelling = this.#cancel(processID);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let finished = false;
    const finish = async () => {
      if (finished) return;
      finished = true;
      signal?.removeEventListener('abort', onAbort);
      await cancelling;
      try {
        if (!broken) await client.query('ROLLBACK');
      } catch (e) {
        broken = e as Error;
      }
      client.release(broken);
      release();
    };
    const fetch = async (): Promise<pg.QueryArrayResult> => {
      if (aborted) throw queryCancelled();
      try {
        return await client.query({ text: `FETCH FORWARD ${batch} FROM otc_q`, rowMode: 'array', queryMode: 'extended', query_timeout: timeoutMs + 5_000 } as pg.QueryArrayConfig);
      } catch (e) {
        throw this.#queryError(e, aborted, timeoutMs, sqlText, (err) => (broken = err));
      }
    };
    let first: pg.QueryArrayResult;
    try {
      const left = Math.floor(started + timeoutMs - performance.now());
      if (left < 1) throw queryTimeout(timeoutMs);
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${timeoutMs}`);
      if (aborted) throw queryCancelled();
      await client.query({ text: CURSOR_PREFIX + statementText(sqlText), queryMode: 'extended' } as pg.QueryConfig);
      first = await fetch();
    } catch (e) {
      const err = this.#queryError(e, aborted, timeoutMs, sqlText, (x) => (broken = x));
      await finish();
      throw err;
    }
    let pending: unknown[][] | undefined = (first.rows as unknown[][]).map((r) => r.map(plainValue));
    const done = { value: pending.length < batch };
    return rowStreamOf(
      {
        columns: first.fields.map((f) => f.name),
        next: async () => {
          if (pending) {
            const rows = pending;
            pending = undefined;
            return rows;
          }
          if (done.value || finished) return [];
          const r = await fetch();
          if (r.rows.length < batch) done.value = true;
          return (r.rows as unknown[][]).map((row) => row.map(plainValue));
        },
        close: finish,
      },
      maxRows,
    );
  }

  #queryError(e: unknown, aborted: boolean, timeoutMs: number, sqlText: string, markBroken: (e: Error) => void): OtcError {
    if (e instanceof OtcError) return e;
    const err = e as { code?: string; message?: string; position?: string };
    // Only a SELECT/VALUES can follow DECLARE … CURSOR FOR: a refusal at its first word means not a query.
    if (err.code === '42601' && Number(err.position) === firstTokenPosition(sqlText)) {
      return notReadOnly(`only a query (SELECT) can run; the database read: ${String(err.message)}`);
    }
    if (err.code === '0A000' && /data-modifying/i.test(String(err.message))) return notReadOnly('the query holds a data-modifying WITH clause');
    const msg = String(err.message ?? e);
    if (err.code === '57014') return aborted ? queryCancelled() : queryTimeout(timeoutMs);
    if (/query read timeout/i.test(msg)) {
      markBroken(e as Error);
      return queryTimeout(timeoutMs);
    }
    if (err.code === '25006') return notReadOnly(`the database refused a write in a read-only transaction (${msg})`);
    if (/multiple commands into a prepared statement/i.test(msg)) return notReadOnly('the text holds more than one statement');
    if (!err.code || NETWORK_CODES.has(err.code) || /Connection terminated/i.test(msg)) {
      markBroken(e as Error);
      if (aborted) return queryCancelled();
      return unreachable(this.#where(), msg, e);
    }
    return queryFailed(msg, e);
  }

  async introspect(): Promise<SchemaSnapshot> {
    const run = async (sqlText: string) => (await this.query(sqlText, { maxRows: 1_000_000 })).rows;
    const tables = await introspectPostgres(run, this.target.schema);
    return { dialect: 'postgres', source: this.description, capturedAt: new Date().toISOString(), tables: sortTables(tables) };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end().catch(() => undefined);
  }
}
