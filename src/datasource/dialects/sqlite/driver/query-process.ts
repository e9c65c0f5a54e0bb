import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { isOtcError } from '../../../../shared/errors.js';
import { QueryAdmission } from '../../../admission.js';
import { DatasourceErrorCode, queryCancelled, queryFailed, queryTimeout, notReadOnly } from '../../../errors.js';
import type { BatchSource } from '../../../row-stream.js';
import type { Workload } from '../../../types.js';
import { SQLITE_CHILD_SOURCE } from './child-source.js';

const requireHere = createRequire(import.meta.url);

interface Reply {
  id?: number;
  ready?: boolean;
  fatal?: { message: string; code?: string };
  columns?: string[];
  rows?: unknown[][];
  /** The rows as one JSON text (when every value is text, a finite number or NULL). */
  json?: string;
  error?: { kind: 'notReadOnly' | 'sql'; message: string; code?: string };
}

/**
 * One query process per SQLite datasource, started on first use. Queries run one at a time;
 * a query past its deadline (or aborted) gets the process killed, and the next query starts
 * a fresh one.
 */
export class SqliteQueryProcess {
  #child?: ChildProcess;
  #ready?: Promise<ChildProcess>;
  #queue: Promise<unknown> = Promise.resolve();
  #nextId = 1;
  #closed = false;
  #pending = 0;

  constructor(private readonly file: string) {}

  /** Queries waiting or running in this process. */
  get pending(): number {
    return this.#pending;
  }

  run(sql: string, maxRows: number, timeoutMs: number, signal?: AbortSignal): Promise<{ columns: string[]; rows: unknown[][] }> {
    this.#pending++;
    const task = this.#queue.then(() => this.#runNow(sql, maxRows, timeoutMs, signal)).finally(() => this.#pending--);
    this.#queue = task.catch(() => undefined);
    return task;
  }

  /**
   * Opens a stream on this process: it holds the process (queries queue behind it) until the
   * stream is closed. Each batch is one round trip under `timeoutMs`; past it, or on abort, the
   * process is killed (the statement with it) and the next query starts a fresh one.
   */
  stream(sql: string, batch: number, timeoutMs: number, signal?: AbortSignal): Promise<BatchSource> {
    this.#pending++;
    let ended = false;
    let released!: () => void;
    const held = new Promise<void>((r) => (released = r));
    const end = () => {
      if (ended) return;
      ended = true;
      this.#pending--;
      released();
    };
    const opened = this.#queue.then(() => this.#openStream(sql, batch, timeoutMs, signal, end));
    opened.catch(end);
    this.#queue = held;
    return opened;
  }

  async #openStream(sql: string, batch: number, timeoutMs: number, signal: AbortSignal | undefined, end: () => void): Promise<BatchSource> {
    if (this.#closed) throw queryFailed('the datasource is closed');
    if (signal?.aborted) throw queryCancelled();
    const child = await this.#start();
    const id = this.#nextId++;
    const head = await this.#roundTrip(child, { id, sql, stream: batch }, timeoutMs, signal);
    let finished = false;
    return {
      columns: head.columns ?? [],
      next: async () => {
        if (finished) return [];
        const r = await this.#roundTrip(child, { id, more: true }, timeoutMs, signal);
        const rows = r.rows ?? [];
        if (rows.length < batch) finished = true;
        return rows;
      },
      close: async () => {
        // the child stops the iterator before it reads the next query (messages arrive in order)
        if (!finished && child.connected && this.#child === child) child.send({ id, stop: true });
        finished = true;
        end();
      },
    };
  }

  /** One message to the child and its reply (a query's rows, a stream's head or next batch), under a timeout and the abort signal (both kill the process). */
  #roundTrip(child: ChildProcess, msg: Record<string, unknown> & { id: number }, timeoutMs: number, signal?: AbortSignal): Promise<Reply & { rows?: unknown[][] }> {
    if (signal?.aborted) return Promise.reject(queryCancelled());
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        child.off('message', onMsg);
        child.off('exit', onExit);
        fn();
      };
      const onMsg = (m: Reply) => {
        if (m.id !== msg.id) return;
        finish(() => {
          if (m.error?.kind === 'notReadOnly') reject(notReadOnly(m.error.message));
          else if (m.error) reject(queryFailed(m.error.message, { code: m.error.code, message: m.error.message }));
          else if (typeof m.json !== 'string') resolve(m);
          else {
            try {
              resolve({ ...m, rows: JSON.parse(m.json) as unknown[][] });
            } catch (e) {
              reject(queryFailed(`the SQLite query process sent rows that cannot be read: ${(e as Error).message}`, e));
            }
          }
        });
      };
      const onExit = (code: number | null, sig: string | null) => finish(() => reject(queryFailed(`the SQLite query process stopped (${sig ?? `exit ${code}`})`)));
      const onAbort = () =>
        finish(() => {
          this.#kill();
          reject(queryCancelled());
        });
      const timer = setTimeout(
        () =>
          finish(() => {
            this.#kill();
            reject(queryTimeout(timeoutMs));
          }),
        timeoutMs,
      );
      child.on('message', onMsg);
      child.once('exit', onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (!child.connected) finish(() => reject(queryFailed('the SQLite query process stopped')));
      else child.send(msg);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#kill();
  }

