/**
 * A question's rows kept on disk between the database and the renderers: a report run reads
 * each question's rows from the database once (one statement, one consistent result, one audit
 * record), writes them here as they stream in, and every format (CSV, XLSX, PDF) reads them back
 * from here. Rows go in blocks of up to BLOCK_ROWS, each one length-prefixed record of Node's
 * structured serialisation (v8), so every value the drivers return (text, numbers, big integers,
 * bytes, dates, null) comes back as it was, with one buffer per block rather than per row.
 * Writing waits for the file (backpressure) and reading holds one block: memory does not grow
 * with the rows.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';

/** Rows per serialised block. */
const BLOCK_ROWS = 500;

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
  let failure: Error | undefined;
  out.on('error', (e) => (failure ??= e));
  await once(out, 'open');
  let rows = 0;
  let block: unknown[][] = [];
  const flush = async () => {
    const body = serialize(block);
    block = [];
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32LE(body.length, 0);
    if (failure) throw failure;
    const a = out.write(head);
    if (!out.write(body) || !a) await once(out, 'drain');
  };
  try {
    for await (const row of source) {
      rows++;
      block.push(row);
      if (block.length === BLOCK_ROWS) await flush();
    }
    if (block.length) await flush();
    out.end();
    await once(out, 'finish');
  } catch (e) {
    const closed = once(out, 'close').catch(() => undefined);
    out.destroy();
    await closed;
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
      const block = deserialize(pending.subarray(at + 4, at + 4 + len)) as unknown[][];
      at += 4 + len;
      yield* block;
    }
    pending = pending.subarray(at);
  }
  if (pending.length > 0) throw new Error(`the row spool ${path} ends inside a row`);
}
