/**
 * The SQLite audit log's writer thread, seen from the main thread: requests go to the thread
 * (sqlite-writer-worker.ts) in order and are answered in order. The thread is started with the
 * log, unreferenced while idle (a CLI command ends without waiting for it), and started again on
 * the next request if it ever stops. With a checkpoint file (`lines`), the thread writes each
 * transaction's signed checkpoint line itself, right after the commit; an append that asked to
 * hear of the commit first (`early`) gets a 'committed' reply before the line and 'lined' after.
 */
import { Worker } from 'node:worker_threads';
import { OtcError } from '../shared/errors.js';
import { fromPlainError, toPlainError, type AppendResult, type AppendUnit, type LineOutcome, type PlainError } from './append.js';
import type { PrunedThrough } from './backend.js';
import { AuditErrorCode } from './errors.js';
import type { AuditKeys } from './signing.js';

/** The checkpoint file the writer thread appends each transaction's line to, and every how many records. */
export interface WriterLines {
  file: string;
  every: number;
}
export interface WriterWorkerData {
  path: string;
  keys?: AuditKeys;
  lines?: WriterLines;
}
export type WriterRequest = { type: 'append'; id: number; units: AppendUnit[]; early?: boolean } | { type: 'prune'; id: number; through: PrunedThrough } | { type: 'close' };
export type WriterReply =
  | { type: 'ready' }
  | { type: 'fatal'; error: PlainError }
  | { type: 'appended'; id: number; result: AppendResult; line?: LineOutcome }
  | { type: 'committed'; id: number; result: AppendResult }
  | { type: 'lined'; id: number; line: LineOutcome }
  | { type: 'pruned'; id: number; deleted: number }
  | { type: 'failed'; id: number; error: PlainError }
  | { type: 'closed' };

/** A transaction's result; with the thread writing lines, `line` settles once its checkpoint line is written (or not due, or failed). */
export type WrittenAppend = AppendResult & { line?: Promise<LineOutcome> };

export interface SqliteWriter {
  /** `early`: resolve at the commit, the line following in `line` (else once both are done). */
  appendUnits(units: AppendUnit[], early?: boolean): Promise<WrittenAppend>;
  prune(through: PrunedThrough): Promise<number>;
  close(): Promise<void>;
}

function spawnWriter(workerData: WriterWorkerData): Worker {
  if (import.meta.url.endsWith('.ts')) {
    // Running from the TypeScript sources (tsx, tests): the thread registers tsx itself.
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./sqlite-writer-worker.ts', import.meta.url).href;
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(boot, { eval: true, workerData });
  }
  return new Worker(new URL('./sqlite-writer-worker.js', import.meta.url), { workerData });
}

const stopped = (why: string) =>
  new OtcError(AuditErrorCode.Unreachable, `the audit log's writer thread stopped (${why}); the record was not confirmed as written`, { status: 503 });

interface Pending {
  resolve: (v: never) => void;
  reject: (e: unknown) => void;
  /** After a 'committed' reply: settles the line's outcome when 'lined' comes. */
  lined?: (o: LineOutcome) => void;
}

/** One thread, started at once: resolves when its write connection is open. */
async function startThread(data: WriterWorkerData, onGone: (e: Error) => void): Promise<{ worker: Worker; settle: Map<number, Pending> }> {
  const worker = spawnWriter(data);
  const settle = new Map<number, Pending>();
  await new Promise<void>((resolve, reject) => {
    let ready = false;
    const gone = (e: Error) => {
      for (const p of settle.values()) {
        p.reject(e);
        p.lined?.({ error: toPlainError(e) });
      }
      settle.clear();
      if (!ready) reject(e);
      else onGone(e);
    };
    worker.on('message', (m: WriterReply) => {
      if (m.type === 'ready') {
        ready = true;
        resolve();
      } else if (m.type === 'fatal') {
        reject(fromPlainError(m.error));
        void worker.terminate();
      } else if (m.type === 'committed') {
        // the line is still to come: the request stays pending until 'lined'
        const p = settle.get(m.id);
        if (!p) return;
        const line = new Promise<LineOutcome>((resolve) => (p.lined = resolve));
        p.resolve({ ...m.result, line } satisfies WrittenAppend as never);
      } else if (m.type !== 'closed') {
        const p = settle.get(m.id);
        settle.delete(m.id);
        if (!p) return;
        if (m.type === 'lined') p.lined?.(m.line);
        else if (m.type === 'failed') p.reject(fromPlainError(m.error));
        else if (m.type === 'appended') p.resolve({ ...m.result, ...(m.line ? { line: Promise.resolve(m.line) } : {}) } satisfies WrittenAppend as never);
        else p.resolve(m.deleted as never);
        if (!settle.size) worker.unref();
      }
    });
    worker.on('error', (e) => gone(stopped(e.message)));
    worker.on('exit', (code) => gone(stopped(`exit code ${code}`)));
  });
  worker.unref();
  return { worker, settle };
}

/**
 * The writer of the audit file at `path`. `eager`: the thread is started now (a failure to open
 * for writing is reported at once); else on the first write (readers such as `audit verify`
 * never start it).
 */
export async function startSqliteWriter(path: string, keys: AuditKeys | undefined, eager: boolean, lines?: WriterLines): Promise<SqliteWriter> {
  const data: WriterWorkerData = { path, ...(keys ? { keys } : {}), ...(keys && lines ? { lines } : {}) };
  let nextId = 1;
  let closed = false;
  let current: Promise<{ worker: Worker; settle: Map<number, Pending> }> | undefined;
  const forget = () => {
    current = undefined;
  };
  const thread = () => (current ??= startThread(data, forget).catch((e) => {
    current = undefined;
    throw e;
  }));
  if (eager) await thread();

  async function request<T>(make: (id: number) => WriterRequest): Promise<T> {
    if (closed) throw new OtcError(AuditErrorCode.Closed, 'the audit log is closed', { status: 500 });
    const t = await thread();
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      t.settle.set(id, { resolve: resolve as (v: never) => void, reject });
      t.worker.ref();
      t.worker.postMessage(make(id));
    });
  }

  return {
    appendUnits: (units, early) => request<WrittenAppend>((id) => ({ type: 'append', id, units, ...(early ? { early } : {}) })),
    prune: (through) => request<number>((id) => ({ type: 'prune', id, through })),
    async close() {
      if (closed) return;
      closed = true;
      const t = await current?.catch(() => undefined);
      if (!t) return;
      // requests already sent are answered first: the thread handles messages in order
      await new Promise<void>((resolve) => {
        t.worker.removeAllListeners('exit');
        t.worker.removeAllListeners('error');
        t.worker.once('exit', () => resolve());
        t.worker.ref();
        t.worker.postMessage({ type: 'close' } satisfies WriterRequest);
      });
    },
  };
}
