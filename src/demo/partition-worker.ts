/**
 * Worker thread: builds one slice of the trade history (trades, confirmations, settlements) into
 * its own scratch SQLite file, which the main thread then appends to the demo database. Progress
 * and the slice's leftovers (netting sums, exceptions) go back as messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { generatePartition, planDemo, type GenerateOptions } from './generate.js';
import { openScratchSqlite } from './sqlite-target.js';

export interface PartitionWorkerData {
  opts: GenerateOptions;
  partition: number;
  path: string;
}

export type PartitionWorkerMessage =
  | { type: 'progress'; table: string; rows: number }
  | { type: 'done'; result: Awaited<ReturnType<typeof generatePartition>> }
  | { type: 'error'; message: string };

const data = workerData as PartitionWorkerData;
const port = parentPort!;

try {
  const scratch = openScratchSqlite(data.path);
  try {
    const result = await generatePartition(data.opts, planDemo(data.opts), data.partition, {
      write(table, rows) {
        scratch.write(table, rows);
        port.postMessage({ type: 'progress', table, rows: rows.length } satisfies PartitionWorkerMessage);
      },
    }, 0);
    scratch.close();
    port.postMessage({ type: 'done', result } satisfies PartitionWorkerMessage);
  } catch (e) {
    scratch.close();
    throw e;
  }
} catch (e) {
  port.postMessage({ type: 'error', message: (e as Error).message ?? String(e) } satisfies PartitionWorkerMessage);
}
