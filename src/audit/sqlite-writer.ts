/**
 * The SQLite audit log's writer thread, seen from the main thread: requests go to the thread
 * (sqlite-writer-worker.ts) in order and are answered in order. The thread is started with the
 * log, unreferenced while idle (a CLI command ends without waiting for it), and started again on
 * the next request if it ever stops.
 */
import { Worker } from 'node:worker_threads';
import { OtcError } from '../shared/errors.js';
import { fromPlainError, type AppendResult, type AppendUnit, type PlainError } from './append.js';
import type { PrunedThrough } from './backend.js';
import { AuditErrorCode } from './errors.js';
import type { AuditKeys } from './signing.js';

export interface WriterWorkerData {
  path: string;
  keys?: AuditKeys;
}
export type WriterRequest = { type: 'append'; id: number; units: AppendUnit[] } | { type: 'prune'; id: number; through: PrunedThrough } | { type: 'close' };
export type WriterReply =
  | { type: 'ready' }
  | { type: 'fatal'; error: PlainError }
  | { type: 'appended'; id: number; result: AppendResult }
  | { type: 'pruned'; id: number; deleted: number }
  | { type: 'failed'; id: number; error: PlainError }
  | { type: 'closed' };

export interface SqliteWriter {
  appendUnits(units: AppendUnit[]): Promise<AppendResult>;
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
}

/** One thread, started at once: resolves when its write connection is open. */
async function startThread(data: WriterWorkerData, onGone: (e: Error) => void): Promise<{ worker: Worker; settle: Map<number, Pending> }> {
  const worker = spawnWriter(data);
  const settle = new Map<number, Pending>();
  await new Promise<void>((resolve, reject) => {
    let ready = false;
    const gone = (e: Error) => {
      for (const p of settle.values()) p.reject(e);
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
      } else if (m.type !== 'closed') {
        const p = settle.get(m.id);
        settle.delete(m.id);
        if (!p) return;
        if (m.type === 'failed') p.reject(fromPlainError(m.error));
        else p.resolve((m.type === 'appended' ? m.result : m.deleted) as never);
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
export async function startSqliteWriter(path: string, keys: AuditKeys | undefined, eager: boolean): Promise<SqliteWriter> {
  const data: WriterWorkerData = { path, ...(keys ? { keys } : {}) };
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
    appendUnits: (units) => request<AppendResult>((id) => ({ type: 'append', id, units })),
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
