/**
 * Writer thread of a SQLite audit log: holds the write connection and runs each request (append
 * units, prune) as one transaction, one at a time, answering with plain data. Hashing, signing
 * and the commit's fsync happen here, off the server's event loop; so does the signed checkpoint
 * line of each transaction (written and fsync'ed after the commit, before the append is answered),
 * which took five rounds of a busy event loop from the main thread (issue 14 item 7).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lineDue, toPlainError, withoutBareRows, type LineOutcome } from './append.js';
import { CheckpointFileSync } from './signing.js';
import { openSqliteWriteConnection, type SqliteWriteConnection } from './sqlite-write.js';
import type { WriterReply, WriterRequest, WriterWorkerData } from './sqlite-writer.js';

const data = workerData as WriterWorkerData;
const port = parentPort!;
/** The checkpoint file, kept open between lines. */
const lineFile = data.lines ? new CheckpointFileSync(data.lines.file) : undefined;
process.once('exit', () => lineFile?.close()); // a thread that stops without 'close' leaves no descriptor open in the process

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
    lineFile?.close();
    port.postMessage({ type: 'closed' } satisfies WriterReply);
    port.close();
    return;
  }
  try {
    if (!conn) throw new Error('the audit writer is not open');
    if (m.type === 'append') {
      const full = conn.appendUnits(m.units);
      const lines = data.lines;
      const due = !!lines && lineDue(full, lines.every);
      const result = withoutBareRows(full, m.units); // no text sent back that nobody reads
      if (!lines) return port.postMessage({ type: 'appended', id: m.id, result } satisfies WriterReply);
      if (!due) return port.postMessage({ type: 'appended', id: m.id, result, line: { written: false } } satisfies WriterReply);
      if (m.early) port.postMessage({ type: 'committed', id: m.id, result } satisfies WriterReply);
      let line: LineOutcome;
      try {
        lineFile!.append([result.checkpoint!]);
        line = { written: true };
      } catch (e) {
        line = { error: toPlainError(e) }; // the records are committed: the log reports it (onError)
      }
      port.postMessage(m.early ? ({ type: 'lined', id: m.id, line } satisfies WriterReply) : ({ type: 'appended', id: m.id, result, line } satisfies WriterReply));
    } else port.postMessage({ type: 'pruned', id: m.id, deleted: conn.prune(m.through) } satisfies WriterReply);
  } catch (e) {
    port.postMessage({ type: 'failed', id: m.id, error: toPlainError(e) } satisfies WriterReply);
  }
});
