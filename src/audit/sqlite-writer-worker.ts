/**
 * Writer thread of a SQLite audit log: holds the write connection and runs each request (append
 * units, prune) as one transaction, one at a time, answering with plain data. Hashing, signing
 * and the commit's fsync happen here, off the server's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toPlainError } from './append.js';
import { openSqliteWriteConnection, type SqliteWriteConnection } from './sqlite-write.js';
import type { WriterReply, WriterRequest, WriterWorkerData } from './sqlite-writer.js';

const data = workerData as WriterWorkerData;
const port = parentPort!;

let conn: SqliteWriteConnection | undefined;
try {
  conn = openSqliteWriteConnection(data.path, data.keys);
  port.postMessage({ type: 'ready' } satisfies WriterReply);
} catch (e) {
  port.postMessage({ type: 'fatal', error: toPlainError(e) } satisfies WriterReply);
}

port.on('message', (m: WriterRequest) => {
  if (m.type === 'close') {
    conn?.close();
    conn = undefined;
    port.postMessage({ type: 'closed' } satisfies WriterReply);
    port.close();
    return;
  }
  try {
    if (!conn) throw new Error('the audit writer is not open');
    if (m.type === 'append') port.postMessage({ type: 'appended', id: m.id, result: conn.appendUnits(m.units) } satisfies WriterReply);
    else port.postMessage({ type: 'pruned', id: m.id, deleted: conn.prune(m.through) } satisfies WriterReply);
  } catch (e) {
    port.postMessage({ type: 'failed', id: m.id, error: toPlainError(e) } satisfies WriterReply);
  }
});
