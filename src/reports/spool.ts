/**
 * A question's rows kept on disk between the database and the renderers: a report run reads
 * each question's rows from the database once (one statement, one consistent result, one audit
 * record), writes them here as they stream in, and every format (CSV, XLSX, PDF) reads them back
 * from here. Each row is one length-prefixed record of Node's structured serialisation (v8), so
 * every value the drivers return (text, numbers, big integers, bytes, dates, null) comes back as
 * it was. Writing waits for the file (backpressure) and reading holds one chunk: memory does not
 * grow with the rows.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';

export interface Spool {
  readonly path: string;
  readonly rows: number;
  /** The rows in the order they were written; may be read any number of times. */
  read(): AsyncIterable<unknown[]>;
  remove(): void;
}

/** Writes every row of `source` to `path` and returns the spool to read them back. */
export async function spoolRows(source: AsyncIterable<unknown[]>, path: string): Promise<Spool> {
  const out = createWriteStream(path);
  let rows = 0;
  try {
    for await (const row of source) {
      const body = serialize(row);
      const head = Buffer.allocUnsafe(4);
      head.writeUInt32LE(body.length, 0);
      rows++;
      const a = out.write(head);
      if (!out.write(body) || !a) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  } catch (e) {
    out.destroy();
    rmSync(path, { force: true });
    throw e;
  }
  return {
    path,
    rows,
    read: () => readSpool(path),
    remove: () => rmSync(path, { force: true }),
  };
}

async function* readSpool(path: string): AsyncGenerator<unknown[]> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let at = 0;
    while (pending.length - at >= 4) {
      const len = pending.readUInt32LE(at);
      if (pending.length - at - 4 < len) break;
      yield deserialize(pending.subarray(at + 4, at + 4 + len)) as unknown[];
      at += 4 + len;
    }
    pending = pending.subarray(at);
  }
  if (pending.length > 0) throw new Error(`the row spool ${path} ends inside a row`);
}
