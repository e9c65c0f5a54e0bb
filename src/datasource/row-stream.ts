/**
 * One RowStream over any dialect's batches: each dialect says how to fetch the next batch of
 * rows (an empty batch: no more) and how to stop; this file hands the rows out one at a time,
 * fetches a batch only when the consumer has taken the previous one (backpressure), stops at
 * maxRows (telling whether the database had more), and always stops the statement once, at the
 * end, on an error, or when the consumer leaves early.
 */
import type { RowStream } from './types.js';

export interface BatchSource {
  readonly columns: string[];
  /** The next rows (at most a batch); an empty array when there are no more. */
  next(): Promise<unknown[][]>;
  /** Stops the statement and frees its connection; called exactly once. */
  close(): Promise<void>;
}

/** Default rows per round trip: small enough to keep memory flat, large enough to amortise the round trip. */
export const DEFAULT_BATCH_ROWS = 1000;

export function rowStreamOf(source: BatchSource, maxRows: number): RowStream {
  let rowCount = 0;
  let truncated = false;
  let closing: Promise<void> | undefined;
  let iterating = false;
  const close = () => {
    closing ??= source.close();
    return closing;
  };
  async function* rows(): AsyncGenerator<unknown[]> {
    if (iterating) throw new Error('a row stream can be read once');
    iterating = true;
    try {
      for (;;) {
        if (closing) return;
        const batch = await source.next();
        if (batch.length === 0) return;
        for (let i = 0; i < batch.length; i++) {
          if (rowCount === maxRows) {
            truncated = true;
            return;
          }
          rowCount++;
          yield batch[i]!;
        }
        if (rowCount === maxRows) {
          // one more fetch tells whether the database had more rows than the cap
          if (!closing && (await source.next()).length > 0) truncated = true;
          return;
        }
      }
    } finally {
      await close();
    }
  }
  return {
    columns: source.columns,
    get rowCount() {
      return rowCount;
    },
    get truncated() {
      return truncated;
    },
    close,
    [Symbol.asyncIterator]: () => rows(),
  };
}