  #start(): Promise<ChildProcess> {
    if (this.#ready) return this.#ready;
    const child = spawn(process.execPath, ['-e', SQLITE_CHILD_SOURCE], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      env: { OTC_BETTER_SQLITE3: requireHere.resolve('better-sqlite3'), OTC_SQLITE_FILE: this.file, PATH: process.env.PATH ?? '' },
    });
    this.#child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    this.#ready = new Promise<ChildProcess>((resolve, reject) => {
      const onMsg = (m: Reply) => {
        if (m.ready) {
          child.off('exit', onExit);
          resolve(child);
        } else if (m.fatal) reject(queryFailed(`cannot open the SQLite file: ${m.fatal.message}`));
        child.off('message', onMsg);
      };
      const onExit = (code: number | null) => reject(queryFailed(`the SQLite query process stopped at start (exit ${code}) ${stderr.trim()}`));
      child.on('message', onMsg);
      child.once('exit', onExit);
      child.once('error', (e) => reject(queryFailed(`cannot start the SQLite query process: ${e.message}`, e)));
    });
    child.once('exit', () => {
      if (this.#child === child) {
        this.#child = undefined;
        this.#ready = undefined;
      }
    });
    this.#ready.catch(() => this.#kill());
    return this.#ready;
  }

  #kill(): void {
    const c = this.#child;
    this.#child = undefined;
    this.#ready = undefined;
    if (c && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }

  async #runNow(sql: string, maxRows: number, timeoutMs: number, signal?: AbortSignal): Promise<{ columns: string[]; rows: unknown[][] }> {
    if (this.#closed) throw queryFailed('the datasource is closed');
    if (signal?.aborted) throw queryCancelled();
    const child = await this.#start();
    const r = await this.#roundTrip(child, { id: this.#nextId++, sql, maxRows }, timeoutMs, signal);
    return { columns: r.columns ?? [], rows: r.rows ?? [] };
  }
}

/**
 * A few query processes (default 2, one per core here). Queries wait in one line for a free
 * process (QueryAdmission: the wait counts against the query's timeout, and model-written SQL
 * may hold all processes but one), then run on an idle process with what is left of the
 * timeout; so one slow query does not hold up a dashboard's other widgets, and two slow
 * model-written questions do not hold up everyone else's.
 */
export class SqliteQueryPool {
  #procs: SqliteQueryProcess[];
  #admission: QueryAdmission;

  constructor(file: string, size = 2) {
    this.#procs = Array.from({ length: Math.max(1, size) }, () => new SqliteQueryProcess(file));
    this.#admission = new QueryAdmission(this.#procs.length);
  }

  async run(sql: string, maxRows: number, timeoutMs: number, signal?: AbortSignal, workload: Workload = 'compiled'): Promise<{ columns: string[]; rows: unknown[][] }> {
    const deadline = performance.now() + timeoutMs;
    const release = await this.#admission.acquire(workload, timeoutMs, timeoutMs, signal);
    try {
      const { proc, left } = this.#idle(deadline, timeoutMs);
      return await proc.run(sql, maxRows, left, signal);
    } catch (e) {
      // reported with the query's whole timeout, which the wait was part of
      if (isOtcError(e) && e.code === DatasourceErrorCode.Timeout) throw queryTimeout(timeoutMs);
      throw e;
    } finally {
      release();
    }
  }

  /** A stream on an idle process, admitted like run(); the slot is held until the stream is closed. */
  async stream(sql: string, batch: number, timeoutMs: number, signal?: AbortSignal, workload: Workload = 'compiled'): Promise<BatchSource> {
    const deadline = performance.now() + timeoutMs;
    const release = await this.#admission.acquire(workload, timeoutMs, timeoutMs, signal);
    try {
      const { proc, left } = this.#idle(deadline, timeoutMs);
      const source = await proc.stream(sql, batch, left, signal);
      let released = false;
      return {
        columns: source.columns,
        next: () => source.next(),
        close: async () => {
          await source.close();
          if (!released) {
            released = true;
            release();
          }
        },
      };
    } catch (e) {
      release();
      if (isOtcError(e) && e.code === DatasourceErrorCode.Timeout) throw queryTimeout(timeoutMs);
      throw e;
    }
  }

  /** An idle process for an admitted query (there always is one: slots and processes are as many), and what is left of its timeout. */
  #idle(deadline: number, timeoutMs: number): { proc: SqliteQueryProcess; left: number } {
    const proc = this.#procs.find((p) => p.pending === 0) ?? this.#procs.reduce((a, b) => (b.pending < a.pending ? b : a));
    const left = Math.floor(deadline - performance.now());
    if (left < 1) throw queryTimeout(timeoutMs);
    return { proc, left };
  }

  async close(): Promise<void> {
    await Promise.all(this.#procs.map((p) => p.close()));
  }
}
