/**
 * Runs a slice of the trade history in a worker thread (the second core), writing a scratch
 * SQLite file that the main thread appends once its own slice is done. When the worker cannot
 * start (e.g. a test runner without a TypeScript loader for threads), the slice is generated in
 * the main thread instead: the data is the same either way.
 */
import { unlinkSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { GenerateOptions, PartitionResult, RemotePartition } from './generate.js';
import type { PartitionWorkerData, PartitionWorkerMessage } from './partition-worker.js';
import type { OpsTable } from './schema.js';

export function startPartitionWorker(
  opts: GenerateOptions,
  partition: number,
  path: string,
  onRows: (table: OpsTable, rows: number) => void,
  merge: (path: string, settlementIdBase: number) => void,
): RemotePartition | undefined {
  const workerData: PartitionWorkerData = { opts, partition, path };
  let worker: Worker;
  try {
    if (import.meta.url.endsWith('.ts')) {
      // Running from the TypeScript sources (tsx, tests): the thread registers tsx itself.
      const tsx = import.meta.resolve('tsx/esm/api');
      const entry = new URL('./partition-worker.ts', import.meta.url).href;
      const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
      worker = new Worker(boot, { eval: true, workerData });
    } else {
      worker = new Worker(new URL('./partition-worker.js', import.meta.url), { workerData });
    }
  } catch {
    return undefined;
  }
  let started = false;
  let settled = false;
  const result = new Promise<PartitionResult | undefined>((resolve, reject) => {
    worker.on('message', (m: PartitionWorkerMessage) => {
      started = true;
      if (settled) return;
      if (m.type === 'progress') {
        try {
          onRows(m.table as OpsTable, m.rows);
        } catch (e) {
          settled = true;
          reject(e);
          void worker.terminate();
        }
      } else if (m.type === 'done') {
        settled = true;
        resolve(m.result);
      } else {
        settled = true;
        reject(new Error(m.message));
      }
    });
    worker.on('error', (e) => {
      if (settled) return;
      settled = true;
      // Never started (no loader for the worker file): the caller builds the slice itself.
      if (!started) resolve(undefined);
      else reject(e);
    });
    worker.on('exit', (code) => {
      if (settled) return;
      settled = true;
      if (!started) resolve(undefined);
      else reject(new Error(`demo worker stopped (exit code ${code})`));
    });
  });
  const removeScratch = (): void => {
    try {
      unlinkSync(path);
    } catch {
      /* not there */
    }
  };
  const outcome = result.then((r) => {
    if (r === undefined) removeScratch();
    return r;
  });
  // Awaited only once the main thread's own slice is done: never an unhandled rejection meanwhile.
  outcome.catch(() => undefined);
  return {
    result: outcome,
    merge: (base) => merge(path, base),
    async cancel() {
      await worker.terminate();
      removeScratch();
    },
  };
}
